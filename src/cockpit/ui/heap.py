"""Garbage-collector tuning for a screen that runs for days: short pauses, flat memory.

Process-wide, so the process owner (``cockpit run``) turns it on, not the app.
"""

from __future__ import annotations

import gc
import time

FULL_GC_EVERY = 60.0
"""Seconds between the garbage collector's full passes once the heap is tuned."""
FULL_GC_AFTER = 1000
"""Collections of the middle generation before Python would start a full pass by itself."""

_tuned_at: float | None = None


def freeze_startup_heap() -> None:
    """Keep what exists once the screen is up out of the collector's full passes.

    Modules, config and widgets live as long as the app: leaving them out of full passes keeps
    those passes short, and a long pause of the UI thread is a key press answered late. Full
    passes are then left to :func:`collect_if_due`, once a minute, instead of coming whenever
    the young generations have been collected ten times (under a log flood: every few seconds,
    15 ms each, whoever is typing).
    """
    global _tuned_at
    gc.collect()
    gc.freeze()
    young, middle, _full = gc.get_threshold()
    gc.set_threshold(young, middle, FULL_GC_AFTER)
    _tuned_at = time.monotonic()


def collect_if_due() -> bool:
    """Run the full pass :func:`freeze_startup_heap` deferred, when a minute has passed.

    Returns:
        Whether a pass ran (never before the heap was tuned).
    """
    global _tuned_at
    if _tuned_at is None or time.monotonic() - _tuned_at < FULL_GC_EVERY:
        return False
    _tuned_at = time.monotonic()
    gc.collect()
    return True
