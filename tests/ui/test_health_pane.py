"""The Health pane against real HTTP servers: worst first, detail, all-environments view."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.widgets import DataTable

from cockpit.domain.health import Status
from cockpit.ui.app import CockpitApp
from cockpit.ui.feed_supervisor import FeedSupervisor
from cockpit.ui.widgets.health_pane import HealthPane
from tests.support.http_servers import HttpServer

AppFactory = Callable[..., CockpitApp]


def _config(url: str) -> dict[str, Any]:
    return {
        "environments": {"local": {"protection": "none"}, "prod": {}},
        "services": [
            {
                "name": "web",
                "environments": ["local"],
                "interval": "1s",
                "checks": [{"http": {"url": f"{url}/ok", "conditions": ["[STATUS] == 200"]}}],
            },
            {
                "name": "broken",
                "environments": ["local"],
                "interval": "1s",
                "checks": [{"http": {"url": f"{url}/fail"}}],
            },
            {
                "name": "prod-api",
                "environments": ["prod"],
                "interval": "1s",
                "checks": [{"http": {"url": f"{url}/ok"}}],
            },
        ],
    }


async def _wait_for(pilot: Any, predicate: Callable[[], bool], seconds: float = 30.0) -> None:
    for _ in range(int(seconds / 0.05)):
        if predicate():
            return
        await pilot.pause(0.05)
    raise AssertionError("condition not reached in time")


async def test_services_worst_first_with_detail(
    make_app: AppFactory, http_server: HttpServer
) -> None:
    app = make_app(_config(http_server.url), feeds=FeedSupervisor)
    async with app.run_test(size=(160, 45)) as pilot:
        pane = app.query_one(HealthPane)
        await _wait_for(
            pilot,
            lambda: (
                len(pane._visible()) == 2
                and all(s.status is not Status.UNKNOWN for s in pane._visible())
            ),
        )
        names = [s.name for s in pane._visible()]
        assert names == ["broken", "web"]  # worst first; prod-api belongs to another env
        table = pane.query_one("#services", DataTable)
        assert table.row_count == 2
        assert pane.selected() is not None and pane.selected().name == "broken"
        assert "broken" in pane.detail_plain and "500" in pane.detail_plain
        table.focus()
        await pilot.press("down")
        assert "[STATUS] == 200" in pane.detail_plain and "✓" in pane.detail_plain
        assert "1 up" in str(pane.border_subtitle) and "1 down" in str(pane.border_subtitle)


async def test_all_environments_and_switch(make_app: AppFactory, http_server: HttpServer) -> None:
    app = make_app(_config(http_server.url), feeds=FeedSupervisor)
    async with app.run_test(size=(160, 45)) as pilot:
        pane = app.query_one(HealthPane)
        await _wait_for(pilot, lambda: len(pane.statuses) == 3)
        pane.query_one("#services", DataTable).focus()
        await pilot.press("E")
        assert pane.all_envs
        table = pane.query_one("#services", DataTable)
        await _wait_for(pilot, lambda: table.row_count == 3)
        assert "env" in [str(c.key.value) for c in table.columns.values()]
        # Counts per environment, so trouble in one is not mistaken for another's.
        # Once every service has its first result (a check may still be on its way at first).
        await _wait_for(pilot, lambda: pane.note == "local: 1 DOWN · prod: all 1 UP")
        await pilot.press("E")
        app.switch_environment("prod")
        await pilot.pause()
        assert [s.name for s in pane._visible()] == ["prod-api"]


async def test_backend_down_is_a_state_not_a_freeze(
    make_app: AppFactory, http_server_factory: Callable[..., HttpServer]
) -> None:
    server = http_server_factory()
    url = server.url
    app = make_app(_config(url), feeds=FeedSupervisor)
    async with app.run_test(size=(160, 45)) as pilot:
        pane = app.query_one(HealthPane)
        await _wait_for(
            pilot, lambda: any(s.name == "web" and s.status is Status.UP for s in pane.statuses)
        )
        server.stop()
        await _wait_for(
            pilot, lambda: any(s.name == "web" and s.status is Status.DOWN for s in pane.statuses)
        )
        web = next(s for s in pane.statuses if s.name == "web")
        assert "refused" in web.reason.lower() or "connect" in web.reason.lower()
        await pilot.press("3")  # the UI still answers keys
        assert app.active_pane == "metrics"
