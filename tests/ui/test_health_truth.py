"""The Health pane tells the truth at a glance: worst row under the cursor, full reasons, ages,
runs in flight and stale problems drawn as what they are."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from rich.text import Text
from textual.widgets import DataTable

from cockpit.domain.health import CheckResult, CheckStatus, ServiceStatus, Status
from cockpit.ui.app import CockpitApp
from cockpit.ui.messages import HealthSnapshot
from cockpit.ui.widgets.health_pane import HealthPane
from tests.ui.conftest import FIXED_EPOCH

AppFactory = Callable[..., CockpitApp]
NOW = FIXED_EPOCH

CONFIG = {
    "environments": {"local": {"protection": "none"}},
    "services": [
        {"name": n, "checks": [{"tcp": {"host": "127.0.0.1", "port": 9}}]}
        for n in ("aaa-healthy", "payments-service-backend", "worker")
    ],
}


def _service(
    name: str,
    status: Status,
    reason: str,
    *,
    changed: float = NOW - 250,
    stale: bool = False,
    checking_since: float | None = None,
    latency: float | None = 42.0,
) -> ServiceStatus:
    last = CheckResult(name, "local", "tcp", "tcp", status, latency, reason, [], NOW - 30)
    check = CheckStatus(
        "tcp", "tcp", status, reason, last, changed, [status] * 5, [latency] * 5, stale,
        checking_since,
    )  # fmt: skip
    return ServiceStatus(name, "local", status, latency, reason, changed, [check])


def _table(app: CockpitApp) -> DataTable[str | Text]:
    return app.query_one("#services", DataTable)


def _row(app: CockpitApp, index: int) -> list[str]:
    return [c.plain if isinstance(c, Text) else str(c) for c in _table(app).get_row_at(index)]


async def test_cursor_starts_on_the_worst_row_and_follows_it_until_the_user_moves(
    make_app: AppFactory,
) -> None:
    app = make_app(CONFIG)
    async with app.run_test(size=(160, 45)) as pilot:
        # The healthy service reports first: the cursor must not stay on it.
        app.post_message(HealthSnapshot([_service("aaa-healthy", Status.UP, "connected")]))
        await pilot.pause()
        down = _service("worker", Status.DOWN, "connection refused")
        up = _service("aaa-healthy", Status.UP, "connected")
        app.post_message(HealthSnapshot([down, up]))
        await pilot.pause()
        pane = app.query_one(HealthPane)
        assert pane.selected() is not None and pane.selected().name == "worker"  # type: ignore[union-attr]
        worse = _service("payments-service-backend", Status.DOWN, "HTTP 500", latency=900.0)
        app.post_message(HealthSnapshot([worse, down, up]))
        await pilot.pause()
        assert pane.selected().name == "payments-service-backend"  # type: ignore[union-attr]
        _table(app).focus()
        await pilot.press("down")
        await pilot.pause()
        assert pane.selected().name == "worker"  # type: ignore[union-attr]
        assert not pane.follow_worst
        app.post_message(HealthSnapshot([worse, up, down]))
        await pilot.pause()
        assert pane.selected().name == "worker"  # type: ignore[union-attr]


async def test_selected_row_keeps_its_status_colour(make_app: AppFactory) -> None:
    app = make_app(CONFIG)
    async with app.run_test(size=(160, 45)) as pilot:
        app.post_message(HealthSnapshot([_service("worker", Status.DOWN, "refused")]))
        await pilot.pause()
        table = _table(app)
        assert table.cursor_foreground_priority == "renderable"
        status = table.get_row_at(0)[0]
        assert isinstance(status, Text)
        style = status.style
        assert not isinstance(style, str) and style.color is not None
        assert style.color.get_truecolor().hex == app.get_css_variables()["status-down"].lower()


async def test_reason_takes_the_rest_of_the_row_at_80_columns(make_app: AppFactory) -> None:
    reason = "HTTP 500 in 2 ms: [STATUS] == 200 failed"
    app = make_app(CONFIG)
    async with app.run_test(size=(80, 24)) as pilot:
        app.post_message(
            HealthSnapshot([_service("payments-service-backend", Status.DOWN, reason)])
        )
        await pilot.pause()
        table = _table(app)
        widths = [c.get_render_width(table) for c in table.columns.values()]
        # Every column on screen, and REASON has all the width the others leave.
        assert sum(widths) == table.size.width - 1
        assert widths[-1] - 2 >= 27
        assert [str(c.label) for c in table.columns.values()] == [
            "STATUS", "SERVICE", "LATENCY", "FOR", "REASON"
        ]  # fmt: skip
        row = _row(app, 0)
        assert row[1] == "payment…ackend"  # cut in the middle, never silently
        assert row[-1] == reason
        # The detail below the table has it whole.
        assert reason in app.query_one(HealthPane).detail_plain


async def test_ages_runs_in_flight_and_stale_problems(make_app: AppFactory) -> None:
    app = make_app(CONFIG)
    async with app.run_test(size=(160, 45)) as pilot:
        app.post_message(
            HealthSnapshot(
                [
                    _service("worker", Status.DOWN, "HTTP 503 (no fresh result)", stale=True),
                    _service(
                        "payments-service-backend",
                        Status.DOWN,
                        "timed out after 1m",
                        checking_since=NOW - 25,
                        latency=60004.0,
                    ),
                ]
            )
        )
        await pilot.pause()
        rows = {r[1]: r for r in (_row(app, 0), _row(app, 1))}
        checking = rows["payment…ackend"]
        assert checking[-1] == "checking… 25s · timed out after 1m"
        assert checking[2] == "60.0 s" and checking[-2] == "4m10s"
        stale = rows["worker"]
        assert stale[0] == "✖ DOWN ◌"
        assert stale[-1] == "stale 30s · HTTP 503 (no fresh result)"


async def test_banner_counts_trouble_and_the_tab_carries_a_mark(make_app: AppFactory) -> None:
    from textual.widgets import Tab

    from cockpit.ui.widgets.banner import EnvBanner

    app = make_app(CONFIG)
    async with app.run_test(size=(100, 30)) as pilot:
        app.post_message(
            HealthSnapshot(
                [
                    _service("worker", Status.DOWN, "refused", changed=NOW - 12),
                    _service("payments-service-backend", Status.DOWN, "HTTP 500"),
                    _service("aaa-healthy", Status.DEGRADED, "slow"),
                ]
            )
        )
        await pilot.pause()
        banner = str(app.query_one(EnvBanner).render())
        assert "✖ 2 DOWN · 1 DEGRADED" in banner
        assert "newest: worker DOWN 12s ago" in banner
        tab = app.query_one("#tab-health", Tab)
        assert str(tab.label) == "1 Health ✖3" and tab.has_class("-down")


async def test_a_change_to_down_is_announced_with_a_flash_and_the_bell(
    make_app: AppFactory,
) -> None:
    config = {**CONFIG, "ui": {"bell": True}}
    app = make_app(config)
    rang: list[bool] = []
    app.bell = lambda: rang.append(True)  # type: ignore[method-assign]
    async with app.run_test(size=(160, 45)) as pilot:
        app.post_message(HealthSnapshot([_service("worker", Status.UP, "ok")]))
        await pilot.pause()
        assert not app._notifications and not rang
        app.post_message(HealthSnapshot([_service("worker", Status.DOWN, "connection refused")]))
        await pilot.pause()
        notes = list(app._notifications)
        assert [(n.title, n.message, n.severity) for n in notes] == [
            ("worker DOWN", "connection refused", "error")
        ]
        assert rang == [True]
        assert app.query_one(HealthPane).has_class("-flash")
        # Still DOWN at the next snapshot: not news again.
        app.post_message(HealthSnapshot([_service("worker", Status.DOWN, "connection refused")]))
        await pilot.pause()
        assert len(app._notifications) == 1 and rang == [True]


async def test_switcher_shows_trouble_per_environment(make_app: AppFactory) -> None:
    from textual.widgets import OptionList

    from tests.ui.conftest import THREE_ENVS

    app = make_app(THREE_ENVS)
    async with app.run_test(size=(160, 45)) as pilot:
        prod = replace(_service("api", Status.DOWN, "HTTP 503"), environment="production")
        app.post_message(HealthSnapshot([prod]))
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        options = app.screen.query_one(OptionList)
        labels = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert any("production" in label and "1 DOWN" in label for label in labels)
        assert not any("local" in label and "DOWN" in label for label in labels)
