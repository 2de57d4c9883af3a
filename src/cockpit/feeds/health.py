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

MODULE = "cockpit.sources.health.worker"


class HealthFeedError(RuntimeError):
    """The health worker failed or ended; the message says how (its last words)."""


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
            HealthFeedError: when the worker fails or ends.
        """
        from cockpit.sources.messages import HealthSetup, Snapshot, UnexpectedMessage
        from cockpit.sources.worker_process import WorkerEnded, WorkerProcess

        setup = HealthSetup(self._config, self._base_dir, self._state_path)
        with WorkerProcess(MODULE, setup) as worker:
            self._worker = worker
            try:
                for message in worker.messages(lambda: cancelled() or self._stopping):
                    match message:
                        case Snapshot(statuses):
                            self._log_changes(statuses)
                            self._publish(statuses)
                        case _:
                            raise UnexpectedMessage(message)
            except WorkerEnded as ended:
                raise HealthFeedError(f"health checks stopped ({ended})") from None
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
            from cockpit.sources.messages import Refresh

            worker.send(Refresh(service))

    def stop(self) -> None:
        """Ask the relay loop (and so the worker) to finish (thread-safe)."""
        self._stopping = True
