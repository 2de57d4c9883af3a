"""A log line as the cockpit holds it (LogRow) and as it crosses the pipe (a plain tuple)."""

from __future__ import annotations

import pickle

from cockpit.sources.logs.base import LogRow, log_rows, plain_rows
from cockpit.sources.logs.merge import merge_by_time


def test_a_row_names_its_fields_in_wire_order() -> None:
    row = LogRow("api", "boom", 12.5, "ERROR", "stderr", "pod-1")
    assert LogRow._fields == ("source", "text", "ts", "level", "stream", "origin")
    assert (row.source, row.text, row.ts, row.level, row.stream, row.origin) == tuple(row)
    assert LogRow("api", "ok", 1.0)[3:] == (None, None, None)


def test_rows_cross_the_pipe_as_plain_tuples_and_come_back_as_rows() -> None:
    rows = [LogRow("api", f"line {i}", float(i), "INFO") for i in range(3)]
    plain = plain_rows(rows)
    assert all(type(row) is tuple for row in plain)
    # The class is not on the wire: no call per line when the cockpit unpickles.
    assert b"LogRow" not in pickle.dumps(plain, pickle.HIGHEST_PROTOCOL)
    back = list(log_rows(pickle.loads(pickle.dumps(plain, pickle.HIGHEST_PROTOCOL))))
    assert back == rows and all(type(row) is LogRow for row in back)
    assert [row.text for row in back] == ["line 0", "line 1", "line 2"]


def test_merge_keeps_each_source_and_origin_in_its_own_order() -> None:
    batch = [
        LogRow("a", "a1", 3.0),
        LogRow("a", "a2", 1.0),
        LogRow("k", "p1", 2.0, origin="pod-1"),
        LogRow("k", "q1", 0.5, origin="pod-2"),
    ]
    merged = merge_by_time(batch)
    assert [row.text for row in merged] == ["q1", "p1", "a1", "a2"]
