"""`health` metrics: p50/p95 latency and availability from a real SQLite health history."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import pytest

from cockpit.config.models import CockpitConfig
from cockpit.domain.health import CheckResult, Status
from cockpit.sources.metrics.kinds.health import percentile
from cockpit.sources.metrics.poller import MetricPoller, PollResult
from cockpit.state.health_history import HealthHistory

CONFIG: dict[str, Any] = {
    "environments": {"prod": {}, "staging": {}},
    "services": [
        {"name": "web", "checks": [{"name": "home", "tcp": {"host": "127.0.0.1", "port": 9}},
                                   {"name": "api", "tcp": {"host": "127.0.0.1", "port": 9}}]},
    ],
}  # fmt: skip


def result(
    check: str, status: Status, latency: float | None, age: float, env: str = "prod"
) -> CheckResult:
    return CheckResult("web", env, check, "tcp", status, latency, "", [], time.time() - age)


@pytest.fixture
def history(tmp_path: Path) -> HealthHistory:
    history = HealthHistory.open(tmp_path / "state.db")
    latencies = [10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0, 80.0, 90.0, 1000.0]
    results = [result("home", Status.UP, ms, age=60 + i) for i, ms in enumerate(latencies)]
    results += [
        result("api", Status.DOWN, 5.0, age=30),
        result("api", Status.UNKNOWN, None, age=20),  # said nothing: counts neither way
        result("home", Status.DOWN, 5000.0, age=7200),  # older than the window
        result("home", Status.DOWN, 9000.0, age=10, env="staging"),  # another environment
    ]
    history.add(results)
    return history


def read(history: HealthHistory, **spec: Any) -> PollResult:
    config = CockpitConfig.model_validate(
        {**CONFIG, "metrics": [{"name": "m", "health": {"service": "web", **spec}}]}
    )
    poller = MetricPoller(config.metrics, config.environments["prod"], health_history=history)
    return asyncio.run(poller.read(config.metrics[0]))


def test_nearest_rank_percentiles() -> None:
    values = [15.0, 20.0, 35.0, 40.0, 50.0]
    assert percentile(values, 0.5) == 35.0
    assert percentile(values, 0.95) == 50.0
    assert percentile([7.0], 0.95) == 7.0


def test_latency_percentiles_of_one_check_and_of_all(history: HealthHistory) -> None:
    assert read(history, check="home", metric="latency_p50").points[0][2] == 50.0
    assert read(history, check="home", metric="latency_p95").points[0][2] == 1000.0
    # Both checks: 11 latencies (5 ms from api added), p50 is the 6th smallest.
    assert read(history, metric="latency_p50").points[0][2] == 50.0
    assert read(history, metric="latency_p95").points[0][2] == 1000.0


def test_availability_counts_up_against_down_only(history: HealthHistory) -> None:
    assert read(history, metric="availability").points[0][2] == pytest.approx(100 * 10 / 11)
    assert read(history, metric="availability", check="api").points[0][2] == 0.0


def test_the_window_cuts_old_results(history: HealthHistory) -> None:
    # Only the five results of the last 65 s: 10..50 ms.
    assert read(history, metric="latency_p95", check="home", over="65s").points[0][2] == 50.0


def test_no_results_is_a_reason(history: HealthHistory) -> None:
    got = read(history, metric="availability", check="api", over="5s")
    assert got.error == "no results yet for web (api) in the last 5s"
