"""Runs the health monitor in a child process and feeds the UI its snapshots.

Probing hundreds of endpoints and writing history to SQLite must never cost the UI a frame: the
monitor runs in a process of its own (see :mod:`cockpit.sources.health.worker`), and a thread
worker here only receives its snapshots (at most two a second) and posts them to the app.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from cockpit.config.models import CockpitConfig
from cockpit.domain.health import ServiceStatus
from cockpit.feeds.relay import WorkerRelay

log = logging.getLogger("cockpit.health")

MODULE = "cockpit.sources.health.worker"


class HealthFeedError(RuntimeError):
    """The health worker failed or ended; the message says how (its last words)."""


class HealthFeed(WorkerRelay):
    """Owns the health worker process; thread-safe ``refresh`` and ``stop``."""

    module = MODULE
    what = "health checks"
    error = HealthFeedError

    def __init__(
        self,
        config: CockpitConfig,
        base_dir: Path,
        publish: Callable[[list[ServiceStatus]], object],
        state_path: Path | None = None,
    ) -> None:
        super().__init__()
        self._config = config
        self._base_dir = base_dir
        self._publish = publish
        self._state_path = state_path
        self._last: dict[tuple[str, str], str] = {}

    def setup(self) -> object:
        """The worker's setup: the config, where relative paths start, the history store."""
        from cockpit.sources.messages import HealthSetup

        return HealthSetup(self._config, self._base_dir, self._state_path)

    def handle(self, message: object) -> bool:
        """Log status changes and publish each snapshot."""
        from cockpit.sources.messages import Snapshot

        if not isinstance(message, Snapshot):
            return False
        self._log_changes(message.statuses)
        self._publish(message.statuses)
        return True

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
        from cockpit.sources.messages import Refresh

        self.send(Refresh(service))
