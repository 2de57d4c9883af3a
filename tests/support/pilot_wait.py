"""Waiting in Pilot tests for something the app does in its own time."""

from __future__ import annotations

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
