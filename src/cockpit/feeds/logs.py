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
    from cockpit.sources.frames import FrameReader
    from cockpit.sources.worker_process import WorkerProcess


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
        self._reader: FrameReader | None = None
        self._lock = threading.Lock()
        self._stopping = False

    # ---- lifecycle ------------------------------------------------------------------------------

    def start(self) -> None:
        """Start the worker process (spawning takes a few milliseconds: call from a thread)."""
        from cockpit.sources.worker_process import WorkerProcess

        setup = (self.entries, self.env_name, str(self.base_dir), self.environment)
        worker = WorkerProcess("cockpit.sources.logs.worker", setup)
        with self._lock:
            if self._stopping:
                worker.close()
                return
            self._reader = worker.reader()
            self._worker = worker

    def stop(self) -> None:
        """Stop the worker, in the background: it may take it a moment to let go."""
        with self._lock:
            self._stopping = True
            worker, self._worker, self._reader = self._worker, None, None
        if worker is not None:
            threading.Thread(target=worker.close, name="log-worker-stop", daemon=True).start()

    # ---- UI thread ------------------------------------------------------------------------------

    def drain(self, max_lines: int) -> list[LogRow]:
        """The lines that have arrived, about ``max_lines`` at most; never waits.

        Status changes that arrived with them are applied to :attr:`statuses` on the way.
        """
        reader = self._reader
        if reader is None:
            return []
        lines: list[LogRow] = []
        now = self.clock()
        while len(lines) < max_lines:
            try:
                message = reader.next()
            except EOFError:
                self._reader = None
                self._worker_gone()
                break
            if message is None:
                break
            kind = message[0]
            if kind == "lines":
                lines += log_rows(message[1])
                self._count(message[2], now, live=True)
            elif kind == "status":
                _, name, state, reason = message
                self.set_status(name, SourceState(state), reason)
            elif kind == "dropped":
                self.dropped += sum(message[1].values())
                self._count(message[1], now, live=False)
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

    def _worker_gone(self) -> None:
        if self._stopping:
            return
        worker = self._worker
        reason = "log worker stopped"
        if worker is not None:
            reason += f" ({worker.last_words()})"
        for status in self.statuses.values():
            if status.state not in (SourceState.ENDED, SourceState.ERROR):
                self.set_status(status.name, SourceState.ERROR, reason)
