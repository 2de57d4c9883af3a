"""Colouring for log lines: a colour per source/pod prefix (like stern), levels, terms, search."""

from __future__ import annotations

import re
import zlib
from collections.abc import Mapping

from rich.highlighter import Highlighter
from rich.text import Text
from textual.color import Color, ColorParseError

from cockpit.config.themes import LOG_SOURCE_COLOURS, STATUS_VARIABLES
from cockpit.feeds.log_format import PREFIX_SEPARATOR

_LEVELS = re.compile(r"\b(FATAL|CRITICAL|ERROR|ERR|WARNING|WARN)\b", re.IGNORECASE)


def theme_colour(variables: Mapping[str, str], name: str) -> str:
    """A theme variable as a colour Rich can parse (themes may use Textual-only forms)."""
    value = variables.get(name) or STATUS_VARIABLES[name]
    try:
        return Color.parse(value).hex
    except ColorParseError:
        return Color.parse(STATUS_VARIABLES[name]).hex


def colour_for(name: str, variables: Mapping[str, str] = STATUS_VARIABLES) -> str:
    """A stable colour for a source or pod name, from the theme's ``log-source-N`` colours."""
    return theme_colour(
        variables, f"log-source-{zlib.crc32(name.encode()) % LOG_SOURCE_COLOURS + 1}"
    )


class LogHighlighter(Highlighter):
    """Highlights prefixes, level words, configured terms and the current search term."""

    def __init__(self) -> None:
        super().__init__()
        self.terms: re.Pattern[str] | None = None
        self.search: re.Pattern[str] | None = None
        self.variables: Mapping[str, str] = STATUS_VARIABLES
        self.error_style = ""
        self.warn_style = ""
        self.search_style = ""
        self.set_variables(STATUS_VARIABLES)

    def set_variables(self, variables: Mapping[str, str]) -> None:
        """Take colours from a theme's variables (the app's ``get_css_variables()``)."""
        self.variables = variables
        self.error_style = f"bold {theme_colour(variables, 'status-down')}"
        self.warn_style = theme_colour(variables, "status-degraded")
        self.search_style = f"#000000 on {theme_colour(variables, 'log-search')}"

    def set_terms(self, terms: list[str]) -> None:
        """Words to always highlight (config `highlight:`), matched literally."""
        words = sorted({t for t in terms if t}, key=len, reverse=True)
        self.terms = re.compile("|".join(re.escape(w) for w in words)) if words else None

    def set_search(self, term: str | None) -> None:
        """The search term (literal, smart case), or None."""
        if not term:
            self.search = None
            return
        flags = 0 if any(c.isupper() for c in term) else re.IGNORECASE
        self.search = re.compile(re.escape(term), flags)

    def spans(self, plain: str) -> list[tuple[int, int, str]]:
        """``(start, end, style)`` for ``plain``, in layering order (later ones on top)."""
        out: list[tuple[int, int, str]] = []
        cut = plain.find(PREFIX_SEPARATOR)
        if cut > 0:
            name = plain[:cut].rsplit(" ", 1)[-1].strip()
            out.append((0, cut, colour_for(name, self.variables)))
        for m in _LEVELS.finditer(plain):
            word = m.group(1).upper()
            style = self.warn_style if word.startswith("WARN") else self.error_style
            out.append((m.start(), m.end(), style))
        if self.terms is not None:
            out.extend((m.start(), m.end(), "bold reverse") for m in self.terms.finditer(plain))
        if self.search is not None:
            out.extend((m.start(), m.end(), self.search_style) for m in self.search.finditer(plain))
        return out

    def highlight(self, text: Text) -> None:
        for start, end, style in self.spans(text.plain):
            text.stylize(style, start, end)
