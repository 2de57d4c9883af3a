"""Health-check history in the SQLite store (table ``health_results``) with bounded retention.

Gives the uptime strip, the latency series and the 24-hour availability of a service; the live
view keeps its own ring buffers and only seeds them from here.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cockpit.domain.health import CheckResult, Status
from cockpit.state.store import Store, from_iso, to_iso

DEFAULT_RETENTION_S = 14 * 86400.0
PRUNE_EVERY_S = 3600.0
_AVAILABLE = (Status.UP.value, Status.DEGRADED.value)
_COUNTED = (*_AVAILABLE, Status.DOWN.value)


def _iso(ts: float) -> str:
    return to_iso(datetime.fromtimestamp(ts, UTC))


class HealthHistory:
    """Reads and writes health results through a :class:`Store`.

    Args:
        store: The open state store.
        retention_s: Results older than this are deleted (at most once an hour).
    """

    def __init__(self, store: Store, *, retention_s: float = DEFAULT_RETENTION_S) -> None:
        self.store = store
        self.retention_s = retention_s
        self._pruned_at: float | None = None

    @classmethod
    def open(cls, path: Path | None = None) -> HealthHistory:
        """Open the state database (the default location when ``path`` is None)."""
        return cls(Store.open(path))

    def close(self) -> None:
        """Close the underlying store."""
        self.store.close()

    def add(self, results: list[CheckResult]) -> None:
        """Store a batch of results in one transaction, pruning old rows now and then."""
        if not results or self.store.read_only:
            return
        rows = [
            (r.service, r.environment, r.check, r.status.value, r.latency_ms, r.reason, _iso(r.ts))
            for r in results
        ]
        with self.store.write() as conn:
            conn.executemany(
                "INSERT INTO health_results "
                "(service, environment, check_name, status, latency_ms, reason, ts) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
        now = time.monotonic()
        if self._pruned_at is None or now - self._pruned_at > PRUNE_EVERY_S:
            self._pruned_at = now
            self.store.prune("health_results", self.retention_s)

    def recent(
        self, service: str, environment: str, check: str, limit: int, *, kind: str = ""
    ) -> list[CheckResult]:
        """The latest ``limit`` results of one check, oldest first."""
        rows = self.store.read(
            "SELECT status, latency_ms, reason, ts FROM health_results "
            "WHERE environment = ? AND service = ? AND check_name = ? "
            "ORDER BY ts DESC, id DESC LIMIT ?",
            (environment, service, check, limit),
        )
        return [
            CheckResult(
                service=service,
                environment=environment,
                check=check,
                kind=kind,
                status=Status(row["status"]),
                latency_ms=row["latency_ms"],
                reason=row["reason"] or "",
                conditions=[],
                ts=from_iso(row["ts"]).timestamp(),
            )
            for row in reversed(rows)
        ]

    def since(
        self, service: str, environment: str, since_ts: float, check: str | None = None
    ) -> list[tuple[Status, float | None]]:
        """(status, latency ms) of every result of the service (or one check) since a time."""
        sql = (
            "SELECT status, latency_ms FROM health_results "
            "WHERE environment = ? AND service = ? AND ts >= ?"
        )
        params: list[object] = [environment, service, _iso(since_ts)]
        if check is not None:
            sql += " AND check_name = ?"
            params.append(check)
        rows = self.store.read(sql + " ORDER BY ts, id", params)
        return [(Status(row["status"]), row["latency_ms"]) for row in rows]

    def uptime_strip(self, service: str, environment: str, limit: int = 60) -> list[Status]:
        """Statuses of the service's latest ``limit`` results (all checks), oldest first."""
        rows = self.store.read(
            "SELECT status FROM health_results WHERE environment = ? AND service = ? "
            "ORDER BY ts DESC, id DESC LIMIT ?",
            (environment, service, limit),
        )
        return [Status(row["status"]) for row in reversed(rows)]

    def latency_series(
        self, service: str, environment: str, check: str, limit: int = 60
    ) -> list[tuple[float, float | None]]:
        """(epoch seconds, latency ms) of one check's latest results, oldest first."""
        return [(r.ts, r.latency_ms) for r in self.recent(service, environment, check, limit)]

    def availability(
        self,
        service: str,
        environment: str,
        *,
        window_s: float = 86400.0,
        now: datetime | None = None,
    ) -> float | None:
        """Percent of results over the window that were UP or DEGRADED.

        UNKNOWN results (we could not tell) count neither way. None when there is no result.
        """
        since = to_iso((now or datetime.now(UTC)) - timedelta(seconds=window_s))
        row = self.store.read_one(
            "SELECT SUM(status IN (?, ?)) AS ok, COUNT(*) AS n FROM health_results "
            "WHERE environment = ? AND service = ? AND ts >= ? AND status IN (?, ?, ?)",
            (*_AVAILABLE, environment, service, since, *_COUNTED),
        )
        if row is None or not row["n"]:
            return None
        return 100.0 * float(row["ok"]) / float(row["n"])
