"""Metrics read on demand for ``cockpit metrics``: every environment asked for, once or watching."""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING

from cockpit.feeds.metric_board import MetricBoard, MetricRow
from cockpit.sources.metrics.poller import MetricPoller

if TYPE_CHECKING:
    from cockpit.config.loader import LoadedConfig

PRIME_WAIT = 0.5
"""Seconds between the first host reading (which primes CPU and rate counters) and the one shown."""


class MetricSession:
    """The pollers and boards of the environments asked for.

    Args:
        loaded: The loaded config.
        names: Environments to read.
        state: State database path (None: the default place).
    """

    def __init__(self, loaded: LoadedConfig, names: list[str], state: str | None = None) -> None:
        from pathlib import Path

        from cockpit.state.health_history import HealthHistory
        from cockpit.state.metric_history import MetricHistory

        config = loaded.config
        # What a running cockpit has read is in the store: the JSON series start with it.
        self._history = HealthHistory.open(Path(state) if state else None)
        self.warning = self._history.store.warning
        self._stored = MetricHistory(self._history.store)
        self._boards: list[tuple[str, MetricPoller, MetricBoard]] = []
        started = time.monotonic()
        for name in names:
            entries = config.metrics_for(name)
            poller = MetricPoller(
                entries,
                config.environments[name],
                loaded.base_dir,
                health_history=self._history,
            )
            self._boards.append((name, poller, MetricBoard(entries, name, started)))
        self._last_read: dict[tuple[str, str], float] = {}

    async def start(self, window: float) -> None:
        """Stored history first, then backfill where the backend keeps history, then a read."""
        self._load_stored()
        fills = [
            (board, poller.backfill(entry, window))
            for _, poller, board in self._boards
            for entry in poller.entries
        ]
        for (board, _), result in zip(
            fills, await asyncio.gather(*(f for _, f in fills)), strict=True
        ):
            board.apply(result, time.monotonic())
        await self._read(force=True)
        hosts = [(p, b, e) for _, p, b in self._boards for e in p.entries if e.kind == "host"]
        if hosts:
            # psutil's CPU percentage and byte rates are differences between two readings.
            await asyncio.sleep(PRIME_WAIT)
            results = await asyncio.gather(*(p.read(e) for p, _, e in hosts))
            for (_, board, _), result in zip(hosts, results, strict=True):
                board.apply(result, time.monotonic())

    def _load_stored(self) -> None:
        now = time.time()
        for env, poller, board in self._boards:
            for entry in poller.entries:
                board.fill_stored(entry.name, self._stored.load(env, entry.name, now))

    async def _read(self, *, force: bool) -> None:
        now = time.monotonic()
        jobs = []
        for env, poller, board in self._boards:
            for entry in poller.entries:
                key = (env, entry.name)
                if force or now - self._last_read.get(key, 0.0) >= entry.every:
                    self._last_read[key] = now
                    jobs.append((board, poller.read(entry)))
        results = await asyncio.gather(*(job for _, job in jobs))
        for (board, _), result in zip(jobs, results, strict=True):
            board.apply(result, time.monotonic())

    async def read_due(self) -> None:
        """Read the metrics whose interval has passed."""
        await self._read(force=False)

    def shortest_interval(self) -> float:
        """Seconds until some metric is due again (at least 1)."""
        intervals = [e.every for _, p, _ in self._boards for e in p.entries]
        return max(1.0, min(intervals, default=1.0))

    def rows(self, window: float) -> list[tuple[str, MetricRow]]:
        """Every row of every environment, each environment's trouble first."""
        now, mono = time.time(), time.monotonic()
        return [
            (env, row) for env, _, board in self._boards for row in board.rows(now, window, mono)
        ]

    async def close(self) -> None:
        """Close clients and the state store."""
        for _, poller, _ in self._boards:
            await poller.aclose()
        self._history.close()
