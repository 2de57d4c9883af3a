"""The metrics process: real psutil readings reach the feed, a failing metric costs only itself."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import psutil
import pytest

from cockpit.config.environments import Environment
from cockpit.config.metrics import MetricConfig
from cockpit.feeds.metrics import MetricFeed, MetricFeedError
from cockpit.sources.messages import MetricResults, MetricsSetup, MetricStored
from cockpit.sources.metrics.poller import PollResult
from tests.support.workers import InThread

pytestmark = pytest.mark.integration


def setup(*entries: dict[str, Any], state: Path | None = None, window: float = 300) -> MetricsSetup:
    return MetricsSetup(
        tuple(MetricConfig.model_validate(e) for e in entries),
        Environment.model_validate({"name": "local"}),
        Path.cwd(),
        state,
        window,
    )


def collect(feed_setup: MetricsSetup, until: Any, timeout: float = 15) -> list[PollResult]:
    got: list[PollResult] = []

    def publish(record: object) -> None:
        if isinstance(record, MetricResults):
            got.extend(record.results)

    feed = MetricFeed(feed_setup, publish)
    running = InThread(feed.run)
    deadline = time.monotonic() + timeout
    while not until(got) and time.monotonic() < deadline:
        time.sleep(0.05)
    stopped = time.monotonic()
    feed.stop()
    assert running.ended(5) is None
    assert time.monotonic() - stopped < 3
    return got


def test_real_host_readings_arrive_on_their_interval() -> None:
    feed_setup = setup(
        {"name": "cpu", "host": {"metric": "cpu_percent"}, "interval": "200ms"},
        {"name": "used", "host": {"metric": "memory_used"}, "interval": "200ms"},
        {"name": "root", "host": {"metric": "disk_percent", "mount": "/"}, "interval": "200ms"},
    )
    got = collect(feed_setup, lambda got: sum(r.metric == "cpu" for r in got) >= 4)
    by_name: dict[str, list[PollResult]] = {}
    for result in got:
        by_name.setdefault(result.metric, []).append(result)
    assert set(by_name) == {"cpu", "used", "root"}
    assert all(r.error is None for r in got)
    cpu = [p[2] for r in by_name["cpu"] for p in r.points]
    assert all(0 <= v <= 100 for v in cpu)
    used = by_name["used"][-1].points[0][2]
    total = psutil.virtual_memory().total
    assert 0 < used < total
    root = by_name["root"][-1].points[0][2]
    assert abs(root - psutil.disk_usage("/").percent) < 1.0


def test_a_failing_metric_reports_its_reason_and_the_others_go_on() -> None:
    feed_setup = setup(
        {"name": "cpu", "host": {"metric": "cpu_percent"}, "interval": "200ms"},
        {"name": "gone", "host": {"metric": "disk_percent", "mount": "/no/such/mount"}},
    )
    got = collect(
        feed_setup,
        lambda got: (
            any(r.metric == "gone" for r in got) and sum(r.metric == "cpu" for r in got) >= 3
        ),
    )
    gone = next(r for r in got if r.metric == "gone")
    assert gone.error == "disk /no/such/mount: No such file or directory" and not gone.points
    assert all(r.error is None for r in got if r.metric == "cpu")


def test_scale_is_applied_before_the_values_leave_the_process() -> None:
    feed_setup = setup(
        {"name": "root", "host": {"metric": "disk_percent", "mount": "/"}, "scale": 0.01},
    )
    got = collect(feed_setup, lambda got: bool(got))
    assert 0 < got[0].points[0][2] <= 1.0


def test_a_broken_setup_ends_the_feed_with_the_reason() -> None:
    good = setup()
    broken = MetricsSetup(("not a metric",), good.environment, Path.cwd(), None, 300)  # type: ignore[arg-type]
    feed = MetricFeed(broken, lambda record: None)
    error = InThread(feed.run).ended(20)
    assert isinstance(error, MetricFeedError)
    assert str(error) == (
        "metric reading stopped (exit 1: AttributeError: 'str' object has no attribute 'name')"
    )


def test_a_restart_gets_back_what_the_last_run_read(tmp_path: Path) -> None:
    db = tmp_path / "state.db"
    entry = {"name": "root", "host": {"metric": "disk_percent", "mount": "/"}, "interval": "500ms"}
    first = collect(setup(entry, state=db), lambda got: len(got) >= 14, timeout=30)
    read = [point for result in first for point in result.points]
    stored: list[MetricStored] = []

    def publish(record: object) -> None:
        if isinstance(record, MetricStored):
            stored.append(record)

    feed = MetricFeed(setup(entry, state=db), publish)
    running = InThread(feed.run)
    deadline = time.monotonic() + 10
    while not stored and time.monotonic() < deadline:
        time.sleep(0.05)
    feed.stop()
    assert running.ended(5) is None
    (history,) = stored
    assert history.metric == "root"
    raw = [
        (series, ts, value) for series, resolution, ts, value in history.points if resolution == 0
    ]
    # Written every 5 s: at least the first ten readings made it, exactly as read.
    assert len(raw) >= 10
    assert raw == read[: len(raw)]
