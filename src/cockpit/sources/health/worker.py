"""The health monitor in a process of its own, talking to the cockpit over its stdin/stdout.

Hundreds of probes cost real CPU; in the UI's process they would compete with the UI thread for
the interpreter lock and every key press would wait. In a child process they cost the UI only
the unpickling of a snapshot every half second.

Records (see :mod:`cockpit.sources.messages`): set up with a ``HealthSetup``, it takes
``Refresh`` and sends a ``Snapshot`` whenever something changed (at most every
:data:`PUBLISH_INTERVAL`).

    python -m cockpit.sources.health.worker
"""

from __future__ import annotations

import asyncio
import sys

from cockpit.sources.messages import HealthSetup, Refresh, Snapshot, UnexpectedMessage
from cockpit.sources.worker_child import Parent, run_child

PUBLISH_INTERVAL = 1.0
"""Seconds between snapshots at most: one frame a second is as fast as an eye reads a table."""


async def serve(parent: Parent, setup: HealthSetup) -> None:
    """Run the monitor until told to stop or the cockpit goes away."""
    from cockpit.sources.health.monitor import HealthMonitor, HealthUpdate

    sink = None
    if setup.state_path is not None:
        from cockpit.state.health_history import HealthHistory
        from cockpit.state.store import Store

        store = Store.open(setup.state_path)
        if not store.in_memory:
            sink = HealthHistory(store)
    dirty = asyncio.Event()

    def on_update(update: HealthUpdate) -> None:
        dirty.set()

    monitor = HealthMonitor(setup.config, base_dir=setup.base_dir, sink=sink, on_update=on_update)
    parent.send(Snapshot(monitor.snapshot()))
    await monitor.start()
    try:
        while True:
            while (command := parent.receive(0)) is not None:
                match command:
                    case Refresh(service):
                        monitor.refresh(service)
                    case _:
                        raise UnexpectedMessage(command)
            await asyncio.sleep(0.05)
            # The snapshot carries everything the UI shows; single updates are not needed.
            while not monitor.updates.empty():
                monitor.updates.get_nowait()
            if dirty.is_set():
                dirty.clear()
                parent.send(Snapshot(monitor.snapshot()))
                await asyncio.sleep(PUBLISH_INTERVAL)
    finally:
        await monitor.stop()


def main() -> int:
    """Entry point of the worker process."""
    return run_child(serve, HealthSetup)


if __name__ == "__main__":
    sys.exit(main())
