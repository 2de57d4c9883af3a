"""Start-up time: process start to first painted frame, cockpit vs a bare Textual app.

Both run under a pseudo-terminal at 160x45; the clock stops when the fourth pane's title
("Checklists") is painted. Prints medians of N runs each and the ratio (target <= 1.3).

    python bench/startup.py [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ptyrun import time_to_marker

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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
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
        time_to_marker(cockpit_argv, b"Checklists", env=env)
        time_to_marker(bare_argv, b"Checklists", env=env)
        cockpit_times: list[float] = []
        bare_times: list[float] = []
        for _ in range(args.runs):
            # Interleave so machine noise hits both alike.
            cockpit_times.append(time_to_marker(cockpit_argv, b"Checklists", env=env))
            bare_times.append(time_to_marker(bare_argv, b"Checklists", env=env))
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
    print(f"ratio cockpit/bare: {c / b:.2f} (target <= 1.30)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
