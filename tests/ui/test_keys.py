"""Keys that fit the hands of k9s and less users, and a watch that a stray key cannot end."""

from __future__ import annotations

from collections.abc import Callable

from textual.widgets import DataTable

from cockpit.domain.health import ServiceStatus, Status
from cockpit.ui.app import CockpitApp
from cockpit.ui.messages import HealthSnapshot
from cockpit.ui.screens.prompts import CommandLineScreen, QuitScreen
from cockpit.ui.widgets.health_pane import HealthPane

AppFactory = Callable[..., CockpitApp]


def _services(n: int) -> list[ServiceStatus]:
    return [
        ServiceStatus(f"svc-{i:02d}", "local", Status.UP, 1.0, "ok", None, []) for i in range(n)
    ]


async def test_a_pane_has_the_focus_from_the_start(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        focused = app.focused
        assert focused is not None
        assert any(isinstance(a, HealthPane) for a in focused.ancestors_with_self)


async def test_j_k_g_G_move_in_the_services_table(make_app: AppFactory) -> None:
    services = [
        {"name": s.name, "checks": [{"tcp": {"host": "127.0.0.1", "port": 9}}]}
        for s in _services(30)
    ]
    app = make_app({"environments": {"local": {}}, "services": services})
    async with app.run_test(size=(160, 45)) as pilot:
        app.post_message(HealthSnapshot(_services(30)))
        await pilot.pause()
        table = app.query_one("#services", DataTable)
        assert app.focused is table and table.cursor_row == 0
        await pilot.press("j", "j", "k")
        assert table.cursor_row == 1
        await pilot.press("G")
        assert table.cursor_row == 29
        await pilot.press("g")
        assert table.cursor_row == 0
        await pilot.press("ctrl+d")
        assert table.cursor_row > 1


async def test_q_asks_and_only_y_quits(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("q")
        assert isinstance(app.screen, QuitScreen)
        await pilot.press("n")
        await pilot.pause()
        assert not isinstance(app.screen, QuitScreen) and app.is_running
        await pilot.press("q", "q")  # a second q is not a yes
        await pilot.pause()
        assert app.is_running and app.return_code is None


async def test_ctrl_c_twice_quits(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert app.is_running and app.return_code is None
        assert any("ctrl+c again" in n.message for n in app._notifications)
        await pilot.press("ctrl+c")
        assert app.return_code == 0


async def test_command_line(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.press("colon")
        assert isinstance(app.screen, CommandLineScreen)
        await pilot.press(*"env production", "enter")
        await pilot.pause()
        assert app.env_name == "production"
        await pilot.press("colon", *"theme war-room", "enter")
        await pilot.pause()
        assert app.theme == "war-room"
        await pilot.press("colon", *"deploy", "enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CommandLineScreen) and screen.has_class("-error")
        assert "unknown command 'deploy'" in str(screen.query_one("#command-error").render())
        await pilot.press("escape")
        await pilot.press("colon", *"logs", "enter")
        await pilot.pause()
        assert app.active_pane == "logs"
        await pilot.press("colon", "q", "enter")
        await pilot.pause()
        assert app.return_code == 0


async def test_typing_in_the_command_line_is_not_a_key(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.press("colon", *"q e t z", "escape")
        await pilot.pause()
        assert app.is_running and app.env_name == "local" and app.theme == "cockpit-dark"
        assert not isinstance(app.screen, CommandLineScreen)


async def test_y_without_a_question_does_nothing(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("y")
        await pilot.pause()
        assert app.is_running and app.return_code is None


async def test_the_movement_keys_can_be_remapped(make_app: AppFactory) -> None:
    services = [
        {"name": s.name, "checks": [{"tcp": {"host": "127.0.0.1", "port": 9}}]}
        for s in _services(5)
    ]
    config = {
        "environments": {"local": {}},
        "services": services,
        "ui": {"keys": {"move_down": "ctrl+n", "command_line": "semicolon"}},
    }
    app = make_app(config)
    async with app.run_test(size=(160, 45)) as pilot:
        app.post_message(HealthSnapshot(_services(5)))
        await pilot.pause()
        table = app.query_one("#services", DataTable)
        await pilot.press("ctrl+n", "ctrl+n")
        assert table.cursor_row == 2
        await pilot.press("semicolon")
        assert isinstance(app.screen, CommandLineScreen)


async def test_two_keys_at_once_at_the_question_do_not_end_the_cockpit(
    make_app: AppFactory,
) -> None:
    from textual import events

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("q")
        question = app.screen
        assert isinstance(question, QuitScreen)
        # Both queued before the first is handled, as when typed together over SSH.
        question.post_message(events.Key("n", "n"))
        question.post_message(events.Key("x", "x"))
        await pilot.pause()
        await pilot.pause()
        assert app.is_running and app.return_code is None
        assert not isinstance(app.screen, QuitScreen)
        await pilot.press("colon")
        line = app.screen
        assert isinstance(line, CommandLineScreen)
        line.post_message(events.Key("escape", None))
        line.post_message(events.Key("escape", None))
        await pilot.pause()
        await pilot.pause()
        assert app.is_running and app.return_code is None
