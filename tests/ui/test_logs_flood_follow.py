"""After a flood bigger than the view keeps, FOLLOW shows the newest line on the screen.

A view full to `max_lines` and at its end scrolls nowhere when rows arrive; it must repaint
anyway, or the screen stays on an old line while the status line counts on.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path

from cockpit.ui.app import CockpitApp
from cockpit.ui.feed_supervisor import FeedSupervisor
from cockpit.ui.widgets.log_view import LogView
from cockpit.ui.widgets.logs_pane import MAX_LINES, LogsPane
from tests.support.pilot_wait import until

AppFactory = Callable[..., CockpitApp]
LINES = 15 * MAX_LINES


async def test_follow_shows_the_last_line_of_a_flood_on_screen(
    make_app: AppFactory, tmp_path: Path
) -> None:
    flood = tmp_path / "flood.log"
    flood.write_text("".join(f"request {i} done\n" for i in range(1, LINES + 1)))
    config = {
        "environments": {"local": {"protection": "none"}},
        "logs": [{"name": "flood", "command": {"argv": ["cat", str(flood)]}}],
    }
    app = make_app(config, feeds=FeedSupervisor)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("2", "z")
        pane = app.query_one(LogsPane)
        view = pane.query_one(LogView)
        await until(pilot, lambda: pane.feed is not None and pane.feed.received == LINES)
        await pilot.pause(0.2)  # a few frames: the last flush and paint
        screen = html.unescape(app.export_screenshot()).replace("\xa0", " ")
        # What the screen shows, not what the widget holds: the newest line is painted.
        assert f"request {LINES} done" in screen
        assert pane.follow and view.is_vertical_scroll_end
