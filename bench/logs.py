"""Log pane throughput and responsiveness under a flood, against `cat` of the same lines.

Runs the cockpit in a tmux pane (160x45; ``--terminal pty`` for a bare pseudo-terminal) with
one command log source whose producer prints N lines of ~100 bytes as fast as it can (or at a
fixed rate), each stamped with a time that moves a millisecond every 200 lines, and measures:

* flood to the screen: a `command` source running `cat` of a file of N lines; lines per second
  from starting the cockpit (start-up included) until the file's LAST line is visible on the
  captured tmux screen (`capture-pane`), not when a counter says it arrived;
* key-press latency during the flood: `f` pauses or resumes following, and the clock stops when
  tmux has the status line showing it (PAUSED / FOLLOW), read through a tmux control-mode
  client, outside the app's event loop; p50/p95 over every press of the runs;
* RSS of the cockpit after 100k and after 1M lines (bounded buffers: the difference must stay
  under 60 MB);
* the same flood with a regular-expression filter typed into the pane (``--ui-filter``);
* baseline: `cat` of the same N lines into a tmux pane of the same size, same run.

    python bench/logs.py [--lines 1000000] [--rate 100000] [--runs 3] [--quick] [--terminal pty]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Protocol

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ptyrun import PtySession, percentile
from tmuxrun import TmuxSession, cat_into_tmux

LINE = (
    # The id comes first so that the last line is recognisable on a half-width pane.
    "2026-11-22T06:{:02d}:{:02d}.{:03d}Z INFO id={:09d} request served path=/api/v1/predict"
    " status=200\n"
)


def line_for(i: int) -> str:
    """Line ``i``: its time moves a millisecond every 200 lines."""
    ms = i // 200
    return LINE.format(ms // 60_000 % 60, ms // 1000 % 60, ms % 1000, i)


PRODUCER = r"""
import sys, time
n, rate = int(sys.argv[1]), float(sys.argv[2])
line = ("2026-11-22T06:{:02d}:{:02d}.{:03d}Z INFO id={:09d} request served"
        " path=/api/v1/predict status=200\n")
def text(i):
    ms = i // 200
    return line.format(ms // 60000 % 60, ms // 1000 % 60, ms % 1000, i)
out = sys.stdout
batch = 1000
start = time.perf_counter()
for base in range(0, n, batch):
    out.write("".join(text(i) for i in range(base, min(base + batch, n))))
    if rate > 0:
        due = start + (base + batch) / rate
        delay = due - time.perf_counter()
        if delay > 0:
            out.flush()
            time.sleep(delay)
out.flush()
"""


def write_config(folder: Path, n: int, rate: float, source: Path | None = None) -> Path:
    """A config with one command source: `cat` of ``source``, or the paced producer."""
    if source is not None:
        argv = f"[cat, {str(source)!r}]"
    else:
        producer = folder / "producer.py"
        producer.write_text(PRODUCER)
        argv = f"[{sys.executable!r}, {str(producer)!r}, '{n}', '{rate}']"
    cfg = folder / "bench.yaml"
    cfg.write_text(
        "environments:\n  local: {protection: none}\n"
        "logs:\n  - name: bench\n"
        f"    command: {{argv: {argv}, restart: never}}\n"
    )
    return cfg


class Terminal(Protocol):
    """What the measurements need of a terminal session (tmux or a bare pty)."""

    def wait_for(self, marker: bytes, timeout: float = 20.0) -> float: ...
    def read_for(self, seconds: float) -> bytes: ...
    def drain(self) -> None: ...
    def close(self) -> None: ...


class PtyTerminal:
    """The cockpit under a bare pseudo-terminal read by this process."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        self.session = PtySession(argv, env=env)
        self.wait_for = self.session.wait_for
        self.read_for = self.session.read_for
        self.drain = self.session.drain
        self.close = self.session.close

    def send(self, keys: str) -> None:
        os.write(self.session.master, keys.encode())

    def app_pid(self) -> int:
        return self.session.proc.pid


class TmuxTerminal:
    """The cockpit in a tmux pane, watched through a control-mode client."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        self.session = TmuxSession(argv, env=env)
        self.wait_for = self.session.wait_for
        self.read_for = self.session.read_for
        self.drain = self.session.drain
        self.close = self.session.close
        self.send = self.session.send

    def app_pid(self) -> int:
        # The pane runs a shell that runs the cockpit: find the cockpit itself.
        pane = psutil.Process(self.session.pane_pid)
        for proc in [pane, *pane.children(recursive=True)]:
            if "cockpit" in proc.cmdline() and "-m" in proc.cmdline():
                return proc.pid
        return pane.pid


def key_latencies(session: PtyTerminal | TmuxTerminal, until: float, limit: int) -> list[float]:
    """Pause and resume following with `f` until ``until`` (perf_counter) or ``limit`` samples.

    Each press is timed from sending the key until the status line shows its effect (PAUSED,
    then FOLLOW again), measured outside the app's event loop.
    """
    samples: list[float] = []
    marks = (b"PAUSED", b"FOLLOW")
    i = 0
    while time.perf_counter() < until and len(samples) < limit:
        session.drain()
        start = time.perf_counter()
        session.send("f")
        try:
            session.wait_for(marks[i % 2], timeout=5)
            samples.append(time.perf_counter() - start)
        except RuntimeError:
            samples.append(5.0)
        i += 1
        session.read_for(0.05)
    if i % 2:
        session.send("f")
    return samples


def run_cockpit(
    n: int,
    rate: float,
    env: dict[str, str],
    *,
    latency: bool,
    terminal: str,
    ui_filter: str | None = None,
    source: Path | None = None,
) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        cfg = write_config(Path(tmp), n, rate, source)
        argv = [sys.executable, "-m", "cockpit", "--config", str(cfg)]
        session = TmuxTerminal(argv, env) if terminal == "tmux" else PtyTerminal(argv, env)
        try:
            # The clock starts when the source's badge is first painted (the producer starts).
            session.wait_for(b" bench", timeout=20)
            start = time.perf_counter()
            samples: list[float] = []
            if latency or ui_filter:
                session.send("2")  # focus the Logs pane: `f` and `/` act there
                session.read_for(0.3)
            if ui_filter:
                # The pane's own filter, typed as a user would, matched in the UI's thread.
                session.send(f"/{ui_filter}\r")
                session.wait_for(f"filter:{ui_filter}".encode(), timeout=10)
            if latency:
                expected = n / rate if rate > 0 else 5.0
                samples = key_latencies(session, start + max(expected * 0.8, 1.0), limit=150)
            marker = f"ended · {n} lines".encode()
            if source is not None and isinstance(session, TmuxTerminal):
                # The user's eye: the file's last line on the captured screen, timed from the
                # cockpit's start.
                elapsed = session.session.wait_visible(
                    f"id={n - 1:09d}", timeout=max(60.0, n / 10_000)
                )
                session.wait_for(marker, timeout=600)
            else:
                session.wait_for(marker, timeout=600)
                elapsed = time.perf_counter() - start
            rss = psutil.Process(session.app_pid()).memory_info().rss
        finally:
            session.close()
    return {"elapsed": elapsed, "rate": n / elapsed, "rss_mb": rss / 2**20, "samples": samples}


def write_lines(path: Path, n: int) -> None:
    with path.open("w") as fh:
        for base in range(0, n, 10000):
            fh.write("".join(line_for(i) for i in range(base, min(base + 10000, n))))


def run_cat(data: Path, n: int, terminal: str) -> float:
    """Lines per second of `cat` of the same file into the same kind of terminal."""
    if terminal == "tmux":
        return n / cat_into_tmux(str(data))
    session = PtySession(["cat", str(data)])
    start = time.perf_counter()
    while session.proc.poll() is None:
        session.read_for(0.05)
    session.read_for(0.05)
    elapsed = time.perf_counter() - start
    session.close()
    return n / elapsed


def _keys(samples: list[float]) -> str:
    if not samples:
        return "no presses"
    p50 = statistics.median(samples) * 1000
    p95 = percentile(samples, 95) * 1000
    return f"key p50 {p50:.0f} ms, p95 {p95:.0f} ms over {len(samples)} presses"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--rate", type=float, default=100_000)
    parser.add_argument("--runs", type=int, default=3, help="flood runs (median rate)")
    parser.add_argument("--terminal", choices=("tmux", "pty"), default="tmux")
    parser.add_argument("--quick", action="store_true", help="tiny sizes (smoke run)")
    parser.add_argument(
        "--ui-filter",
        default=r"id=\d+5 ",
        help="pane filter for one more flood run (RE2: one line in ten matches); '' skips it",
    )
    args = parser.parse_args()
    terminal = args.terminal if shutil.which("tmux") else "pty"
    n = 20_000 if args.quick else args.lines
    runs = 1 if args.quick else max(args.runs, 1)
    small = max(n // 10, 1000)
    with tempfile.TemporaryDirectory() as home:
        env = {
            "XDG_CONFIG_HOME": f"{home}/c",
            "XDG_DATA_HOME": f"{home}/d",
            "XDG_STATE_HOME": f"{home}/s",
        }
        cat_rates, rates, flood_samples, rss_big = [], [], [], []
        data = Path(home) / "lines.txt"
        write_lines(data, n)
        for _ in range(runs):
            cat_rates.append(run_cat(data, n, terminal))
            flood = run_cockpit(n, 0, env, latency=False, terminal=terminal, source=data)
            rates.append(flood["rate"])
            rss_big.append(flood["rss_mb"])
            flood_samples += run_cockpit(n, 0, env, latency=True, terminal=terminal, source=data)[
                "samples"
            ]
        filtered = None
        if args.ui_filter:
            filtered = run_cockpit(
                n, 0, env, latency=False, terminal=terminal, ui_filter=args.ui_filter
            )
            filtered["samples"] = run_cockpit(
                n, 0, env, latency=True, terminal=terminal, ui_filter=args.ui_filter
            )["samples"]
        paced_n = min(n, int(args.rate * (2 if args.quick else 10)))
        paced = run_cockpit(paced_n, args.rate, env, latency=True, terminal=terminal)
        rss_small = run_cockpit(small, 0, env, latency=False, terminal=terminal)["rss_mb"]
    cat_rate, rate = statistics.median(cat_rates), statistics.median(rates)
    where = "a tmux pane" if terminal == "tmux" else "a pty"
    print(
        f"baseline: cat of the same {n}-line file into {where} (160x45): {cat_rate:,.0f} lines/s, "
        f"median of {runs}"
    )
    print(
        f"cockpit flood (command source: cat of that file): its last line visible on the "
        f"captured screen at {rate:,.0f} lines/s from start-up, median of {runs} "
        f"({rate / cat_rate:.2f}x cat); {_keys(flood_samples)} "
        "(target >= 200k lines/s, p95 < 50 ms)"
    )
    if filtered is not None:
        print(
            f"cockpit flood with the pane's filter /{args.ui_filter}/: {n} lines absorbed at "
            f"{filtered['rate']:,.0f} lines/s (one run, {filtered['rate'] / cat_rate:.2f}x cat); "
            f"{_keys(filtered['samples'])} (same targets as the flood)"
        )
    lag = paced["elapsed"] - paced_n / args.rate
    print(
        f"cockpit paced at {args.rate:,.0f} lines/s for {paced_n} lines: absorbed at "
        f"{paced['rate']:,.0f} lines/s, the last line counted {lag:.2f} s after the producer's "
        f"schedule ends (start-up and a 10 Hz status included); {_keys(paced['samples'])} "
        "(target p95 < 20 ms)"
    )
    big = max(rss_big)
    print(
        f"RSS after {small} lines: {rss_small:.0f} MB; after {n} lines: {big:.0f} MB; "
        f"difference {big - rss_small:+.0f} MB (target < 60 MB)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
