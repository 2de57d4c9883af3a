"""Runs the health monitor in a child process and feeds the UI its snapshots.

Probing hundreds of endpoints and writing history to SQLite must never cost the UI a frame: the
monitor runs in a process of its own (see :mod:`cockpit.sources.health.worker`), and a thread
worker here only receives its snapshots (at most two a second) and posts them to the app.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from cockpit.config.models import CockpitConfig
from cockpit.domain.health import ServiceStatus

if TYPE_CHECKING:
    from cockpit.sources.worker_process import WorkerProcess

log = logging.getLogger("cockpit.health")


class HealthFeedError(RuntimeError):
    """The health worker stopped; the message says why."""


class HealthFeed:
    """Owns the health worker process; thread-safe ``refresh`` and ``stop``."""

    def __init__(
        self,
        config: CockpitConfig,
        base_dir: Path,
        publish: Callable[[list[ServiceStatus]], object],
        state_path: Path | None = None,
    ) -> None:
        self._config = config
        self._base_dir = base_dir
        self._publish = publish
        self._state_path = state_path
        self._worker: WorkerProcess | None = None
        self._stopping = False
        self._last: dict[tuple[str, str], str] = {}

    def run(self, cancelled: Callable[[], bool] = lambda: False) -> None:
        """Start the worker and relay its snapshots until stopped (call from a thread).

        Raises:
            HealthFeedError: when the worker dies or reports an error.
        """
        from cockpit.sources.worker_process import WorkerProcess

        setup = (self._config, self._base_dir, self._state_path)
        with WorkerProcess("cockpit.sources.health.worker", setup) as worker:
            self._worker = worker
            try:
                while not cancelled() and not self._stopping:
                    try:
                        message = worker.receive(0.25)
                    except EOFError:
                        raise HealthFeedError(
                            f"health checks stopped ({worker.last_words()})"
                        ) from None
                    if message is None:
                        continue
                    kind, payload = message
                    if kind == "snapshot":
                        self._log_changes(payload)
                        self._publish(payload)
                    elif kind == "error":
                        raise HealthFeedError(payload)
            finally:
                self._worker = None

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
        worker = self._worker
        if worker is not None:
            worker.send(("refresh", service))

    def stop(self) -> None:
        """Ask the relay loop (and so the worker) to finish (thread-safe)."""
        self._stopping = True
