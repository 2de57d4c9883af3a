"""The metrics of the environment in focus, read in a process of their own.

Backends answer slowly and some clients (azure, kubernetes) block; in the UI's process they
would compete with the UI thread for the interpreter lock. Here they cost the UI one small
unpickle per batch.

Records (see :mod:`cockpit.sources.messages`): set up with a ``MetricsSetup``, it first sends
the stored history of each metric (``MetricStored``), then ``MetricResults`` batches: the
backfill of the window, then each read as it ends. It takes ``Backfill`` to fill a longer
window, and ``Stop``.

    python -m cockpit.sources.metrics.worker
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import time
from typing import TYPE_CHECKING

from cockpit.sources.messages import (
    Backfill,
    MetricResults,
    MetricsSetup,
    UnexpectedMessage,
)
from cockpit.sources.worker_child import Parent, run_child

if TYPE_CHECKING:
    from cockpit.sources.metrics.poller import PollResult
    from cockpit.state.store import Store

BATCH_EVERY = 0.2
"""Seconds results wait so that reads ending together travel in one record."""


def _open_store(setup: MetricsSetup) -> Store | None:
    if setup.state_path is None:
        return None
    from cockpit.state.store import Store

    store = Store.open(setup.state_path)
    return None if store.in_memory else store


async def serve(parent: Parent, setup: MetricsSetup) -> None:
    """Read until told to stop or the cockpit goes away."""
    from cockpit.sources.metrics.poller import MetricPoller
    from cockpit.sources.metrics.recorder import Recorder

    store = _open_store(setup)
    health_history = None
    if store is not None and any(m.kind == "health" for m in setup.metrics):
        from cockpit.state.health_history import HealthHistory

        health_history = HealthHistory(store)
    recorder = Recorder(store, setup.environment.name)
    for stored in recorder.load([m.name for m in setup.metrics], time.time()):
        parent.send(stored)
    poller = MetricPoller(
        list(setup.metrics), setup.environment, setup.base_dir, health_history=health_history
    )
    pending: list[PollResult] = []
    stop = asyncio.Event()

    async def backfill(window: float) -> None:
        results = await asyncio.gather(*(poller.backfill(e, window) for e in poller.entries))
        pending.extend(r for r in results if r.points or r.error)

    fills = {asyncio.create_task(backfill(setup.window))}
    runner = asyncio.create_task(poller.run(pending.append, stop))
    try:
        while not runner.done():
            while (command := parent.receive(0)) is not None:
                match command:
                    case Backfill(window):
                        fills.add(asyncio.create_task(backfill(window)))
                    case _:
                        raise UnexpectedMessage(command)
            fills = {task for task in fills if not task.done()}
            if pending:
                batch, pending[:] = tuple(pending), []
                parent.send(MetricResults(batch))
                recorder.record(batch, time.time())
            await asyncio.sleep(BATCH_EVERY)
        runner.result()  # a crash of the poller ends the worker with its reason
    finally:
        stop.set()
        for task in (runner, *fills):
            task.cancel()
        with contextlib.suppress(BaseException):
            await asyncio.gather(runner, *fills, return_exceptions=True)
        recorder.close()
        await poller.aclose()


def main() -> int:
    """Entry point of the metrics process."""
    return run_child(serve, MetricsSetup)


if __name__ == "__main__":
    sys.exit(main())
