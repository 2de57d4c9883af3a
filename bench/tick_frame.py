"""From a tick to the screen: how long until a ticked item shows ``[✓]`` on the captured screen.

The cockpit runs in a 120x32 tmux pane on a checklist of its own state file. Two figures:
- own tick: ``space`` pressed in the pane, until tmux shows the item ticked (the key's way in,
  the durable commit in a worker, the repaint, tmux's capture);
- tick from elsewhere: another process ticks through the state API, until the pane shows it
  (the pane reads the run on screen every second).
Baselines in the same run: one durable commit of a tick done directly (``ChecklistBook.tick``
in this process), and one ``tmux capture-pane`` (the floor of this way of looking).

    python bench/tick_frame.py [--rounds 15]
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
from cockpit.state.checklists import Checklist, ChecklistBook, ChecklistItem
from cockpit.state.store import Store
from tmuxrun import TmuxSession

CONFIG = """\
environments:
  local: {protection: none}
checklists:
  - name: Daily
    items:
      - text: Check disk usage
      - text: Check memory usage
"""


def until(session: TmuxSession, text: str, timeout: float = 10.0) -> float:
    """Seconds until ``text`` is on the captured screen."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        session.drain()
        if text in session.screen():
            return time.perf_counter() - start
    raise RuntimeError(f"{text!r} not on screen in {timeout}s:\n{session.screen()}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    own: list[float] = []
    elsewhere: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        config = folder / "cockpit.yaml"
        config.write_text(CONFIG)
        db = folder / "state.db"
        env = {"COCKPIT_STATE": str(db), "COCKPIT_CONFIG": "", "XDG_DATA_HOME": str(folder)}
        session = TmuxSession(
            [sys.executable, "-m", "cockpit", "--config", str(config)], cols=120, rows=32, env=env
        )
        try:
            session.wait_visible("Daily · daily", timeout=30)
            session.send("4")
            time.sleep(0.5)
            for _ in range(args.rounds):
                start = time.perf_counter()
                session.send(" ")
                until(session, "[✓] Check disk usage")
                own.append(time.perf_counter() - start)
                session.send(" ")
                until(session, "[ ] Check disk usage")
            # Another cockpit on the same file: its own connection, its own book.
            store = Store.open(db)
            daily = Checklist(
                "Daily",
                "Daily",
                "daily",
                (ChecklistItem("Check disk usage", "Check disk usage"),
                 ChecklistItem("Check memory usage", "Check memory usage")),
                "config",
            )  # fmt: skip
            book = ChecklistBook(store)
            for _ in range(max(3, args.rounds // 3)):
                start = time.perf_counter()
                book.tick("local", daily, "Check memory usage", "other@host")
                until(session, "[✓] Check memory usage")
                elsewhere.append(time.perf_counter() - start)
                book.untick("local", daily, "Check memory usage", "other@host")
                until(session, "[ ] Check memory usage")
            commits = []
            for _ in range(args.rounds):
                start = time.perf_counter()
                book.tick("local", daily, "Check disk usage", "bench@host")
                commits.append(time.perf_counter() - start)
            store.close()
            captures = []
            for _ in range(args.rounds):
                start = time.perf_counter()
                session.screen()
                captures.append(time.perf_counter() - start)
        finally:
            session.close()
    ms = 1000.0
    print(
        f"own tick (space) to [✓] on screen: median {statistics.median(own) * ms:.0f} ms, "
        f"max {max(own) * ms:.0f} ms over {len(own)} ticks"
    )
    print(
        f"tick from another process to [✓] on screen: median "
        f"{statistics.median(elsewhere) * ms:.0f} ms, max {max(elsewhere) * ms:.0f} ms "
        f"(the pane reads the run every second)"
    )
    print(
        f"baselines: one durable tick commit {statistics.median(commits) * ms:.1f} ms; "
        f"one tmux capture-pane {statistics.median(captures) * ms:.1f} ms; "
        f"one frame at 60 Hz 16.7 ms"
    )
    return 0


if __name__ == "__main__":
    os.environ.setdefault("TERM", "xterm-256color")
    sys.exit(main())
