"""Resuming a followed stream without repeating lines.

Docker and the kubelet prefix every line with an RFC 3339 time in nanoseconds when asked
(``timestamps=1`` / ``timestamps=true``). A source remembers the newest time it delivered; after
a reconnect it asks the backend for lines since then, and :class:`ResumeFilter` drops what comes
back a second time: the Engine API's ``since`` includes the line at that very time, and the
Kubernetes API keeps only whole seconds of ``sinceTime``, so up to a second is sent again.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from datetime import UTC, datetime

from cockpit.sources.logs.base import MAX_LINE, LogRow
from cockpit.sources.logs.lines import StreamDecoder

_STAMP = re.compile(
    rb"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?(?:(Z)|([+-])(\d\d):(\d\d))"
)
NS = 1_000_000_000
_last_second: tuple[bytes, int] = (b"", 0)
REMEMBERED = 4096
"""Most lines remembered at the newest time (all lines of one nanosecond: a handful at most)."""


def parse_stamp(raw: bytes) -> tuple[int, int] | None:
    """Nanoseconds since the epoch of the RFC 3339 time that starts ``raw``, and where it ends.

    Only full times with a zone (``Z`` or ``+hh:mm``) count, as Docker and the kubelet write.
    """
    global _last_second
    m = _STAMP.match(raw)
    if m is None:
        return None
    head = raw[:19]
    cached_head, seconds = _last_second
    if head != cached_head:
        # Lines of a burst share their second: the calendar work is done once per second.
        year, month, day, hour, minute, second = (int(g) for g in m.groups()[:6])
        if not (
            1 <= month <= 12 and 1 <= day <= 31 and hour <= 23 and minute <= 59 and second <= 60
        ):
            return None
        seconds = calendar.timegm((year, month, day, hour, minute, second, 0, 0, 0))
        _last_second = (head, seconds)
    if m.group(9):
        offset = int(m.group(10)) * 3600 + int(m.group(11)) * 60
        seconds -= offset if m.group(9) == b"+" else -offset
    fraction = int(m.group(7).ljust(9, b"0")) if m.group(7) else 0
    return seconds * NS + fraction, m.end()


def split_stamp(raw: bytes) -> tuple[int | None, bytes]:
    """``b"<RFC 3339 time> text"`` -> (nanoseconds, text); ``(None, raw)`` without such a prefix."""
    found = parse_stamp(raw)
    if found is None:
        return None, raw
    ns, end = found
    if end == len(raw):
        return ns, b""
    if raw[end : end + 1] != b" ":
        return None, raw
    return ns, raw[end + 1 :]


def rfc3339_nano(ns: int) -> str:
    """``ns`` since the epoch as an RFC 3339 UTC time with nanoseconds (for ``sinceTime``)."""
    seconds, fraction = divmod(ns, NS)
    base = datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%S")
    return f"{base}.{fraction:09d}Z"


def unix_nano(ns: int) -> str:
    """``ns`` since the epoch as ``seconds.nanoseconds`` (the Engine API's ``since``)."""
    seconds, fraction = divmod(ns, NS)
    return f"{seconds}.{fraction:09d}"


class ResumeFilter:
    """Remembers the newest time delivered and drops the replay that follows a reconnect.

    Call :meth:`admit` for every line in stream order and deliver it only when that returns True.
    After :meth:`resume` (a new connection asked for lines since :attr:`last_ns`), lines older
    than that time, and lines at that time already delivered, are replays and are dropped,
    until the first line that is new; from then on everything passes again.
    """

    def __init__(self, remembered: int = REMEMBERED) -> None:
        self.last_ns: int | None = None
        self.remembered = remembered
        self.dropped = 0
        """Replayed lines dropped so far."""
        self._at_last: set[bytes] = set()
        self._replaying = False
        self._until_done = False
        self._mark: tuple[int, frozenset[bytes]] | None = None

    @property
    def replaying(self) -> bool:
        """Whether lines are still being compared with what was delivered before."""
        return self._replaying

    def resume(self, *, until_done: bool = False) -> None:
        """A new connection starts at :attr:`last_ns`: what it repeats will be dropped.

        Args:
            until_done: The replay is not in time order (e.g. the ends of several files): keep
                comparing every line with the time of the resume until :meth:`done`.
        """
        self._replaying = self.last_ns is not None
        self._until_done = until_done
        if self.last_ns is not None:
            self._mark = (self.last_ns, frozenset(self._at_last))

    def done(self) -> None:
        """The backend said its replay is over: let everything through again."""
        self._replaying = False

    def admit(self, ns: int | None, key: bytes) -> bool:
        """Whether the line ``key`` stamped ``ns`` is new (it is then remembered).

        A line without a time cannot be compared: it is dropped while replaying, else passed.
        """
        if ns is None:
            if self._replaying:
                self.dropped += 1
                return False
            return True
        if self._replaying and self._mark is not None:
            mark, seen = self._mark
            if ns < mark or (ns == mark and key in seen):
                self.dropped += 1
                return False
            if not self._until_done:
                self._replaying = False
        last = self.last_ns
        if last is None or ns > last:
            self.last_ns = ns
            self._at_last = {key}
        elif ns == last and len(self._at_last) < self.remembered:
            self._at_last.add(key)
        return True


def first_since(explicit: float | None, back: float | None, started: float) -> float | None:
    """Epoch seconds the first read starts at: the later of ``explicit`` and ``started - back``.

    Args:
        explicit: ``StreamOptions.since`` (epoch seconds), or None.
        back: The entry's ``since`` (seconds before the start), or None.
        started: When the source started (epoch seconds).
    """
    candidates = [s for s in (explicit, None if back is None else started - back) if s is not None]
    return max(candidates) if candidates else None


class StampedDecoder:
    """Lines stamped by their backend -> :class:`LogRow`, without what a resume repeats.

    One :class:`StreamDecoder` per stream name (stdout, stderr, or None), all sharing one
    :class:`ResumeFilter`; the backend's time is each line's ``ts``.
    """

    def __init__(
        self,
        source: str,
        *,
        origin: str | None = None,
        max_len: int = MAX_LINE,
        resume: ResumeFilter | None = None,
    ) -> None:
        self.source = source
        self.origin = origin
        self.max_len = max_len
        self.resume = resume or ResumeFilter()
        self._decoders: dict[str | None, StreamDecoder] = {}

    def decode(
        self, items: Iterable[tuple[str | None, int | None, bytes]], received: float
    ) -> list[LogRow]:
        """Decode (stream, nanoseconds, line) triples; replays are left out."""
        out: list[LogRow] = []
        for stream, ns, raw in items:
            key = raw if stream is None else stream.encode() + b"\0" + raw
            if not self.resume.admit(ns, key):
                continue
            decoder = self._decoders.get(stream)
            if decoder is None:
                decoder = self._decoders[stream] = StreamDecoder(
                    self.source, stream=stream, origin=self.origin, max_len=self.max_len
                )
            out.append(decoder.line(raw, received, ts=None if ns is None else ns / NS))
        return out
