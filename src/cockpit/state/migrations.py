"""Versioned schema of the state database, tracked in ``PRAGMA user_version``.

Steps are only ever appended: a released step is never edited, because databases in the field
already ran it. Each step runs in its own ``BEGIN IMMEDIATE`` transaction together with the
``user_version`` bump, so a crash leaves the database at a whole version.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Migration:
    """One schema step.

    Attributes:
        version: The ``user_version`` the database has once this step ran.
        description: What the step adds, for logs and errors.
        statements: SQL statements run in order; one statement each because
            ``executescript`` would commit the surrounding transaction.
    """

    version: int
    description: str
    statements: tuple[str, ...]


def _append_only(table: str, what: str) -> tuple[str, ...]:
    # Enforced in the database too, so no code path (or ad-hoc sqlite3 session) rewrites history.
    return tuple(
        f"CREATE TRIGGER {table}_no_{op.lower()} BEFORE {op} ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{what} are append-only'); END"
        for op in ("UPDATE", "DELETE")
    )


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "meta, checklist events and the audit trail",
        (
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
            *_append_only("checklist_events", "checklist events"),
            """CREATE TABLE audit (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                ts TEXT NOT NULL,
                kind TEXT NOT NULL,
                environment TEXT,
                who TEXT NOT NULL,
                summary TEXT NOT NULL,
                details TEXT NOT NULL DEFAULT '{}'
            )""",
            *_append_only("audit", "audit records"),
        ),
    ),
    Migration(
        2,
        "health check history and audit lookups by environment",
        (
            """CREATE TABLE health_results (
                id INTEGER PRIMARY KEY,
                service TEXT NOT NULL,
                environment TEXT NOT NULL,
                check_name TEXT NOT NULL,
                status TEXT NOT NULL,
                latency_ms REAL,
                reason TEXT,
                ts TEXT NOT NULL
            )""",
            "CREATE INDEX health_results_lookup "
            "ON health_results (environment, service, check_name, ts)",
            "CREATE INDEX health_results_ts ON health_results (ts)",
            "CREATE INDEX audit_environment ON audit (environment, id)",
            "CREATE INDEX audit_ts ON audit (ts)",
        ),
    ),
    Migration(
        3,
        "metric history: raw points and minute and quarter-hour averages",
        (
            """CREATE TABLE metric_points (
                environment TEXT NOT NULL,
                metric TEXT NOT NULL,
                series TEXT NOT NULL,
                resolution INTEGER NOT NULL,
                ts REAL NOT NULL,
                value REAL,
                PRIMARY KEY (environment, metric, series, resolution, ts)
            ) WITHOUT ROWID""",
            "CREATE INDEX metric_points_age ON metric_points (resolution, ts)",
        ),
    ),
    Migration(
        4,
        "evidence kept with a tick (a check's output)",
        ("ALTER TABLE checklist_events ADD COLUMN evidence TEXT",),
    ),
)

LATEST_VERSION = MIGRATIONS[-1].version


class MigrationError(Exception):
    """A schema step failed; the database stays at the previous whole version."""


def schema_version(conn: sqlite3.Connection) -> int:
    """The ``user_version`` of the database behind ``conn``."""
    row = conn.execute("PRAGMA user_version").fetchone()
    return int(row[0])


def migrate(
    conn: sqlite3.Connection,
    transaction: Callable[[], AbstractContextManager[object]],
    steps: tuple[Migration, ...] = MIGRATIONS,
) -> list[int]:
    """Bring the database up to the last of ``steps``.

    The version is re-read inside each write transaction, so two processes opening the same new
    file at once apply every step exactly once.

    Args:
        conn: The connection ``transaction`` writes through.
        transaction: Opens one ``BEGIN IMMEDIATE`` transaction on ``conn`` (waiting out other
            writers), commits on normal exit and rolls back on error.
        steps: The schema steps, ascending by version.

    Returns:
        The versions applied by this call (empty when already current).

    Raises:
        MigrationError: A step failed; it was rolled back.
    """
    applied: list[int] = []
    for step in steps:
        if schema_version(conn) >= step.version:
            continue
        try:
            with transaction():
                if schema_version(conn) >= step.version:
                    continue  # another process got there first
                for sql in step.statements:
                    conn.execute(sql)
                # PRAGMA takes no bound parameters; the version is an int from this module.
                conn.execute(f"PRAGMA user_version = {int(step.version)}")
        except sqlite3.Error as exc:
            raise MigrationError(
                f"schema step {step.version} ({step.description}) failed: {exc}"
            ) from exc
        applied.append(step.version)
    return applied
