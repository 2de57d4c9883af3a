"""Runs the log sources of one environment on their own event loop, buffering lines for the UI.

Sources push batches from their loop; the UI drains at most ``max_batch`` lines per frame. The
pending queue is bounded: when the UI cannot keep up the oldest pending lines are dropped and
counted, so memory stays flat and the screen never falls minutes behind.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from cockpit.sources.logs.base import LogLine, LogSource, SourceState

PENDING_LIMIT = 100_000
HIGH_WATER = 20_000
"""Above this many lines waiting for the screen, sources are slowed down (back-pressure)."""
MAX_WAIT = 1.0
"""Longest a source is held back per batch before the oldest waiting lines are dropped."""


@dataclass
class SourceStatus:
    """Live state of one source as the UI shows it."""

    name: str
    state: SourceState = SourceState.CONNECTING
    reason: str = ""
    since: float = field(default_factory=time.monotonic)
    lines: int = 0
    last_line_at: float | None = None


class _Sink:
    def __init__(self, feed: LogFeed, name: str) -> None:
        self._feed = feed
        self._name = name

    def lines(self, batch: list[LogLine]) -> None:
        self._feed.push(self._name, batch)

    def status(self, state: SourceState, reason: str = "") -> None:
        self._feed.set_status(self._name, state, reason)


class LogFeed:
    """Owns the sources of one environment on a private loop; thread-safe draining."""

    def __init__(
        self,
        sources: list[LogSource],
        on_status: Callable[[], object] | None = None,
        pending_limit: int = PENDING_LIMIT,
        unavailable: dict[str, str] | None = None,
    ) -> None:
        self.sources = sources
        self.statuses: dict[str, SourceStatus] = {s.name: SourceStatus(s.name) for s in sources}
        # Sources that could not be built still get a badge that says why.
        for name, reason in (unavailable or {}).items():
            self.statuses[name] = SourceStatus(name, SourceState.ERROR, reason)
        self.pending: deque[LogLine] = deque()
        self.pending_limit = pending_limit
        self.dropped = 0
        self.received = 0
        self._on_status = on_status
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._cancelled: Callable[[], bool] = lambda: False
        self._stopping = False

    # ---- called from the sources' loop ----------------------------------------------------------

    def push(self, name: str, batch: list[LogLine]) -> None:
        """Queue a batch, holding the source back while the screen is behind.

        Waiting here stalls the sources' loop, so they stop reading: the producer (a pipe, a
        socket, a file) is slowed rather than its lines lost, and the UI thread gets the CPU it
        needs to stay responsive. Only when the screen stays behind for :data:`MAX_WAIT` are the
        oldest waiting lines dropped, and counted.
        """
        if not batch:
            return
        if len(self.pending) > HIGH_WATER:
            deadline = time.monotonic() + MAX_WAIT
            while len(self.pending) > HIGH_WATER and time.monotonic() < deadline:
                if self._stopping or self._cancelled():
                    break
                time.sleep(0.005)
        now = time.monotonic()
        with self._lock:
            self.pending.extend(batch)
            self.received += len(batch)
            overflow = len(self.pending) - self.pending_limit
            if overflow > 0:
                for _ in range(overflow):
                    self.pending.popleft()
                self.dropped += overflow
            status = self.statuses.get(name)
            if status is not None:
                status.lines += len(batch)
                status.last_line_at = now
                if status.state is not SourceState.LIVE:
                    status.state = SourceState.LIVE
                    status.reason = ""
                    status.since = now

    def set_status(self, name: str, state: SourceState, reason: str = "") -> None:
        """Record a state change and tell the UI."""
        status = self.statuses.get(name)
        if status is None:
            return
        if status.state is not state or status.reason != reason:
            status.state = state
            status.reason = reason
            status.since = time.monotonic()
            if self._on_status is not None:
                self._on_status()

    # ---- called from the UI thread --------------------------------------------------------------

    def drain(self, max_lines: int) -> list[LogLine]:
        """Take up to ``max_lines`` pending lines, oldest first."""
        with self._lock:
            n = min(max_lines, len(self.pending))
            return [self.pending.popleft() for _ in range(n)]

    def backlog(self) -> int:
        """Lines waiting to be shown."""
        return len(self.pending)

    # ---- lifecycle ------------------------------------------------------------------------------

    def run(self, cancelled: Callable[[], bool] = lambda: False) -> None:
        """Run every source until :meth:`stop` or ``cancelled()`` (from a dedicated thread)."""
        self._cancelled = cancelled
        asyncio.run(self._main())

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        tasks = [
            asyncio.create_task(self._run_one(source), name=f"logs:{source.name}")
            for source in self.sources
        ]
        try:
            while not self._cancelled():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stop.wait(), 0.25)
                if self._stop.is_set():
                    break
        finally:
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task

    async def _run_one(self, source: LogSource) -> None:
        sink = _Sink(self, source.name)
        try:
            await source.run(sink)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a source bug must not take the others down
            sink.status(SourceState.ERROR, f"{type(exc).__name__}: {exc}")

    def stop(self) -> None:
        """Ask the loop to finish (thread-safe)."""
        self._stopping = True
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
