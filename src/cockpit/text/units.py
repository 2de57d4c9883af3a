"""Metric values made readable: ``1.2 GiB``, ``340 ms``, ``12.5 %``, ``3.4k req/s``."""

from __future__ import annotations

import math

from cockpit.text.age import format_bytes

_SI = ((1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k"))


def _number(value: float) -> str:
    """At most four significant figures and no trailing noise: ``0.83``, ``12.5``, ``1234``."""
    magnitude = abs(value)
    if magnitude >= 1000 or value == int(value):
        return f"{value:.0f}"
    if magnitude >= 100:
        return f"{value:.1f}"
    if magnitude >= 1:
        return f"{value:.2f}".rstrip("0").rstrip(".") if magnitude < 10 else f"{value:.1f}"
    if magnitude >= 0.01:
        return f"{value:.2f}"
    return f"{value:.2g}"


def si(value: float) -> str:
    """A number with a k/M/G/T suffix past 10,000: ``950``, ``12.5k``, ``3.4M``."""
    magnitude = abs(value)
    if magnitude >= 10_000:
        for size, suffix in _SI:
            if magnitude >= size:
                scaled = value / size
                return f"{scaled:.1f}{suffix}" if abs(scaled) < 100 else f"{scaled:.0f}{suffix}"
    return _number(value)


def format_value(value: float | None, unit: str = "") -> str:
    """A value in its unit, short enough for one cell of a table.

    Bytes use binary units like ``free -h``; times switch between ms and s (and minutes); a
    percentage keeps one decimal; anything else gets k/M/G suffixes and its unit after a space.
    """
    if value is None or math.isnan(value):
        return "–"
    if math.isinf(value):
        return "∞" if value > 0 else "-∞"
    if unit == "B":
        return format_bytes(value)
    if unit == "B/s":
        return f"{format_bytes(value)}/s"
    if unit == "%":
        return f"{value:.1f} %"
    if unit in ("ms", "s"):
        ms = value if unit == "ms" else value * 1000.0
        if abs(ms) < 1:
            return f"{ms * 1000:.0f} µs"
        if abs(ms) < 1000:
            return f"{ms:.0f} ms"
        if abs(ms) < 120_000:
            return f"{ms / 1000:.1f} s"
        return f"{ms / 60_000:.1f} min"
    if unit == "cores":
        return f"{value * 1000:.0f}m" if abs(value) < 1 else f"{_number(value)} cores"
    text = si(value)
    return f"{text} {unit}" if unit else text
