"""Two real processes writing the same state file at the same time."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from cockpit.state.audit import AuditLog
from cockpit.state.checklists import Checklist, ChecklistBook, ChecklistItem
from cockpit.state.store import Store

N = 200

# Each worker waits for the "go" file so both hit the (not yet created) database together:
# creation, migration, and every write contend.
WORKER = """
import json, os, sys, time
from pathlib import Path

from cockpit.state.audit import AuditLog
from cockpit.state.checklists import Checklist, ChecklistBook, ChecklistItem
from cockpit.state.store import Store

db, who, go, n = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3]), int(sys.argv[4])
go.with_name(f"ready-{who}").touch()  # imports done: the test starts both at once
deadline = time.monotonic() + 30
while not go.exists():
    if time.monotonic() > deadline:
        sys.exit("go file never appeared")
    time.sleep(0.001)

# Opening counts: both create and migrate the same new database, and wait for each other.
started = time.monotonic()  # CLOCK_MONOTONIC: comparable across processes on Linux
store = Store.open(db)
if store.warning:
    sys.exit(f"store degraded: {store.warning}")
checklist = Checklist(
    "load", "Load", "once", tuple(ChecklistItem(f"i{k}", f"item {k}") for k in range(n)), "test"
)
book = ChecklistBook(store)
audit = AuditLog(store)
for k in range(n):
    book.tick("prod", checklist, f"i{k}", who, period="run-1")
    audit.record("load.write", "prod", who, f"{who} {k}", {"k": k})
ended = time.monotonic()
store.close()
print(json.dumps({"pid": os.getpid(), "started": started, "ended": ended}))
"""

LOAD = Checklist(
    "load", "Load", "once", tuple(ChecklistItem(f"i{k}", f"item {k}") for k in range(N)), "test"
)


def test_two_processes_write_at_once_without_errors_or_losses(tmp_path: Path) -> None:
    db = tmp_path / "shared" / "state.db"
    go = tmp_path / "go"
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(db), who, str(go), str(N)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for who in ("alpha", "beta")
    ]
    deadline = time.monotonic() + 60
    while not all((tmp_path / f"ready-{who}").exists() for who in ("alpha", "beta")):
        assert time.monotonic() < deadline, "the writers never started"
        time.sleep(0.01)
    go.touch()
    results = []
    for proc in workers:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        assert "locked" not in err and "Traceback" not in err, err
        results.append(json.loads(out))
    assert len({r["pid"] for r in results}) == 2
    # The two write loops overlapped in time, so they really contended for the write lock.
    assert max(r["started"] for r in results) < min(r["ended"] for r in results)

    with Store.open(db) as store:
        assert store.warning is None
        book = ChecklistBook(store)
        events = book.history("prod", LOAD, "run-1")
        assert len(events) == 2 * N
        assert len({e.id for e in events}) == 2 * N
        for who in ("alpha", "beta"):
            mine = [e.item_id for e in events if e.who == who]
            assert mine == [f"i{k}" for k in range(N)]  # each writer's order is kept
        assert all(s.done for s in book.state("prod", LOAD, "run-1").values())

        audit = AuditLog(store).list(limit=10 * N)
        writes = [r for r in audit if r.kind == "load.write"]
        ticks = [r for r in audit if r.kind == "checklist.tick"]
        assert len(writes) == 2 * N and len(ticks) == 2 * N
        for who in ("alpha", "beta"):
            assert [r.details["k"] for r in writes if r.who == who] == list(range(N))
        ids = [r.id for r in audit]
        assert ids == sorted(ids) and len(set(ids)) == len(ids)
