"""SVG snapshots of the shell at a small and a large terminal, local and production."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.pilot import Pilot

from cockpit.ui.app import CockpitApp
from cockpit.ui.messages import HostSampled
from tests.ui.conftest import FIXED_PROCESSES, fixed_sample

AppFactory = Callable[..., CockpitApp]


async def _feed(pilot: Pilot[Any]) -> None:
    for i in range(5):
        pilot.app.post_message(HostSampled(fixed_sample(i), FIXED_PROCESSES))
        await pilot.pause()
    await pilot.pause()


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
