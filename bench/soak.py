"""Memory over time under a steady log stream: does the cockpit stay flat for hours?

Runs the cockpit in a tmux pane (160x45) with one command source printing lines at a steady
rate, and samples the resident memory of the cockpit and of its log worker every few seconds.
The baseline is the cockpit's own memory one minute in (after its buffers have filled); the
figure is the growth after that, as MB and MB per hour.

    python bench/soak.py [--minutes 5] [--rate 20000]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
from logs import TmuxTerminal, write_config


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--rate", type=float, default=20_000)
    parser.add_argument("--every", type=float, default=10.0, help="seconds between samples")
    args = parser.parse_args()
    seconds = args.minutes * 60
    n = int(args.rate * (seconds + 30))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        env = {k: str(folder / k) for k in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME")}
        cfg = write_config(folder, n, args.rate)
        session = TmuxTerminal([sys.executable, "-m", "cockpit", "--config", str(cfg)], env)
        try:
            session.wait_for(b" bench", timeout=20)
            session.send("2")
            app = psutil.Process(session.app_pid())
            start = time.monotonic()
            samples: list[tuple[float, float, float]] = []
            while (elapsed := time.monotonic() - start) < seconds:
                session.read_for(args.every)  # keep tmux's output flowing
                worker = [p for p in app.children() if "cockpit.sources.logs.worker" in p.cmdline()]
                ui_mb = app.memory_info().rss / 2**20
                worker_mb = worker[0].memory_info().rss / 2**20 if worker else 0.0
                samples.append((elapsed, ui_mb, worker_mb))
        finally:
            session.close()
    settled = [s for s in samples if s[0] >= 60] or samples
    first, last = settled[0], settled[-1]
    hours = max(last[0] - first[0], 1.0) / 3600
    growth = last[1] - first[1]
    minutes = [s for s in samples if int(s[0]) % 60 < args.every]
    print("cockpit RSS by minute (MB):", " ".join(f"{s[1]:.0f}" for s in minutes))
    print(
        f"baseline: cockpit RSS {first[1]:.1f} MB at {first[0]:.0f} s "
        f"(log worker {first[2]:.1f} MB), {args.rate:,.0f} lines/s"
    )
    print(
        f"after {last[0] / 60:.1f} min ({args.rate * last[0]:,.0f} lines): cockpit "
        f"{last[1]:.1f} MB ({growth:+.1f} MB, {growth / hours:+.1f} MB/hour; peak "
        f"{max(s[1] for s in samples):.1f} MB), log worker {last[2]:.1f} MB "
        f"({last[2] - first[2]:+.1f} MB)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
