"""Length-prefixed pickle frames over pipes, between the cockpit and its own worker processes.

Both ends run this package's code, so pickle is safe here; nothing else ever writes these pipes.
"""

from __future__ import annotations

import os
import pickle
import select
from collections import deque
from typing import IO, Any

_HEADER = 4


def write_frame(stream: IO[bytes], obj: Any) -> None:
    """Write one object and flush."""
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(len(data).to_bytes(_HEADER, "big") + data)
    stream.flush()


def _read_exact(fd: int, size: int) -> bytes:
    chunks: list[bytes] = []
    while size:
        chunk = os.read(fd, min(size, 1 << 20))
        if not chunk:
            raise EOFError("the other end closed the pipe")
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def read_frame(fd: int, timeout: float | None) -> Any:
    """Read one object, waiting at most ``timeout`` seconds for it to start.

    Returns:
        The object, or ``None`` when nothing arrived in time.

    Raises:
        EOFError: the other end closed the pipe.
    """
    ready, _, _ = select.select([fd], [], [], timeout)
    if not ready:
        return None
    size = int.from_bytes(_read_exact(fd, _HEADER), "big")
    return pickle.loads(_read_exact(fd, size))


PIPE_SIZE = 1 << 20
"""Capacity asked for the pipes that carry frames (Linux; the default is 64 KiB)."""
_F_SETPIPE_SZ = 1031
_F_GETPIPE_SZ = 1032


def enlarge_pipe(fd: int, size: int = PIPE_SIZE) -> int:
    """Ask for a larger pipe buffer so a writer rarely waits on a reader busy for one frame.

    Returns:
        The capacity now in force (unchanged where the system refuses or has no such call).
    """
    import fcntl

    try:
        return fcntl.fcntl(fd, _F_SETPIPE_SZ, size)
    except OSError:
        try:
            return fcntl.fcntl(fd, _F_GETPIPE_SZ)
        except OSError:
            return 0


class FrameReader:
    """Decodes frames from a pipe without ever waiting: for a caller on a UI's frame tick.

    Bytes are read only when :meth:`next` finds no complete frame buffered, at most
    ``chunk`` at a time, so a caller that stops asking leaves the rest in the pipe (and the
    writer, once the pipe is full, waits: back-pressure).
    """

    def __init__(self, fd: int, chunk: int = 1 << 20) -> None:
        os.set_blocking(fd, False)
        self._fd = fd
        self._chunk = chunk
        self._buffer = bytearray()
        self._pos = 0
        self._eof = False

    def next(self) -> Any:
        """The next complete frame, or ``None`` when none is there yet.

        Raises:
            EOFError: the writer closed the pipe and every complete frame has been read.
        """
        while True:
            frame = self._take()
            if frame is not None:
                return frame
            if self._eof:
                raise EOFError("the other end closed the pipe")
            if not self._fill():
                return None

    def _fill(self) -> bool:
        if self._pos:
            # Keep the unread tail only: the buffer never holds more than a frame and a chunk.
            del self._buffer[: self._pos]
            self._pos = 0
        try:
            chunk = os.read(self._fd, self._chunk)
        except BlockingIOError:
            return False
        if not chunk:
            self._eof = True
        self._buffer += chunk
        return True

    def _take(self) -> Any:
        buffer, pos = self._buffer, self._pos
        if len(buffer) - pos < _HEADER:
            return None
        size = int.from_bytes(buffer[pos : pos + _HEADER], "big")
        end = pos + _HEADER + size
        if len(buffer) < end:
            return None
        self._pos = end
        with memoryview(buffer) as view:
            return pickle.loads(view[pos + _HEADER : end])


class FrameWriter:
    """Queues frames for a non-blocking pipe; says how far behind its reader is.

    The owner decides what to do when the reader lags: wait for it (:meth:`wait`), or give up
    queued frames (:meth:`discard`), so that it decides, not the pipe, when to stall.
    """

    def __init__(self, stream: IO[bytes]) -> None:
        self._fd = stream.fileno()
        os.set_blocking(self._fd, False)
        self._queue: deque[tuple[bytes, dict[str, int] | None]] = deque()
        self._head = 0
        self.queued_bytes = 0
        """Bytes queued and not yet taken by the pipe."""

    def put(self, obj: Any, weight: dict[str, int] | None = None) -> None:
        """Queue one object and write what the pipe takes.

        Args:
            obj: What to send.
            weight: What giving the frame up would lose (e.g. lines per source); a frame
                without one (a state change) is never given up.

        Raises:
            BrokenPipeError: the reader is gone.
        """
        data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
        self._queue.append((len(data).to_bytes(_HEADER, "big") + data, weight))
        self.queued_bytes += len(data) + _HEADER
        self.pump()

    def pump(self) -> None:
        """Write what the pipe takes now.

        Raises:
            BrokenPipeError: the reader is gone.
        """
        while self._queue:
            data = self._queue[0][0]
            try:
                written = os.write(self._fd, memoryview(data)[self._head :])
            except BlockingIOError:
                return
            self._head += written
            self.queued_bytes -= written
            if self._head < len(data):
                return
            self._queue.popleft()
            self._head = 0

    def wait(self, timeout: float) -> None:
        """Block until the pipe takes more (or ``timeout`` passes), then write."""
        if self._queue:
            select.select([], [self._fd], [], timeout)
            self.pump()

    def discard(self) -> dict[str, int]:
        """Give up every queued frame that has a weight and is not half-written.

        Returns:
            The sum of their weights, per key.
        """
        lost: dict[str, int] = {}
        keep: deque[tuple[bytes, dict[str, int] | None]] = deque()
        for index, (data, weight) in enumerate(self._queue):
            if weight is None or (index == 0 and self._head):
                keep.append((data, weight))
                continue
            self.queued_bytes -= len(data)
            for key, value in weight.items():
                lost[key] = lost.get(key, 0) + value
        self._queue = keep
        return lost
