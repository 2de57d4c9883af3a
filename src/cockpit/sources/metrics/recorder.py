"""Keeps the metrics worker's readings in the state store, so a restart keeps its sparklines.

Raw points are written in batches every few seconds; one-minute and fifteen-minute averages
are written as their buckets close, and old points are pruned by resolution (see
:class:`cockpit.state.metric_history.MetricHistory`). A store that cannot be written (busy,
full, read-only) costs the history, never the live values.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING

from cockpit.sources.messages import MetricStored
from cockpit.state.metric_ring import MINUTE, QUARTER, RAW

if TYPE_CHECKING:
    from cockpit.sources.metrics.poller import PollResult
    from cockpit.state.metric_history import MetricHistory
    from cockpit.state.store import Store

log = logging.getLogger(__name__)

FLUSH_EVERY = 5.0
PRUNE_EVERY = 60.0

Point = tuple[str, str, int, float, float]
"""``(metric, series, resolution, ts, value)``, as :class:`MetricHistory` stores them."""


class Recorder:
    """Writes one environment's readings to the store (does nothing without a store).

    Args:
        store: The state store, or None to keep nothing.
        environment: The environment the readings belong to.
    """

    def __init__(self, store: Store | None, environment: str) -> None:
        self._store = store
        self._history: MetricHistory | None = None
        if store is not None:
            from cockpit.state.metric_history import MetricHistory

            self._history = MetricHistory(store)
        self.environment = environment
        self._pending: list[Point] = []
        # (metric, series, resolution) -> [bucket start, total, count]
        self._open: dict[tuple[str, str, int], list[float]] = {}
        self._flushed_at: float | None = None
        self._pruned_at: float | None = None
        self.failed: str | None = None

    def load(self, names: Iterable[str], now: float) -> list[MetricStored]:
        """The stored history of each metric (none when the store cannot be read)."""
        if self._history is None:
            return []
        out: list[MetricStored] = []
        for name in names:
            try:
                points = self._history.load(self.environment, name, now)
            except Exception as exc:  # a broken store loses history, not the feed
                self._fail(exc)
                return out
            if points:
                out.append(MetricStored(name, tuple(points)))
        return out

    def record(self, results: Iterable[PollResult], now: float) -> None:
        """Take live reads (backfills are the backend's own history and are not kept)."""
        if self._history is None:
            return
        for result in results:
            if result.backfill or result.error is not None:
                continue
            for series, ts, value in result.points:
                self._pending.append((result.metric, series, RAW, ts, value))
                self._pending.extend(self._roll(result.metric, series, ts, value))
        if self._flushed_at is None:
            self._flushed_at = self._pruned_at = now
        if now - self._flushed_at >= FLUSH_EVERY:
            self.flush()
            self._flushed_at = now
        if self._pruned_at is not None and now - self._pruned_at >= PRUNE_EVERY:
            self._pruned_at = now
            try:
                self._history.prune(now)
            except Exception as exc:
                self._fail(exc)

    def _roll(self, metric: str, series: str, ts: float, value: float) -> list[Point]:
        closed: list[Point] = []
        for res in (MINUTE, QUARTER):
            start = ts - ts % res
            bucket = self._open.get((metric, series, res))
            if bucket is not None and bucket[0] != start:
                closed.append((metric, series, res, bucket[0], bucket[1] / bucket[2]))
                bucket = None
            if bucket is None:
                bucket = self._open[(metric, series, res)] = [start, 0.0, 0.0]
            bucket[1] += value
            bucket[2] += 1
        return closed

    def flush(self) -> None:
        """Write what is pending, in one transaction."""
        if self._history is None or not self._pending:
            return
        pending, self._pending = self._pending, []
        try:
            self._history.add(self.environment, pending)
        except Exception as exc:  # busy, full, read-only: the history is lost, not the feed
            self._fail(exc)

    def _fail(self, exc: BaseException) -> None:
        reason = f"metric history not kept: {exc}"
        if reason != self.failed:
            log.warning("%s", reason)
        self.failed = reason

    def close(self) -> None:
        """Write what is pending and close the store."""
        self.flush()
        if self._store is not None:
            self._store.close()
