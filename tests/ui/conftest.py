"""Builders for cockpit apps with fixed data, so Pilot tests and snapshots are deterministic."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from cockpit.config.models import CockpitConfig
from cockpit.sources.metrics.host import HostSample
from cockpit.sources.metrics.processes import ProcessInfo
from cockpit.state.checklists import Checklist, ChecklistBook
from cockpit.state.store import Store
from cockpit.ui.app import AppContext, CockpitApp
from tests.support.quiet_feeds import QuietFeeds

FIXED_EPOCH = 1_795_300_000.0  # a fixed UTC moment for the banner clock

THREE_ENVS: dict[str, Any] = {
    "environments": {
        "local": {"description": "This machine", "protection": "none"},
        "staging": {"description": "EKS staging", "protection": "confirm"},
        "production": {
            "description": "EKS production",
            "read_only": False,
            "prometheus": {"url": "http://127.0.0.1:9"},
        },
    },
    # Long intervals: nothing turns stale while a test runs.
    "metrics": [
        {
            "name": "cpu",
            "environments": ["local"],
            "host": {"metric": "cpu_percent"},
            "warn": 80,
            "crit": 90,
            "interval": "1h",
        },
        {
            "name": "memory",
            "environments": ["local"],
            "host": {"metric": "memory_used"},
            "interval": "1h",
        },
        {
            "name": "disk",
            "environments": ["local"],
            "host": {"metric": "disk_percent"},
            "warn": 80,
            "crit": 90,
            "action": "Clean up / expand",
            "interval": "1h",
        },
        {
            "name": "error rate",
            "environments": ["production"],
            "prometheus": {"query": "sum(rate(errors[5m]))"},
            "unit": "%",
            "warn": 5,
            "crit": 10,
            "interval": "1h",
        },
        {
            "name": "p95 latency",
            "environments": ["production"],
            "prometheus": {"query": "histogram_quantile(0.95, x)"},
            "unit": "s",
            "warn": 2,
            "crit": 5,
            "interval": "1h",
        },
    ],
}


DUE_CONFIG: dict[str, Any] = {
    **THREE_ENVS,
    "checklists": [
        {
            "name": "Morning checks",
            "timezone": "America/New_York",
            "due": "10h",
            "items": [
                {"text": "Check disk usage"},
                {"text": "Verify backups"},
                {"text": "Read the error log", "due": "20h"},
            ],
        }
    ],
}
"""A daily list due at 10:00 in New York, one item at 20:00; FIXED_EPOCH is 17:26 there."""


def ran_before(book: ChecklistBook, daily: Checklist) -> None:
    """Ticks of the runs before 21 November 2026, the day the pinned clock is on in New York."""
    for item in ("Check disk usage", "Verify backups", "Read the error log"):
        book.tick("local", daily, item, "ana@ops", period="2026-11-18")
    book.tick("local", daily, "Check disk usage", "ana@ops", period="2026-11-19")
    book.tick("local", daily, "Read the error log", "ana@ops", period="2026-11-19")
    book.tick("local", daily, "Check disk usage", "bo@ops", period="2026-11-20")


def metric_results(environment: str = "local", steps: int = 30) -> list[Any]:
    """``MetricsArrived`` messages with fixed readings, one a minute up to FIXED_EPOCH."""
    from cockpit.sources.messages import MetricResults
    from cockpit.sources.metrics.poller import PollResult
    from cockpit.ui.messages import MetricsArrived

    out = []
    for i in range(steps):
        ts = FIXED_EPOCH - (steps - 1 - i) * 10
        if environment == "local":
            results = (
                PollResult("cpu", (("", ts, 12.0 + (i % 7) * 3),), at=ts),
                PollResult("memory", (("", ts, 3.2 * 2**30 + i * 2**20),), at=ts),
                PollResult("disk", (("/", ts, 93.5), ("/var", ts, 41.0 + i / 10)), at=ts),
            )
        else:
            results = (
                PollResult("error rate", (("", ts, 2.0 + i / 4),), at=ts),
                PollResult(
                    "p95 latency", error="prometheus unreachable: connection refused", at=ts
                ),
            )
        out.append(MetricsArrived(MetricResults(results), environment))
    return out


def fixed_sample(i: int = 0) -> HostSample:
    """A host reading with chosen values."""
    return HostSample(
        ts=FIXED_EPOCH + i,
        cpu_pct=12.0 + i,
        mem_pct=41.0,
        mem_used=3 * 2**30,
        mem_total=8 * 2**30,
        swap_pct=0.0,
        load1=0.42,
        net_rx_bps=2048.0,
        net_tx_bps=512.0,
        disks={"/": 93.5},
    )


FIXED_PROCESSES = [
    ProcessInfo(
        pid=101,
        name="postgres",
        user="postgres",
        cpu_pct=12.5,
        mem_pct=3.1,
        status="sleeping",
        cmdline="postgres: checkpointer",
    ),
    ProcessInfo(
        pid=202,
        name="gunicorn",
        user="app",
        cpu_pct=4.0,
        mem_pct=1.2,
        status="running",
        cmdline="gunicorn app:server --workers 4",
    ),
]


@pytest.fixture
def make_app() -> Callable[..., CockpitApp]:
    """Factory: ``make_app(config_dict=None, environment="local", **context_overrides)``."""

    def factory(
        config_dict: dict[str, Any] | None = None, environment: str = "local", **overrides: Any
    ) -> CockpitApp:
        config = CockpitConfig.model_validate(config_dict or THREE_ENVS)
        settings: dict[str, Any] = {
            "config_path": None,
            "feeds": QuietFeeds,
            "clock": lambda: FIXED_EPOCH,
            "user": "tester",
            "store": Store.memory(),
            **overrides,
        }
        context = AppContext(config=config, environment=environment, **settings)
        return CockpitApp(context)

    return factory


async def paint_metrics(pilot: Any) -> None:
    """Post :func:`metric_results` for the environment in focus and paint the Metrics pane."""
    app = pilot.app
    assert isinstance(app, CockpitApp)
    for message in metric_results(app.env_name):
        app.post_message(message)
    await pilot.pause()
    app.panes.metrics.paint()
    await pilot.pause()
