"""A local file followed like ``tail -F``.

Reads in 64 KiB chunks. At the end of the file it polls (quickly after new lines, backing off to
``poll`` when idle) and looks at the path: a different file there (rename rotation) is followed
from its start, while the old one goes on being read until it has been quiet for
``drain_quiet`` seconds (many loggers keep writing to the old file for a moment after the
rename: ``tail -F`` loses those lines); a file shorter than the read position (copytruncate) is
read again from its start; a missing file is waited for (STALE), its old descriptor drained the
same way. Blocking file calls run in a worker thread so a slow disk never stalls the event loop.
"""

from __future__ import annotations

import asyncio
import errno
import os
import stat
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, Literal

from cockpit.sources.logs.base import (
    CHUNK_SIZE,
    MAX_LINE_BYTES,
    ROTATED,
    TAIL_ALL,
    Backoff,
    LogSink,
    LogSource,
    NotConfigured,
    SourceState,
    StreamOptions,
)
from cockpit.sources.logs.lines import LineSplitter, StreamDecoder

if TYPE_CHECKING:
    from cockpit.config.logs import LogSourceConfig
    from cockpit.sources.logs.factory import BuildContext

POLL_MIN = 0.05
"""First wait at the end of the file after new lines; doubles up to ``poll`` while idle."""
PARTIAL_AFTER = 1.0
"""An unterminated last line is shown once the file has been quiet this long (seconds)."""
DRAIN_QUIET = 5.0
"""A rotated-away file is read until it has had no new data for this long (seconds)."""

Change = Literal["rotated", "removed", "truncated"] | None
Outcome = Literal["ended", "rotated", "removed"]


def _why(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__


class FileSource(LogSource):
    """Follow one file (see the module docstring for the rules)."""

    kind = "file"

    def __init__(
        self,
        name: str,
        path: Path,
        options: StreamOptions | None = None,
        *,
        tail_default: int = 100,
        poll: float = 0.5,
        backoff: Backoff | None = None,
        chunk_size: int = CHUNK_SIZE,
        max_line_bytes: int = MAX_LINE_BYTES,
        partial_after: float = PARTIAL_AFTER,
        drain_quiet: float = DRAIN_QUIET,
    ) -> None:
        super().__init__(name, options, backoff=backoff)
        self.path = path
        self.tail_default = tail_default
        self.poll = max(poll, POLL_MIN)
        self.chunk_size = chunk_size
        self.max_line_bytes = max_line_bytes
        self.partial_after = partial_after
        self.drain_quiet = drain_quiet
        self._drains: set[asyncio.Task[None]] = set()

    def describe(self) -> str:
        """``file PATH``."""
        return f"file {self.path}"

    async def run(self, sink: LogSink) -> None:
        """Follow the file until cancelled (or read it once when not following)."""
        try:
            await self._follow(sink)
        finally:
            for task in self._drains:
                task.cancel()
            if self._drains:
                await asyncio.gather(*self._drains, return_exceptions=True)

    async def _follow(self, sink: LogSink) -> None:
        follow = self.options.follow
        tail = self.options.tail if self.options.tail is not None else self.tail_default
        present_at_start: bool | None = None
        while True:
            try:
                handle = await asyncio.to_thread(_open_regular, self.path)
            except FileNotFoundError:
                present_at_start = present_at_start or False
                if not follow:
                    self.report(sink, SourceState.ERROR, f"{self.path} does not exist")
                    return
                self.report(sink, SourceState.STALE, f"waiting for {self.path} to appear")
                await asyncio.sleep(self.poll)
                continue
            except OSError as exc:
                if not follow:
                    self.report(sink, SourceState.ERROR, f"cannot open {self.path}: {_why(exc)}")
                    return
                await self.retry_later(
                    sink, SourceState.ERROR, f"cannot open {self.path}: {_why(exc)}"
                )
                continue
            # Only the file found at start is shown from its tail: one that appears or replaces
            # it later is new, so all of it is shown.
            from_tail = tail if present_at_start is None else TAIL_ALL
            present_at_start = True
            opened = time.monotonic()
            try:
                outcome = await self._read(handle, sink, from_tail)
            except OSError as exc:
                handle.close()
                if not follow:
                    self.report(sink, SourceState.ERROR, f"reading {self.path}: {_why(exc)}")
                    return
                self.connection_lasted(time.monotonic() - opened)
                await self.retry_later(
                    sink, SourceState.RECONNECTING, f"reading {self.path} failed: {_why(exc)}"
                )
                continue
            except BaseException:
                handle.close()
                raise
            if outcome == "ended":
                handle.close()
                self.report(sink, SourceState.ENDED, f"read {self.path} to its end")
                return
            if outcome == "rotated":
                clock = time.strftime("%H:%M:%S", time.localtime())
                self.report(
                    sink,
                    SourceState.LIVE,
                    f"{ROTATED} at {clock}: {self.path} was replaced; following the new file"
                    " and reading the old one until it is quiet",
                )

    async def _read(self, handle: BinaryIO, sink: LogSink, tail: int) -> Outcome:
        info = os.fstat(handle.fileno())
        ident = (info.st_dev, info.st_ino)
        await asyncio.to_thread(seek_tail, handle, tail, self.max_line_bytes)
        splitter = LineSplitter(self.max_line_bytes)
        decoder = StreamDecoder(self.name, max_len=self.options.max_len)
        if self.status.state is not SourceState.LIVE:
            self.report(sink, SourceState.LIVE)
        wait = POLL_MIN
        last_data = time.monotonic()

        def deliver(raws: list[bytes]) -> None:
            if raws:
                self.emit(sink, decoder.decode(raws, time.time()))

        while True:
            chunk, change = await asyncio.to_thread(
                _read_or_check, handle, self.path, ident, self.chunk_size, self.options.follow
            )
            if chunk:
                deliver(splitter.feed(chunk))
                last_data = time.monotonic()
                wait = POLL_MIN
                continue
            if not self.options.follow:
                deliver(splitter.flush())
                return "ended"
            if change == "truncated":
                deliver(splitter.flush())
                handle.seek(0)
                self.report(
                    sink, SourceState.LIVE, f"{self.path} was truncated; reading from its start"
                )
                continue
            if change is not None:
                # Lines the writer adds to the old file after it moved are still ours: read on
                # in the background (which then owns the handle) while the new file is followed.
                task = asyncio.create_task(self._drain(handle, splitter, deliver))
                self._drains.add(task)
                task.add_done_callback(self._drains.discard)
                return change
            if splitter.pending and time.monotonic() - last_data >= self.partial_after:
                deliver(splitter.flush())
            await asyncio.sleep(wait)
            wait = min(wait * 2, self.poll)

    async def _drain(
        self,
        handle: BinaryIO,
        splitter: LineSplitter,
        deliver: Callable[[list[bytes]], None],
    ) -> None:
        """Read a rotated-away file until it has been quiet for ``drain_quiet``, then close it."""
        try:
            quiet_since = time.monotonic()
            wait = POLL_MIN
            while time.monotonic() - quiet_since < self.drain_quiet:
                chunk = await asyncio.to_thread(handle.read, self.chunk_size)
                if chunk:
                    deliver(splitter.feed(chunk))
                    quiet_since = time.monotonic()
                    wait = POLL_MIN
                    continue
                await asyncio.sleep(wait)
                wait = min(wait * 2, self.poll)
            deliver(splitter.flush())
        except OSError:
            pass  # the old file is gone for good: what was read is delivered
        finally:
            handle.close()


def _open_regular(path: Path) -> BinaryIO:
    """Open a regular file for reading; anything else (a FIFO would block the open) is refused."""
    if not stat.S_ISREG(os.stat(path).st_mode):
        raise OSError(errno.EINVAL, "not a regular file")
    return path.open("rb", buffering=0)


def _read_or_check(
    handle: BinaryIO, path: Path, ident: tuple[int, int], size: int, follow: bool
) -> tuple[bytes, Change]:
    """One worker-thread hop: read a chunk, or at the end of the file, look at the path."""
    chunk = handle.read(size)
    if chunk or not follow:
        return chunk or b"", None
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return b"", "removed"
    if (st.st_dev, st.st_ino) != ident:
        return b"", "rotated"
    if os.fstat(handle.fileno()).st_size < handle.tell():
        return b"", "truncated"
    return b"", None


def seek_tail(handle: BinaryIO, lines: int, max_line_bytes: int = MAX_LINE_BYTES) -> None:
    """Position ``handle`` at the start of its last ``lines`` lines (all for :data:`TAIL_ALL`).

    Scans backwards in chunks, at most ``lines * max_line_bytes`` bytes, so a huge file (or a
    huge last line) costs a bounded read.
    """
    size = os.fstat(handle.fileno()).st_size
    if lines == TAIL_ALL or lines < 0:
        handle.seek(0)
        return
    if lines == 0 or size == 0:
        handle.seek(size)
        return
    floor = max(0, size - max(lines * max_line_bytes, CHUNK_SIZE))
    pos = size
    found = 0
    while pos > floor:
        start = max(floor, pos - CHUNK_SIZE)
        handle.seek(start)
        data = handle.read(pos - start)
        end = len(data)
        if pos == size and data.endswith(b"\n"):
            end -= 1  # the newline that ends the last line does not start another one
        while (index := data.rfind(b"\n", 0, end)) >= 0:
            found += 1
            if found == lines:
                handle.seek(start + index + 1)
                return
            end = index
        pos = start
    handle.seek(floor)


def build(cfg: LogSourceConfig, ctx: BuildContext) -> LogSource:
    """A :class:`FileSource` for a ``file:`` entry."""
    spec = cfg.file
    if spec is None:
        raise NotConfigured(f"log source {cfg.name!r} has no file settings")
    return FileSource(
        cfg.name, ctx.path(spec.path), ctx.options, tail_default=spec.tail, poll=spec.poll
    )
