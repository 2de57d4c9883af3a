"""Lines to display rows: pretty JSON and wrapped long lines spread over several rows.

A line that stays on one row is kept as it came (a plain tuple, formatted only when painted);
a spread line becomes ready-made text rows, continuation rows indented under the message. Its
first row is a :class:`Piece` that knows the line (the rows below it are plain text: a view
finds a row's line by looking up to the nearest piece). A :class:`RowShape` puts the query, the
format and the width together: the rows a batch of lines shows as.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from rich.cells import cell_len, get_character_cell_size

from cockpit.feeds.log_format import PREFIX_SEPARATOR, LogFormat
from cockpit.feeds.log_query import LogQuery
from cockpit.sources.logs.base import LogRow
from cockpit.ui.widgets.log_view import Piece, Row

MIN_WRAP = 20
"""Narrowest text column a wrapped line is cut to (a narrower view scrolls sideways instead)."""
FILTER_SLICE = 32
"""Lines filtered at a time within a frame's budget (see :meth:`RowShape.take`)."""


@dataclass(frozen=True, slots=True)
class RowShape:
    """How lines become rows: which are shown, how each reads, how wide a row may be.

    A new shape is made whenever one of them changes; a re-render in a thread keeps the shape
    it started with.

    Attributes:
        query: Which lines are shown.
        fmt: How a line reads.
        wrap_width: Cells of the view a row may take, or None to leave long lines whole.
    """

    query: LogQuery = field(default_factory=LogQuery)
    fmt: LogFormat = field(default_factory=LogFormat)
    wrap_width: int | None = None

    @property
    def costly(self) -> bool:
        """Rows of a big buffer may take a while (a regular expression, wrap, pretty JSON)."""
        return self.query.costly or self.wrap_width is not None or self.fmt.pretty_json

    def rows(self, lines: list[LogRow]) -> Sequence[Row]:
        """The rows ``lines`` show as: filtered; pretty JSON and wrapped lines over several rows."""
        lines = self.query.apply(lines)
        fmt = self.fmt
        if not (fmt.pretty_json or self.wrap_width is not None):
            return lines
        return spread_rows(
            lines,
            fmt.line,
            prefix_cells=fmt.prefix_cells,
            pretty_json=fmt.pretty_json,
            wrap_width=self.wrap_width,
        )

    def split(
        self, lines: list[LogRow], anchor: LogRow | None
    ) -> tuple[Sequence[Row], Sequence[Row]]:
        """The rows of the lines before ``anchor`` (one of them, the same object) and from it on."""
        split = len(lines)
        if anchor is not None:
            split = next((i for i, line in enumerate(lines) if line is anchor), len(lines))
        return self.rows(lines[:split]), self.rows(lines[split:])

    def take(self, pending: deque[LogRow], budget: float) -> list[Row]:
        """Rows of the lines taken from the front of ``pending`` within ``budget`` seconds.

        A regular expression may take milliseconds a line: what is left waits for the next call.
        """
        deadline = time.perf_counter() + budget
        rows: list[Row] = []
        while pending and time.perf_counter() < deadline:
            chunk = [pending.popleft() for _ in range(min(FILTER_SLICE, len(pending)))]
            rows.extend(self.rows(chunk))
        return rows


def spread_rows(
    lines: Sequence[LogRow],
    format_line: Callable[[LogRow], str],
    *,
    prefix_cells: int,
    pretty_json: bool,
    wrap_width: int | None,
) -> list[Row]:
    """The rows ``lines`` show as.

    Args:
        lines: Lines that passed the filters, in order.
        format_line: Text of a line as shown (prefix, time, body; pretty JSON holds newlines).
        prefix_cells: Cells of the prefix (time, source, separator) before a line's text.
        pretty_json: JSON lines are spread over several rows.
        wrap_width: Cells of the view a row may take, or None to leave long lines whole (the
            view then scrolls sideways).
    """
    indent = " " * (prefix_cells - len(PREFIX_SEPARATOR)) + PREFIX_SEPARATOR
    room = None if wrap_width is None else max(wrap_width - prefix_cells, MIN_WRAP)
    rows: list[Row] = []
    for line in lines:
        if room is not None and not pretty_json:
            # Most lines fit: decided without formatting them. A pod name may lengthen the
            # prefix; a character takes two cells at most, one when the text is ASCII.
            body = line.text
            limit = room if line.origin is None else room - len(line.source) - len(line.origin) - 1
            if 2 * len(body) <= limit or (len(body) <= limit and body.isascii()):
                rows.append(line)
                continue
        pieces = format_line(line).split("\n")
        # The first row keeps its own prefix (a pod name may make it longer).
        cut = pieces[0].find(PREFIX_SEPARATOR)
        cut = prefix_cells if cut < 0 else cut + len(PREFIX_SEPARATOR)
        head, tail = pieces[0][:cut], pieces[0][cut:]
        head_cells = cell_len(head)  # short, and cached by rich
        if len(pieces) == 1 and (wrap_width is None or _cells(tail) <= wrap_width - head_cells):
            rows.append(line)
            continue
        if room is None or wrap_width is None:
            rows.append(Piece(pieces[0], line))
            rows.extend(indent + piece for piece in pieces[1:])
            continue
        chunks = _wrap(tail, max(wrap_width - head_cells, MIN_WRAP), room)
        rows.append(Piece(head + chunks[0], line))
        rows.extend(indent + chunk for chunk in chunks[1:])
        for piece in pieces[1:]:
            rows.extend(indent + chunk for chunk in _wrap(piece, room, room))
    return rows


def _cells(text: str) -> int:
    return len(text) if text.isascii() else cell_len(text)


def _wrap(text: str, first: int, room: int) -> list[str]:
    """``text`` cut into pieces of at most ``first`` then ``room`` cells, at a blank if any.

    Every character is kept (a blank ends the piece before the cut), so the pieces put back
    together are the text, for copying and searching.
    """
    pieces: list[str] = []
    limit = first
    if text.isascii():
        # A cell a character: cut by index (this runs for every long line of a flood).
        start = 0
        while len(text) - start > limit:
            end = start + limit
            blank = text.rfind(" ", start, end)
            if blank >= start + limit // 2:
                end = blank + 1
            pieces.append(text[start:end])
            start, limit = end, room
        pieces.append(text[start:])
        return pieces
    # One pass with each character's width (a marker or one accented letter makes a line
    # non-ASCII: measuring the rest of the line again for every piece cost 28 ms per 4 KiB).
    start = 0
    width = 0
    for index, char in enumerate(text):
        cells = get_character_cell_size(char)
        if width + cells > limit and index > start:
            end = index
            blank = text.rfind(" ", start, index)
            if blank >= start + (index - start) // 2:
                end = blank + 1
            pieces.append(text[start:end])
            start, limit = end, room
            width = cell_len(text[start:index])  # what moved to the next piece (under a row)
        width += cells
    pieces.append(text[start:])
    return pieces
