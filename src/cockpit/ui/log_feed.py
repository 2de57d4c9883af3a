"""Runs the log sources of one environment in a worker process, buffering lines for the UI.

The worker (:mod:`cockpit.sources.logs.worker`) reads, sanitizes and classifies; a thread here
relays its batches into a bounded queue that the UI drains at most ``max_lines`` per frame.
While the screen is behind, the relay stops reading the pipe, the worker's writes block and its
sources stop reading: the producer is slowed rather than its lines lost. Only when that is not
enough are the oldest waiting lines dropped, and counted.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from cockpit.sources.logs.base import LogLine, SourceState

if TYPE_CHECKING:
    from cockpit.config.environments import Environment
    from cockpit.config.logs import LogSourceConfig

PENDING_LIMIT = 100_000
HIGH_WATER = 20_000
"""Above this many lines waiting for the screen, the relay stops reading (back-pressure)."""
MAX_WAIT = 1.0
"""Longest the relay holds back before accepting more and dropping the oldest waiting lines."""


@dataclass
class SourceStatus:
    """Live state of one source as the UI shows it."""

    name: str
    state: SourceState = SourceState.CONNECTING
    reason: str = ""
    since: float = field(default_factory=time.monotonic)
    lines: int = 0
    last_line_at: float | None = None


class LogFeed:
    """Owns the worker for one environment's sources; thread-safe draining."""

    def __init__(
        self,
        entries: list[LogSourceConfig],
        env_name: str,
        base_dir: Path,
        environment: Environment | None = None,
        pending_limit: int = PENDING_LIMIT,
    ) -> None:
        self.entries = entries
        self.names = [entry.name for entry in entries]
        self.env_name = env_name
        self.base_dir = base_dir
        self.environment = environment
        self.statuses: dict[str, SourceStatus] = {name: SourceStatus(name) for name in self.names}
        self.pending: deque[LogLine] = deque()
        self.pending_limit = pending_limit
        self.dropped = 0
        self.received = 0
        self._lock = threading.Lock()
        self._stopping = False

    # ---- relay (thread) -------------------------------------------------------------------------

    def push(self, batch: list[LogLine]) -> None:
        """Queue a batch; drop the oldest pending lines beyond the limit."""
        if not batch:
            return
        now = time.monotonic()
        with self._lock:
            self.pending.extend(batch)
            self.received += len(batch)
            overflow = len(self.pending) - self.pending_limit
            if overflow > 0:
                for _ in range(overflow):
                    self.pending.popleft()
                self.dropped += overflow
            counts: dict[str, int] = {}
            for line in batch:
                counts[line.source] = counts.get(line.source, 0) + 1
            for name, count in counts.items():
                status = self.statuses.get(name)
                if status is None:
                    continue
                status.lines += count
                status.last_line_at = now
                if status.state is not SourceState.LIVE:
                    status.state = SourceState.LIVE
                    status.reason = ""
                    status.since = now

    def set_status(self, name: str, state: SourceState, reason: str = "") -> None:
        """Record a state change."""
        status = self.statuses.setdefault(name, SourceStatus(name))
        if status.state is not state or status.reason != reason:
            status.state = state
            status.reason = reason
            status.since = time.monotonic()

    def run(self, cancelled: Callable[[], bool] = lambda: False) -> None:
        """Start the worker and relay its frames until stopped (call from a thread)."""
        from cockpit.sources.worker_process import WorkerProcess

        setup = (self.entries, self.env_name, str(self.base_dir), self.environment)
        with WorkerProcess("cockpit.sources.logs.worker", setup) as worker:
            while not cancelled() and not self._stopping:
                if len(self.pending) > HIGH_WATER:
                    deadline = time.monotonic() + MAX_WAIT
                    while len(self.pending) > HIGH_WATER and time.monotonic() < deadline:
                        if cancelled() or self._stopping:
                            return
                        time.sleep(0.005)
                try:
                    message = worker.receive(0.25)
                except EOFError:
                    for status in self.statuses.values():
                        if status.state not in (SourceState.ENDED, SourceState.ERROR):
                            self.set_status(status.name, SourceState.ERROR, "log worker stopped")
                    return
                if message is None:
                    continue
                if message[0] == "lines":
                    self.push([LogLine(*row) for row in message[1]])
                elif message[0] == "status":
                    _, name, state, reason = message
                    self.set_status(name, SourceState(state), reason)

    # ---- called from the UI thread --------------------------------------------------------------

    def drain(self, max_lines: int) -> list[LogLine]:
        """Take up to ``max_lines`` pending lines, oldest first."""
        with self._lock:
            n = min(max_lines, len(self.pending))
            return [self.pending.popleft() for _ in range(n)]

    def backlog(self) -> int:
        """Lines waiting to be shown."""
        return len(self.pending)

    def stop(self) -> None:
        """Ask the relay (and so the worker) to finish (thread-safe)."""
        self._stopping = True
