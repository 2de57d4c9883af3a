"""Log pane throughput and responsiveness under a flood, against `cat` of the same lines.

Runs the cockpit under a pseudo-terminal (160x45) with one command log source whose producer
prints N lines of ~100 bytes as fast as it can (or at a fixed rate), and measures:

* absorb rate: lines per second from the producer's first line until the Logs pane reports the
  source ended with all N lines (read, split, sanitized, classified, filtered, shown or counted
  as dropped);
* key-press latency during the flood: `?` is sent and the clock stops when the help screen's
  title is painted (from outside the app's event loop), then Esc closes it; p50/p95 reported;
* RSS of the cockpit after 100k and after 1M lines (bounded buffers: the difference must stay
  under 60 MB);
* baseline: `cat` of the same N lines into a pseudo-terminal, read by this process, same run.

    python bench/logs.py [--lines 1000000] [--rate 100000] [--quick]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ptyrun import PtySession, percentile

LINE = "2026-11-22T06:00:00.000Z INFO request served path=/api/v1/predict status=200 id={:09d}\n"
PRODUCER = r"""
import sys, time
n, rate = int(sys.argv[1]), float(sys.argv[2])
line = "2026-11-22T06:00:00.000Z INFO request served path=/api/v1/predict status=200 id={:09d}\n"
out = sys.stdout
batch = 1000
start = time.perf_counter()
for base in range(0, n, batch):
    out.write("".join(line.format(i) for i in range(base, min(base + batch, n))))
    if rate > 0:
        due = start + (base + batch) / rate
        delay = due - time.perf_counter()
        if delay > 0:
            out.flush()
            time.sleep(delay)
out.flush()
"""


def write_config(folder: Path, n: int, rate: float) -> Path:
    producer = folder / "producer.py"
    producer.write_text(PRODUCER)
    cfg = folder / "bench.yaml"
    cfg.write_text(
        "environments:\n  local: {protection: none}\n"
        "logs:\n  - name: bench\n"
        f"    command: {{argv: [{sys.executable!r}, {str(producer)!r}, '{n}', '{rate}'],"
        " restart: never}\n"
    )
    return cfg


def key_latencies(session: PtySession, until: float, limit: int = 40) -> list[float]:
    """Pause and resume following with `f` until ``until`` (perf_counter) or ``limit`` samples.

    Each press is timed from writing the key to the pty until the status line shows its effect
    (PAUSED, then FOLLOW again), measured outside the app's event loop.
    """
    samples: list[float] = []
    marks = (b"PAUSED", b"FOLLOW")
    i = 0
    while time.perf_counter() < until and len(samples) < limit:
        session.drain()
        start = time.perf_counter()
        os.write(session.master, b"f")
        try:
            session.wait_for(marks[i % 2], timeout=5)
            samples.append(time.perf_counter() - start)
        except RuntimeError:
            samples.append(5.0)
        i += 1
        session.read_for(0.05)
    if i % 2:
        os.write(session.master, b"f")
    return samples


def run_cockpit(n: int, rate: float, env: dict[str, str], latency: bool) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        cfg = write_config(Path(tmp), n, rate)
        session = PtySession([sys.executable, "-m", "cockpit", "--config", str(cfg)], env=env)
        try:
            # The clock starts when the source's badge is painted: the producer is running.
            session.wait_for(b"\xe2\x97\x8f bench", timeout=20)
            start = time.perf_counter()
            samples: list[float] = []
            if latency:
                os.write(session.master, b"2")  # focus the Logs pane: `f` acts there
                session.read_for(0.3)
                expected = n / rate if rate > 0 else 5.0
                samples = key_latencies(session, start + max(expected * 0.8, 1.0))
            marker = f"ended · {n} lines".encode()
            session.wait_for(marker, timeout=600)
            elapsed = time.perf_counter() - start
            rss = psutil.Process(session.proc.pid).memory_info().rss
        finally:
            session.close()
    result = {"elapsed": elapsed, "rate": n / elapsed, "rss_mb": rss / 2**20}
    if samples:
        result["p50_ms"] = statistics.median(samples) * 1000
        result["p95_ms"] = percentile(samples, 95) * 1000
        result["samples"] = len(samples)
    return result


def run_cat(n: int) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "lines.txt"
        line = LINE
        with data.open("w") as fh:
            for base in range(0, n, 10000):
                fh.write("".join(line.format(i) for i in range(base, min(base + 10000, n))))
        session = PtySession(["cat", str(data)])
        start = time.perf_counter()
        while session.proc.poll() is None:
            session.read_for(0.05)
        session.read_for(0.05)
        elapsed = time.perf_counter() - start
        session.close()
    return n / elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--rate", type=float, default=100_000)
    parser.add_argument("--quick", action="store_true", help="tiny sizes (smoke run)")
    args = parser.parse_args()
    n = 20_000 if args.quick else args.lines
    small = max(n // 10, 1000)
    with tempfile.TemporaryDirectory() as home:
        env = {
            "XDG_CONFIG_HOME": f"{home}/c",
            "XDG_DATA_HOME": f"{home}/d",
            "XDG_STATE_HOME": f"{home}/s",
        }
        cat_rate = run_cat(n)
        flood = run_cockpit(n, 0, env, latency=False)
        flood_keys = run_cockpit(n, 0, env, latency=True)
        paced_n = min(n, int(args.rate * (2 if args.quick else 10)))
        paced = run_cockpit(paced_n, args.rate, env, latency=True)
        rss_small = run_cockpit(small, 0, env, latency=False)["rss_mb"]
    print(f"baseline: cat of {n} lines into a pty: {cat_rate:,.0f} lines/s")
    print(
        f"cockpit flood: {n} lines absorbed at {flood['rate']:,.0f} lines/s "
        f"({flood['rate'] / cat_rate:.2f}x cat); key p50 {flood_keys.get('p50_ms', 0):.0f} ms, "
        f"p95 {flood_keys.get('p95_ms', 0):.0f} ms over {flood_keys.get('samples', 0):.0f} presses "
        "(target >= 200k lines/s, p95 < 50 ms)"
    )
    print(
        f"cockpit paced at {args.rate:,.0f} lines/s for {paced_n} lines: absorbed at "
        f"{paced['rate']:,.0f} lines/s; key p50 {paced.get('p50_ms', 0):.0f} ms, "
        f"p95 {paced.get('p95_ms', 0):.0f} ms (target p95 < 20 ms)"
    )
    print(
        f"RSS after {small} lines: {rss_small:.0f} MB; after {n} lines: {flood['rss_mb']:.0f} MB; "
        f"difference {flood['rss_mb'] - rss_small:+.0f} MB (target < 60 MB)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
