"""A regular expression that costs seconds over the buffer never stops the screen.

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
from cockpit.ui.widgets.log_view import LogView
from cockpit.ui.widgets.logs_pane import LogsPane
from tests.support.pilot_wait import until

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
    app = make_app(config, live=True)
    gaps: list[float] = []
    last = [time.perf_counter()]

    def beat() -> None:
        now = time.perf_counter()
        gaps.append(now - last[0])
        last[0] = now

    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("2")
        pane = app.query_one(LogsPane)
        view = pane.query_one(LogView)
        await until(pilot, lambda: view.line_count == LINES)
        view.focus()
        app.set_interval(0.01, beat)
        await pilot.pause(0.1)
        gaps.clear()
        last[0] = time.perf_counter()
        started = time.perf_counter()
        await pilot.press("slash", *HEAVY, "enter")
        assert "filtering…" in str(pane.query_one("#log-status").render())
        # New lines meanwhile are kept and shown once the filter has caught up.
        with log.open("a") as fh:
            fh.write(_long_line(LINES) + "\n" + "no match here\n")
        await until(pilot, lambda: not pane._filtering and not pane._unfiltered)
        await until(pilot, lambda: view.line_count == LINES + 1)
        took = time.perf_counter() - started
        assert pane.include == HEAVY
        assert "no match here" not in "".join(view.lines)
    # The filter took long enough that blocking would have shown (this machine: seconds).
    assert took > 0.3, took
    assert max(gaps) < 0.1, f"the event loop stalled {max(gaps) * 1000:.0f} ms"
