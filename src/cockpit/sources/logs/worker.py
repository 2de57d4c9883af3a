"""Log sources in a process of their own, streaming line batches to the cockpit over a pipe.

Reading, splitting, sanitizing and classifying a flood of lines costs Python time per line; in
the UI's process that time would be taken from the UI thread through the interpreter lock. Here
it runs on another core, and the cockpit only unpacks tuples.

Frames (see :mod:`cockpit.sources.frames`) to the worker: first ``(entries, env_name,
base_dir, environment)``, then ``("stop",)``. From the worker: ``("status", name, state value,
reason)`` and ``("lines", [(source, text, ts, level, stream, origin), ...])``. Writing a frame
blocks while the cockpit is behind, which stalls the sources: that is the back-pressure.

    python -m cockpit.sources.logs.worker
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import time
from pathlib import Path
from typing import IO, Any

from cockpit.sources.frames import read_frame, write_frame
from cockpit.sources.logs.base import LogLine, LogSource, NotConfigured, SourceState

FLUSH_SECONDS = 0.02
FLUSH_LINES = 1000


class _Batcher:
    """Collects lines from every source and writes them as few, large frames."""

    def __init__(self, out: IO[bytes]) -> None:
        self.out = out
        self.rows: list[tuple[Any, ...]] = []
        self.last_flush = time.monotonic()

    def add(self, batch: list[LogLine]) -> None:
        self.rows.extend(
            (line.source, line.text, line.ts, line.level, line.stream, line.origin)
            for line in batch
        )
        if len(self.rows) >= FLUSH_LINES:
            self.flush()

    def flush(self) -> None:
        if self.rows:
            rows, self.rows = self.rows, []
            write_frame(self.out, ("lines", rows))
        self.last_flush = time.monotonic()

    def status(self, name: str, state: SourceState, reason: str) -> None:
        self.flush()
        write_frame(self.out, ("status", name, state.value, reason))


class _Sink:
    def __init__(self, batcher: _Batcher, name: str) -> None:
        self._batcher = batcher
        self._name = name

    def lines(self, batch: list[LogLine]) -> None:
        self._batcher.add(batch)

    def status(self, state: SourceState, reason: str = "") -> None:
        self._batcher.status(self._name, state, reason)


async def _run_one(source: LogSource, batcher: _Batcher) -> None:
    sink = _Sink(batcher, source.name)
    try:
        await source.run(sink)
    except asyncio.CancelledError:
        raise
    except Exception as exc:  # a source bug must not take the others down
        sink.status(SourceState.ERROR, f"{type(exc).__name__}: {exc}")


async def serve(commands: int, out: IO[bytes], setup: tuple[Any, ...]) -> None:
    """Build and run the sources until told to stop or the parent goes away."""
    from cockpit.sources.logs.factory import build_source

    entries, env_name, base_dir, environment = setup
    batcher = _Batcher(out)
    sources: list[LogSource] = []
    for entry in entries:
        try:
            sources.append(build_source(entry, env_name, Path(base_dir), environment=environment))
        except NotConfigured as exc:
            batcher.status(entry.name, SourceState.ERROR, str(exc))
    tasks = [asyncio.create_task(_run_one(source, batcher)) for source in sources]
    parent = os.getppid()
    try:
        while os.getppid() == parent:
            message = read_frame(commands, 0)
            if message is not None and message[0] == "stop":
                return
            await asyncio.sleep(FLUSH_SECONDS)
            batcher.flush()
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task


def main() -> int:
    """Entry point of the worker process."""
    commands = sys.stdin.fileno()
    out = sys.stdout.buffer
    sys.stdout = sys.stderr  # stdout carries frames only
    try:
        asyncio.run(serve(commands, out, read_frame(commands, None)))
    except (EOFError, BrokenPipeError, KeyboardInterrupt):
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
