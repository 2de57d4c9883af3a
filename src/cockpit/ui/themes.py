"""Turn parsed theme files into Textual themes and register them on the app."""

from __future__ import annotations

from typing import Any

from textual.app import App
from textual.theme import Theme

from cockpit.config.themes import ThemeSpec, load_themes


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


def register_themes(app: App[Any]) -> list[str]:
    """Register shipped and user themes; return a message per theme file that was skipped."""
    specs, problems = load_themes()
    for spec in specs:
        app.register_theme(to_textual(spec))
    return problems
