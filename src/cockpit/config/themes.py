"""Theme files: the shipped ones (package ``cockpit.themes``) and the user's own.

Parsing lives here, outside the UI, so the UI only turns validated dictionaries into Textual themes.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import yaml

COLOUR_KEYS = (
    "primary",
    "secondary",
    "accent",
    "foreground",
    "background",
    "surface",
    "panel",
    "success",
    "warning",
    "error",
)
STATUS_VARIABLES = {
    "status-up": "#3FB950",
    "status-degraded": "#E3B341",
    "status-down": "#FF5F56",
    "status-unknown": "#B083F0",
    "status-stale": "#8B949E",
    "prod-banner": "#A40E26",
    "prod-banner-text": "#FFFFFF",
    "staging-banner": "#9E6A03",
}
"""Variables every cockpit stylesheet may use; a theme that omits one gets this default."""


@dataclass(frozen=True)
class ThemeSpec:
    """A parsed theme file."""

    name: str
    dark: bool
    colours: dict[str, str]
    variables: dict[str, str] = field(default_factory=dict)
    origin: str = ""


class ThemeFileError(ValueError):
    """A theme file that cannot be used; the message names the file."""


def user_theme_dir(environ: Mapping[str, str] | None = None) -> Path:
    """Where users drop their own ``*.yaml`` themes."""
    env = os.environ if environ is None else environ
    base = env.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "ops-cockpit" / "themes"


def parse_theme(text: str, origin: str) -> ThemeSpec:
    """Parse one theme file's text.

    Raises:
        ThemeFileError: when the file is not a mapping or misses required colours.
    """
    try:
        # The C parser when present: themes are read before the first frame.
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        data = yaml.load(text, Loader=loader)
    except yaml.YAMLError as exc:
        raise ThemeFileError(f"{origin}: not valid YAML: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("name"), str):
        raise ThemeFileError(f"{origin}: a theme is a mapping with at least `name` and `primary`")
    unknown = set(data) - {"name", "dark", "variables", *COLOUR_KEYS}
    if unknown:
        raise ThemeFileError(
            f"{origin}: unknown keys {', '.join(sorted(unknown))}; "
            f"allowed: name, dark, variables, {', '.join(COLOUR_KEYS)}"
        )
    if not isinstance(data.get("primary"), str):
        raise ThemeFileError(f'{origin}: `primary` colour is required, e.g. primary: "#4C9AFF"')
    variables = data.get("variables") or {}
    if not isinstance(variables, dict):
        raise ThemeFileError(f"{origin}: `variables` must be a mapping of name: colour")
    colours = {k: str(data[k]) for k in COLOUR_KEYS if data.get(k) is not None}
    merged = {**STATUS_VARIABLES, **{str(k): str(v) for k, v in variables.items()}}
    return ThemeSpec(
        name=data["name"],
        dark=bool(data.get("dark", True)),
        colours=colours,
        variables=merged,
        origin=origin,
    )


def load_themes(environ: Mapping[str, str] | None = None) -> tuple[list[ThemeSpec], list[str]]:
    """Load shipped themes then the user's; return the themes and one message per bad file."""
    specs: list[ThemeSpec] = []
    problems: list[str] = []
    shipped = resources.files("cockpit.themes")
    for entry in sorted(shipped.iterdir(), key=lambda p: p.name):
        if entry.name.endswith(".yaml"):
            specs.append(parse_theme(entry.read_text(encoding="utf-8"), f"themes/{entry.name}"))
    user_dir = user_theme_dir(environ)
    if user_dir.is_dir():
        for path in sorted(user_dir.glob("*.yaml")):
            try:
                specs.append(parse_theme(path.read_text(encoding="utf-8"), str(path)))
            except (OSError, ThemeFileError) as exc:
                problems.append(str(exc))
    return specs, problems
