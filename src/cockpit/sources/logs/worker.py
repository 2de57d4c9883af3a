"""Log sources in a process of their own, streaming line batches to the cockpit over a pipe.

Reading, splitting, sanitizing and classifying a flood of lines costs Python time per line; in
the UI's process that time would be taken from the UI thread through the interpreter lock. Here
it runs on another core, and the cockpit only unpickles tuples.

Records (see :mod:`cockpit.sources.messages`): set up with a ``LogsSetup``, it takes no command
but ``Stop`` and sends ``Lines`` (the lines of several sources merged by time, as plain tuples),
``StatusChanged`` after the lines that came before it, and ``Dropped``.

Back-pressure: while more than :data:`QUEUE_LIMIT` bytes wait for the cockpit, the worker waits
too, and so its sources stop reading (a command's pipe fills and the command blocks, a file is
simply read later). Only when the cockpit has taken nothing for :data:`MAX_WAIT` are the waiting
lines given up, and counted as dropped, so that the screen shows what is happening now.

    python -m cockpit.sources.logs.worker
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import time

from cockpit.sources.frames import FrameWriter
from cockpit.sources.logs.base import (
    LogRow,
    LogSource,
    NotConfigured,
    SourceState,
    plain_rows,
)
from cockpit.sources.logs.filters import LineFilter
from cockpit.sources.logs.merge import merge_by_time
from cockpit.sources.messages import Dropped, Lines, LogsSetup, StatusChanged, UnexpectedMessage
from cockpit.sources.worker_child import Parent, run_child

FLUSH_SECONDS = 0.02
"""Longest a line waits in the worker before it is sent (fewer, larger frames under load)."""
FLUSH_LINES = 2000
COMMAND_POLL = 0.25
"""How often an idle worker looks for a stop command (lines are sent without waiting for it)."""
QUEUE_LIMIT = 8 << 20
"""Bytes of frames waiting for the cockpit (beyond the pipe's own buffer) before sources wait."""
MAX_WAIT = 1.0
"""Longest the sources wait for the cockpit before waiting lines are given up (and counted)."""


class Batcher:
    """Collects lines from every source and writes them as few, large frames."""

    def __init__(
        self, writer: FrameWriter, queue_limit: int = QUEUE_LIMIT, max_wait: float = MAX_WAIT
    ) -> None:
        self.writer = writer
        self.queue_limit = queue_limit
        self.max_wait = max_wait
        self.rows: list[LogRow] = []
        self.counts: dict[str, int] = {}
        self._mixed = False
        self._timer: asyncio.TimerHandle | None = None

    def add(self, name: str, batch: list[LogRow]) -> None:
        """Take a batch of one source's lines."""
        if not batch:
            return
        self.rows += batch
        self.counts[name] = self.counts.get(name, 0) + len(batch)
        # Lines of several sources or pods are merged by time before they leave.
        self._mixed = self._mixed or len(self.counts) > 1 or batch[0].origin is not None
        if len(self.rows) >= FLUSH_LINES:
            self.flush()
        else:
            self._schedule()

    def _schedule(self) -> None:
        # A timer per burst rather than a poll: an idle worker does not wake at all.
        if self._timer is not None:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # used without a loop: the caller flushes
            return
        self._timer = loop.call_later(FLUSH_SECONDS, self._on_timer)

    def _on_timer(self) -> None:
        self._timer = None
        self.flush()

    def flush(self) -> None:
        """Send what is collected; wait for the cockpit if it is far behind."""
        if self.rows:
            rows = merge_by_time(self.rows) if self._mixed else self.rows
            self.writer.put(Lines(plain_rows(rows), self.counts), weight=self.counts)
            self.rows, self.counts, self._mixed = [], {}, False
        self._settle()
        if self.writer.queued_bytes:
            self._schedule()  # the pipe is full: try again soon, not at the next poll

    def status(self, name: str, state: SourceState, reason: str) -> None:
        """Send a source's new state (after the lines that came before it)."""
        self.flush()
        self.writer.put(StatusChanged(name, state, reason))

    def _settle(self) -> None:
        writer = self.writer
        writer.pump()
        if writer.queued_bytes <= self.queue_limit:
            return
        deadline = time.monotonic() + self.max_wait
        while writer.queued_bytes > self.queue_limit:
            left = deadline - time.monotonic()
            if left <= 0:
                dropped = writer.discard()
                if dropped:
                    writer.put(Dropped(dropped))
                return
            writer.wait(min(left, 0.05))


class _Sink:
    def __init__(self, batcher: Batcher, name: str, line_filter: LineFilter | None = None) -> None:
        self._batcher = batcher
        self._name = name
        # The entry's own `filter:` / `exclude:` (its `| grep`): lines it hides never leave.
        self._filter = line_filter

    def lines(self, batch: list[LogRow]) -> None:
        if self._filter is not None:
            batch = self._filter.apply(batch)
        self._batcher.add(self._name, batch)

    def status(self, state: SourceState, reason: str = "") -> None:
        self._batcher.status(self._name, state, reason)


async def _run_one(
    source: LogSource, batcher: Batcher, line_filter: LineFilter | None = None
) -> None:
    sink = _Sink(batcher, source.name, line_filter)
    try:
        await source.run(sink)
    except asyncio.CancelledError:
        raise
    except Exception as exc:  # a source bug must not take the others down
        sink.status(SourceState.ERROR, f"{type(exc).__name__}: {exc}")


async def serve(parent: Parent, setup: LogsSetup) -> None:
    """Build and run the sources until told to stop or the cockpit goes away."""
    from cockpit.sources.logs.factory import build_source

    batcher = Batcher(parent.writer)
    tasks: list[asyncio.Task[None]] = []
    for entry in setup.entries:
        try:
            source = build_source(
                entry, setup.env_name, setup.base_dir, environment=setup.environment
            )
            # Patterns were checked when the config was loaded; FilterError cannot happen here.
            line_filter = LineFilter(include=entry.filter, exclude=entry.exclude)
        except NotConfigured as exc:
            batcher.status(entry.name, SourceState.ERROR, str(exc))
            continue
        if line_filter.passes_everything:
            tasks.append(asyncio.create_task(_run_one(source, batcher)))
        else:
            tasks.append(asyncio.create_task(_run_one(source, batcher, line_filter)))
    try:
        while True:
            command = parent.receive(0)
            if command is not None:
                raise UnexpectedMessage(command)
            await asyncio.sleep(COMMAND_POLL)
            batcher.flush()
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task


def main() -> int:
    """Entry point of the worker process."""
    return run_child(serve, LogsSetup)


if __name__ == "__main__":
    sys.exit(main())
