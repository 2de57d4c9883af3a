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

    def spans(self, plain: str) -> list[tuple[int, int, str]]:
        """``(start, end, style)`` for ``plain``, in layering order (later ones on top)."""
        out: list[tuple[int, int, str]] = []
        cut = plain.find(PREFIX_SEPARATOR)
        if cut > 0:
            name = plain[:cut].rsplit(" ", 1)[-1].strip()
            out.append((0, cut, colour_for(name)))
        for m in _LEVELS.finditer(plain):
            word = m.group(1).upper()
            style = self.warn_style if word.startswith("WARN") else self.error_style
            out.append((m.start(), m.end(), style))
        if self.terms is not None:
            out.extend((m.start(), m.end(), "bold reverse") for m in self.terms.finditer(plain))
        if self.search is not None:
            out.extend((m.start(), m.end(), "black on yellow") for m in self.search.finditer(plain))
        return out

    def highlight(self, text: Text) -> None:
        for start, end, style in self.spans(text.plain):
            text.stylize(style, start, end)
