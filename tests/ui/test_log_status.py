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
