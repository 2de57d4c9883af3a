"""Checklist ticks per second on this disk: durable commits (synchronous=FULL) vs NORMAL, one
process and two processes sharing the file, beside SQLite's own rate for one-row durable
transactions in the same folder and run (the baseline), plus the raw fsync cost for context.

Usage: python bench/bench_state_ticks.py [--dir DIR] [--ticks N]
DIR should be on the disk that holds the real state (default: a temp dir).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from cockpit.state.checklists import Checklist, ChecklistBook, ChecklistItem
from cockpit.state.store import Store


def _checklist(n: int) -> Checklist:
    items = tuple(ChecklistItem(f"i{k}", f"item {k}") for k in range(n))
    return Checklist("bench", "Bench", "once", items, "bench")


def tick_loop(db: Path, n: int, who: str, synchronous: str = "FULL") -> tuple[float, list[float]]:
    """Tick ``n`` items (a tick = event + audit record in one transaction).

    Returns:
        Total seconds and the latency of each tick.
    """
    store = Store.open(db)
    if store.warning:
        raise SystemExit(f"store degraded: {store.warning}")
    store.read(f"PRAGMA synchronous = {synchronous}")
    book = ChecklistBook(store)
    checklist = _checklist(n)
    latencies = []
    started = time.monotonic()
    for k in range(n):
        t = time.monotonic()
        book.tick("bench", checklist, f"i{k}", who, period="run")
        latencies.append(time.monotonic() - t)
    elapsed = time.monotonic() - started
    store.close()
    return elapsed, latencies


def sqlite_inserts(db: Path, n: int) -> tuple[float, list[float]]:
    """Baseline: SQLite's own rate for one-row transactions in WAL with synchronous=FULL.

    The same durability as a tick (one committed transaction each), without the cockpit's
    checks, audit record and retry logic: the floor a tick can get near on this disk.
    """
    import sqlite3

    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, item TEXT, who TEXT, at TEXT)")
    latencies = []
    started = time.monotonic()
    for k in range(n):
        t = time.monotonic()
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO t (item, who, at) VALUES (?, 'b', '2026-01-01')", (f"i{k}",))
        conn.execute("COMMIT")
        latencies.append(time.monotonic() - t)
    elapsed = time.monotonic() - started
    conn.close()
    return elapsed, latencies


def fsync_cost(folder: Path, rounds: int = 200) -> float:
    """Median seconds for a 4 KiB append + fsync in ``folder``."""
    path = folder / "fsync.probe"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    samples = []
    try:
        for _ in range(rounds):
            os.write(fd, b"x" * 4096)
            t = time.monotonic()
            os.fsync(fd)
            samples.append(time.monotonic() - t)
    finally:
        os.close(fd)
        path.unlink()
    return statistics.median(samples)


def _report(label: str, n: int, elapsed: float, latencies: list[float]) -> None:
    q = statistics.quantiles(latencies, n=100)
    print(
        f"{label:<34} {n / elapsed:8.0f} ticks/s   p50 {q[49] * 1e3:6.2f} ms   "
        f"p99 {q[98] * 1e3:6.2f} ms   max {max(latencies) * 1e3:7.2f} ms"
    )


def two_processes(folder: Path, n: int) -> None:
    """Two processes tick ``n`` items each into one file at the same time."""
    db = folder / "shared.db"
    Store.open(db).close()
    go = folder / "go"
    code = (
        "import json, sys, time; from pathlib import Path\n"
        "sys.path.insert(0, sys.argv[4])\n"
        "from bench_state_ticks import tick_loop\n"
        "go = Path(sys.argv[3])\n"
        "while not go.exists(): time.sleep(0.001)\n"
        "t0 = time.monotonic()\n"
        "el, lat = tick_loop(Path(sys.argv[1]), int(sys.argv[2]), 'p')\n"
        "print(json.dumps({'t0': t0, 't1': time.monotonic(), 'lat': lat}))\n"
    )
    here = str(Path(__file__).resolve().parent)
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code, str(db), str(n), str(go), here],
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    time.sleep(0.5)
    go.touch()
    results = [json.loads(p.communicate(timeout=600)[0]) for p in procs]
    if any(p.returncode for p in procs):
        raise SystemExit("a writer process failed")
    span = max(r["t1"] for r in results) - min(r["t0"] for r in results)
    latencies = [x for r in results for x in r["lat"]]
    _report("FULL, 2 processes (total)", 2 * n, span, latencies)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, default=None)
    parser.add_argument("--ticks", type=int, default=500)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.dir, prefix="cockpit-bench-") as tmp:
        folder = Path(tmp)
        print(f"folder: {folder}   ticks per run: {args.ticks}")
        print(f"{'fsync of a 4 KiB append (median)':<34} {fsync_cost(folder) * 1e3:8.3f} ms")
        elapsed, lat = sqlite_inserts(folder / "baseline.db", args.ticks)
        _report("baseline: sqlite3 insert, FULL", args.ticks, elapsed, lat)
        for sync in ("FULL", "NORMAL"):
            elapsed, lat = tick_loop(folder / f"{sync.lower()}.db", args.ticks, "b", sync)
            _report(f"synchronous={sync}, 1 process", args.ticks, elapsed, lat)
        two_processes(folder, args.ticks)
    return 0


if __name__ == "__main__":
    sys.exit(main())
