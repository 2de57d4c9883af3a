"""The health monitor in its worker process, as the Health pane gets it: through HealthFeed."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from cockpit.domain.health import ServiceStatus, Status
from cockpit.feeds.health import MODULE, HealthFeed, HealthFeedError
from cockpit.sources.health.worker import PUBLISH_INTERVAL
from tests.support.health_checks import config_for
from tests.support.health_http import HealthHttpServer, serve
from tests.support.workers import InThread, crash_natively


@pytest.fixture
def http() -> Iterator[HealthHttpServer]:
    with serve() as server:
        yield server


def _until(predicate: object, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():  # type: ignore[operator]
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.05)


def test_feed_relays_snapshots_runs_refreshes_and_stops(
    http: HealthHttpServer, tmp_path: Path
) -> None:
    config = config_for({"web": [{"http": {"url": http.url("/ok")}, "interval": "1h"}]})
    snapshots: list[list[ServiceStatus]] = []
    feed = HealthFeed(config, tmp_path, snapshots.append)
    running = InThread(feed.run)
    _until(lambda: any(s and s[0].status is Status.UP for s in snapshots), 20)
    assert http.hits.get("/ok") == 1
    feed.refresh("web")
    _until(lambda: http.hits.get("/ok") == 2, 5 + PUBLISH_INTERVAL)
    stopped_at = time.monotonic()
    feed.stop()
    assert running.ended(5) is None
    assert time.monotonic() - stopped_at < 3


def test_a_failing_worker_reaches_the_feed_as_its_exit_and_reason(tmp_path: Path) -> None:
    # A config of the wrong kind: the worker fails on it, in its own code.
    feed = HealthFeed("not a config", tmp_path, lambda statuses: None)  # type: ignore[arg-type]
    error = InThread(feed.run).ended(20)
    assert isinstance(error, HealthFeedError)
    assert str(error) == (
        "health checks stopped (exit 1: AttributeError: 'str' object has no attribute 'services')"
    )


def test_a_native_crash_reaches_the_feed_with_its_stderr_tail(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # The worker dumps its stack to stderr on SIGSEGV, then dies of it: no record is sent.
    monkeypatch.setenv("PYTHONFAULTHANDLER", "1")
    snapshots: list[list[ServiceStatus]] = []
    feed = HealthFeed(config_for({}), tmp_path, snapshots.append)
    running = InThread(feed.run)
    _until(lambda: snapshots, 20)
    crash_natively(MODULE)
    error = running.ended(10)
    assert isinstance(error, HealthFeedError)
    assert re.fullmatch(r"health checks stopped \(exit -11: \S.*\)", str(error)), error
