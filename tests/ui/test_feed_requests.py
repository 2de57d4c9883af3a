"""What the app asks of its feeds: start once, follow the environment, retry, check now, stop."""

from __future__ import annotations

from collections.abc import Callable

from cockpit.ui.app import CockpitApp
from tests.support.quiet_feeds import QuietFeeds

AppFactory = Callable[..., CockpitApp]


def _calls(app: CockpitApp) -> list[tuple[str, object]]:
    feeds = app._feeds
    assert isinstance(feeds, QuietFeeds)
    return feeds.calls


async def test_feeds_start_once_and_follow_the_environment(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        assert _calls(app) == [("focus", "local"), ("start", None)]
        app.switch_environment("production")
        app.switch_environment("production")  # already in focus: nothing restarts
        await pilot.pause()
        assert _calls(app)[2:] == [("focus", "production")]


async def test_retry_goes_to_the_pane_in_focus(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.press("2", "r")
        await pilot.pause()
        await pilot.press("1", "r")
        await pilot.pause()
        retries = [arg for name, arg in _calls(app) if name == "retry"]
        assert retries == ["logs", "health"]


async def test_check_now_and_quit_reach_the_feeds(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.press("1", "c")
        await pilot.pause()
        assert ("check_now", None) in _calls(app)
        await pilot.press("q", "y")
        await pilot.pause()
        assert _calls(app)[-1] == ("stop", None)
