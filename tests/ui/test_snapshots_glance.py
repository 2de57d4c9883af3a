"""The one-glance screen in every shipped theme, at 80x24 and 160x45: trouble counted in the
banner and the tab, the worst row under the cursor, a run in flight, a stale DOWN, full reasons."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual.pilot import Pilot

from cockpit.domain.health import CheckResult, CheckStatus, ServiceStatus, Status
from cockpit.ui.app import CockpitApp
from cockpit.ui.messages import HealthSnapshot
from tests.ui.conftest import FIXED_EPOCH

AppFactory = Callable[..., CockpitApp]
NOW = FIXED_EPOCH
NAMES = ("orders-api", "payments-service-backend", "anomaly-detection-worker", "search")
CONFIG = {
    "environments": {"production": {"description": "EKS production"}},
    "services": [{"name": n, "checks": [{"tcp": {"host": "127.0.0.1", "port": 9}}]} for n in NAMES],
}


def _service(
    name: str,
    status: Status,
    reason: str,
    latency: float | None,
    *,
    stale: bool = False,
    checking_since: float | None = None,
) -> ServiceStatus:
    last = CheckResult(name, "production", "tcp", "tcp", status, latency, reason, [], NOW - 40)
    strip = [Status.UP] * 8 + [status] * 4
    check = CheckStatus(
        "tcp", "tcp", status, reason, last, NOW - 250, strip, [latency] * 12, stale, checking_since
    )
    return ServiceStatus(name, "production", status, latency, reason, NOW - 250, [check])


STATUSES = [
    _service("orders-api", Status.UP, "connected in 3 ms", 3.0),
    _service("payments-service-backend", Status.DOWN, "HTTP 500 in 2 ms: [STATUS] == 200", 2.0),
    _service(
        "anomaly-detection-worker",
        Status.DOWN,
        "timed out after 1m",
        60004.0,
        checking_since=NOW - 25,
    ),
    _service("search", Status.DOWN, "HTTP 503 (no fresh result)", 1502.0, stale=True),
]


async def _feed(pilot: Pilot[Any]) -> None:
    pilot.app.post_message(HealthSnapshot(STATUSES))
    await pilot.pause()


@pytest.mark.parametrize("size", [(80, 24), (160, 45)])
@pytest.mark.parametrize("theme", ["cockpit-dark", "cockpit-light", "war-room"])
def test_one_glance(
    snap_compare: Any, make_app: AppFactory, theme: str, size: tuple[int, int]
) -> None:
    app = make_app(CONFIG, environment="production", theme=theme)
    assert snap_compare(app, terminal_size=size, run_before=_feed)


@pytest.mark.parametrize("size", [(80, 24), (160, 45)])
@pytest.mark.parametrize("theme", ["cockpit-dark", "cockpit-light", "war-room"])
def test_switcher_counts_trouble_per_environment(
    snap_compare: Any, make_app: AppFactory, theme: str, size: tuple[int, int]
) -> None:
    config = {
        **CONFIG,
        "environments": {
            "local": {"description": "This machine"},
            "production": {"description": "EKS production"},
        },
    }

    async def run_before(pilot: Pilot[Any]) -> None:
        await _feed(pilot)
        await pilot.press("e")
        await pilot.pause()

    app = make_app(config, environment="local", theme=theme)
    assert snap_compare(app, terminal_size=size, run_before=run_before)
