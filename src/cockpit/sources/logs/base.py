"""What every log source shares: the line model, status reporting, line splitting and backoff."""

from __future__ import annotations

import abc
import asyncio
import enum
import json
import random
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from cockpit.text.sanitize import sanitize

CHUNK_SIZE = 64 * 1024
"""Streams are read in chunks of this size."""
MAX_LINE = 4096
"""Longest line kept (characters); longer lines are cut into pieces of this size."""


class SourceState(enum.Enum):
    """Where a source stands, shown as a badge beside its name."""

    CONNECTING = "connecting"
    LIVE = "live"
    RECONNECTING = "reconnecting"
    STALE = "stale"
    ENDED = "ended"
    ERROR = "error"


@dataclass(slots=True)
class LogLine:
    """One sanitized line.

    Attributes:
        source: Name of the configured source.
        text: The line, sanitized (SGR colour kept).
        ts: Epoch seconds: from the line when it carries a timestamp, else when it was received.
        level: ERROR / WARN / INFO / DEBUG when detected, else None.
        stream: stdout / stderr when the source tells them apart.
        origin: Pod or container name in merged views (stern-style prefix).
    """

    source: str
    text: str
    ts: float
    level: str | None = None
    stream: str | None = None
    origin: str | None = None


class LogSink(Protocol):
    """Receives what a source produces. Called from the source's event loop."""

    def lines(self, batch: list[LogLine]) -> None:
        """A batch of new lines, oldest first."""

    def status(self, state: SourceState, reason: str = "") -> None:
        """The source's state changed (with a one-line reason when not LIVE)."""


_LEVEL_WORDS = re.compile(
    r"\b(FATAL|CRITICAL|CRIT|ERROR|ERR|WARNING|WARN|INFO|DEBUG|TRACE)\b", re.IGNORECASE
)
_LEVEL_MAP = {
    "FATAL": "ERROR",
    "CRITICAL": "ERROR",
    "CRIT": "ERROR",
    "ERROR": "ERROR",
    "ERR": "ERROR",
    "WARNING": "WARN",
    "WARN": "WARN",
    "INFO": "INFO",
    "DEBUG": "DEBUG",
    "TRACE": "DEBUG",
}
_RFC3339 = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}:?\d{2})?")


def normalise_level(word: object) -> str | None:
    """Map a level word (any case, syslog-ish or logging-ish) onto ERROR/WARN/INFO/DEBUG."""
    if not isinstance(word, str):
        return None
    return _LEVEL_MAP.get(word.strip().upper())


def parse_timestamp(text: str) -> float | None:
    """Epoch seconds of an RFC 3339 timestamp at the start of ``text``, if there is one."""
    m = _RFC3339.match(text)
    if not m:
        return None
    from datetime import datetime

    frac = (m.group(3) or "")[:7]  # datetime takes at most microseconds
    zone = m.group(4) or "Z"
    zone = "+00:00" if zone == "Z" else (zone if ":" in zone else f"{zone[:3]}:{zone[3:]}")
    try:
        return datetime.fromisoformat(f"{m.group(1)}T{m.group(2)}{frac}{zone}").timestamp()
    except ValueError:
        return None


def classify(raw: str) -> tuple[str | None, float | None]:
    """Level and timestamp of a raw line: from JSON fields when the line is JSON, else the text."""
    stripped = raw.lstrip()
    if stripped.startswith("{"):
        try:
            data = json.loads(stripped)
        except ValueError:
            data = None
        if isinstance(data, dict):
            level = None
            for key in ("level", "severity", "lvl", "log.level", "levelname"):
                level = normalise_level(data.get(key))
                if level:
                    break
            ts = None
            for key in ("time", "timestamp", "ts", "@timestamp"):
                value = data.get(key)
                if isinstance(value, int | float) and not isinstance(value, bool):
                    ts = float(value) / (1000.0 if value > 1e11 else 1.0)
                elif isinstance(value, str):
                    ts = parse_timestamp(value)
                if ts is not None:
                    break
            return level, ts
    m = _LEVEL_WORDS.search(raw, 0, 200)
    return (normalise_level(m.group(1)) if m else None), parse_timestamp(raw)


def make_line(
    source: str,
    raw: str | bytes,
    *,
    received: float | None = None,
    stream: str | None = None,
    origin: str | None = None,
    ts: float | None = None,
) -> LogLine:
    """Sanitize a raw line and detect its level and timestamp."""
    text = sanitize(raw, max_len=MAX_LINE)
    level, found_ts = classify(text)
    return LogLine(
        source=source,
        text=text,
        ts=ts
        if ts is not None
        else (found_ts if found_ts is not None else (received or time.time())),
        level=level,
        stream=stream,
        origin=origin,
    )


class LineSplitter:
    """Turns 64 KiB chunks into lines without ever holding an unbounded partial line.

    A line with no newline that grows past ``max_line`` bytes is emitted in pieces, so a 10 MB
    line costs at most ``max_line`` bytes of buffer.
    """

    def __init__(self, max_line: int = MAX_LINE * 4) -> None:
        self.max_line = max_line
        self._partial = bytearray()

    def feed(self, chunk: bytes) -> list[bytes]:
        """Add a chunk; return the complete lines it finished (without newlines)."""
        out: list[bytes] = []
        data = self._partial + chunk if self._partial else bytes(chunk)
        start = 0
        while True:
            nl = data.find(b"\n", start)
            if nl < 0:
                break
            line = data[start:nl]
            if line.endswith(b"\r"):
                line = line[:-1]
            out.append(bytes(line))
            start = nl + 1
        rest = data[start:]
        while len(rest) > self.max_line:
            out.append(bytes(rest[: self.max_line]))
            rest = rest[self.max_line :]
        self._partial = bytearray(rest)
        return out

    def flush(self) -> list[bytes]:
        """The unterminated last line, if any (at end of stream)."""
        if not self._partial:
            return []
        line, self._partial = bytes(self._partial), bytearray()
        return [line]


class Backoff:
    """Capped exponential backoff with full jitter, reset after a healthy stretch."""

    def __init__(
        self, base: float = 0.5, cap: float = 30.0, rng: Callable[[], float] | None = None
    ):
        self.base = base
        self.cap = cap
        self.attempt = 0
        self._rng = rng or random.random

    def next_delay(self) -> float:
        """Seconds to wait before the next attempt."""
        ceiling = min(self.cap, self.base * 2.0 ** min(self.attempt, 30))
        self.attempt += 1
        return ceiling * (0.5 + self._rng() / 2)

    def reset(self) -> None:
        """Call after a connection delivered data."""
        self.attempt = 0


class NotConfigured(Exception):
    """The source kind (or a target it needs) is not set up; the message says what is missing."""


class LogSource(abc.ABC):
    """A stream of lines from one configured source.

    Subclasses implement :meth:`run`: connect, read in chunks, split and sanitize lines, send
    them to the sink in batches, and on I/O errors report RECONNECTING/ERROR and retry with
    :class:`Backoff`. ``run`` returns only when the source has ended for good (ENDED) or is
    cancelled; it never raises for I/O errors.
    """

    def __init__(self, name: str) -> None:
        self.name = name

    @abc.abstractmethod
    async def run(self, sink: LogSink) -> None:
        """Stream until cancelled or ended."""

    async def sleep_backoff(self, backoff: Backoff) -> None:
        """Wait the next backoff delay."""
        await asyncio.sleep(backoff.next_delay())
