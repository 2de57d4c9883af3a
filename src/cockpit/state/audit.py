"""The audit trail: an append-only record of what operators did, which becomes the incident
timeline."""

from __future__ import annotations

import builtins
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cockpit.state.store import Store, from_iso, to_iso, utc_now

DEFAULT_LIMIT = 1000


@dataclass(frozen=True, slots=True)
class AuditRecord:
    """One audit entry.

    Attributes:
        id: Increasing with every record, never reused: the authoritative order (clocks on
            two hosts sharing a file may disagree; ids cannot).
        ts: When it was recorded (aware, UTC).
        kind: A dotted category such as ``checklist.tick`` or ``action.run``.
        environment: The environment it concerns, or None for cockpit-wide events.
        who: The operator.
        summary: One line for humans.
        details: Structured context, as recorded.
    """

    id: int
    ts: datetime
    kind: str
    environment: str | None
    who: str
    summary: str
    details: dict[str, Any]


class AuditLog:
    """Writes and reads audit records; there is no way to change or remove one."""

    def __init__(self, store: Store, clock: Callable[[], datetime] = utc_now) -> None:
        """Use ``store`` for every read and write, ``clock`` for the time of each record."""
        self._store = store
        self._clock = clock

    def record(
        self,
        kind: str,
        environment: str | None,
        who: str,
        summary: str,
        details: Mapping[str, Any] | None = None,
    ) -> int:
        """Append one record and return its id.

        Joins the caller's transaction when called inside ``store.write()``, so an action and its
        audit record are saved together or not at all.

        Args:
            kind: A dotted category such as ``checklist.tick``.
            environment: The environment concerned, or None.
            who: The operator (see :func:`cockpit.domain.paths.current_user`).
            summary: One line for humans.
            details: JSON-serialisable context; values JSON cannot hold are stored as text so
                that recording never fails on, say, a Path.

        Raises:
            ValueError: ``kind`` or ``who`` is empty.
            cockpit.state.store.StoreReadOnlyError: The store refuses writes.
        """
        if not kind.strip():
            raise ValueError("an audit record needs a kind")
        if not who.strip():
            raise ValueError("an audit record needs a who")
        payload = json.dumps(dict(details or {}), sort_keys=True, ensure_ascii=False, default=str)
        with self._store.write() as conn:
            cur = conn.execute(
                "INSERT INTO audit (ts, kind, environment, who, summary, details) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (to_iso(self._clock()), kind, environment, who, summary, payload),
            )
            row_id = cur.lastrowid
        if row_id is None:  # pragma: no cover - sqlite3 always sets it after an INSERT
            raise RuntimeError("audit insert returned no row id")
        return row_id

    def list(
        self,
        environment: str | None = None,
        since: datetime | None = None,
        limit: int = DEFAULT_LIMIT,
        *,
        kind: str | None = None,
        after_id: int | None = None,
    ) -> builtins.list[AuditRecord]:
        """Records in the order they were written (oldest first).

        Args:
            environment: Only this environment's records; all when None.
            since: Only records at or after this aware time.
            limit: At most this many, keeping the newest.
            kind: Only this kind, or kinds under it (``checklist`` matches ``checklist.tick``).
            after_id: Only records with a larger id (for polling new entries).
        """
        if limit <= 0:
            return []
        where: builtins.list[str] = []
        params: builtins.list[Any] = []
        if environment is not None:
            where.append("environment = ?")
            params.append(environment)
        if since is not None:
            where.append("ts >= ?")
            params.append(to_iso(since))
        if kind is not None:
            where.append("(kind = ? OR substr(kind, 1, ?) = ?)")
            params.extend([kind, len(kind) + 1, kind + "."])
        if after_id is not None:
            where.append("id > ?")
            params.append(after_id)
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        rows = self._store.read(
            "SELECT id, ts, kind, environment, who, summary, details FROM ("
            f"SELECT * FROM audit {clause} ORDER BY id DESC LIMIT ?"
            ") ORDER BY id",
            [*params, limit],
        )
        return [
            AuditRecord(
                id=int(r["id"]),
                ts=from_iso(r["ts"]),
                kind=r["kind"],
                environment=r["environment"],
                who=r["who"],
                summary=r["summary"],
                details=_load_details(r["details"]),
            )
            for r in rows
        ]

    def last_id(self) -> int:
        """The id of the newest record, or 0 when there is none."""
        row = self._store.read_one("SELECT COALESCE(MAX(id), 0) AS last FROM audit")
        return 0 if row is None else int(row["last"])


def _load_details(text: str) -> dict[str, Any]:
    # A row written by hand or by a future version may hold anything; never fail the listing.
    try:
        value = json.loads(text)
    except (TypeError, ValueError):
        return {"raw": text}
    return value if isinstance(value, dict) else {"value": value}
