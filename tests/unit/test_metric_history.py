"""Metric history in a real SQLite file: round trip, retention by resolution, restarts, crashes."""

from __future__ import annotations

import math
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from cockpit.sources.metrics.poller import PollResult
from cockpit.sources.metrics.recorder import Recorder
from cockpit.state.metric_history import RETAIN, MetricHistory
from cockpit.state.metric_ring import MINUTE, QUARTER, RAW
from cockpit.state.store import Store

NOW = 1_795_300_000.0


def test_points_round_trip_and_survive_a_restart(tmp_path: Path) -> None:
    db = tmp_path / "state.db"
    with Store.open(db) as store:
        history = MetricHistory(store)
        written = history.add(
            "prod",
            [
                ("cpu", "", RAW, NOW - 10, 12.5),
                ("cpu", "", RAW, NOW - 9, math.nan),
                ("cpu", "", MINUTE, NOW - 120, 40.0),
                ("pods", "pod=a", RAW, NOW - 5, 0.25),
                ("cpu", "", RAW, NOW - 10, 13.0),  # the same moment again: replaced
            ],
        )
        assert written == 5
    with Store.open(db) as store:
        loaded = MetricHistory(store).load("prod", "cpu", NOW)
    assert loaded[0] == ("", RAW, NOW - 10, 13.0)
    assert loaded[1][:3] == ("", RAW, NOW - 9) and math.isnan(loaded[1][3])
    assert loaded[2] == ("", MINUTE, NOW - 120, 40.0)
    assert len(loaded) == 3  # pods and other environments stay apart


def test_each_resolution_is_kept_for_its_own_time(tmp_path: Path) -> None:
    with Store.open(tmp_path / "state.db") as store:
        history = MetricHistory(store)
        points = [
            ("cpu", "", res, NOW - age, 1.0)
            for res in (RAW, MINUTE, QUARTER)
            for age in (60.0, RETAIN[res] - 60, RETAIN[res] + 60)
        ]
        history.add("local", points)
        assert len(history.load("local", "cpu", NOW)) == 6  # load never returns what is past
        assert history.prune(NOW) == 3
        kept = store.read("SELECT resolution, ts FROM metric_points ORDER BY resolution, ts")
        assert [(r["resolution"], NOW - r["ts"]) for r in kept] == [
            (RAW, RETAIN[RAW] - 60),
            (RAW, 60.0),
            (MINUTE, RETAIN[MINUTE] - 60),
            (MINUTE, 60.0),
            (QUARTER, RETAIN[QUARTER] - 60),
            (QUARTER, 60.0),
        ]


def test_the_recorder_writes_raw_points_and_closed_averages(tmp_path: Path) -> None:
    db = tmp_path / "state.db"
    start = NOW - NOW % 60
    recorder = Recorder(Store.open(db), "local")
    for second in range(125):
        ts = start + second
        recorder.record([PollResult("cpu", (("", ts, float(second)),), at=ts)], now=ts)
    recorder.record([PollResult("cpu", error="boom", at=start + 126)], now=start + 126)
    recorder.close()
    with Store.open(db) as store:
        loaded = MetricHistory(store).load("local", "cpu", start + 130)
    raw = [p for p in loaded if p[1] == RAW]
    minutes = [p for p in loaded if p[1] == MINUTE]
    assert len(raw) == 125
    assert minutes == [("", MINUTE, start, sum(range(60)) / 60), ("", MINUTE, start + 60, 89.5)]


def test_a_busy_store_costs_the_history_never_the_feed(tmp_path: Path) -> None:
    db = tmp_path / "state.db"
    recorder = Recorder(Store.open(db, busy_timeout=0.2), "local")
    blocker = sqlite3.connect(db)
    blocker.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    try:
        recorder.record([PollResult("cpu", (("", NOW, 1.0),), at=NOW)], now=NOW)
        recorder.record([PollResult("cpu", (("", NOW + 6, 2.0),), at=NOW)], now=NOW + 6)
        assert recorder.failed is not None and recorder.failed.startswith("metric history not kept")
    finally:
        blocker.rollback()
        blocker.close()
    recorder.record([PollResult("cpu", (("", NOW + 12, 3.0),), at=NOW)], now=NOW + 12)
    recorder.close()
    with Store.open(db) as store:
        kept = MetricHistory(store).load("local", "cpu", NOW + 12)
    assert [p[3] for p in kept] == [3.0]  # what came while the lock was held is gone, no crash


WRITER = """
import sys, time
from pathlib import Path
from cockpit.state.metric_history import MetricHistory
from cockpit.state.store import Store

db, name, n = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
store = Store.open(db)
history = MetricHistory(store)
for k in range(n):
    history.add("prod", [(name, "", 0, 1000.0 + k, float(k))])
    print(k, flush=True)
store.close()
"""


def test_two_writers_at_once_lose_nothing(tmp_path: Path) -> None:
    db = tmp_path / "state.db"
    Store.open(db).close()
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(db), name, "150"], stdout=subprocess.PIPE
        )
        for name in ("a", "b")
    ]
    for proc in procs:
        assert proc.wait(60) == 0
    with Store.open(db) as store:
        history = MetricHistory(store)
        for name in ("a", "b"):
            assert len(history.load("prod", name, 1100.0)) == 150


def test_kill_9_mid_write_keeps_every_acknowledged_point(tmp_path: Path) -> None:
    db = tmp_path / "state.db"
    Store.open(db).close()
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(db), "cpu", "100000"],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    acknowledged = -1
    deadline = time.monotonic() + 20
    while acknowledged < 200 and time.monotonic() < deadline:
        acknowledged = int(proc.stdout.readline())
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(10)
    with Store.open(db) as store:
        assert store.read_one("PRAGMA integrity_check")[0] == "ok"  # type: ignore[index]
        kept = MetricHistory(store).load("prod", "cpu", 1000.0 + 2 * 3600)
    assert len(kept) >= acknowledged + 1
    assert [p[3] for p in kept[: acknowledged + 1]] == [float(k) for k in range(acknowledged + 1)]
