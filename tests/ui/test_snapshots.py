"""SVG snapshots of the shell at a small and a large terminal, local and production."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual.pilot import Pilot

from cockpit.domain.health import (
    CheckResult,
    CheckStatus,
    ConditionResult,
    ServiceStatus,
    Status,
)
from cockpit.ui.app import CockpitApp
from cockpit.ui.messages import HealthSnapshot, HostSampled
from tests.ui.conftest import (
    FIXED_EPOCH,
    FIXED_PROCESSES,
    THREE_ENVS,
    fixed_sample,
    paint_metrics,
)

AppFactory = Callable[..., CockpitApp]


async def _feed(pilot: Pilot[Any]) -> None:
    for i in range(5):
        pilot.app.post_message(HostSampled(fixed_sample(i), FIXED_PROCESSES))
        await pilot.pause()
    await paint_metrics(pilot)


def test_local_160x45(snap_compare: Any, make_app: AppFactory) -> None:
    assert snap_compare(make_app(), terminal_size=(160, 45), run_before=_feed)


def test_local_80x24(snap_compare: Any, make_app: AppFactory) -> None:
    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=_feed)


def test_production_160x45(snap_compare: Any, make_app: AppFactory) -> None:
    app = make_app(environment="production", read_only=True)
    assert snap_compare(app, terminal_size=(160, 45), run_before=_feed)


def test_production_80x24_metrics_tab(snap_compare: Any, make_app: AppFactory) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await _feed(pilot)
        await pilot.press("3")

    app = make_app(environment="production")
    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def _statuses(env: str = "local") -> list[ServiceStatus]:
    now = FIXED_EPOCH

    def check(name: str, kind: str, status: Status, reason: str, ok: bool) -> CheckStatus:
        result = CheckResult(
            service=name,
            environment=env,
            check=kind,
            kind=kind,
            status=status,
            latency_ms=42.0,
            reason=reason,
            conditions=[ConditionResult("[STATUS] == 200", ok, "200" if ok else "503")],
            ts=now,
            detail="" if ok else '{"status":"DOWN"}',
        )
        strip = [Status.UP] * 8 + ([Status.UP] * 4 if ok else [Status.DOWN] * 4)
        return CheckStatus(kind, kind, status, reason, result, now - 300, strip, [42.0] * 12)

    return [
        ServiceStatus(
            "checkout",
            env,
            Status.DOWN,
            42.0,
            "http: status 503 (want 200)",
            now - 120,
            [check("checkout", "http", Status.DOWN, "status 503", False)],
        ),
        ServiceStatus(
            "postgres",
            env,
            Status.UP,
            3.0,
            "connected",
            now - 4000,
            [check("postgres", "tcp", Status.UP, "connected", True)],
        ),
    ]


SERVICES_CONFIG = {
    **THREE_ENVS,
    "services": [
        {"name": "checkout", "checks": [{"http": {"url": "http://127.0.0.1:9/health"}}]},
        {"name": "postgres", "checks": [{"tcp": {"host": "127.0.0.1", "port": 5432}}]},
    ],
}


async def _feed_health(pilot: Pilot[Any]) -> None:
    await _feed(pilot)
    pilot.app.post_message(HealthSnapshot(_statuses()))
    await pilot.pause()


def test_health_160x45(snap_compare: Any, make_app: AppFactory) -> None:
    assert snap_compare(make_app(SERVICES_CONFIG), terminal_size=(160, 45), run_before=_feed_health)


def test_health_80x24(snap_compare: Any, make_app: AppFactory) -> None:
    assert snap_compare(make_app(SERVICES_CONFIG), terminal_size=(80, 24), run_before=_feed_health)


@pytest.mark.parametrize("theme", ["cockpit-dark", "cockpit-light", "war-room"])
def test_production_in_each_shipped_theme(
    snap_compare: Any, make_app: AppFactory, theme: str
) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await _feed(pilot)
        pilot.app.post_message(HealthSnapshot(_statuses("production")))
        await pilot.pause()

    app = make_app(SERVICES_CONFIG, environment="production", theme=theme)
    assert snap_compare(app, terminal_size=(120, 36), run_before=run_before)
