"""Health history in a real SQLite file: batches, recent results, uptime, availability, pruning."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cockpit.domain.health import CheckResult, Status
from cockpit.state.health_history import HealthHistory


def _r(status: Status, ts: float, check: str = "http", latency: float | None = 5.0) -> CheckResult:
    return CheckResult("api", "prod", check, "http", status, latency, status.value, [], ts)


def test_roundtrip_uptime_latency_and_availability(tmp_path: Path) -> None:
    now = time.time()
    history = HealthHistory.open(tmp_path / "state.db")
    statuses = [Status.UP] * 6 + [Status.DOWN, Status.DEGRADED, Status.UNKNOWN, Status.UP]
    history.add([_r(s, now - 100 + i, latency=float(i)) for i, s in enumerate(statuses)])
    history.add([_r(Status.DOWN, now - 50, check="tcp", latency=None)])
    history.close()

    reopened = HealthHistory.open(tmp_path / "state.db")
    recent = reopened.recent("api", "prod", "http", 4, kind="http")
    assert [r.status for r in recent] == [Status.DOWN, Status.DEGRADED, Status.UNKNOWN, Status.UP]
    assert abs(recent[-1].ts - (now - 91)) < 1e-3
    assert recent[0].kind == "http" and recent[0].reason == "DOWN"
    assert reopened.latency_series("api", "prod", "http", 2) == [
        (recent[-2].ts, 8.0),
        (recent[-1].ts, 9.0),
    ]
    strip = reopened.uptime_strip("api", "prod", 3)
    # Every check of the service, by time: the tcp check's DOWN came last.
    assert strip == [Status.UNKNOWN, Status.UP, Status.DOWN]
    # 11 results; UNKNOWN is left out: 7 UP + 1 DEGRADED available out of 10 judged.
    assert reopened.availability("api", "prod") == 80.0
    assert reopened.availability("api", "staging") is None
    later = datetime.now(UTC) + timedelta(days=2)
    assert reopened.availability("api", "prod", now=later) is None
    reopened.close()


def test_old_rows_are_pruned_on_write(tmp_path: Path) -> None:
    history = HealthHistory.open(tmp_path / "state.db")
    history.retention_s = 3600.0
    now = time.time()
    history.add([_r(Status.UP, now - 7200), _r(Status.UP, now - 10)])
    assert len(history.recent("api", "prod", "http", 10)) == 1
    history.close()
