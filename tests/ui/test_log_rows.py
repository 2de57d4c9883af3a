"""Lines to rows: what fits stays a line, the rest is cut at blanks under the message."""

from __future__ import annotations

from collections import deque

from rich.cells import cell_len

from cockpit.feeds.log_format import LogFormat
from cockpit.feeds.log_query import LogQuery
from cockpit.sources.logs.base import LogRow
from cockpit.ui.widgets.log_rows import MIN_WRAP, RowShape, spread_rows
from cockpit.ui.widgets.log_view import Piece


def _line(text: str, origin: str | None = None) -> LogRow:
    return LogRow("api", text, 0.0, None, None, origin)


def _format(line: LogRow) -> str:
    name = line[0] if line[5] is None else f"{line[0]}/{line[5]}"
    return f"{name:<3} │ {line[1]}"


def _texts(rows: list[object]) -> list[str]:
    return [row if isinstance(row, str) else _format(row) for row in rows]  # type: ignore[arg-type]


def test_lines_that_fit_stay_lines_and_long_ones_are_cut_at_blanks() -> None:
    short, long = _line("ok"), _line("alpha beta gamma delta epsilon zeta eta theta iota kappa")
    rows = spread_rows([short, long], _format, prefix_cells=6, pretty_json=False, wrap_width=30)
    assert rows[0] is short
    assert isinstance(rows[1], Piece) and rows[1].line is long
    assert _texts(rows) == [
        "api │ ok",
        "api │ alpha beta gamma delta ",
        "    │ epsilon zeta eta theta ",
        "    │ iota kappa",
    ]
    assert all(cell_len(text) <= 30 for text in _texts(rows))


def test_a_long_pod_prefix_and_wide_characters_still_fit() -> None:
    line = _line("日本語のログ" * 10, origin="web-7d9f-abcde")
    rows = spread_rows([line], _format, prefix_cells=6, pretty_json=False, wrap_width=44)
    texts = _texts(rows)
    assert texts[0].startswith("api/web-7d9f-abcde │ 日本語")
    assert all(cell_len(text) <= 44 for text in texts)
    assert "".join(text.split("│ ", 1)[1] for text in texts) == "日本語のログ" * 10


def test_a_word_longer_than_the_row_is_cut_inside_it() -> None:
    line = _line("x" * 100)
    rows = spread_rows([line], _format, prefix_cells=6, pretty_json=False, wrap_width=10)
    texts = _texts(rows)
    # Narrower than the minimum: cut at MIN_WRAP cells of text (the view scrolls sideways).
    assert [len(text.split("│ ", 1)[1]) for text in texts] == [MIN_WRAP] * 5


def test_pretty_json_without_wrapping() -> None:
    line = _line('{"a": 1}')

    def pretty(row: LogRow) -> str:
        return _format(row).replace('{"a": 1}', '{\n  "a": 1\n}')

    rows = spread_rows([line], pretty, prefix_cells=6, pretty_json=True, wrap_width=None)
    assert _texts(rows) == ["api │ {", '    │   "a": 1', "    │ }"]
    assert isinstance(rows[0], Piece) and rows[0].line is line


def test_a_shape_filters_then_spreads_only_when_asked() -> None:
    lines = [_line("INFO ok"), _line("ERROR " + "word " * 20), _line("ERROR short")]
    errors = LogQuery(include="ERROR")
    plain = RowShape(errors, LogFormat(name_width=3))
    assert plain.rows(lines) == [lines[1], lines[2]]  # lines, formatted only when painted
    assert not plain.costly
    wrapped = RowShape(errors, LogFormat(name_width=3), wrap_width=30)
    assert wrapped.costly
    rows = wrapped.rows(lines)
    assert isinstance(rows[0], Piece) and rows[0].line is lines[1] and rows[-1] is lines[2]


def test_split_cuts_at_the_anchor_line_itself() -> None:
    lines = [_line(f"INFO line {i}") for i in range(6)]
    shape = RowShape(LogQuery().hiding({"nobody"}), LogFormat())
    before, after = shape.split(lines, lines[4])
    assert (before, after) == (lines[:4], lines[4:])
    assert shape.split(lines, None) == (lines, [])
    # An anchor no longer held: everything comes before it.
    assert shape.split(lines, _line("INFO line 4")) == (lines, [])


def test_take_makes_rows_in_order_and_leaves_the_rest_waiting() -> None:
    pending = deque(_line(f"{'ERROR' if i % 2 else 'INFO'} {i}") for i in range(100))
    shape = RowShape(LogQuery(include=r"ERROR \d+"))
    assert shape.take(pending, 0.0) == [] and len(pending) == 100  # no time, nothing taken
    rows = shape.take(pending, 10.0)
    assert [row[1] for row in rows] == [f"ERROR {i}" for i in range(1, 100, 2)]
    assert not pending
