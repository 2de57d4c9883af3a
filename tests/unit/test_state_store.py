"""The SQLite store on real files: settings, transactions, threads, fallbacks, retention."""

from __future__ import annotations

import json
import os
import pwd
import shutil
import sqlite3
import stat
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import cockpit
from cockpit.state import migrations
from cockpit.state.audit import AuditLog
from cockpit.state.store import (
    Store,
    StoreBusyError,
    StoreClosedError,
    StoreReadOnlyError,
    to_iso,
)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "ops-cockpit" / "state.db"


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    s = Store.open(db_path)
    yield s
    s.close()


def _count(store: Store, table: str) -> int:
    row = store.read_one(f"SELECT count(*) AS n FROM {table}")
    assert row is not None
    return int(row["n"])


def test_open_creates_private_folder_and_file(store: Store, db_path: Path) -> None:
    assert store.warning is None
    assert not store.in_memory and not store.read_only
    assert store.path == db_path
    assert stat.S_IMODE(db_path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(db_path.stat().st_mode) == 0o600
    assert store.schema_version == migrations.LATEST_VERSION


def test_connection_settings(store: Store) -> None:
    def pragma(name: str) -> object:
        row = store.read_one(f"PRAGMA {name}")
        assert row is not None
        return row[0]

    assert pragma("journal_mode") == "wal"
    assert pragma("synchronous") == 2  # FULL
    assert pragma("foreign_keys") == 1


def test_default_path_comes_from_the_environment(tmp_path: Path) -> None:
    s = Store.open()
    try:
        assert s.path is not None
        assert s.path.is_relative_to(tmp_path)  # conftest's XDG_DATA_HOME
        assert s.path.exists()
    finally:
        s.close()


def test_data_survives_reopen(db_path: Path) -> None:
    with Store.open(db_path) as s:
        AuditLog(s).record("test.kind", "prod", "tester", "first", {"n": 1})
        created = s.get_meta("created_at")
    with Store.open(db_path) as s:
        records = AuditLog(s).list()
        assert [r.summary for r in records] == ["first"]
        assert s.get_meta("created_at") == created
        assert s.get_meta("last_opened_at") is not None


def test_write_commits_and_rollback_on_error(store: Store) -> None:
    store.set_meta("k", "v1")
    with pytest.raises(RuntimeError), store.write() as conn:
        conn.execute("UPDATE meta SET value = 'v2' WHERE key = 'k'")
        raise RuntimeError("boom")
    assert store.get_meta("k") == "v1"


def test_nested_write_failure_undoes_only_the_inner_block(store: Store) -> None:
    with store.write() as conn:
        conn.execute("INSERT INTO meta (key, value) VALUES ('outer', '1')")
        with pytest.raises(ValueError), store.write() as inner:
            inner.execute("INSERT INTO meta (key, value) VALUES ('inner', '1')")
            raise ValueError("inner fails")
        conn.execute("INSERT INTO meta (key, value) VALUES ('after', '1')")
    assert store.get_meta("outer") == "1"
    assert store.get_meta("after") == "1"
    assert store.get_meta("inner") is None


def test_uncommitted_write_is_invisible_to_another_connection(store: Store, db_path: Path) -> None:
    other = sqlite3.connect(db_path)
    try:
        with store.write() as conn:
            conn.execute("INSERT INTO meta (key, value) VALUES ('pending', '1')")
            # WAL: the other reader is not blocked and sees the last committed state.
            assert other.execute("SELECT count(*) FROM meta WHERE key='pending'").fetchone() == (0,)
        assert other.execute("SELECT count(*) FROM meta WHERE key='pending'").fetchone() == (1,)
    finally:
        other.close()


def test_many_threads_share_one_store(store: Store) -> None:
    audit = AuditLog(store)
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            for i in range(50):
                audit.record("thread.write", "prod", f"t{n}", f"{n}-{i}")
                assert store.read("SELECT id FROM audit ORDER BY id DESC LIMIT 1")
        except BaseException as exc:  # surfaced by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    summaries = [r.summary for r in audit.list(limit=1000)]
    assert len(summaries) == 400
    assert sorted(summaries) == sorted(f"{n}-{i}" for n in range(8) for i in range(50))


@contextmanager
def _lock_held_by_another_connection(db_path: Path, seconds: float) -> Iterator[None]:
    """Hold the write lock from a separate connection, released ``seconds`` after entry."""
    holder = sqlite3.connect(db_path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    release = threading.Timer(seconds, lambda: holder.execute("COMMIT"))
    release.start()
    try:
        yield
    finally:
        release.join()
        holder.close()


def test_write_waits_out_another_writer(db_path: Path) -> None:
    s = Store.open(db_path, busy_timeout=5)
    assert s.warning is None
    with _lock_held_by_another_connection(db_path, 1.0):
        started = time.monotonic()
        s.set_meta("after-lock", "yes")
        waited = time.monotonic() - started
    assert waited >= 0.9
    assert s.get_meta("after-lock") == "yes"
    s.close()


def test_reads_proceed_while_another_process_writes(db_path: Path) -> None:
    s = Store.open(db_path, busy_timeout=5)
    s.set_meta("k", "v")
    with _lock_held_by_another_connection(db_path, 1.0):
        started = time.monotonic()
        assert s.get_meta("k") == "v"
        assert time.monotonic() - started < 0.5
    s.close()


def test_lock_held_past_the_busy_timeout_is_a_clear_error(db_path: Path) -> None:
    s = Store.open(db_path, busy_timeout=0.3)
    with _lock_held_by_another_connection(db_path, 1.5):
        started = time.monotonic()
        with pytest.raises(StoreBusyError, match="locked by another process"):
            s.set_meta("k", "v")
        waited = time.monotonic() - started
    assert 0.3 <= waited < 1.4
    assert s.get_meta("k") is None
    s.set_meta("k", "v")  # usable again once the lock is gone
    s.close()


def test_open_while_locked_too_long_falls_back_to_memory(db_path: Path) -> None:
    Store.open(db_path).close()
    with _lock_held_by_another_connection(db_path, 1.0):
        s = Store.open(db_path, busy_timeout=0.2)
    assert s.in_memory
    assert s.warning is not None and "locked by another process" in s.warning
    s.close()


def test_closed_store_refuses_use(db_path: Path) -> None:
    s = Store.open(db_path)
    s.close()
    s.close()  # idempotent
    with pytest.raises(StoreClosedError):
        s.read("SELECT 1")
    with pytest.raises(StoreClosedError), s.write():
        pass


def test_memory_store_is_migrated_and_works() -> None:
    s = Store.memory()
    assert s.in_memory and s.path is None and s.warning is None
    assert s.schema_version == migrations.LATEST_VERSION
    AuditLog(s).record("k", None, "tester", "in memory")
    assert _count(s, "audit") == 1
    s.close()


def _assert_memory_fallback(store: Store, mentioned: Path) -> None:
    assert store.in_memory
    assert store.path is None
    assert store.warning is not None
    assert "\n" not in store.warning
    assert str(mentioned) in store.warning
    # Degraded, not broken: the session still works.
    AuditLog(store).record("k", "prod", "tester", "kept in memory")
    assert _count(store, "audit") == 1


def test_path_under_a_regular_file_falls_back_to_memory(tmp_path: Path) -> None:
    blocker = tmp_path / "file.txt"
    blocker.write_text("not a folder")
    s = Store.open(blocker / "state.db")
    _assert_memory_fallback(s, blocker)
    assert "cannot create folder" in (s.warning or "")
    assert blocker.read_text() == "not a folder"
    s.close()


def test_path_that_is_a_directory_falls_back_to_memory(tmp_path: Path) -> None:
    target = tmp_path / "state.db"
    target.mkdir()
    s = Store.open(target)
    _assert_memory_fallback(s, target)
    s.close()


def test_corrupt_database_falls_back_and_is_left_untouched(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    garbage = b"this is not a sqlite database\n" * 200
    db_path.write_bytes(garbage)
    s = Store.open(db_path)
    _assert_memory_fallback(s, db_path)
    assert "corrupt" in (s.warning or "")
    s.close()
    assert db_path.read_bytes() == garbage


def test_newer_schema_opens_read_only_and_is_not_modified(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    conn = sqlite3.connect(db_path)
    conn.execute(
        "CREATE TABLE audit (id INTEGER PRIMARY KEY, ts TEXT, kind TEXT, "
        "environment TEXT, who TEXT, summary TEXT, details TEXT, future_column TEXT)"
    )
    conn.execute(
        "INSERT INTO audit VALUES (1, ?, 'k', 'prod', 'x', 'from the future', '{}', 'f')",
        (to_iso(datetime.now(UTC)),),
    )
    conn.execute(f"PRAGMA user_version = {migrations.LATEST_VERSION + 1}")
    conn.commit()
    conn.close()
    before = db_path.read_bytes()

    s = Store.open(db_path)
    assert s.read_only and not s.in_memory
    assert s.warning is not None and "newer" in s.warning
    assert [r.summary for r in AuditLog(s).list()] == ["from the future"]
    with pytest.raises(StoreReadOnlyError):
        AuditLog(s).record("k", "prod", "tester", "must not land")
    with pytest.raises(StoreReadOnlyError):
        s.prune("health_results", 60)
    s.close()
    assert db_path.read_bytes() == before


def test_prune_deletes_only_old_health_results(store: Store) -> None:
    now = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    with store.write() as conn:
        for age_h in (0, 1, 23, 25, 48):
            conn.execute(
                "INSERT INTO health_results "
                "(service, environment, check_name, status, latency_ms, reason, ts) "
                "VALUES ('api', 'prod', 'http', 'ok', 12.5, NULL, ?)",
                (to_iso(now - timedelta(hours=age_h)),),
            )
    assert store.prune("health_results", 24 * 3600, now=now) == 2
    left = [r["ts"] for r in store.read("SELECT ts FROM health_results ORDER BY ts")]
    assert left == [to_iso(now - timedelta(hours=h)) for h in (23, 1, 0)]


@pytest.mark.parametrize("table", ["audit", "checklist_events", "meta", "nope; DROP TABLE audit"])
def test_prune_refuses_history_tables(store: Store, table: str) -> None:
    with pytest.raises(ValueError, match="kept forever"):
        store.prune(table, 0)


def test_prune_refuses_negative_age(store: Store) -> None:
    with pytest.raises(ValueError):
        store.prune("health_results", -1)


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit SET summary = 'rewritten'",
        "DELETE FROM audit",
        "UPDATE checklist_events SET done = 0",
        "DELETE FROM checklist_events",
    ],
)
def test_history_tables_are_append_only_in_the_database(store: Store, sql: str) -> None:
    AuditLog(store).record("k", "prod", "tester", "original")
    with store.write() as conn:
        conn.execute(
            "INSERT INTO checklist_events "
            "(environment, checklist_id, period, item_id, done, who, at, note) "
            "VALUES ('prod', 'c', '2024-05-01', 'i', 1, 'tester', ?, NULL)",
            (to_iso(datetime.now(UTC)),),
        )
    with pytest.raises(sqlite3.DatabaseError, match="append-only"), store.write() as conn:
        conn.execute(sql)
    assert _count(store, "audit") == 1
    assert _count(store, "checklist_events") == 1
    assert AuditLog(store).list()[0].summary == "original"


_OPEN_AND_REPORT = """
import json, sys
from pathlib import Path
from cockpit.state.store import Store
out = []
for arg in sys.argv[1:]:
    s = Store.open(Path(arg))
    out.append({"in_memory": s.in_memory, "warning": s.warning})
    s.close()
print(json.dumps(out))
"""


def _unprivileged_python(src: Path, uid: int) -> str | None:
    """An interpreter that user ``uid`` may run, or None."""
    candidates = [sys.executable, shutil.which("python3"), "/usr/bin/python3"]
    probe = "import sys; sys.exit(sys.version_info < (3, 11))"
    for exe in dict.fromkeys(c for c in candidates if c):
        try:
            done = subprocess.run(
                [exe, "-c", probe],
                user=uid,
                env={"PYTHONPATH": str(src)},
                capture_output=True,
                timeout=30,
            )
        except (OSError, subprocess.SubprocessError):
            continue
        if done.returncode == 0:
            return exe
    return None


def test_unwritable_folder_and_file_fall_back_to_memory(tmp_path: Path) -> None:
    """chmod-protected locations; as root the open runs in a child process as ``nobody``."""
    as_root = os.geteuid() == 0
    base = Path(tempfile.mkdtemp(prefix="cockpit-ro-")) if as_root else tmp_path
    try:
        base.chmod(0o755)
        locked = base / "locked"
        locked.mkdir()
        ro_file_dir = base / "ro-file"
        ro_file_dir.mkdir()
        Store.open(ro_file_dir / "state.db").close()
        (ro_file_dir / "state.db").chmod(0o444)
        ro_file_dir.chmod(0o555)
        locked.chmod(0o555 if as_root else 0o500)
        targets = [locked / "state.db", locked / "sub" / "state.db", ro_file_dir / "state.db"]
        if as_root:
            # A copy of the package beside the targets: a clone may sit in a folder only its
            # owner can enter (mktemp makes 0700 ones), and `nobody` must import it.
            src = base / "pkg"
            shutil.copytree(
                Path(cockpit.__file__).resolve().parent,
                src / "cockpit",
                ignore=shutil.ignore_patterns("__pycache__"),
            )
            try:
                uid = pwd.getpwnam("nobody").pw_uid
            except KeyError:
                uid = 65534
            exe = _unprivileged_python(src, uid)
            if exe is None:
                pytest.skip("running as root and no Python >= 3.11 is runnable as 'nobody'")
            done = subprocess.run(
                [exe, "-c", _OPEN_AND_REPORT, *map(str, targets)],
                user=uid,
                env={"PYTHONPATH": str(src), "PYTHONDONTWRITEBYTECODE": "1"},
                capture_output=True,
                text=True,
                timeout=60,
            )
            assert done.returncode == 0, done.stderr
            results = json.loads(done.stdout)
        else:
            results = []
            for target in targets:
                s = Store.open(target)
                results.append({"in_memory": s.in_memory, "warning": s.warning})
                s.close()
        for target, result in zip(targets, results, strict=True):
            assert result["in_memory"] is True, target
            assert result["warning"] and "nothing will be saved" in result["warning"]
            assert str(target.parent) in result["warning"]
        assert not (locked / "state.db").exists()
        assert not (locked / "sub").exists()
    finally:
        for d in (base / "locked", base / "ro-file"):
            if d.exists():
                d.chmod(0o755)
        if as_root:
            shutil.rmtree(base)
