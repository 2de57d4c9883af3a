"""Lines to display rows: pretty JSON and wrapped long lines spread over several rows.

A line that stays on one row is kept as it came (a plain tuple, formatted only when painted);
a spread line becomes ready-made text rows, continuation rows indented under the message.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.cells import cell_len, chop_cells

from cockpit.sources.logs.base import LogRow
from cockpit.ui.widgets.log_highlight import PREFIX_SEPARATOR
from cockpit.ui.widgets.log_view import Piece, Row

MIN_WRAP = 20
"""Narrowest text column a wrapped line is cut to (a narrower view scrolls sideways instead)."""


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
        body = line[1]
        # Most lines are short: decided without formatting them (two cells a character at most).
        if room is not None and 2 * len(body) + 40 <= room and not pretty_json:
            rows.append(line)
            continue
        text = format_line(line)
        if "\n" not in text and (room is None or cell_len(text) <= prefix_cells + room):
            rows.append(line)
            continue
        for number, piece in enumerate(text.split("\n")):
            if number == 0:
                # The first row keeps its own prefix (a pod name may make it longer).
                cut = piece.find(PREFIX_SEPARATOR)
                cut = prefix_cells if cut < 0 else cut + len(PREFIX_SEPARATOR)
                head, tail = piece[:cut], piece[cut:]
            else:
                head, tail = indent, piece
            if room is None:
                rows.append(Piece(head + tail, line))
                continue
            chunks = _wrap(tail, room)
            rows.append(Piece(head + chunks[0], line))
            rows.extend(Piece(indent + chunk, line) for chunk in chunks[1:])
    return rows


def _wrap(text: str, room: int) -> list[str]:
    """``text`` cut into pieces of at most ``room`` cells, at a blank where there is one.

    Every character is kept (a blank ends the piece before the cut), so the pieces put back
    together are the text, for copying and searching.
    """
    pieces: list[str] = []
    while cell_len(text) > room:
        piece = chop_cells(text, room)[0]
        blank = piece.rfind(" ")
        if blank >= len(piece) // 2:
            piece = piece[: blank + 1]
        pieces.append(piece)
        text = text[len(piece) :]
    pieces.append(text)
    return pieces
