"""Runs the health monitor on its own event loop in a thread, feeding the UI coalesced snapshots.

Probing hundreds of endpoints and writing history to SQLite must never cost the UI loop a frame,
so the monitor lives on a separate loop; the UI receives at most a few snapshots a second.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Callable
from pathlib import Path

from cockpit.config.models import CockpitConfig
from cockpit.sources.health.model import ServiceStatus
from cockpit.sources.health.monitor import HealthMonitor, HealthUpdate, ResultSink

PUBLISH_INTERVAL = 0.25
log = logging.getLogger("cockpit.health")


class HealthFeed:
    """Owns a :class:`HealthMonitor` on a private loop; thread-safe ``refresh`` and ``stop``."""

    def __init__(
        self,
        config: CockpitConfig,
        base_dir: Path,
        publish: Callable[[list[ServiceStatus]], object],
        sink: ResultSink | None = None,
    ) -> None:
        self._config = config
        self._base_dir = base_dir
        self._publish = publish
        self._sink = sink
        self._loop: asyncio.AbstractEventLoop | None = None
        self._monitor: HealthMonitor | None = None
        self._stop: asyncio.Event | None = None
        self._ready = threading.Event()
        self._cancelled: Callable[[], bool] = lambda: False
        self._last: dict[tuple[str, str], str] = {}

    def run(self, cancelled: Callable[[], bool] = lambda: False) -> None:
        """Run until :meth:`stop` or until ``cancelled()`` (call from a dedicated thread)."""
        self._cancelled = cancelled
        asyncio.run(self._main())

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        dirty = asyncio.Event()

        def on_update(update: HealthUpdate) -> None:
            dirty.set()

        monitor = HealthMonitor(
            self._config, base_dir=self._base_dir, sink=self._sink, on_update=on_update
        )
        self._monitor = monitor
        self._ready.set()
        self._publish(monitor.snapshot())
        await monitor.start()
        try:
            while not self._stop.is_set() and not self._cancelled():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stop.wait(), PUBLISH_INTERVAL)
                # Drain the monitor's queue: the snapshot carries everything the UI shows.
                while not monitor.updates.empty():
                    monitor.updates.get_nowait()
                if dirty.is_set():
                    dirty.clear()
                    snapshot = monitor.snapshot()
                    self._log_changes(snapshot)
                    self._publish(snapshot)
        finally:
            await monitor.stop()

    def _log_changes(self, snapshot: list[ServiceStatus]) -> None:
        for status in snapshot:
            key = (status.name, status.environment)
            before = self._last.get(key)
            if before is not None and before != status.status.value:
                log.log(
                    logging.INFO if status.status.value == "UP" else logging.WARNING,
                    "%s [%s] %s -> %s: %s",
                    status.name,
                    status.environment,
                    before,
                    status.status.value,
                    status.reason,
                )
            self._last[key] = status.status.value

    def refresh(self, service: str | None = None) -> None:
        """Run checks now (thread-safe)."""
        if self._loop is not None and self._monitor is not None:
            self._loop.call_soon_threadsafe(self._monitor.refresh, service)

    def stop(self) -> None:
        """Ask the loop to finish (thread-safe)."""
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
