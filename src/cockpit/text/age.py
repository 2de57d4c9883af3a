"""Short human ages and sizes for status lines ("3s ago", "2m", "1.2 GiB")."""

from __future__ import annotations


def format_age(seconds: float) -> str:
    """``4s``, ``3m``, ``2h05m``, ``3d`` (never negative)."""
    s = max(0, int(seconds))
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m"
    if s < 86400:
        h, rem = divmod(s, 3600)
        return f"{h}h{rem // 60:02d}m"
    return f"{s // 86400}d"


def format_late(seconds: float) -> str:
    """How long past due, in whole minutes, hours or days: ``0m``, ``59m``, ``2h``, ``3d``.

    Coarse on purpose: a mark that shows it changes at most once a minute, so a list redrawn
    when its marks change is not redrawn every second.
    """
    minutes = max(0, int(seconds)) // 60
    if minutes < 60:
        return f"{minutes}m"
    if minutes < 1440:
        return f"{minutes // 60}h"
    return f"{minutes // 1440}d"


def format_freshness(seconds: float) -> str:
    """How old data is, in steps that change rarely: ``just now``, ``20s ago``, ``3m ago``.

    A pane's border shows it; redrawing a border repaints the whole pane, so under a minute
    the age moves in ten-second steps instead of every second.
    """
    s = max(0, int(seconds))
    if s < 10:
        return "just now"
    if s < 60:
        return f"{s // 10 * 10}s ago"
    return f"{format_age(s)} ago"


def format_bytes(n: float) -> str:
    """Binary units like `free -h`: ``512 B``, ``3.4 MiB``, ``1.2 GiB``."""
    value = float(n)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if abs(value) < 1024 or unit == "TiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} TiB"


def format_span(seconds: float) -> str:
    """How long a state has lasted: ``45s``, ``4m12s``, ``2h05m``, ``3d04h``."""
    s = max(0, int(seconds))
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m{s % 60:02d}s"
    if s < 86400:
        return f"{s // 3600}h{s % 3600 // 60:02d}m"
    return f"{s // 86400}d{s % 86400 // 3600:02d}h"


def format_latency(ms: float | None) -> str:
    """A latency in at most 7 columns: ``6 ms``, ``340 ms``, ``1.2 s``, ``60.0 s``, ``2m``."""
    if ms is None:
        return "–"
    if ms < 1000:
        return f"{ms:.0f} ms"
    if ms < 100_000:
        return f"{ms / 1000:.1f} s"
    return format_age(ms / 1000)
