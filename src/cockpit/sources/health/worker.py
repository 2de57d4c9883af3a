"""The health monitor in a process of its own, talking to the cockpit over its stdin/stdout.

Hundreds of probes cost real CPU; in the UI's process they would compete with the UI thread for
the interpreter lock and every key press would wait. In a child process they cost the UI only
the unpickling of a snapshot every half second.

Frames (see :mod:`cockpit.sources.frames`) to the worker: first ``(config, base_dir,
state_path)``, then ``("refresh", service | None)`` or ``("stop",)``. From the worker:
``("snapshot", list[ServiceStatus])`` and ``("error", str)``.

    python -m cockpit.sources.health.worker
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
from pathlib import Path
from typing import IO

from cockpit.config.models import CockpitConfig
from cockpit.sources.frames import read_frame, write_frame
from cockpit.sources.worker_process import read_setup

PUBLISH_INTERVAL = 0.5


async def serve(
    commands: int, out: IO[bytes], config: CockpitConfig, base_dir: Path, state_path: Path | None
) -> None:
    """Run the monitor until told to stop or the parent goes away."""
    from cockpit.sources.health.monitor import HealthMonitor, HealthUpdate

    sink = None
    if state_path is not None:
        from cockpit.state.health_history import HealthHistory
        from cockpit.state.store import Store

        store = Store.open(state_path)
        if not store.in_memory:
            sink = HealthHistory(store)
    dirty = asyncio.Event()

    def on_update(update: HealthUpdate) -> None:
        dirty.set()

    monitor = HealthMonitor(config, base_dir=base_dir, sink=sink, on_update=on_update)
    parent = os.getppid()
    write_frame(out, ("snapshot", monitor.snapshot()))
    await monitor.start()
    try:
        while os.getppid() == parent:
            message = read_frame(commands, 0)
            while message is not None:
                if message[0] == "stop":
                    return
                if message[0] == "refresh":
                    monitor.refresh(message[1])
                message = read_frame(commands, 0)
            await asyncio.sleep(0.05)
            # The snapshot carries everything the UI shows; single updates are not needed.
            while not monitor.updates.empty():
                monitor.updates.get_nowait()
            if dirty.is_set():
                dirty.clear()
                write_frame(out, ("snapshot", monitor.snapshot()))
                await asyncio.sleep(PUBLISH_INTERVAL)
    finally:
        await monitor.stop()


def main() -> int:
    """Entry point of the worker process."""
    commands = sys.stdin.fileno()
    out = sys.stdout.buffer
    # Nothing else may write to stdout: it carries frames.
    sys.stdout = sys.stderr
    try:
        setup = read_setup(commands)
        config, base_dir, state_path = setup
        asyncio.run(serve(commands, out, config, base_dir, state_path))
    except (EOFError, BrokenPipeError, KeyboardInterrupt):
        return 0
    except Exception as exc:  # report, then end: the cockpit shows it in the Health pane
        with contextlib.suppress(OSError):
            write_frame(out, ("error", f"{type(exc).__name__}: {exc}"))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
