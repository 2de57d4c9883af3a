"""The rows of one environment's metrics: values, thresholds, staleness, errors, trouble first."""

from __future__ import annotations

from typing import Any

from cockpit.config.metrics import MetricConfig
from cockpit.domain.thresholds import Level
from cockpit.feeds.metric_board import MetricBoard
from cockpit.sources.metrics.poller import PollResult
from cockpit.state.metric_ring import MINUTE


def entry(**data: Any) -> MetricConfig:
    return MetricConfig.model_validate(data)


ENTRIES = [
    entry(name="cpu", host={"metric": "cpu_percent"}, warn=80, crit=90, interval="10s"),
    entry(name="pods", kubernetes={"selector": "app=api"}, interval="10s"),
    entry(
        name="targets",
        prometheus={"query": "sum(up)"},
        warn=1,
        crit=0,
        direction="below",
        action="Check the scrape targets",
        interval="10s",
    ),
]


def board() -> MetricBoard:
    return MetricBoard(ENTRIES, "local", started=0.0)


def test_rows_carry_values_units_and_window_statistics() -> None:
    b = board()
    for i, value in enumerate((10.0, 30.0, 20.0)):
        b.apply(PollResult("cpu", (("", 1000.0 + i, value),), at=1000.0 + i), monotonic=i)
    row = next(r for r in b.rows(1003.0, 300, monotonic=3) if r.metric == "cpu")
    assert (row.value, row.unit, row.level) == (20.0, "%", Level.OK)
    assert (row.low, row.mean, row.high) == (10.0, 20.0, 30.0)
    assert row.points == [(1000.0, 10.0), (1001.0, 30.0), (1002.0, 20.0)]


def test_trouble_floats_up_and_the_action_shows() -> None:
    b = board()
    b.apply(PollResult("cpu", (("", 1000.0, 50.0),)), monotonic=1)
    b.apply(PollResult("pods", (("pod=a", 1000.0, 0.2), ("pod=b", 1000.0, 0.3))), monotonic=1)
    b.apply(PollResult("targets", (("", 1000.0, 0.0),)), monotonic=1)
    rows = b.rows(1001.0, 300, monotonic=2)
    assert [r.title for r in rows] == ["targets", "cpu", "pods pod=a", "pods pod=b"]
    assert rows[0].level == Level.WARN and rows[0].limit == "< 1"
    assert rows[0].action == "Check the scrape targets"
    assert rows[1].action is None


def test_a_failing_metric_shows_its_reason_and_keeps_its_last_value() -> None:
    b = board()
    b.apply(PollResult("cpu", (("", 1000.0, 95.0),)), monotonic=1)
    b.apply(PollResult("cpu", error="connection refused"), monotonic=2)
    row = next(r for r in b.rows(1002.0, 300, monotonic=3) if r.metric == "cpu")
    assert row.error == "connection refused"
    assert row.value == 95.0
    assert row.level == Level.UNKNOWN
    assert b.worst(3) == Level.CRIT


def test_a_metric_silent_for_two_intervals_is_stale() -> None:
    b = board()
    b.apply(PollResult("cpu", (("", 1000.0, 5.0),)), monotonic=100)
    fresh = next(r for r in b.rows(1000.0, 300, monotonic=115) if r.metric == "cpu")
    stale = next(r for r in b.rows(1000.0, 300, monotonic=122) if r.metric == "cpu")
    assert not fresh.stale and stale.stale
    never = next(r for r in b.rows(1000.0, 300, monotonic=22) if r.metric == "pods")
    assert never.stale and never.value is None


def test_backfill_fills_the_window_before_the_first_read() -> None:
    b = board()
    points = tuple(("", 1000.0 + 15 * i, float(i)) for i in range(20))
    b.apply(PollResult("cpu", points, at=1300.0, backfill=True, step=15.0), monotonic=0)
    row = next(r for r in b.rows(1300.0, 300, monotonic=1) if r.metric == "cpu")
    assert len(row.points) == 20 and row.value == 19.0


def test_stored_minutes_draw_the_day_window() -> None:
    b = board()
    b.fill("cpu", "", MINUTE, [(60.0 * i, 40.0) for i in range(100)])
    row = next(r for r in b.rows(6000.0, 86400, monotonic=1) if r.metric == "cpu")
    assert len(row.points) == 100 and row.mean == 40.0


def test_series_that_vanish_from_a_read_leave_the_rows() -> None:
    b = board()
    b.apply(PollResult("pods", (("pod=a", 1.0, 0.1), ("pod=b", 1.0, 0.1))), monotonic=1)
    b.apply(PollResult("pods", (("pod=b", 2.0, 0.2),)), monotonic=2)
    titles = [r.title for r in b.rows(3.0, 300, monotonic=3) if r.metric == "pods"]
    assert titles == ["pods pod=b"]
