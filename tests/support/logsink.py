"""A recording sink for log sources, and a way to run a source in the background of a test."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable

from cockpit.sources.logs.base import LogRow, LogSource, SourceState


class RecordingSink:
    """Keeps every batch and status change; tests wait for what they expect to see."""

    def __init__(self, keep_text: bool = True) -> None:
        self.keep_text = keep_text
        self.batches: list[list[LogRow]] = []
        self.statuses: list[tuple[SourceState, str]] = []
        self.count = 0
        self.longest = 0
        self._changed = asyncio.Event()

    def lines(self, batch: list[LogRow]) -> None:
        """Record a batch (only sizes when ``keep_text`` is False, to measure memory)."""
        self.count += len(batch)
        self.longest = max([self.longest, *(len(line.text) for line in batch)])
        if self.keep_text:
            self.batches.append(batch)
        self._changed.set()

    def status(self, state: SourceState, reason: str = "") -> None:
        """Record a status change."""
        self.statuses.append((state, reason))
        self._changed.set()

    @property
    def all(self) -> list[LogRow]:
        """Every line so far, in order."""
        return [line for batch in self.batches for line in batch]

    @property
    def texts(self) -> list[str]:
        """The text of every line so far."""
        return [line.text for line in self.all]

    @property
    def states(self) -> list[SourceState]:
        """The states reported so far."""
        return [state for state, _ in self.statuses]

    async def wait_for(self, predicate: Callable[[], bool], timeout: float = 10.0) -> None:
        """Wait until ``predicate()`` holds; fail with what was seen after ``timeout`` seconds."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not predicate():
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError(
                    f"timed out; lines={self.texts[-10:]!r} statuses={self.statuses!r}"
                )
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), min(remaining, 0.2))

    async def wait_lines(self, n: int, timeout: float = 10.0) -> None:
        """Wait until at least ``n`` lines have arrived."""
        await self.wait_for(lambda: self.count >= n, timeout)

    async def wait_state(self, state: SourceState, timeout: float = 10.0) -> None:
        """Wait until ``state`` has been reported."""
        await self.wait_for(lambda: state in self.states, timeout)


@contextlib.asynccontextmanager
async def running(source: LogSource, sink: RecordingSink) -> AsyncIterator[asyncio.Task[None]]:
    """Run ``source`` in a task for the duration of the block; cancel it afterwards."""
    task = asyncio.create_task(source.run(sink))
    try:
        yield task
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
