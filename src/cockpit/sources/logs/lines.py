"""From raw chunks to :class:`LogRow`: bounded line splitting, then sanitize, time and level.

Every source does ``decoder.decode(splitter.feed(chunk), received)`` per chunk it reads, with one
splitter and decoder per stream (stdout and stderr each keep their own partial line).
"""

from __future__ import annotations

import functools
import json
import re
from typing import Any

from cockpit.sources.logs.base import MAX_LINE, MAX_LINE_BYTES, LogRow
from cockpit.sources.logs.levels import detect_level, normalise_level
from cockpit.sources.logs.timestamps import parse_prefix, parse_value
from cockpit.text.sanitize import sanitize, strip_sgr

JSON_MAX = 64 * 1024
"""JSON lines longer than this are shown but not parsed for their fields."""
JSON_LEVEL_KEYS = ("level", "severity", "lvl", "levelname", "log.level")
JSON_TIME_KEYS = ("time", "timestamp", "ts", "@timestamp", "t")


class CutLine(bytes):
    """The head of a line that was too long to keep whole; ``dropped`` bytes of it followed."""

    dropped: int

    def __new__(cls, head: bytes, dropped: int) -> CutLine:
        line = super().__new__(cls, head)
        line.dropped = dropped
        return line


class LineSplitter:
    """Turns chunks into lines without ever holding an unbounded partial line.

    Lines end at ``\\n`` (a ``\\r`` before it is dropped too). Of a line longer than
    ``max_line`` bytes only its first ``max_line`` bytes are kept (cut on a UTF-8 character
    boundary) and the rest is counted: a 10 MB line is one :class:`CutLine` whose marker says
    how much was left out, and costs at most ``max_line`` plus one chunk.
    """

    def __init__(self, max_line: int = MAX_LINE_BYTES) -> None:
        self.max_line = max(max_line, 4)
        self._partial = b""
        self._dropped = 0
        """Bytes of the current line past its kept head (0: the line is not cut)."""

    @property
    def pending(self) -> int:
        """Bytes of the unterminated line held (never more than ``max_line``)."""
        return len(self._partial)

    def feed(self, chunk: bytes) -> list[bytes]:
        """Add a chunk; return the lines it completed (without their line ends)."""
        out: list[bytes] = []
        start = 0
        if self._dropped:
            # Inside a cut line: count up to its end.
            end = chunk.find(b"\n")
            if end < 0:
                self._dropped += len(chunk)
                return out
            out.append(self._cut(self._partial, self._dropped + end))
            self._partial, self._dropped = b"", 0
            start = end + 1
        data = self._partial + chunk[start:] if self._partial else bytes(chunk[start:])
        parts = data.split(b"\n")
        rest = parts.pop()
        for part in parts:
            if part.endswith(b"\r"):
                part = part[:-1]
            if len(part) > self.max_line:
                head = self._head(part)
                out.append(self._cut(head, len(part) - len(head)))
            else:
                out.append(part)
        if len(rest) > self.max_line:
            head = self._head(rest)
            self._dropped = len(rest) - len(head)
            rest = head
        self._partial = rest
        return out

    def flush(self) -> list[bytes]:
        """The unterminated last line, if any (at the end of a stream, or after a pause)."""
        if not self._partial and not self._dropped:
            return []
        line, dropped = self._partial, self._dropped
        self._partial, self._dropped = b"", 0
        if dropped:
            return [self._cut(line, dropped)]
        return [line[:-1] if line.endswith(b"\r") else line]

    @staticmethod
    def _cut(head: bytes, dropped: int) -> CutLine:
        return CutLine(head, dropped)

    def _head(self, data: bytes) -> bytes:
        # The first max_line bytes, backing off over UTF-8 continuation bytes so no character
        # is split.
        cut = self.max_line
        back = cut
        while back > cut - 3 and data[back] & 0xC0 == 0x80:
            back -= 1
        if data[back] & 0xC0 != 0x80 and back > 0:
            cut = back
        return data[:cut]


class StreamDecoder:
    """Raw lines of one stream -> :class:`LogRow` (sanitized, with time, level and origin).

    Time: an RFC 3339 prefix, or a JSON ``time``/``timestamp``/``ts`` field; a line without one
    takes the latest time read earlier in the stream (it is most likely the rest of that entry,
    e.g. a stack trace), else the time it was received. Level: JSON ``level``/``severity``,
    else detected in the text; a line without its own level takes the level of the line before
    it when it continues that entry (no time of its own in a timestamped stream, or indented).
    """

    def __init__(
        self,
        source: str,
        *,
        stream: str | None = None,
        origin: str | None = None,
        max_len: int = MAX_LINE,
    ) -> None:
        self.source = source
        self.stream = stream
        self.origin = origin
        self.max_len = max_len
        self._last_ts: float | None = None
        self._last_level: str | None = None

    def decode(self, raws: list[bytes], received: float) -> list[LogRow]:
        """Decode a batch of raw lines received at ``received`` (epoch seconds)."""
        texts = _plain_batch(raws, self.max_len)
        if texts is None:
            return [self.line(raw, received) for raw in raws]
        return self._decode_plain(texts, received)

    def _decode_plain(self, texts: list[str], received: float) -> list[LogRow]:
        # The same rules as `line`, for a batch with nothing to sanitize: in one loop, without
        # a call per line for what is the same every time. A flood is mostly such batches.
        out: list[LogRow] = []
        append = out.append
        source, stream, origin = self.source, self.stream, self.origin
        last_ts, last_level = self._last_ts, self._last_level
        for text in texts:
            first = text[:1]
            if first == "{":
                self._last_ts, self._last_level = last_ts, last_level
                append(self.line(text, received))
                last_ts, last_level = self._last_ts, self._last_level
                continue
            own_ts: float | None = None
            start = 0
            if first.isdigit() or first == "[":
                found = parse_prefix(text)
                if found is not None:
                    own_ts, start = found
            level = detect_level(text, start)
            if own_ts is None:
                if level is None and (last_ts is not None or (first == " " and text.strip())):
                    level = last_level
                ts = last_ts if last_ts is not None else received
            else:
                ts = last_ts = own_ts
            last_level = level
            append(_new_line((source, text, ts, level, stream, origin)))
        self._last_ts, self._last_level = last_ts, last_level
        return out

    def line(
        self,
        raw: bytes | str,
        received: float,
        *,
        ts: float | None = None,
        level: str | None = None,
        origin: str | None = None,
    ) -> LogRow:
        """Decode one raw line; ``ts``/``level``/``origin`` override what the text says."""
        text = sanitize(raw, max_len=self.max_len)
        dropped = getattr(raw, "dropped", 0)
        if dropped:
            text = honest_marker(text, len(raw) + dropped)
        plain = strip_sgr(text)
        fields = json_object(raw) if plain[:1] == "{" else None
        start = 0
        own_ts = ts
        if own_ts is None:
            if fields is not None:
                own_ts = _first(fields, JSON_TIME_KEYS, parse_value)
            if own_ts is None:
                found = parse_prefix(plain)
                if found is not None:
                    own_ts, start = found
        if level is None:
            if fields is not None:
                level = _first(fields, JSON_LEVEL_KEYS, normalise_level)
            if level is None:
                level = detect_level(plain, start)
        # A line without a time of its own in a timestamped stream, or an indented one, is
        # the rest of the entry above it (a stack trace): it shares that entry's level.
        continuation = own_ts is None and self._last_ts is not None
        if level is None and (continuation or (plain[:1] == " " and plain.strip())):
            level = self._last_level
        if own_ts is None:
            ts = self._last_ts if self._last_ts is not None else received
        else:
            ts = self._last_ts = own_ts
        self._last_level = level
        return LogRow(
            self.source, text, ts, level, self.stream, origin if origin is not None else self.origin
        )


_new_line = functools.partial(tuple.__new__, LogRow)
_PLAIN = bytes(range(0x20, 0x7F)) + b"\n"
"""Printable ASCII, and the newlines that join a batch: text the sanitizer leaves as it is."""


_CHARS_MARKER = re.compile(r"… \[\+\d+ chars\]$")


def honest_marker(text: str, total_bytes: int) -> str:
    """``text`` (the sanitized head of a cut line) ending in one marker of what is not shown,
    counted in the line's bytes: ``… [+10.0 MiB]``."""
    visible = _CHARS_MARKER.sub("", text)
    more = max(total_bytes - len(strip_sgr(visible).encode("utf-8", "replace")), 0)
    return f"{visible}… [+{format_bytes(more)}]"


def format_bytes(count: int) -> str:
    """``512 bytes``, ``12.0 KiB``, ``10.2 MiB``, ``1.50 GiB``."""
    if count < 1024:
        return f"{count} bytes"
    if count < 1024**2:
        return f"{count / 1024:.1f} KiB"
    if count < 1024**3:
        return f"{count / 1024**2:.1f} MiB"
    return f"{count / 1024**3:.2f} GiB"


def _plain_batch(raws: list[bytes], max_len: int) -> list[str] | None:
    """The lines as text when every one is printable ASCII within ``max_len``, else None.

    Checked for the whole batch at once (C speed): such lines are what :func:`sanitize` would
    return unchanged.
    """
    if not raws or (max_len > 0 and max(map(len, raws)) > max_len):
        return None
    if CutLine in set(map(type, raws)):  # its marker is added line by line
        return None
    blob = b"\n".join(raws)
    if blob.translate(None, _PLAIN):  # anything left is a byte to sanitize
        return None
    if blob.count(b"\n") != len(raws) - 1:  # a raw line holding a newline: shown as ␊
        return None
    return blob.decode("ascii").split("\n")


def json_object(raw: bytes | str) -> dict[str, Any] | None:
    """``raw`` parsed as a JSON object, or None (not JSON, not an object, or too long)."""
    if len(raw) > JSON_MAX:
        return None
    try:
        data = json.loads(raw)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _first(fields: dict[str, Any], keys: tuple[str, ...], convert: Any) -> Any:
    for key in keys:
        if key in fields:
            value = convert(fields[key])
            if value is not None:
                return value
    return None


def make_line(
    source: str,
    raw: bytes | str,
    *,
    received: float,
    stream: str | None = None,
    origin: str | None = None,
) -> LogRow:
    """Decode a single line with no stream context (no inheritance from earlier lines)."""
    return StreamDecoder(source, stream=stream, origin=origin).line(raw, received)
