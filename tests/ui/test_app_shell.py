"""The app shell driven as a user would: keys in, widgets and messages checked."""

from __future__ import annotations

from collections.abc import Callable

from textual.widgets import OptionList, Tabs

from cockpit.ui.app import CockpitApp
from cockpit.ui.screens.environments import EnvironmentScreen
from cockpit.ui.screens.help import HelpScreen
from cockpit.ui.widgets.banner import EnvBanner
from cockpit.ui.widgets.metrics_pane import MetricsPane
from cockpit.ui.widgets.pane import Pane
from tests.ui.conftest import metric_results

AppFactory = Callable[..., CockpitApp]


async def test_environment_switch_with_keys(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        banner = app.query_one(EnvBanner)
        assert banner.environment is not None and banner.environment.name == "local"
        assert not banner.has_class("-production")
        await pilot.press("e")
        assert isinstance(app.screen, EnvironmentScreen)
        await pilot.press("down", "down", "enter")
        await pilot.pause()
        assert app.env_name == "production"
        assert banner.has_class("-production")
        assert "PRODUCTION" in str(banner.render())
        assert app.screen.has_class("-production")


async def test_environment_switch_cancel_keeps_focus_env(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.press("e")
        option_list = app.screen.query_one(OptionList)
        assert option_list.option_count == 3
        await pilot.press("down", "escape")
        assert app.env_name == "local"


async def test_help_lists_keys_and_closes(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        shown = " ".join(k for _, k in app.screen.keys)
        assert "Env" in shown and "Theme" in shown and "Quit" in shown
        titles = [title for title, _ in app.screen.sections]
        # The cockpit's own keys for every pane come before anything generic.
        assert titles[:6] == [
            "Everywhere",
            "1 Health",
            "2 Logs",
            "3 Metrics",
            "4 Checklists",
            "Lists and views",
        ]
        logs = dict((d, k) for k, d in app.screen.sections[2][1])
        assert logs["Filter"] == "/"
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_theme_cycle_and_shipped_themes(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        assert {"cockpit-dark", "war-room"} <= set(app.available_themes)
        assert app.theme == "cockpit-dark"
        await pilot.press("t")
        assert app.theme != "cockpit-dark"
        assert app.theme in app.available_themes


async def test_theme_from_context(make_app: AppFactory) -> None:
    app = make_app(theme="war-room")
    async with app.run_test(size=(160, 45)):
        assert app.theme == "war-room"
        assert app.get_css_variables()["status-down"].upper() == "#FF2020"


async def test_read_only_badge(make_app: AppFactory) -> None:
    app = make_app(read_only=True)
    async with app.run_test(size=(160, 45)):
        assert "READ-ONLY" in str(app.query_one(EnvBanner).render())
    app2 = make_app()
    async with app2.run_test(size=(160, 45)):
        assert "READ-ONLY" not in str(app2.query_one(EnvBanner).render())


async def test_compact_layout_uses_tabs(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.screen.has_class("-compact")
        assert app.query_one("#pane-tabs", Tabs).display
        visible = [p.id for p in app.query(Pane) if p.display]
        assert visible == ["health"]
        await pilot.press("3")
        visible = [p.id for p in app.query(Pane) if p.display]
        assert visible == ["metrics"]
        assert app.query_one(Tabs).active == "tab-metrics"


async def test_wide_layout_shows_all_panes(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(160, 45)):
        assert app.screen.has_class("-wide")
        assert not app.query_one("#pane-tabs", Tabs).display
        assert [p.id for p in app.query(Pane) if p.display] == [
            "health",
            "logs",
            "metrics",
            "checklists",
        ]


async def test_metric_readings_fill_the_metrics_pane(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        pane = app.query_one(MetricsPane)
        assert pane.updated_at is None
        for message in metric_results("local", steps=3):
            app.post_message(message)
        await pilot.pause(1.2)  # the pane repaints on the app's 1 Hz tick
        rows = {row.title: row for row in pane.table.rows}
        assert rows["cpu"].value == 18.0
        assert [v for _, v in rows["cpu"].points] == [12.0, 15.0, 18.0]
        assert pane.updated_at is not None
        # 93.5% is past seed 003's disk limit: the row is crit and comes first.
        assert pane.table.rows[0].title == "disk /"
        assert rows["disk /"].level.label == "crit"
        assert rows["disk /"].action == "Clean up / expand"


async def test_keymap_override_from_config(make_app: AppFactory) -> None:
    cfg = {"environments": {"a": {}, "b": {}}, "ui": {"keys": {"switch_env": "ctrl+e"}}}
    app = make_app(cfg, environment="a")
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.press("e")
        assert not isinstance(app.screen, EnvironmentScreen)
        await pilot.press("ctrl+e")
        assert isinstance(app.screen, EnvironmentScreen)


async def test_failed_worker_turns_pane_into_error(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:

        def boom() -> None:
            raise ConnectionError("backend unreachable")

        app.run_worker(boom, thread=True, group="metrics", exit_on_error=False)
        await pilot.pause(0.3)
        pane = app.query_one(MetricsPane)
        assert pane.error is not None and "backend unreachable" in pane.error
        assert pane.has_class("-error")
        assert app.is_running


async def test_quit_key(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.return_code is None
        await pilot.press("q")
        await pilot.pause()
        assert app.return_code is None and app.is_running  # asked, not quit
        await pilot.press("y")
        # exit() sets the code at once; a `y` that did nothing leaves it None.
        assert app.return_code == 0
        await pilot.pause()
        assert not app.is_running
    assert app.return_code == 0


async def test_zoom_gives_focused_pane_the_screen_and_keeps_the_banner(
    make_app: AppFactory,
) -> None:
    app = make_app(environment="production")
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.press("2", "z")
        logs = app.query_one("#logs", Pane)
        assert app.screen.maximized is logs
        assert logs.region.width == 160
        banner = app.query_one(EnvBanner)
        # The banner stays on the top row: a zoomed production pane is still unmistakable.
        assert banner.display and banner.region.y == 0
        assert "PRODUCTION" in str(banner.render())
        assert logs.region.y == 1
        await pilot.press("3")
        assert app.screen.maximized is app.query_one("#metrics", Pane)
        await pilot.press("escape")
        assert app.screen.maximized is None
        assert [p.id for p in app.query(Pane) if p.region.width] == [
            "health",
            "logs",
            "metrics",
            "checklists",
        ]
        await pilot.press("z", "z")
        assert app.screen.maximized is None


async def test_escape_in_filter_line_cancels_without_unzooming(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2", "z", "slash", "x")
        assert app.screen.maximized is app.query_one("#logs", Pane)
        await pilot.press("escape")
        assert app.screen.maximized is app.query_one("#logs", Pane)
        assert not app.query_one("#logs", Pane).has_class("-editing")
        await pilot.press("escape")
        assert app.screen.maximized is None
