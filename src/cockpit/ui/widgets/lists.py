"""Lists and tables that also move the way less, vim and k9s do: j/k, g/G, ctrl+d/u.

Textual's own keys (arrows, PgUp/PgDn, Home/End) keep working; these are added beside them.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, OptionList

_MOVES: list[BindingType] = [
    Binding("j", "cursor_down", "Down", show=False),
    Binding("k", "cursor_up", "Up", show=False),
    Binding("ctrl+d", "page_down", "Page down", show=False),
    Binding("ctrl+u", "page_up", "Page up", show=False),
]


class Table(DataTable[str | Text]):
    """A :class:`DataTable` with j/k, g/G and ctrl+d/u."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *_MOVES,
        Binding("g", "scroll_top", "Top", show=False),
        Binding("G", "scroll_bottom", "Bottom", show=False),
    ]


class Choices(OptionList):
    """An :class:`OptionList` with j/k, g/G and ctrl+d/u."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *_MOVES,
        Binding("g", "first", "First", show=False),
        Binding("G", "last", "Last", show=False),
    ]
