"""The SQLite store under all cockpit state: one serialized connection, WAL, durable commits.

Several cockpits (a war-room screen and someone's laptop session over SSH) may share one file,
so every write is a ``BEGIN IMMEDIATE`` transaction that waits out the other writers instead of
failing with "database is locked". Only the standard library is imported here: the store is
opened before the first screen paints.
"""

from __future__ import annotations

import logging
import os
import random
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

from cockpit.domain.paths import default_state_path
from cockpit.state import migrations

log = logging.getLogger(__name__)

BUSY_TIMEOUT_S = 10.0
"""How long one operation waits for other processes' locks before :class:`StoreBusyError`."""

_LOCK_SLICE_S = 0.005
"""SQLite's own busy wait per attempt; between attempts the store polls (see ``_retry``)."""

PRUNABLE: Mapping[str, str] = {"health_results": "ts"}
"""Tables whose old rows may be deleted, with their timestamp column. The audit trail and
checklist events are deliberately absent: they are history and are kept forever."""

Params = Sequence[Any] | Mapping[str, Any]
_T = TypeVar("_T")

# Primary result codes (the low byte of extended codes).
_SQLITE_PERM = 3
_SQLITE_BUSY = 5
_SQLITE_LOCKED = 6
_SQLITE_READONLY = 8
_SQLITE_IOERR = 10
_SQLITE_CORRUPT = 11
_SQLITE_FULL = 13
_SQLITE_CANTOPEN = 14
_SQLITE_NOTADB = 26


class StoreError(Exception):
    """Base class of the store's own errors."""


class StoreReadOnlyError(StoreError):
    """A write was attempted on a store opened read-only (e.g. a newer schema)."""


class StoreClosedError(StoreError):
    """The store was used after :meth:`Store.close`."""


class StoreBusyError(StoreError):
    """Another process held the database lock for longer than the busy timeout."""


class _OpenFailure(Exception):
    """The file cannot be used; the message is the one-line reason shown to the user."""


def utc_now() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


def to_iso(moment: datetime) -> str:
    """Format an aware datetime as the fixed-width UTC text stored in every table.

    The fixed width (always microseconds, always ``+00:00``) makes text order equal time order,
    which ``since`` filters and pruning rely on.

    Raises:
        ValueError: ``moment`` is naive, so its zone would be a guess.
    """
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("timestamps must be timezone-aware")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def from_iso(text: str) -> datetime:
    """Parse text written by :func:`to_iso` back into an aware UTC datetime."""
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _result_code(exc: sqlite3.Error) -> int | None:
    code = getattr(exc, "sqlite_errorcode", None)
    return None if code is None else int(code) & 0xFF


def _is_busy(exc: sqlite3.Error) -> bool:
    code = _result_code(exc)
    if code is not None:
        return code in (_SQLITE_BUSY, _SQLITE_LOCKED)
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def _describe(path: Path, exc: BaseException) -> str:
    """One line for the UI header saying why ``path`` could not be used."""
    if isinstance(exc, migrations.MigrationError):
        return f"cannot upgrade {path}: {exc}"
    code = _result_code(exc) if isinstance(exc, sqlite3.Error) else None
    if code in (_SQLITE_CORRUPT, _SQLITE_NOTADB):
        return f"{path} is corrupt or not a SQLite database ({exc})"
    if code in (_SQLITE_READONLY, _SQLITE_PERM, _SQLITE_CANTOPEN, _SQLITE_IOERR):
        return f"cannot write {path} ({exc})"
    if code == _SQLITE_FULL:
        return f"disk full writing {path}"
    if code in (_SQLITE_BUSY, _SQLITE_LOCKED) or isinstance(exc, StoreBusyError):
        return f"{path} stayed locked by another process"
    return f"cannot use {path} ({exc})"


class Store:
    """Thread-safe access to the state database.

    Use :meth:`open` (a file, falling back to memory) or :meth:`memory`. All access goes through
    one connection guarded by a re-entrant lock, so thread workers may call any method. Do not
    ``await`` inside :meth:`write`: the lock is per thread, not per task.

    Attributes:
        path: The database file, or None when the data lives in memory.
        in_memory: True when nothing written survives the process.
        read_only: True when writes are refused (the file has a newer schema).
        warning: A one-line reason to show the user when state is degraded, else None.
    """

    def __init__(
        self,
        conn: sqlite3.Connection,
        *,
        path: Path | None,
        busy_timeout: float = BUSY_TIMEOUT_S,
    ) -> None:
        """Wrap an open connection; prefer :meth:`open` or :meth:`memory`."""
        conn.row_factory = sqlite3.Row
        self._conn = conn
        self._lock = threading.RLock()
        self._depth = 0
        self._closed = False
        self._busy_timeout = busy_timeout
        self.path = path
        self.in_memory = path is None
        self.read_only = False
        self.warning: str | None = None

    # -- opening -----------------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path | None = None, *, busy_timeout: float = BUSY_TIMEOUT_S) -> Store:
        """Open (creating if needed) the state database at ``path``.

        Never raises for a bad location: an unwritable folder or file, a corrupt database or a
        failed upgrade gives an in-memory store whose ``warning`` says why. A database written by
        a newer cockpit opens read-only with a warning instead of being modified.

        Args:
            path: The database file; :func:`default_state_path` when None.
            busy_timeout: Seconds one operation may wait for another process's lock.
        """
        target = default_state_path() if path is None else Path(path)
        try:
            return cls._open_file(target, busy_timeout)
        except _OpenFailure as exc:
            reason = str(exc)
        log.info("state database unavailable, using memory: %s", reason)
        store = cls.memory()
        store.warning = f"state kept in memory only, nothing will be saved: {reason}"
        return store

    @classmethod
    def memory(cls) -> Store:
        """A fresh, fully migrated in-memory store (tests, and the fallback of :meth:`open`)."""
        conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
        store = cls(conn, path=None)
        conn.execute("PRAGMA foreign_keys = ON")
        migrations.migrate(conn, store._transaction)
        return store

    @classmethod
    def _open_file(cls, target: Path, busy_timeout: float) -> Store:
        folder = target.parent
        try:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as exc:
            raise _OpenFailure(f"cannot create folder {folder} ({exc.strerror or exc})") from exc
        try:
            # Create it ourselves so the file (and SQLite's -wal/-shm, which copy its mode) is
            # private; opening read-write also proves we can write it before SQLite is involved.
            os.close(os.open(target, os.O_RDWR | os.O_CREAT, 0o600))
        except OSError as exc:
            raise _OpenFailure(f"cannot write {target} ({exc.strerror or exc})") from exc
        try:
            conn = sqlite3.connect(
                str(target),
                timeout=_LOCK_SLICE_S,
                isolation_level=None,
                check_same_thread=False,
            )
        except sqlite3.Error as exc:
            raise _OpenFailure(_describe(target, exc)) from exc
        store = cls(conn, path=target, busy_timeout=busy_timeout)
        try:
            store._prepare(target)
        except (sqlite3.Error, migrations.MigrationError, StoreBusyError) as exc:
            conn.close()
            raise _OpenFailure(_describe(target, exc)) from exc
        return store

    def _prepare(self, target: Path) -> None:
        conn = self._conn
        conn.execute("PRAGMA foreign_keys = ON")
        version = self._retry(lambda: migrations.schema_version(conn))
        if version > migrations.LATEST_VERSION:
            # Reading is still useful (history, audit); writing could break the newer cockpit.
            conn.execute("PRAGMA query_only = ON")
            self.read_only = True
            self.warning = (
                f"{target} has schema version {version}, newer than this cockpit understands "
                f"({migrations.LATEST_VERSION}): opened read-only, nothing will be saved"
            )
            log.info("%s", self.warning)
            return
        # WAL lets readers proceed during a write and makes concurrent processes cheap.
        self._retry(lambda: conn.execute("PRAGMA journal_mode = WAL").fetchone())
        # FULL: a tick the operator saw confirmed survives a power cut, not just a crash.
        conn.execute("PRAGMA synchronous = FULL")
        migrations.migrate(conn, self._transaction)
        # Also proves the file is writable now, rather than at the operator's first tick.
        self._touch_meta()

    def _touch_meta(self) -> None:
        from cockpit import __version__

        now = to_iso(utc_now())
        with self._transaction() as conn:
            conn.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('created_at', ?)", (now,))
            for key, value in (("last_opened_at", now), ("last_opened_by_version", __version__)):
                conn.execute(
                    "INSERT INTO meta (key, value) VALUES (?, ?) "
                    "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    (key, value),
                )

    # -- transactions ------------------------------------------------------------------------

    def _check_open(self) -> None:
        if self._closed:
            raise StoreClosedError("the state store is closed")

    def _retry(self, op: Callable[[], _T]) -> _T:
        """Run ``op``, retrying while another process holds the lock.

        Raises:
            StoreBusyError: Still locked after the busy timeout.
        """
        deadline = time.monotonic() + self._busy_timeout
        while True:
            try:
                return op()
            except sqlite3.OperationalError as exc:
                if not _is_busy(exc):
                    raise
                if time.monotonic() >= deadline:
                    raise StoreBusyError(
                        f"the state database stayed locked by another process for more than "
                        f"{self._busy_timeout:g}s"
                    ) from exc
            # Short jittered polls rather than SQLite's own busy handler alone: that one backs
            # off to 100 ms naps, and a process committing in a loop then starves the waiter
            # (measured: one tick waited 1.6 s behind 400 back-to-back commits; ~0.2 s with this).
            time.sleep(0.001 + random.random() * 0.002)

    def _rollback_quietly(self) -> None:
        # SQLite may already have rolled back (e.g. on SQLITE_FULL); a second ROLLBACK would
        # raise and hide the original error.
        if self._conn.in_transaction:
            try:
                self._conn.execute("ROLLBACK")
            except sqlite3.Error:
                log.exception("rollback failed")

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._check_open()
            if self._depth:
                # Nested use joins the outer transaction through a savepoint, so a failing
                # inner block undoes only its own statements.
                name = f"cockpit_sp{self._depth}"
                self._conn.execute(f"SAVEPOINT {name}")
                self._depth += 1
                try:
                    yield self._conn
                except BaseException:
                    if self._conn.in_transaction:
                        self._conn.execute(f"ROLLBACK TO {name}")
                        self._conn.execute(f"RELEASE {name}")
                    raise
                else:
                    self._conn.execute(f"RELEASE {name}")
                finally:
                    self._depth -= 1
                return
            self._retry(lambda: self._conn.execute("BEGIN IMMEDIATE"))
            self._depth = 1
            try:
                yield self._conn
                self._retry(lambda: self._conn.execute("COMMIT"))
            except BaseException:
                self._rollback_quietly()
                raise
            finally:
                self._depth = 0

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: ``with store.write() as conn: conn.execute(...)``.

        Commits when the block ends normally, rolls back when it raises. Nested calls (also
        from helpers such as the audit log) join the outer transaction.

        Raises:
            StoreReadOnlyError: The store was opened read-only.
            StoreClosedError: The store was closed.
        """
        if self.read_only:
            raise StoreReadOnlyError(self.warning or "the state store is read-only")
        with self._transaction() as conn:
            yield conn

    # -- reading -----------------------------------------------------------------------------

    def read(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        """Run a query and return every row (rows index by name and position)."""
        with self._lock:
            self._check_open()
            return self._retry(lambda: self._conn.execute(sql, params).fetchall())

    def read_one(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        """Run a query and return its first row, or None."""
        with self._lock:
            self._check_open()
            row: sqlite3.Row | None = self._retry(
                lambda: self._conn.execute(sql, params).fetchone()
            )
            return row

    @property
    def schema_version(self) -> int:
        """The ``user_version`` of the open database."""
        with self._lock:
            self._check_open()
            return self._retry(lambda: migrations.schema_version(self._conn))

    def get_meta(self, key: str) -> str | None:
        """A value from the ``meta`` table (e.g. ``created_at``), or None."""
        row = self.read_one("SELECT value FROM meta WHERE key = ?", (key,))
        return None if row is None else str(row["value"])

    def set_meta(self, key: str, value: str) -> None:
        """Store a small named value in the ``meta`` table, replacing any previous one."""
        with self.write() as conn:
            conn.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    # -- retention ---------------------------------------------------------------------------

    def prune(self, table: str, keep_seconds: float, *, now: datetime | None = None) -> int:
        """Delete rows older than ``keep_seconds`` from a table that allows it.

        Args:
            table: One of :data:`PRUNABLE`; the audit trail and checklist events never are.
            keep_seconds: Age of the oldest row to keep.
            now: The reference time (aware); the current time when None.

        Returns:
            How many rows were deleted.

        Raises:
            ValueError: The table may not be pruned, or ``keep_seconds`` is negative.
        """
        column = PRUNABLE.get(table)
        if column is None:
            allowed = ", ".join(sorted(PRUNABLE))
            raise ValueError(f"table {table!r} is kept forever; only {allowed} can be pruned")
        if keep_seconds < 0:
            raise ValueError("keep_seconds cannot be negative")
        cutoff = to_iso((now or utc_now()) - timedelta(seconds=keep_seconds))
        with self.write() as conn:
            # Table and column come from PRUNABLE above, never from the caller's text.
            cur = conn.execute(f"DELETE FROM {table} WHERE {column} < ?", (cutoff,))
            return cur.rowcount

    # -- lifetime ----------------------------------------------------------------------------

    def close(self) -> None:
        """Close the connection; later calls raise :class:`StoreClosedError`. Idempotent."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            if not self.read_only:
                try:
                    self._conn.execute("PRAGMA optimize")
                except sqlite3.Error:
                    log.debug("PRAGMA optimize failed", exc_info=True)
            self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        where = "memory" if self.path is None else str(self.path)
        flags = " read-only" if self.read_only else ""
        return f"<Store {where}{flags}>"
