"""Runs the log sources of one environment in a worker process and hands the UI their lines.

The worker (:mod:`cockpit.sources.logs.worker`) reads, sanitizes, classifies and merges; the
Logs pane takes its frames on its own frame tick with :meth:`LogFeed.drain`, which never waits.
There is no relay thread: one would have to win the interpreter lock from the UI thread for
every frame it unpickles, and during a flood that hand-over, not the work, set the pace.
While the pane is behind, frames stay in the pipe, the worker waits and its sources stop
reading: the producer is slowed rather than its lines lost (see the worker for when it gives up).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from cockpit.sources.logs.base import LogRow, SourceState, SourceStatus, log_rows

if TYPE_CHECKING:
    from cockpit.config.environments import Environment
    from cockpit.config.logs import LogSourceConfig
    from cockpit.sources.worker_process import WorkerProcess

MODULE = "cockpit.sources.logs.worker"


@dataclass
class SourceView:
    """One source as the screen shows it: its latest status, and the lines it has sent."""

    name: str
    status: SourceStatus = field(
        default_factory=lambda: SourceStatus(SourceState.CONNECTING, "", time.monotonic())
    )
    lines: int = 0
    last_line_at: float | None = None

    @property
    def state(self) -> SourceState:
        """The source's state."""
        return self.status.state

    @property
    def reason(self) -> str:
        """Why it is in that state (empty when LIVE)."""
        return self.status.reason

    @property
    def since(self) -> float:
        """When (the feed's clock) it entered that state."""
        return self.status.since


class LogFeed:
    """Owns the worker for one environment's sources.

    :meth:`start` and :meth:`stop` may be called from any thread; :meth:`drain` and the
    statuses belong to the UI thread.
    """

    def __init__(
        self,
        entries: list[LogSourceConfig],
        env_name: str,
        base_dir: Path,
        environment: Environment | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.entries = entries
        self.clock = clock
        """Monotonic seconds: when each source's state began, so badges can say for how long."""
        self.names = [entry.name for entry in entries]
        self.env_name = env_name
        self.base_dir = base_dir
        self.environment = environment
        self.statuses: dict[str, SourceView] = {
            name: SourceView(name, SourceStatus(SourceState.CONNECTING, "", clock()))
            for name in self.names
        }
        self.dropped = 0
        """Lines the worker gave up because the screen took nothing for too long."""
        self.received = 0
        self.version = 0
        """Counts state changes: the screen redraws the badges when it moves."""
        self._worker: WorkerProcess | None = None
        self._reading = False
        self._lock = threading.Lock()
        self._stopping = False

    # ---- lifecycle ------------------------------------------------------------------------------

    def start(self) -> None:
        """Start the worker process (spawning takes a few milliseconds: call from a thread)."""
        from cockpit.sources.messages import LogsSetup
        from cockpit.sources.worker_process import WorkerProcess

        setup = LogsSetup(self.entries, self.env_name, self.base_dir, self.environment)
        worker = WorkerProcess(MODULE, setup)
        with self._lock:
            if self._stopping:
                worker.close()
                return
            self._worker = worker
            self._reading = True

    def stop(self) -> None:
        """Stop the worker, in the background: it may take it a moment to let go."""
        with self._lock:
            self._stopping = True
            worker, self._worker, self._reading = self._worker, None, False
        if worker is not None:
            threading.Thread(target=worker.close, name="log-worker-stop", daemon=True).start()

    # ---- UI thread ------------------------------------------------------------------------------

    def drain(self, max_lines: int) -> list[LogRow]:
        """The lines that have arrived, about ``max_lines`` at most; never waits.

        Status changes that arrived with them are applied to :attr:`statuses` on the way.
        """
        from cockpit.sources.messages import Dropped, Lines, StatusChanged, UnexpectedMessage
        from cockpit.sources.worker_process import WorkerEnded

        worker = self._worker
        if worker is None or not self._reading:
            return []
        lines: list[LogRow] = []
        now = self.clock()
        while len(lines) < max_lines:
            try:
                message = worker.poll()
            except WorkerEnded as ended:
                self._reading = False
                self._worker_gone(str(ended))
                break
            match message:
                case None:
                    break
                case Lines(rows, counts):
                    lines += log_rows(rows)
                    self._count(counts, now, live=True)
                case StatusChanged(name, state, reason):
                    self.set_status(name, state, reason)
                case Dropped(counts):
                    self.dropped += sum(counts.values())
                    self._count(counts, now, live=False)
                case _:
                    raise UnexpectedMessage(message)
        self.received += len(lines)
        return lines

    def set_status(self, name: str, state: SourceState, reason: str = "") -> None:
        """Record a state change."""
        view = self.statuses.get(name)
        if view is None:
            view = self.statuses[name] = SourceView(name, SourceStatus(state, reason, self.clock()))
            self.version += 1
        elif view.state is not state or view.reason != reason:
            self.version += 1
            view.status = SourceStatus(state, reason, self.clock())

    def _count(self, counts: dict[str, int], now: float, *, live: bool) -> None:
        for name, count in counts.items():
            status = self.statuses.get(name)
            if status is None:
                continue
            status.lines += count
            if not live:
                continue
            status.last_line_at = now
            if status.state is not SourceState.LIVE:
                status.status = SourceStatus(SourceState.LIVE, "", now)

    def _worker_gone(self, last_words: str) -> None:
        if self._stopping:
            return
        reason = f"log worker stopped ({last_words})"
        for status in self.statuses.values():
            if status.state not in (SourceState.ENDED, SourceState.ERROR):
                self.set_status(status.name, SourceState.ERROR, reason)
