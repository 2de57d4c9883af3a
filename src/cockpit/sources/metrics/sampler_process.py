"""Host metrics and the busiest processes, sampled in a process of its own.

Listing every process with psutil costs tens of milliseconds of Python each second. In the UI's
process that time is taken from the UI thread through the interpreter lock (measured: key-press
p95 from ~11 ms to ~48 ms on an idle screen); here it costs the UI one small unpickle a second.

Frames (see :mod:`cockpit.sources.frames`) to the process: first ``(interval, limit)``, then
``("stop",)``. From it: ``("sample", HostSample, list[ProcessInfo])`` or ``("error", reason)``.

    python -m cockpit.sources.metrics.sampler_process
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from typing import IO

from cockpit.sources.frames import read_frame, write_frame
from cockpit.sources.worker_process import read_setup


def serve(commands: int, out: IO[bytes], interval: float, limit: int) -> None:
    """Sample every ``interval`` seconds until told to stop or the parent goes away."""
    from cockpit.sources.metrics.host import HostSampler
    from cockpit.sources.metrics.processes import ProcessSampler

    host = HostSampler()
    processes = ProcessSampler()
    processes.top(limit)  # primes per-process CPU counters: the first reading has none
    parent = os.getppid()
    next_at = time.monotonic() + min(interval, 0.25)
    while os.getppid() == parent:
        message = read_frame(commands, max(next_at - time.monotonic(), 0))
        if message is not None:
            if message[0] == "stop":
                return
            continue
        next_at = time.monotonic() + interval
        try:
            write_frame(out, ("sample", host.sample(), processes.top(limit)))
        except (BrokenPipeError, EOFError):
            raise
        except Exception as exc:  # a reading that fails must not end the sampling
            write_frame(out, ("error", f"{type(exc).__name__}: {exc}"))


def main() -> int:
    """Entry point of the sampling process."""
    commands = sys.stdin.fileno()
    out = sys.stdout.buffer
    sys.stdout = sys.stderr  # stdout carries frames only
    try:
        interval, limit = read_setup(commands)
        serve(commands, out, float(interval), int(limit))
    except (EOFError, BrokenPipeError, KeyboardInterrupt):
        return 0
    except Exception as exc:  # a reason for the Metrics pane, not a traceback nobody sees
        with contextlib.suppress(OSError):
            write_frame(out, ("error", f"{type(exc).__name__}: {exc}"))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
