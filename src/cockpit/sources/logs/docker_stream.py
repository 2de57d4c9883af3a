"""The Engine API's log stream format: 8-byte frame headers, Docker timestamps, partial messages.

Without a TTY the body of ``GET /containers/{id}/logs`` is multiplexed: each message is one
frame, a header ``[stream, 0, 0, 0, size (4 bytes, big-endian)]`` (stream 1 = stdout, 2 = stderr,
3 = an error from the daemon) followed by ``size`` bytes. With ``timestamps=1`` every message
starts with its time and a space. A line longer than the daemon's buffer (16 KiB) arrives as
several messages, each with its own time; only the first one's is kept. With a TTY the body is
the raw terminal output, one stamped message per line.
"""

from __future__ import annotations

from cockpit.sources.logs.base import MAX_LINE_BYTES
from cockpit.sources.logs.lines import LineSplitter
from cockpit.sources.logs.resume_stream import split_stamp

RAW = -1
"""Stream id of data that is not multiplexed."""
STREAM_NAMES = {0: "stdin", 1: "stdout", 2: "stderr", 3: "stderr"}
FRAME_HOLD = 256
"""A frame's first piece is held until this many bytes (or the whole frame) are in, so the
timestamp at its start is never cut in two."""

Piece = tuple[int, bytes, bool]
"""(stream id, payload bytes, whether they start a frame)."""
Line = tuple[str | None, int | None, bytes]
"""(stream name or None for a TTY, nanoseconds of the Docker timestamp, the line)."""


class FrameReader:
    """Splits a multiplexed body into pieces of frames, holding at most one chunk plus a bit.

    A frame is handed out in pieces as its bytes arrive, so a huge frame never sits in memory
    whole. Data that does not start with a valid header (a TTY container's raw output) switches
    the reader to :attr:`raw` mode for the rest of the body.
    """

    def __init__(self, hold: int = FRAME_HOLD) -> None:
        self.hold = hold
        self.raw = False
        self._buf = b""
        self._left = 0
        self._stream = 0
        self._started = False

    def feed(self, chunk: bytes) -> list[Piece]:
        """Pieces completed by ``chunk``, in order."""
        if self.raw:
            return [(RAW, chunk, False)] if chunk else []
        buf = self._buf + chunk if self._buf else chunk
        pos = 0
        out: list[Piece] = []
        while True:
            if self._left == 0:
                if len(buf) - pos < 8:
                    break
                header = buf[pos : pos + 8]
                if header[0] > 3 or header[1:4] != b"\0\0\0":
                    self.raw = True
                    rest = buf[pos:]
                    self._buf = b""
                    return [*out, (RAW, rest, True)]
                self._stream = header[0]
                self._left = int.from_bytes(header[4:8], "big")
                self._started = False
                pos += 8
                continue
            available = len(buf) - pos
            if not self._started and available < min(self._left, self.hold):
                break
            take = min(available, self._left)
            if take == 0:
                break
            out.append((self._stream, buf[pos : pos + take], not self._started))
            self._started = True
            self._left -= take
            pos += take
        self._buf = buf[pos:]
        return out

    def flush(self) -> list[Piece]:
        """What is held at the end of the body (a frame cut short)."""
        rest, self._buf = self._buf, b""
        if not rest or self._left == 0:
            return []
        return [(self._stream, rest, not self._started)]


class DockerLines:
    """Engine API log bytes -> lines of stdout and stderr with Docker's timestamps taken off."""

    def __init__(self, *, multiplexed: bool, max_line: int = MAX_LINE_BYTES) -> None:
        self.frames = FrameReader() if multiplexed else None
        self.max_line = max_line
        self._splitters: dict[str | None, LineSplitter] = {}
        self._line_ns: dict[str | None, int | None] = {}
        self._frame_ns: dict[str | None, int | None] = {}

    def feed(self, chunk: bytes) -> list[Line]:
        """Lines completed by ``chunk``."""
        if self.frames is None:
            return self._raw(chunk)
        out: list[Line] = []
        for stream, payload, starts in self.frames.feed(chunk):
            if stream == RAW:
                out.extend(self._raw(payload))
            else:
                out.extend(self._piece(STREAM_NAMES.get(stream, "stdout"), payload, starts))
        return out

    def flush(self) -> list[Line]:
        """Whatever is left at the end of the body, unterminated lines included."""
        out: list[Line] = []
        if self.frames is not None:
            for stream, payload, starts in self.frames.flush():
                out.extend(self._piece(STREAM_NAMES.get(stream, "stdout"), payload, starts))
        for name, splitter in self._splitters.items():
            for raw in splitter.flush():
                if name is None:
                    out.append((None, *split_stamp(raw)))
                else:
                    out.append((name, self._line_ns.get(name), raw))
        return out

    def _splitter(self, name: str | None) -> LineSplitter:
        splitter = self._splitters.get(name)
        if splitter is None:
            splitter = self._splitters[name] = LineSplitter(self.max_line)
        return splitter

    def _piece(self, name: str, payload: bytes, starts: bool) -> list[Line]:
        if starts:
            ns, payload = split_stamp(payload)
            self._frame_ns[name] = ns
        frame_ns = self._frame_ns.get(name)
        splitter = self._splitter(name)
        # A line carries the time of the message that began it: a long line's later messages
        # (and their own times) only continue it.
        continuing = splitter.pending > 0
        end = len(payload) - 1
        if not continuing and starts and 0 <= end <= self.max_line and payload.find(b"\n") == end:
            # The usual frame: one whole line.
            self._line_ns[name] = frame_ns
            line = payload[:-2] if payload.endswith(b"\r\n") else payload[:-1]
            return [(name, frame_ns, line)]
        first_ns = self._line_ns.get(name) if continuing else frame_ns
        raws = splitter.feed(payload)
        if raws or not continuing:
            self._line_ns[name] = frame_ns
        return [(name, first_ns if i == 0 else frame_ns, raw) for i, raw in enumerate(raws)]

    def _raw(self, chunk: bytes) -> list[Line]:
        return [(None, *split_stamp(raw)) for raw in self._splitter(None).feed(chunk)]
