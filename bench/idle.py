"""Idle CPU: the running cockpit and all its processes vs a bare Textual app, over 60 s.

Rounds alternate cockpit and baseline (the machine is noisy) and the medians are compared.
The cockpit runs in a 160x45 tmux pane with 10 host metrics read at 1 Hz and 50 HTTP health
checks at their default interval (30 s) against a local server; the baseline is a bare Textual
app with four empty panes in the same kind of pane, measured in the same run. The figure is the
CPU time of the cockpit's whole process tree (UI, health, metrics, log and sampler processes)
over the window, as a percentage of one core. Target: <= 5 %.

    python bench/idle.py [--seconds 60] [--rounds 3]
"""

from __future__ import annotations

import argparse
import http.server
import os
import socketserver
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cockpit.config.metrics import HOST_METRICS
from startup import BARE_APP
from tmuxrun import TmuxSession


class _Ok(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b'{"status": "ok"}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


class _Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


def write_config(folder: Path, port: int) -> Path:
    lines = ["environments:", "  local: {protection: none}", "services:"]
    for i in range(50):
        lines += [
            f"  - name: svc{i:02d}",
            "    checks:",
            f'      - http: {{url: "http://127.0.0.1:{port}/health/{i}"}}',
        ]
    lines.append("metrics:")
    for metric in list(HOST_METRICS)[:10]:
        lines.append(f"  - {{name: {metric}, host: {{metric: {metric}}}, interval: 1s}}")
    path = folder / "idle.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


def tree_cpu(root: psutil.Process) -> dict[int, tuple[str, float]]:
    """CPU seconds (user + system) of ``root`` and its descendants, by pid."""
    out: dict[int, tuple[str, float]] = {}
    for proc in [root, *root.children(recursive=True)]:
        try:
            times = proc.cpu_times()
            cmd = " ".join(proc.cmdline()[1:4])
        except psutil.Error:
            continue
        out[proc.pid] = (cmd, times.user + times.system)
    return out


def measure(session: TmuxSession, seconds: float) -> tuple[float, dict[str, float]]:
    """Percent of one core used by the pane's process tree over ``seconds``."""
    root = psutil.Process(session.pane_pid)
    before = tree_cpu(root)
    start = time.monotonic()
    session.read_for(seconds)  # keep tmux's output drained, as a terminal would
    elapsed = time.monotonic() - start
    after = tree_cpu(root)
    parts: dict[str, float] = {}
    for pid, (cmd, cpu) in after.items():
        used = cpu - before.get(pid, (cmd, 0.0))[1]
        label = cmd.split("cockpit.sources.")[-1] if "cockpit.sources." in cmd else "ui"
        parts[label] = parts.get(label, 0.0) + used / elapsed * 100
    return sum(parts.values()), parts


def cockpit_round(
    config: Path, env: dict[str, str], args: argparse.Namespace
) -> tuple[float, dict[str, float], str]:
    """One measurement of the cockpit: its total, per process, and the cpu row on screen."""
    cockpit = TmuxSession([sys.executable, "-m", "cockpit", "--config", str(config)], env=env)
    try:
        cockpit.wait_visible("50 up", timeout=60)
        cockpit.wait_visible("all within limits", timeout=30)
        cockpit.read_for(args.settle)
        total, parts = measure(cockpit, args.seconds)
        rows = [line for line in cockpit.screen().splitlines() if "cpu_percent" in line]
    finally:
        cockpit.close()
    return total, parts, rows[0].strip() if rows else "(no cpu_percent row seen)"


def bare_round(env: dict[str, str], args: argparse.Namespace) -> float:
    """One measurement of the bare Textual app."""
    bare = TmuxSession([sys.executable, "-c", BARE_APP], env=env)
    try:
        bare.wait_visible("Checklists", timeout=30)
        bare.read_for(args.settle)
        total, _ = measure(bare, args.seconds)
    finally:
        bare.close()
    return total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--settle", type=float, default=10.0, help="seconds before measuring")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    server = _Server(("127.0.0.1", 0), _Ok)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    cockpit_totals: list[float] = []
    bare_totals: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            "XDG_CONFIG_HOME": os.path.join(tmp, "config"),
            "XDG_DATA_HOME": os.path.join(tmp, "data"),
            "XDG_STATE_HOME": os.path.join(tmp, "state"),
            "COCKPIT_CONFIG": "",
        }
        config = write_config(Path(tmp), port)
        for _ in range(args.rounds):
            total, parts, row = cockpit_round(config, env, args)
            cockpit_totals.append(total)
            bare_totals.append(bare_round(env, args))
            breakdown = ", ".join(
                f"{k} {v:.2f}%" for k, v in sorted(parts.items(), key=lambda kv: -kv[1])
            )
            print(f"round: cockpit {total:.2f}% ({breakdown}); bare {bare_totals[-1]:.2f}%")
    server.shutdown()
    cockpit_median = statistics.median(cockpit_totals)
    bare_median = statistics.median(bare_totals)
    print(f"screen: {row}")
    print(
        f"cockpit, 10 metrics at 1 Hz + 50 HTTP checks every 30s: {cockpit_median:.2f}% of one "
        f"core (median of {args.rounds} x {args.seconds:.0f}s, all processes)"
    )
    print(f"baseline, bare Textual app with four empty panes: {bare_median:.2f}% of one core")
    print(f"difference: {cockpit_median - bare_median:+.2f} points; target: cockpit <= 5% in total")
    return 0


if __name__ == "__main__":
    sys.exit(main())
