"""Start-up time: process start to the four pane titles on screen, cockpit vs a bare Textual app.

Both run in a 160x45 tmux pane; the clock stops when ``tmux capture-pane`` shows all four titles
(Health, Logs, Metrics, Checklists): what a person would see. Prints medians of N interleaved
runs each and the ratio (target <= 1.5).

    python bench/startup.py [--runs 9]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from tmuxrun import TmuxSession

TITLES = ("Health", "Logs", "Metrics", "Checklists")

BARE_APP = """
from textual.app import App
from textual.containers import Grid
from textual.widgets import Static, Footer

class Bare(App):
    CSS = "Grid { grid-size: 2 2; } Static { border: round $primary; height: 1fr; }"
    BINDINGS = [("q", "quit", "Quit")]
    def compose(self):
        with Grid():
            for title in ("Health", "Logs", "Metrics", "Checklists"):
                s = Static(title)
                s.border_title = title
                yield s
        yield Footer()

Bare().run()
"""


def time_to_titles(argv: list[str], env: dict[str, str], timeout: float = 20.0) -> float:
    """Seconds from launching ``argv`` in tmux until every pane title is on the captured screen."""
    session = TmuxSession(argv, cols=160, rows=45, env=env)
    try:
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            session.drain()
            screen = session.screen()
            if all(title in screen for title in TITLES):
                return time.perf_counter() - session.started
            time.sleep(0.002)
        raise RuntimeError(f"pane titles not on screen in {timeout}s:\n{session.screen()}")
    finally:
        session.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    py = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            "XDG_CONFIG_HOME": os.path.join(tmp, "config"),
            "XDG_DATA_HOME": os.path.join(tmp, "data"),
            "COCKPIT_CONFIG": "",
        }
        cockpit_argv = [py, "-m", "cockpit"]
        bare_argv = [py, "-c", BARE_APP]
        # One warm-up each so both start from a warm page cache and compiled bytecode.
        time_to_titles(cockpit_argv, env)
        time_to_titles(bare_argv, env)
        cockpit_times: list[float] = []
        bare_times: list[float] = []
        for _ in range(args.runs):
            # Interleave so machine noise hits both alike.
            cockpit_times.append(time_to_titles(cockpit_argv, env))
            bare_times.append(time_to_titles(bare_argv, env))
    c = statistics.median(cockpit_times)
    b = statistics.median(bare_times)
    print(
        f"cockpit first frame: median {c * 1000:.0f} ms over {args.runs} runs "
        f"(min {min(cockpit_times) * 1000:.0f}, max {max(cockpit_times) * 1000:.0f})"
    )
    print(
        f"bare Textual app (4 empty panes): median {b * 1000:.0f} ms "
        f"(min {min(bare_times) * 1000:.0f}, max {max(bare_times) * 1000:.0f})"
    )
    print(f"ratio cockpit/bare: {c / b:.2f} (target <= 1.50)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
