"""A log line as the Logs pane reads it: time, source (and pod), a separator, the message.

The result is sanitized last, whatever the steps before it did: names, pods and lines come from
outside, and decoding a JSON line brings back what its escapes spelled (``\\u009b``, ``\\u202e``).
"""

from __future__ import annotations

import contextlib
import json
import time
from dataclasses import dataclass

from cockpit.sources.logs.base import LogRow
from cockpit.sources.logs.timestamps import parse_prefix
from cockpit.text.fit import middle_cut
from cockpit.text.sanitize import sanitize, strip_sgr

PREFIX_SEPARATOR = " │ "
"""Between a line's prefix (time, source) and its message."""
STAMP_CELLS = 13
"""Cells of a line's time and the blank after it: ``HH:MM:SS.mmm``."""


@dataclass(frozen=True, slots=True)
class LogFormat:
    """How each line reads.

    Attributes:
        name_width: Cells the source name is padded to (the feed's longest name).
        timestamps: Start each line with its time (UTC, to the millisecond).
        pretty_json: Spread a JSON object over several lines, joined by newlines.
    """

    name_width: int = 8
    timestamps: bool = False
    pretty_json: bool = False
    name_cap: int | None = None
    """At most this many cells of source name (narrow screens); longer names are cut in the
    middle, and the name's colour still tells the sources apart."""

    @property
    def name_cells(self) -> int:
        """Cells the source column takes."""
        cap = self.name_cap
        return self.name_width if cap is None else min(self.name_width, cap)

    @property
    def prefix_cells(self) -> int:
        """Cells before a line's message (time, name, separator), for a name that fits."""
        stamp = STAMP_CELLS if self.timestamps else 0
        return stamp + self.name_cells + len(PREFIX_SEPARATOR)

    def line(self, row: LogRow) -> str:
        """``row`` as text, SGR colours removed; newlines only in a pretty JSON object."""
        source, text, ts, _level, _stream, origin = row
        name = source if origin is None else f"{source}/{origin}"
        width = self.name_cells
        if self.name_cap is not None and len(name) > self.name_cap:
            name = middle_cut(name, self.name_cap)
        text = strip_sgr(text)
        spread = False
        if text[:1] == "{" or text.lstrip()[:1] == "{":
            with contextlib.suppress(ValueError):
                value = json.loads(text)
                if self.pretty_json:
                    text = json.dumps(value, indent=2, ensure_ascii=False)
                    spread = True
                elif isinstance(value, dict):
                    timed = not self.timestamps and any(k in value for k in TIME_KEYS)
                    text = f"{_clock(ts)} " * timed + compact_json(value)
        elif not self.timestamps:
            text = _short_stamp(text, ts)
        stamp = ""
        if self.timestamps:
            # Rounded to the millisecond: .599 is stored as .5989999… and must not show as .598.
            ms = round(ts * 1000)
            stamp = time.strftime("%H:%M:%S", time.gmtime(ms // 1000)) + f".{ms % 1000:03d} "
        shown = f"{stamp}{name:<{width}}{PREFIX_SEPARATOR}{text}"
        # JSON escapes every control character, so its only newlines are the ones indent made.
        return sanitize(shown, max_len=0, keep_sgr=False, newlines=spread)


MESSAGE_KEYS = ("msg", "message", "@message", "text", "log", "event")
LEVEL_KEYS = ("level", "lvl", "severity", "@level", "levelname", "log.level")
TIME_KEYS = ("ts", "time", "timestamp", "@timestamp", "t", "datetime", "date")


def compact_json(entry: dict[str, object]) -> str:
    """A JSON log entry in one short line, message first: ``ERROR  payment failed  order=42``.

    The level and message lead; the time is left out (the line's time is shown apart, ``T``);
    every other field follows as ``key=value``, values JSON-quoted only when they need it.
    """
    fields = dict(entry)
    level = next((str(fields.pop(k)) for k in LEVEL_KEYS if k in fields), "")
    message = next((fields.pop(k) for k in MESSAGE_KEYS if k in fields), None)
    for key in TIME_KEYS:
        fields.pop(key, None)
    parts = []
    if level:
        parts.append(f"{level.upper():<5}")
    if message is not None:
        parts.append(message if isinstance(message, str) else json.dumps(message))
    rest = " ".join(f"{k}={_value(v)}" for k, v in fields.items())
    if rest:
        parts.append(rest)
    return "  ".join(parts)


def _value(value: object) -> str:
    if isinstance(value, str) and value and not any(c in value for c in ' "=\\'):
        return value
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _clock(ts: float) -> str:
    return time.strftime("%H:%M:%S", time.gmtime(ts))


def _short_stamp(text: str, ts: float) -> str:
    # A leading date and time (often 25-35 columns) reads as its time of day (UTC, like the
    # banner's clock and `T`): the date is the same on every line an operator looks at, and 80
    # columns are precious.
    found = parse_prefix(text)
    if found is None:
        return text
    rest = text[found[1] :]
    return f"{_clock(ts)} {rest[1:] if rest[:1] == ' ' else rest}"
