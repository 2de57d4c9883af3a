"""Saving the Logs pane's lines: what the query shows, as the format reads it, to a new report."""

from __future__ import annotations

import calendar
from pathlib import Path

from cockpit.feeds.log_format import LogFormat
from cockpit.feeds.log_query import LogQuery
from cockpit.feeds.log_save import save_lines
from cockpit.sources.logs.base import LogRow
from tests.support.hostile import forbidden_in_text

NOW = calendar.timegm((2026, 11, 22, 16, 30, 20, 0, 0, 0)) + 0.75


def _row(text: str, source: str = "api", origin: str | None = None) -> LogRow:
    return LogRow(source, text, NOW, None, None, origin)


def test_the_shown_lines_are_saved_formatted(tmp_path: Path) -> None:
    lines = [_row("INFO up"), _row("ERROR down"), _row("\x1b[31mERROR\x1b[0m red", source="db")]
    path, count = save_lines(
        lines, LogQuery(include="ERROR"), LogFormat(name_width=3), NOW, tmp_path
    )
    assert path == tmp_path / "logs-20261122T163020Z.log" and count == 2
    assert path.read_text() == "api │ ERROR down\ndb  │ ERROR red\n"


def test_hidden_sources_and_times_follow_the_pane(tmp_path: Path) -> None:
    lines = [_row("one"), _row("two", source="db")]
    query = LogQuery().hiding({"api"})
    path, count = save_lines(lines, query, LogFormat(name_width=2, timestamps=True), NOW, tmp_path)
    assert count == 1 and path.read_text() == "16:30:20.750 db │ two\n"


def test_hostile_names_never_reach_the_file_raw(tmp_path: Path) -> None:
    lines = [_row("ok", source="evil\x1b]0;title\x07", origin="pod\u202e\x9b2J")]
    path, _count = save_lines(lines, LogQuery(), LogFormat(), NOW, tmp_path)
    text = path.read_text()
    assert forbidden_in_text(text) == [] and "<U+202E>" in text and "title" not in text
