"""Theme files: the shipped ones (package ``cockpit.themes``) and the user's own.

Parsing lives here, outside the UI, so the UI only turns validated dictionaries into Textual themes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources

import yaml

from cockpit.domain.paths import user_theme_dir

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
    "staging-banner-text": "#FFFFFF",
    # One colour per log source or pod (like stern), in hues no status uses (cyan, blue, pink,
    # magenta): a source is never mistaken for an ERROR, an UP or a warning.
    "log-source-1": "#46F5E3",
    "log-source-2": "#F546A3",
    "log-source-3": "#E946F5",
    "log-source-4": "#46A9F5",
    "log-source-5": "#F2A5D3",
    "log-source-6": "#88DEF8",
    "log-source-7": "#5A94F7",
    "log-source-8": "#B5AFE8",
    "log-source-9": "#F772E5",
    "log-source-10": "#D368AF",
    "log-search": "#FFD33D",
}
"""Variables every cockpit stylesheet may use; a theme that omits one gets this default."""
LOG_SOURCE_COLOURS = 10
"""How many ``log-source-N`` variables a theme has."""


@dataclass(frozen=True)
class ThemeSpec:
    """A parsed theme file.

    Attributes:
        lines: 1-based line of each value in the file (``primary``, ``variables.status-up``),
            so a value found wrong later (a colour the UI cannot parse) is reported at its line.
    """

    name: str
    dark: bool
    colours: dict[str, str]
    variables: dict[str, str] = field(default_factory=dict)
    origin: str = ""
    lines: dict[str, int] = field(default_factory=dict)

    def where(self, key: str) -> str:
        """``FILE:LINE`` of a key (just ``FILE`` when the key came from the defaults)."""
        line = self.lines.get(key)
        return f"{self.origin}:{line}" if line else self.origin


class ThemeFileError(ValueError):
    """A theme file that cannot be used; the message names the file and line."""


def _key_lines(root: yaml.Node) -> dict[str, int]:
    """Line of each top-level key's value and of each ``variables`` entry."""
    lines: dict[str, int] = {}
    if not isinstance(root, yaml.MappingNode):
        return lines
    for key, value in root.value:
        name = str(key.value)
        lines[name] = key.start_mark.line + 1
        if name == "variables" and isinstance(value, yaml.MappingNode):
            for sub_key, _ in value.value:
                lines[f"variables.{sub_key.value}"] = sub_key.start_mark.line + 1
    return lines


def parse_theme(text: str, origin: str) -> ThemeSpec:
    """Parse one theme file's text.

    Raises:
        ThemeFileError: when the file is not a mapping, has unknown keys or misses ``primary``;
            the message starts with ``FILE:LINE`` and says what to write instead.
    """
    # The C parser when present: themes are read before the first frame.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        root = yaml.compose(text, Loader=loader)
        data = yaml.load(text, Loader=loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f"{origin}:{mark.line + 1}" if mark is not None else origin
        raise ThemeFileError(f"{at}: not valid YAML: {getattr(exc, 'problem', exc)}") from None
    lines = _key_lines(root) if root is not None else {}
    if not isinstance(data, dict) or not isinstance(data.get("name"), str):
        raise ThemeFileError(
            f"{origin}:1: a theme is a mapping with at least `name` and `primary`, e.g.\n"
            f'  name: my-theme\n  primary: "#4C9AFF"'
        )
    allowed = {"name", "dark", "variables", *COLOUR_KEYS}
    for key in data:
        if key not in allowed:
            raise ThemeFileError(
                f"{origin}:{lines.get(str(key), 1)}: unknown key `{key}`; "
                f"allowed: name, dark, variables, {', '.join(COLOUR_KEYS)}"
            )
    if not isinstance(data.get("primary"), str):
        raise ThemeFileError(
            f"{origin}:{lines.get('primary', 1)}: `primary` colour is required, "
            f'e.g. primary: "#4C9AFF"'
        )
    variables = data.get("variables") or {}
    if not isinstance(variables, dict):
        raise ThemeFileError(
            f"{origin}:{lines.get('variables', 1)}: `variables` must be a mapping of name: colour"
        )
    colours = {k: str(data[k]) for k in COLOUR_KEYS if data.get(k) is not None}
    merged = {**STATUS_VARIABLES, **{str(k): str(v) for k, v in variables.items()}}
    return ThemeSpec(
        name=data["name"],
        dark=bool(data.get("dark", True)),
        colours=colours,
        variables=merged,
        origin=origin,
        lines=lines,
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
