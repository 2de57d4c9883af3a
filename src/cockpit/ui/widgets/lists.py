"""Lists and tables that also move the way less, vim and k9s do: j/k, g/G, ctrl+d/u.

Textual's own keys (arrows, PgUp/PgDn, Home/End) keep working; these are added beside them.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, OptionList

_MOVES: list[BindingType] = [
    Binding("j", "cursor_down", "Down", show=False, id="move_down"),
    Binding("k", "cursor_up", "Up", show=False, id="move_up"),
    Binding("ctrl+d", "page_down", "Page down", show=False, id="page_down"),
    Binding("ctrl+u", "page_up", "Page up", show=False, id="page_up"),
]


class Table(DataTable[str | Text]):
    """A :class:`DataTable` with j/k, g/G and ctrl+d/u."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *_MOVES,
        Binding("g", "scroll_top", "Top", show=False, id="move_first"),
        Binding("G", "scroll_bottom", "Bottom", show=False, id="move_last"),
    ]


class Choices(OptionList):
    """An :class:`OptionList` with j/k, g/G and ctrl+d/u."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *_MOVES,
        Binding("g", "first", "First", show=False, id="move_first"),
        Binding("G", "last", "Last", show=False, id="move_last"),
    ]
