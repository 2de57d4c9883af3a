"""The Metrics pane and its chart: local and production, small and large terminals."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual.pilot import Pilot

from cockpit.ui.app import CockpitApp
from tests.ui.conftest import paint_metrics

AppFactory = Callable[..., CockpitApp]


def _showing(*keys: str) -> Callable[[Pilot[Any]], Any]:
    async def run_before(pilot: Pilot[Any]) -> None:
        await paint_metrics(pilot)
        await pilot.press("3", *keys)
        await pilot.pause()

    return run_before


@pytest.mark.parametrize("theme", ["cockpit-dark", "war-room"])
def test_local_pane_zoomed_160x45(snap_compare: Any, make_app: AppFactory, theme: str) -> None:
    app = make_app(theme=theme)
    assert snap_compare(app, terminal_size=(160, 45), run_before=_showing("z"))


def test_production_pane_80x24(snap_compare: Any, make_app: AppFactory) -> None:
    app = make_app(environment="production")
    assert snap_compare(app, terminal_size=(80, 24), run_before=_showing())


def test_chart_160x45(snap_compare: Any, make_app: AppFactory) -> None:
    # The cursor starts on the worst row (disk / at 93.5 %); j moves to cpu.
    app = make_app()
    assert snap_compare(app, terminal_size=(160, 45), run_before=_showing("j", "enter"))


def test_production_chart_80x24(snap_compare: Any, make_app: AppFactory) -> None:
    app = make_app(environment="production")
    assert snap_compare(app, terminal_size=(80, 24), run_before=_showing("enter"))
