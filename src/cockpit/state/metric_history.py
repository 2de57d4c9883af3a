"""Metric history in the SQLite store (table ``metric_points``), kept for as long as it is drawn.

Raw points serve the 5 m and 1 h windows, one-minute averages the 24 h window and quarter-hour
averages the 7 d window (see :mod:`cockpit.state.metric_ring`); each resolution is pruned at its
own age, so the file stays a few megabytes however long the cockpit runs.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from cockpit.state.metric_ring import MINUTE, QUARTER, RAW
from cockpit.state.store import Store

RETAIN: dict[int, float] = {RAW: 2 * 3600.0, MINUTE: 26 * 3600.0, QUARTER: 8 * 86400.0}
"""Seconds each resolution is kept: a little more than the longest window it draws."""

Point = tuple[str, str, int, float, float]
"""``(metric, series, resolution, ts, value)``."""


class MetricHistory:
    """Writes and reads metric points through a :class:`Store`.

    Args:
        store: The open state store.
    """

    def __init__(self, store: Store) -> None:
        self.store = store

    def add(self, environment: str, points: Iterable[Point]) -> int:
        """Store points of any metrics of ``environment`` in one transaction.

        A point at a time already stored replaces it (a bucket's average is rewritten as
        it fills). NaN is stored as NULL.

        Returns:
            How many points were written (0 on a read-only store).
        """
        rows = [
            (environment, metric, series, resolution, ts, None if math.isnan(v) else v)
            for metric, series, resolution, ts, v in points
        ]
        if not rows or self.store.read_only:
            return 0
        with self.store.write() as conn:
            conn.executemany(
                "INSERT OR REPLACE INTO metric_points "
                "(environment, metric, series, resolution, ts, value) VALUES (?, ?, ?, ?, ?, ?)",
                rows,
            )
        return len(rows)

    def load(
        self, environment: str, metric: str, now: float
    ) -> list[tuple[str, int, float, float]]:
        """What is still kept of one metric: ``(series, resolution, ts, value)``, oldest first."""
        out: list[tuple[str, int, float, float]] = []
        for resolution, keep in RETAIN.items():
            rows = self.store.read(
                "SELECT series, ts, value FROM metric_points "
                "WHERE environment = ? AND metric = ? AND resolution = ? AND ts >= ? "
                "ORDER BY ts",
                (environment, metric, resolution, now - keep),
            )
            out.extend(
                (
                    str(row["series"]),
                    resolution,
                    float(row["ts"]),
                    math.nan if row["value"] is None else float(row["value"]),
                )
                for row in rows
            )
        return out

    def prune(self, now: float) -> int:
        """Delete points older than their resolution's :data:`RETAIN`; returns how many."""
        if self.store.read_only:
            return 0
        deleted = 0
        with self.store.write() as conn:
            for resolution, keep in RETAIN.items():
                cur = conn.execute(
                    "DELETE FROM metric_points WHERE resolution = ? AND ts < ?",
                    (resolution, now - keep),
                )
                deleted += cur.rowcount
        return deleted
