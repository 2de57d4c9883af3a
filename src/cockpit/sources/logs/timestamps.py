"""Timestamps found in log lines: an RFC 3339 prefix, or a JSON value (string or epoch number)."""

from __future__ import annotations

import calendar
import re
import time

# `2024-05-01T12:00:00.123456789Z`, `2024-05-01 12:00:00,123 +0200`, `[2024-05-01T12:00:00]`.
# A time without a zone is local time, as the program that wrote it most likely meant.
_PREFIX = re.compile(
    r"\[?(\d{4})-(\d\d)-(\d\d)[Tt ](\d\d):(\d\d):(\d\d)(?:[.,](\d{1,9}))?"
    r"\s?(?:(?P<z>[Zz])|(?P<sign>[+-])(\d\d):?(\d\d))?\]?"
)


_MINUTES: dict[tuple[str, bool], int | None] = {}
"""Epoch of each `YYYY-MM-DDTHH:MM` seen (UTC, or local when True): log lines share minutes."""
_MINUTES_MAX = 4096


def _minute(text: str, local: bool) -> int | None:
    year, month, day = int(text[0:4]), int(text[5:7]), int(text[8:10])
    hour, minute = int(text[11:13]), int(text[14:16])
    if not (1 <= month <= 12 and 1 <= day <= 31 and hour <= 23 and minute <= 59):
        return None
    fields = (year, month, day, hour, minute, 0)
    try:
        if not local:
            return calendar.timegm((*fields, 0, 0, 0))
        return int(time.mktime((*fields, 0, 0, -1)))
    except (OverflowError, ValueError):  # e.g. year 0: no such time, not a crash
        return None


_RECENT: dict[str, tuple[float, int]] = {}
"""Recent `...Z` stamps by their first 24 characters: a flood repeats each millisecond."""
_RECENT_MAX = 4096
_RECENT_KEY = 24


def parse_prefix(text: str) -> tuple[float, int] | None:
    """Epoch seconds of the RFC 3339 timestamp at the start of ``text``, and where it ends."""
    if not text or not (text[0].isdigit() or text[0] == "["):
        return None
    key = text[:_RECENT_KEY]
    found = _RECENT.get(key)
    if found is not None:
        return found
    found = _parse(text)
    if found is not None:
        end = found[1]
        # Only a stamp closed by `Z` within the key means the same for every line sharing the
        # key (after a zone-less time, what follows could still be its zone).
        if end <= _RECENT_KEY and text[end - 1] in "Zz":
            if len(_RECENT) >= _RECENT_MAX:
                _RECENT.clear()
            _RECENT[key] = found
    return found


def _parse(text: str) -> tuple[float, int] | None:
    m = _PREFIX.match(text)
    if m is None:
        return None
    local = not (m.group("z") or m.group("sign"))
    minute = (text[m.start(1) : m.start(1) + 16], local)
    base = _MINUTES.get(minute, -1)
    if base == -1:
        if len(_MINUTES) >= _MINUTES_MAX:
            _MINUTES.clear()
        base = _MINUTES[minute] = _minute(minute[0], local)
    if base is None:
        return None
    second, frac = int(m.group(6)), m.group(7)
    return _epoch(base, second, frac, m.group("sign"), m.group(10), m.group(11), m.end())


def _epoch(
    base: int,
    second: int,
    frac: str | None,
    sign: str | None,
    hours: str | None,
    minutes: str | None,
    end: int,
) -> tuple[float, int] | None:
    if second > 60:
        return None
    epoch = float(base + second)
    if frac:
        epoch += int(frac) / 10 ** len(frac)
    if sign:
        offset = int(hours or 0) * 3600 + int(minutes or 0) * 60
        if offset > 24 * 3600:
            return None
        epoch -= offset if sign == "+" else -offset
    return epoch, end


def parse_value(value: object) -> float | None:
    """Epoch seconds from a structured field: an RFC 3339 string or an epoch number.

    Numbers are read as seconds, milliseconds, microseconds or nanoseconds by their size.
    """
    if isinstance(value, str):
        found = parse_prefix(value.strip())
        return found[0] if found else None
    if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
        number = float(value)
        for scale in (1.0, 1e3, 1e6, 1e9):
            if number / scale < 1e11:  # before the year 5138: a plausible date in seconds
                return number / scale
    return None
