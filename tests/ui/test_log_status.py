"""The Logs pane's badges: what each source's state says at a glance."""

from __future__ import annotations

from cockpit.feeds.logs import SourceView
from cockpit.sources.logs.base import SourceState, SourceStatus
from cockpit.ui.widgets.log_status import source_badges


def test_a_rotation_shows_on_the_badge_with_its_age() -> None:
    reason = "rotated at 12:00:01: app.log was replaced; following the new file"
    rotated = SourceView("app", SourceStatus(SourceState.LIVE, reason, 100.0), lines=544)
    plain = SourceView("db", SourceStatus(SourceState.LIVE, "", 100.0), lines=3)
    text = source_badges([rotated, plain], set(), {}, now=112.0).plain
    assert "● app 544 ↻ rotated 12s ago" in text
    assert "● db 3  " in text and text.count("rotated") == 1


def test_a_live_source_without_lines_for_a_while_says_it_is_quiet() -> None:
    stopped = SourceView("orders-api", SourceStatus(SourceState.LIVE, "", 0.0), lines=9)
    stopped.last_line_at = 55.0
    busy = SourceView("db", SourceStatus(SourceState.LIVE, "", 0.0), lines=3)
    busy.last_line_at = 99.0
    text = source_badges([stopped, busy], set(), {}, now=100.0).plain
    assert "● orders-api 9 quiet 45s" in text
    assert "db 3  " in text and text.count("quiet") == 1


def test_every_source_failing_says_why() -> None:
    from cockpit.ui.widgets.log_status import all_failing

    a = SourceView("api", SourceStatus(SourceState.ERROR, "no kubeconfig", 0.0))
    b = SourceView("db", SourceStatus(SourceState.ERROR, "refused", 0.0))
    c = SourceView("web", SourceStatus(SourceState.LIVE, "", 0.0))
    assert all_failing([a, b]) == "every log source is failing: api: no kubeconfig (and 1 more)"
    assert all_failing([a, c]) is None and all_failing([]) is None
