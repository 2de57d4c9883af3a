"""Durations as written in config and shown on screen: ``500ms``, ``2s``, ``10m``, ``1h``."""

from __future__ import annotations

import re

DURATION_PATTERN = r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*$"
_DURATION_RE = re.compile(DURATION_PATTERN)
_UNIT_SECONDS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}


def parse_duration(value: object) -> float:
    """Turn `500ms`, `2s`, `10m`, `1h`, `7d` (or a bare number of seconds) into seconds.

    Raises:
        ValueError: with a message that says what to write instead.
    """
    if isinstance(value, bool):
        raise ValueError("expected a duration such as 500ms, 2s, 10m or 1h")
    if isinstance(value, int | float):
        if value < 0:
            raise ValueError("a duration cannot be negative")
        return float(value)
    if isinstance(value, str):
        m = _DURATION_RE.match(value)
        if m:
            return float(m.group(1)) * _UNIT_SECONDS[m.group(2)]
    raise ValueError(f"{value!r} is not a duration: write e.g. 500ms, 2s, 10m or 1h")


def format_duration(seconds: float) -> str:
    """Inverse of :func:`parse_duration` for display and schema examples."""
    if seconds < 1:
        return f"{round(seconds * 1000)}ms"
    for unit, size in (("d", 86400.0), ("h", 3600.0), ("m", 60.0)):
        if seconds >= size and seconds % size == 0:
            return f"{int(seconds // size)}{unit}"
    return f"{seconds:g}s"
