"""What every log source shares: the line model, status reporting, options and backoff.

A source is an object with ``async run(sink)``. It reads its stream in chunks of
:data:`CHUNK_SIZE`, splits and decodes lines with :mod:`cockpit.sources.logs.lines` (sanitized,
timestamped, levelled), hands batches to ``sink.lines`` and state changes to ``sink.status``.
It reconnects by itself with :class:`Backoff` and never raises out of ``run`` for I/O errors:
they become an ERROR or RECONNECTING status with a one-line reason. ``run`` returns once the
stream has ended for good (ENDED, or ERROR when retrying cannot help) and is cancellable at any
``await``.
"""

from __future__ import annotations

import abc
import asyncio
import enum
import random
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import repeat
from typing import ClassVar, NamedTuple, Protocol, cast

from cockpit.text.sanitize import DEFAULT_MAX_LEN

CHUNK_SIZE = 64 * 1024
"""Streams are read in chunks of this size."""
MAX_LINE = DEFAULT_MAX_LEN
"""Most visible characters kept of one line (the sanitizer's cap; a marker says how many more)."""
MAX_LINE_BYTES = 16 * 1024
"""A line with no newline is emitted in pieces of at most this many bytes."""
TAIL_ALL = -1
"""``StreamOptions.tail`` value asking for everything the source has."""


ROTATED = "rotated"
"""How a LIVE status reason starts after a file source's rotation (the badge shows it)."""


class SourceState(enum.Enum):
    """Where a source stands, shown as a badge beside its name."""

    CONNECTING = "connecting"
    """Not started yet, or opening its stream for the first time."""
    LIVE = "live"
    """The stream is open and being read."""
    RECONNECTING = "reconnecting"
    """The stream dropped; the next attempt comes after a backoff delay (the reason says when)."""
    STALE = "stale"
    """Nothing to read for now and nothing wrong either: e.g. the file is not there (yet)."""
    ENDED = "ended"
    """Finished normally: end of a one-shot read, or a command that exited with status 0."""
    ERROR = "error"
    """Failed; the reason says why. Followed by a retry unless the source has given up."""


class LogRow(NamedTuple):
    """One sanitized line: ``(source, text, ts, level, stream, origin)``.

    Between the log worker and the cockpit a line travels as a :data:`PlainRow` instead: a
    named tuple pickles as its class and a call per line, about seven times the cost of a
    plain tuple on each side of the pipe; :func:`log_rows` makes them lines again. Unlike a
    plain tuple, a held row stays tracked by the garbage collector: 20,000 of them add under a
    millisecond to a full collection.

    Attributes:
        source: Name of the configured source.
        text: The line, sanitized (SGR colour kept).
        ts: Epoch seconds: from the line when it carries a timestamp (a continuation line takes
            its entry's), else when it was received.
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


PlainRow = tuple[str, str, float, str | None, str | None, str | None]
"""A :class:`LogRow` as a plain tuple, the way lines cross the pipe from the log worker."""


def log_rows(rows: Iterable[PlainRow]) -> Iterator[LogRow]:
    """``rows`` as :class:`LogRow`, each copied in C (no Python call per line)."""
    return map(tuple.__new__, repeat(LogRow), rows)


def plain_rows(rows: Iterable[LogRow]) -> list[PlainRow]:
    """``rows`` as plain tuples, to be pickled (see :class:`LogRow`)."""
    # A LogRow is already a PlainRow to the type checker: only its class is shed here.
    return cast("list[PlainRow]", list(map(tuple, rows)))


@dataclass(frozen=True, slots=True)
class SourceStatus:
    """A source's current state, the one-line reason and when (monotonic) it was entered."""

    state: SourceState
    reason: str
    since: float


class LogSink(Protocol):
    """Receives what a source produces. Called from the source's event loop."""

    def lines(self, batch: list[LogRow]) -> None:
        """A batch of new lines, oldest first."""

    def status(self, state: SourceState, reason: str = "") -> None:
        """The source's state changed (with a one-line reason when not LIVE)."""


@dataclass(frozen=True, slots=True)
class StreamOptions:
    """How to read a source; the same for every kind.

    Attributes:
        follow: Keep reading as new lines arrive; False reads what is there and ends.
        tail: Lines from the end shown first: None for the source's configured default,
            :data:`TAIL_ALL` for everything, else that many.
        since: Epoch seconds; older lines are dropped (sources that can ask their backend for
            this do, the rest filter on each line's time).
        max_len: Visible characters kept per line.
        previous: Read each container's previous instance (before its last restart: why a
            crash-looping container died) instead of the current one. Kubernetes only; such a
            read always ends.
    """

    follow: bool = True
    tail: int | None = None
    since: float | None = None
    max_len: int = MAX_LINE
    previous: bool = False


class Backoff:
    """Capped exponential backoff with jitter.

    The n-th delay is ``min(cap, base * 2**n)`` scaled by a random factor in ``[1 - jitter, 1]``,
    so many sources that dropped together do not reconnect in lockstep, and no delay exceeds
    ``cap``. Call :meth:`reset` once a connection has proven healthy.
    """

    def __init__(
        self,
        base: float = 0.5,
        cap: float = 30.0,
        *,
        jitter: float = 0.5,
        rng: random.Random | None = None,
    ) -> None:
        self.base = base
        self.cap = cap
        self.jitter = min(max(jitter, 0.0), 1.0)
        self.attempt = 0
        self._rng = rng or random.Random()

    def next_delay(self) -> float:
        """Seconds to wait before the next attempt."""
        ceiling = min(self.cap, self.base * 2.0 ** min(self.attempt, 60))
        self.attempt += 1
        return ceiling * (1.0 - self.jitter * self._rng.random())

    def reset(self) -> None:
        """Start again from the base delay."""
        self.attempt = 0


HEALTHY_AFTER = 10.0
"""A connection that stayed up this long (seconds) resets the backoff when it drops."""


class NotConfigured(Exception):
    """The source kind (or a target it needs) is not available; the message says what is missing."""


class LogSource(abc.ABC):
    """A stream of lines from one configured source.

    Subclasses implement :meth:`run` and use :meth:`report`, :meth:`emit` and
    :meth:`retry_later`; ``status`` always holds the latest state for anyone who asks.
    """

    kind: ClassVar[str] = ""

    def __init__(
        self,
        name: str,
        options: StreamOptions | None = None,
        *,
        backoff: Backoff | None = None,
    ) -> None:
        self.name = name
        self.options = options or StreamOptions()
        self.backoff = backoff or Backoff()
        self.status = SourceStatus(SourceState.CONNECTING, "", time.monotonic())

    @abc.abstractmethod
    async def run(self, sink: LogSink) -> None:
        """Stream until cancelled or ended; report problems as status, never raise for I/O."""

    def describe(self) -> str:
        """What is being read, for status lines (e.g. ``file /var/log/app.log``)."""
        return self.kind or type(self).__name__

    def report(self, sink: LogSink, state: SourceState, reason: str = "") -> None:
        """Tell the sink about a state change (repeats of the same state and reason are skipped)."""
        if state is self.status.state and reason == self.status.reason:
            return
        self.status = SourceStatus(state, reason, time.monotonic())
        sink.status(state, reason)

    def emit(self, sink: LogSink, batch: list[LogRow]) -> None:
        """Send a batch, without lines older than ``options.since``."""
        since = self.options.since
        if since is not None:
            batch = [line for line in batch if line.ts >= since]
        if batch:
            sink.lines(batch)

    async def retry_later(self, sink: LogSink, state: SourceState, reason: str) -> float:
        """Report ``state`` with ``reason`` and the delay, then wait the next backoff delay."""
        delay = self.backoff.next_delay()
        self.report(sink, state, f"{reason}; retrying in {delay:.1f}s")
        await asyncio.sleep(delay)
        return delay

    def connection_lasted(self, seconds: float) -> None:
        """A connection dropped after ``seconds``: a long healthy one resets the backoff."""
        if seconds >= HEALTHY_AFTER:
            self.backoff.reset()
