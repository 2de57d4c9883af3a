"""Memory and disk after 24 hours of 1 Hz readings of 10 metrics (simulated clock).

Feeds what the Metrics pane keeps (a :class:`SeriesHistory` per metric: bounded rings) and what
the metrics process writes (a :class:`Recorder` on a real SQLite file: raw points every 5 s,
closed minute and quarter-hour averages, pruning once a minute) with 86,400 simulated seconds.
Prints the process RSS before and after (psutil), the database size and rows per resolution,
and the cost per simulated hour. Baselines in the same run: the RSS before feeding, and what
the points would take with no bounds (Python tuples for every reading; every raw row kept).

    python bench/metric_store.py [--hours 24] [--metrics 10]
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import tempfile
import time
from pathlib import Path

import psutil

from cockpit.sources.metrics.poller import PollResult
from cockpit.sources.metrics.recorder import Recorder
from cockpit.state.metric_history import RETAIN
from cockpit.state.metric_ring import RESOLUTIONS, SeriesHistory
from cockpit.state.store import Store

START = 1_795_300_000.0
TUPLE_BYTES = 64 + 24 + 24  # a (ts, value) tuple and its two floats, as a deque would keep them


def rss_mb() -> float:
    return float(psutil.Process().memory_info().rss) / 2**20


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--hours", type=float, default=24.0)
    parser.add_argument("--metrics", type=int, default=10)
    args = parser.parse_args()
    seconds = int(args.hours * 3600)
    names = [f"metric{i}" for i in range(args.metrics)]
    # /dev/shm when there is one: the figure is the cockpit's cost, not this disk's fsync.
    where = "/dev/shm" if os.path.isdir("/dev/shm") else None
    with tempfile.TemporaryDirectory(dir=where) as tmp:
        db = Path(tmp) / "state.db"
        store = Store.open(db)
        recorder = Recorder(store, "local")
        rings = {name: SeriesHistory() for name in names}
        before = rss_mb()
        started = time.perf_counter()
        hour_costs = []
        hour_started = started
        for second in range(seconds):
            ts = START + second
            batch = []
            for k, name in enumerate(names):
                value = 50 + 40 * math.sin(second / 600 + k)
                rings[name].add(ts, value)
                batch.append(PollResult(name, (("", ts, value),), at=ts))
            recorder.record(batch, now=ts)
            if second % 3600 == 3599:
                now = time.perf_counter()
                hour_costs.append(now - hour_started)
                hour_started = now
        recorder.close()
        elapsed = time.perf_counter() - started
        after = rss_mb()
        size = db.stat().st_size + sum(
            p.stat().st_size for p in db.parent.glob("state.db-*") if p.exists()
        )
        with Store.open(db) as check:
            rows = {
                int(r["resolution"]): int(r["n"])
                for r in check.read(
                    "SELECT resolution, COUNT(*) AS n FROM metric_points GROUP BY resolution"
                )
            }
    ring_points = sum(len(h.rings[res]) for h in rings.values() for res in RESOLUTIONS)
    unbounded_mb = seconds * args.metrics * TUPLE_BYTES / 2**20
    print(
        f"{args.hours:g} h of 1 Hz readings, {args.metrics} metrics "
        f"({seconds * args.metrics:,} readings), simulated in {elapsed:.1f} s "
        f"(median {sorted(hour_costs)[len(hour_costs) // 2] * 1000:.0f} ms per simulated hour)"
    )
    print(
        f"RSS: {before:.1f} MB before, {after:.1f} MB after ({after - before:+.1f} MB); "
        f"the rings hold {ring_points:,} points; baseline: every reading kept as tuples "
        f"would take {unbounded_mb:,.0f} MB"
    )
    kept = ", ".join(
        f"{'raw' if res == 0 else f'{res // 60} min'}: {rows.get(res, 0):,} rows "
        f"(kept {RETAIN[res] / 3600:g} h)"
        for res in RESOLUTIONS
    )
    raw_all = seconds * args.metrics
    print(
        f"state store: {size / 2**20:.1f} MB on disk; {kept}; "
        f"baseline: {raw_all:,} raw rows with no retention"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
