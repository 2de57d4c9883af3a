"""Checks shared by the tests of streaming log sources."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import pytest


async def assert_cancel_closes_streams(
    task: asyncio.Task[None], open_streams: Callable[[], int], *, within: float = 0.5
) -> None:
    """Cancel ``task``: it must stop within ``within`` seconds and the server see no open stream.

    The server side notices a closed connection only on its next look, so that part may take a
    few of its poll intervals.
    """
    started = time.monotonic()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert time.monotonic() - started < within
    deadline = time.monotonic() + 5
    while open_streams() and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    assert open_streams() == 0
