"""Ticks survive kill -9 at any moment: 200 kills of a ticking process, then every check."""

from __future__ import annotations

import os
import random
import select
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

ROUNDS = 200

# Ticks item after item and prints each one's event id once the store has returned, i.e. after
# the commit: what the operator would have seen as done.
TICKER = """
import sys
from pathlib import Path
from cockpit.state.checklists import Checklist, ChecklistItem, ChecklistBook
from cockpit.state.store import Store

store = Store.open(Path(sys.argv[1]))
if store.warning:
    sys.exit(f"store degraded: {store.warning}")
items = tuple(ChecklistItem(f"i{k}", f"item {k}") for k in range(50))
book = ChecklistBook(store)
checklist = Checklist("daily", "Daily", "once", items, "test")
print("ready", flush=True)
k = int(sys.argv[2])
while True:
    event = book.tick("prod", checklist, f"i{k % 50}", "tester", note=f"n{k}", period="run-1")
    # One write per line: a pipe delivers it whole or not at all.
    sys.stdout.write(f"{event.id} {k}\\n")
    sys.stdout.flush()
    k += 1
"""


def test_kill_9_at_random_moments_never_loses_an_acknowledged_tick(tmp_path: Path) -> None:
    db = tmp_path / "state.db"
    rng = random.Random(13)
    acknowledged: dict[int, int] = {}
    next_k = 0
    for _ in range(ROUNDS):
        proc = subprocess.Popen(
            [sys.executable, "-c", TICKER, str(db), str(next_k)],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "ready"
        # Kill somewhere in the middle of the ticking: after a random delay, mid-commit or not.
        deadline = time.monotonic() + rng.uniform(0.0, 0.03)
        while time.monotonic() < deadline:
            time.sleep(0.001)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
        # Everything printed before the kill was acknowledged after its commit.
        for line in proc.stdout.read().splitlines():
            event_id, k = (int(x) for x in line.split())
            acknowledged[event_id] = k
            next_k = max(next_k, k + 1)
        proc.stdout.close()
    assert len(acknowledged) > ROUNDS  # the kills did land among ticks, not only before them
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        rows = dict(
            conn.execute("SELECT id, note FROM checklist_events WHERE checklist_id = 'daily'")
        )
    finally:
        conn.close()
    missing = [event_id for event_id in acknowledged if event_id not in rows]
    assert not missing
    assert all(rows[event_id] == f"n{k}" for event_id, k in acknowledged.items())


def test_two_processes_ticking_one_list_see_each_other(tmp_path: Path) -> None:
    db = tmp_path / "state.db"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", TICKER, str(db), str(start)], stdout=subprocess.PIPE, text=True
        )
        for start in (0, 100_000)
    ]
    seen: dict[int, int] = {}
    try:
        for proc in procs:
            assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        deadline = time.monotonic() + 3
        streams = [p.stdout for p in procs if p.stdout is not None]
        while time.monotonic() < deadline:
            ready, _, _ = select.select(streams, [], [], 0.1)
            for stream in ready:
                line = stream.readline()
                if line:
                    event_id, k = (int(x) for x in line.split())
                    seen[event_id] = k
    finally:
        for proc in procs:
            proc.kill()
            proc.wait(10)
    both = {k >= 100_000 for k in seen.values()}
    assert both == {True, False}  # both made progress at once
    conn = sqlite3.connect(db)
    try:
        stored = set(r[0] for r in conn.execute("SELECT id FROM checklist_events"))
    finally:
        conn.close()
    assert set(seen) <= stored
