"""Waiting in Pilot tests for something the app does in its own time."""

from __future__ import annotations

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

    def start(self, app: Any) -> None:
        """Beat every 10 ms in ``app``'s loop from now on."""
        app.set_interval(0.01, self._beat)
        self.reset()

    def reset(self) -> None:
        """Forget the gaps so far (e.g. start-up)."""
        self.gaps.clear()
        self._last = time.perf_counter()

    @property
    def longest(self) -> float:
        """Seconds of the longest gap seen."""
        return max(self.gaps, default=0.0)

    def _beat(self) -> None:
        now = time.perf_counter()
        self.gaps.append(now - self._last)
        self._last = now
