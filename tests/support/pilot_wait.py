"""Waiting in Pilot tests for something the app does in its own time."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from typing import Any


async def until(pilot: Any, predicate: Callable[[], bool], seconds: float = 60.0) -> None:
    """Let the app run until ``predicate()`` holds.

    Raises:
        AssertionError: It did not within ``seconds``.
    """
    for _ in range(int(seconds / 0.05)):
        if predicate():
            return
        await pilot.pause(0.05)
    raise AssertionError("condition not reached in time")


class LoopWatch:
    """How late the app's event loop runs a 10 ms timer: the longest gap between its beats."""

    def __init__(self) -> None:
        self.gaps: list[float] = []
        self._last = time.perf_counter()
        self._stopped = False

    def start(self, app: Any) -> None:
        """Beat every 10 ms in ``app``'s loop from now on.

        What earlier tests left on the heap is collected and frozen first (as the cockpit does
        after start-up): a full collection of someone else's garbage is not this app's stall.
        Call :meth:`stop` at the end.
        """
        gc.collect()
        gc.freeze()
        app.set_interval(0.01, self._beat)
        self.reset()

    def stop(self) -> None:
        """Stop measuring (before the test itself works the loop hard, reading every row) and
        give the frozen heap back to the collector."""
        self._stopped = True
        gc.unfreeze()

    def reset(self) -> None:
        """Forget the gaps so far (e.g. start-up)."""
        self.gaps.clear()
        self._last = time.perf_counter()

    @property
    def longest(self) -> float:
        """Seconds of the longest gap seen."""
        return max(self.gaps, default=0.0)

    def _beat(self) -> None:
        if self._stopped:
            return
        now = time.perf_counter()
        self.gaps.append(now - self._last)
        self._last = now
