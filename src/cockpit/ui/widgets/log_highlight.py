"""Colouring for log lines: a colour per source/pod prefix (like stern), levels, terms, search."""

from __future__ import annotations

import re
import zlib

from rich.highlighter import Highlighter
from rich.text import Text

PREFIX_SEPARATOR = " │ "
PALETTE = (
    "cyan",
    "magenta",
    "green",
    "yellow",
    "bright_blue",
    "bright_magenta",
    "bright_cyan",
    "bright_green",
    "orange1",
    "orchid",
)
_LEVELS = re.compile(r"\b(FATAL|CRITICAL|ERROR|ERR|WARNING|WARN)\b", re.IGNORECASE)


def colour_for(name: str) -> str:
    """A stable colour for a source or pod name."""
    return PALETTE[zlib.crc32(name.encode()) % len(PALETTE)]


class LogHighlighter(Highlighter):
    """Highlights prefixes, level words, configured terms and the current search term."""

    def __init__(self) -> None:
        super().__init__()
        self.terms: re.Pattern[str] | None = None
        self.search: re.Pattern[str] | None = None
        self.error_style = "bold red"
        self.warn_style = "yellow"

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

    def highlight(self, text: Text) -> None:
        plain = text.plain
        cut = plain.find(PREFIX_SEPARATOR)
        if cut > 0:
            prefix = plain[:cut]
            name = prefix.rsplit(" ", 1)[-1].strip()
            text.stylize(colour_for(name), 0, cut)
        for m in _LEVELS.finditer(plain):
            word = m.group(1).upper()
            style = self.warn_style if word.startswith("WARN") else self.error_style
            text.stylize(style, m.start(), m.end())
        if self.terms is not None:
            for m in self.terms.finditer(plain):
                text.stylize("bold reverse", m.start(), m.end())
        if self.search is not None:
            for m in self.search.finditer(plain):
                text.stylize("black on yellow", m.start(), m.end())
