"""Turn parsed theme files into Textual themes and register them on the app."""

from __future__ import annotations

from typing import Any

from textual.app import App
from textual.color import Color, ColorParseError
from textual.theme import Theme

from cockpit.config.themes import STATUS_VARIABLES, ThemeSpec, load_themes


def to_textual(spec: ThemeSpec) -> Theme:
    """Build a Textual theme from a parsed theme file."""
    c = spec.colours
    return Theme(
        name=spec.name,
        primary=c["primary"],
        secondary=c.get("secondary"),
        accent=c.get("accent"),
        foreground=c.get("foreground"),
        background=c.get("background"),
        surface=c.get("surface"),
        panel=c.get("panel"),
        success=c.get("success"),
        warning=c.get("warning"),
        error=c.get("error"),
        dark=spec.dark,
        variables=dict(spec.variables),
    )


def colour_problem(spec: ThemeSpec) -> str | None:
    """The first value of ``spec`` that is not a colour, as ``FILE:LINE: ...``; None if all are.

    Textual would only find out when the theme is applied, and then the stylesheet fails and
    the app ends: a theme is checked before it is offered.
    """
    values = [(key, key, value) for key, value in spec.colours.items()]
    values += [
        (name, f"variables.{name}", value)
        for name, value in spec.variables.items()
        # Text styles ("bold") are the only variables that are not colours.
        if not name.endswith("-style")
    ]
    for name, key, value in values:
        try:
            Color.parse(value)
        except ColorParseError:
            return (
                f"{spec.where(key)}: `{name}: {value}` is not a colour; "
                f'write e.g. "#FF5F56", "rgb(255, 95, 86)" or a name such as "red"'
            )
    return None


def register_themes(app: App[Any]) -> tuple[list[str], list[str]]:
    """Register shipped and user themes whose colours all parse.

    Returns:
        The registered theme names (in file order) and one message per theme skipped.
    """
    specs, problems = load_themes()
    names: list[str] = []
    for spec in specs:
        problem = colour_problem(spec)
        if problem is not None:
            problems.append(f"{problem} (theme {spec.name!r} skipped)")
            continue
        app.register_theme(to_textual(spec))
        if spec.name not in names:
            names.append(spec.name)
    return names, problems


def variable_defaults() -> dict[str, str]:
    """What any theme lacks of the cockpit's own variables (Textual's built-in ones included)."""
    return dict(STATUS_VARIABLES)
