"""Schema upgrades on real database files."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from cockpit.state import migrations
from cockpit.state.audit import AuditLog
from cockpit.state.checklists import DAILY_HOST_CHECKLIST, ChecklistBook
from cockpit.state.store import Store

# The schema exactly as version 1 shipped it, written out by hand so that an accidental edit of
# the released step in migrations.py cannot go unnoticed.
V1_SCHEMA = (
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    """CREATE TABLE checklist_events (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        environment TEXT NOT NULL,
        checklist_id TEXT NOT NULL,
        period TEXT NOT NULL,
        item_id TEXT NOT NULL,
        done INTEGER NOT NULL CHECK (done IN (0, 1)),
        who TEXT NOT NULL,
        at TEXT NOT NULL,
        note TEXT
    )""",
    "CREATE INDEX checklist_events_run "
    "ON checklist_events (environment, checklist_id, period, item_id, id)",
    "CREATE TABLE audit (id INTEGER PRIMARY KEY AUTOINCREMENT, ts TEXT NOT NULL, "
    "kind TEXT NOT NULL, environment TEXT, who TEXT NOT NULL, summary TEXT NOT NULL, "
    "details TEXT NOT NULL DEFAULT '{}')",
    *(
        f"CREATE TRIGGER {table}_no_{op} BEFORE {op} ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{table} rows are append-only'); END"
        for table in ("checklist_events", "audit")
        for op in ("update", "delete")
    ),
)


def _make_v1(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path)
    for sql in V1_SCHEMA:
        conn.execute(sql)
    conn.execute(
        "INSERT INTO checklist_events "
        "(environment, checklist_id, period, item_id, done, who, at, note) VALUES "
        "('prod', 'daily-host', '2024-05-01', 'disk', 1, 'olga', "
        "'2024-05-01T08:00:00.000000+00:00', 'df -h fine')"
    )
    conn.execute(
        "INSERT INTO audit (ts, kind, environment, who, summary, details) VALUES "
        "('2024-05-01T08:00:00.000000+00:00', 'checklist.tick', 'prod', 'olga', "
        "'ticked disk', '{\"item\": \"disk\"}')"
    )
    conn.execute("INSERT INTO meta (key, value) VALUES ('created_at', 'long ago')")
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()


def _tables(store: Store) -> set[str]:
    return {r["name"] for r in store.read("SELECT name FROM sqlite_master WHERE type='table'")}


def test_v1_database_is_upgraded_and_keeps_its_data(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    _make_v1(path)
    with Store.open(path) as store:
        assert store.warning is None and not store.in_memory
        assert store.schema_version == migrations.LATEST_VERSION
        assert "health_results" in _tables(store)
        assert store.get_meta("created_at") == "long ago"

        state = ChecklistBook(store).state("prod", DAILY_HOST_CHECKLIST, "2024-05-01")
        assert state["disk"].done and state["disk"].who == "olga"
        assert state["disk"].note == "df -h fine"
        records = AuditLog(store).list()
        assert [(r.who, r.summary, r.details) for r in records] == [
            ("olga", "ticked disk", {"item": "disk"})
        ]
        # New rows continue after the old ones.
        ChecklistBook(store).tick(
            "prod", DAILY_HOST_CHECKLIST, "memory", "pat", period="2024-05-01"
        )
        assert [r.id for r in AuditLog(store).list()] == [1, 2]
    with Store.open(path) as again:
        assert again.schema_version == migrations.LATEST_VERSION


def test_fresh_database_gets_every_step(tmp_path: Path) -> None:
    with Store.open(tmp_path / "state.db") as store:
        assert store.schema_version == migrations.LATEST_VERSION
        assert {"meta", "checklist_events", "audit", "health_results"} <= _tables(store)


def test_versions_are_strictly_increasing() -> None:
    versions = [m.version for m in migrations.MIGRATIONS]
    assert versions == sorted(set(versions))
    assert versions[0] == 1


@contextmanager
def _plain_transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def test_failing_step_leaves_the_previous_whole_version(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "state.db", isolation_level=None)
    steps = (
        *migrations.MIGRATIONS,
        migrations.Migration(
            migrations.LATEST_VERSION + 1,
            "broken on purpose",
            ("CREATE TABLE half_done (x INTEGER)", "CREATE TABLE half_done (x INTEGER)"),
        ),
    )
    with pytest.raises(migrations.MigrationError, match="broken on purpose"):
        migrations.migrate(conn, lambda: _plain_transaction(conn), steps)
    assert migrations.schema_version(conn) == migrations.LATEST_VERSION
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "half_done" not in names
    conn.close()


def test_migrate_is_a_no_op_when_current(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "state.db", isolation_level=None)
    assert migrations.migrate(conn, lambda: _plain_transaction(conn)) == [
        m.version for m in migrations.MIGRATIONS
    ]
    assert migrations.migrate(conn, lambda: _plain_transaction(conn)) == []
    conn.close()


def test_failed_upgrade_at_open_falls_back_to_memory(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    _make_v1(path)
    conn = sqlite3.connect(path)
    # A table in the way of step 2 (as a hand-edited file might have) makes the upgrade fail.
    conn.execute("CREATE TABLE health_results (x INTEGER)")
    conn.commit()
    conn.close()
    with Store.open(path) as store:
        assert store.in_memory
        assert store.warning is not None and "cannot upgrade" in store.warning
    check = sqlite3.connect(path)
    assert check.execute("PRAGMA user_version").fetchone() == (1,)
    assert check.execute("SELECT count(*) FROM audit").fetchone() == (1,)
    check.close()
