"""HealthMonitor: scheduling, updates, staleness and snapshot order against real servers."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import pytest

from cockpit.domain.health import CheckResult, ServiceStatus, Status
from cockpit.sources.health.monitor import HealthMonitor, HealthUpdate
from cockpit.sources.health.plan import UnknownName
from tests.support.health_checks import config_for
from tests.support.health_http import HealthHttpServer, serve


@pytest.fixture
def http() -> Iterator[HealthHttpServer]:
    with serve() as server:
        yield server


async def _wait_for(predicate: object, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise TimeoutError("condition not reached")
        await asyncio.sleep(0.05)


async def test_scheduler_runs_on_interval_and_a_hung_check_delays_nothing(
    http: HealthHttpServer,
) -> None:
    config = config_for(
        {
            "web": [{"http": {"url": http.url("/ok")}, "interval": "200ms"}],
            "hung": [{"http": {"url": http.url("/hang"), "timeout": "1s"}, "interval": "200ms"}],
            "broken": [{"http": {"url": http.url("/fail")}, "interval": "200ms"}],
        }
    )
    seen: list[HealthUpdate] = []
    monitor = HealthMonitor(config, on_update=seen.append)
    assert [s.status for s in monitor.snapshot()] == [Status.UNKNOWN] * 3
    await monitor.start()
    try:
        await asyncio.sleep(1.2)
        web_results = [u for u in seen if isinstance(u, CheckResult) and u.service == "web"]
        # ~6 runs in 1.2 s while the hung check waited 1 s for its first reply.
        assert len(web_results) >= 4
        assert http.hits["/hang"] <= 2
        # The hung check times out (DOWN) and is run again at once: its run in flight past the
        # interval is reported, its last result kept (not turned STALE).
        await _wait_for(
            lambda: monitor.service_status("hung", "local").checking_since is not None, 3.0
        )
        snap = monitor.snapshot()
        assert [s.name for s in snap][2] == "web" and {s.name for s in snap[:2]} == {
            "broken",
            "hung",
        }
        assert [s.status for s in snap] == [Status.DOWN, Status.DOWN, Status.UP]
        hung = monitor.service_status("hung", "local")
        assert not hung.stale and "timed out" in hung.reason
        broken = next(s for s in snap if s.name == "broken")
        web = snap[2].checks[0]
        assert len(web.uptime) == len(web.latencies) >= 4
        assert web.last is not None and web.last.conditions[0].ok
        assert broken.checks[0].last is not None
        assert "internal error" in broken.checks[0].last.detail
        # The ticker publishes a run overdue (it changes with time alone) to the callback and queue.
        await _wait_for(
            lambda: any(
                isinstance(u, ServiceStatus) and u.name == "hung" and u.checking_since is not None
                for u in seen
            ),
            1.5,
        )
        queued: list[HealthUpdate] = []
        while not monitor.updates.empty():
            queued.append(monitor.updates.get_nowait())
        assert [u for u in queued if isinstance(u, ServiceStatus)] == [
            u for u in seen if isinstance(u, ServiceStatus)
        ]
    finally:
        start = time.monotonic()
        await monitor.stop()
        assert time.monotonic() - start < 1.0
    assert not monitor.running


async def test_refresh_runs_checks_now(http: HealthHttpServer) -> None:
    config = config_for({"web": [{"http": {"url": http.url("/ok")}, "interval": "1h"}]})
    monitor = HealthMonitor(config, jitter=0.0)
    await monitor.start()
    try:
        await _wait_for(lambda: http.hits.get("/ok") == 1, 2.0)
        monitor.refresh("web")
        await _wait_for(lambda: http.hits.get("/ok") == 2, 2.0)
    finally:
        await monitor.stop()


async def test_environment_and_service_filters() -> None:
    config = config_for(
        {
            "a": [{"tcp": {"host": "127.0.0.1", "port": 1}}],
            "b": [{"tcp": {"host": "h", "port": 2}}],
        },
        environments={"dev": {}, "prod": {}},
    )
    assert len(HealthMonitor(config).jobs) == 4
    only = HealthMonitor(config, ["prod"], ["b"])
    assert [(j.service, j.environment) for j in only.jobs] == [("b", "prod")]
    with pytest.raises(UnknownName, match="unknown environment 'qa'"):
        HealthMonitor(config, ["qa"])
    with pytest.raises(UnknownName, match="unknown service 'c'"):
        HealthMonitor(config, services=["c"])
