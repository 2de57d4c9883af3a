"""Nothing a log holds stops the screen: a costly filter, a 10 MB line wrapped.


``(.*a){20}`` over 3,000 lines of 4,000 characters full of ``a`` takes RE2 seconds (its time is
linear in the text, but grows with the program). The pane re-filters off the event loop and says
"filtering…"; new lines are filtered within a per-frame budget. A 10 ms timer in the app
measures the longest gap the event loop left it while that happens.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from cockpit.ui.app import CockpitApp
from cockpit.ui.feed_supervisor import FeedSupervisor
from cockpit.ui.widgets.log_view import LogView
from cockpit.ui.widgets.logs_pane import LogsPane
from tests.support.pilot_wait import LoopWatch, until

AppFactory = Callable[..., CockpitApp]
HEAVY = "(.*a){20}"
LINES = 3000


def _long_line(number: int) -> str:
    # Many a's and no line of them in a row: RE2 works hard on every line.
    return f"{number:05d} " + ("ab cd a " * 500)


async def test_a_costly_filter_never_freezes_the_screen(
    make_app: AppFactory, tmp_path: Path
) -> None:
    log = tmp_path / "app.log"
    log.write_text("".join(_long_line(i) + "\n" for i in range(LINES)))
    config = {
        "environments": {"local": {"protection": "none"}},
        "logs": [{"name": "app", "file": {"path": str(log), "tail": LINES}}],
    }
    app = make_app(config, feeds=FeedSupervisor)
    watch = LoopWatch()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("2")
        pane = app.query_one(LogsPane)
        view = pane.query_one(LogView)
        await until(pilot, lambda: view.line_count == LINES)
        view.focus()
        watch.start(app)
        await pilot.pause(0.1)
        watch.reset()
        started = time.perf_counter()
        await pilot.press("slash", *HEAVY, "enter")
        assert "filtering…" in str(pane.query_one("#log-status").render())
        # New lines meanwhile are kept and shown once the filter has caught up.
        with log.open("a") as fh:
            fh.write(_long_line(LINES) + "\n" + "no match here\n")
        await until(pilot, lambda: not pane._filtering and not pane._unfiltered)
        await until(pilot, lambda: view.line_count == LINES + 1)
        took = time.perf_counter() - started
        watch.stop()
        assert pane.include == HEAVY
        assert "no match here" not in "".join(view.lines)
    # The filter took long enough that blocking would have shown (this machine: seconds).
    assert took > 0.3, took
    assert watch.longest < 0.1, f"the event loop stalled {watch.longest * 1000:.0f} ms"


async def test_wrapping_a_ten_megabyte_line_is_one_line_and_never_freezes(
    make_app: AppFactory, tmp_path: Path
) -> None:
    log = tmp_path / "big.log"
    log.write_bytes(b"before\n")
    config = {
        "environments": {"local": {"protection": "none"}},
        "logs": [{"name": "app", "file": {"path": str(log)}}],
    }
    app = make_app(config, feeds=FeedSupervisor)
    watch = LoopWatch()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("2")
        pane = app.query_one(LogsPane)
        view = pane.query_one(LogView)
        await until(pilot, lambda: view.line_count == 1)
        with log.open("ab") as fh:
            for _ in range(4):  # four 10 MB lines: they used to push all history out
                fh.write(b"Z" * (10 * 1024 * 1024) + b"\n")
            fh.write(b"after\n")
        await until(pilot, lambda: view.line_count == 6)
        text = "\n".join(view.lines)
        assert text.count("… [+10.0 MiB]") == 4 and "before" in text and "after" in text
        view.focus()
        watch.start(app)
        await pilot.pause(0.1)
        watch.reset()
        await pilot.press("W")
        await until(pilot, lambda: view.line_count > 6)
        await pilot.resize_terminal(70, 30)
        await pilot.pause(0.5)
        watch.stop()
        wrapped = view.lines
        assert "before" in wrapped[0] and "after" in wrapped[-1]  # history stays
        assert len(wrapped) < 4 * 80  # a line of 4,096 characters, not 640 pieces
        assert sum("… [+10.0 MiB]" in row for row in wrapped) == 4
    assert watch.longest < 0.1, f"the event loop stalled {watch.longest * 1000:.0f} ms"
