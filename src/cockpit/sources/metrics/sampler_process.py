"""Host metrics and the busiest processes, sampled in a process of its own.

Listing every process with psutil costs tens of milliseconds of Python each second. In the UI's
process that time is taken from the UI thread through the interpreter lock (measured: key-press
p95 from ~11 ms to ~48 ms on an idle screen); here it costs the UI one small unpickle a second.

Records (see :mod:`cockpit.sources.messages`): set up with a ``SamplerSetup``, it sends a
``Sample`` every interval; it takes no command but ``Stop``. A reading that fails ends it with
``Failed``, as any crash does.

    python -m cockpit.sources.metrics.sampler_process
"""

from __future__ import annotations

import sys
import time

from cockpit.sources.messages import Sample, SamplerSetup, UnexpectedMessage
from cockpit.sources.worker_child import Parent, run_child


def serve(parent: Parent, setup: SamplerSetup) -> None:
    """Sample every ``setup.interval`` seconds until told to stop or the cockpit goes away."""
    from cockpit.sources.metrics.host import HostSampler
    from cockpit.sources.metrics.processes import ProcessSampler

    # A setup is pickled data: numbers of the wrong kind fail here, with a clear reason.
    interval, limit = float(setup.interval), int(setup.limit)
    host = HostSampler()
    processes = ProcessSampler()
    processes.top(limit)  # primes per-process CPU counters: the first reading has none
    next_at = time.monotonic() + min(interval, 0.25)
    while True:
        # Waiting for a command is the pause between samples.
        command = parent.receive(max(next_at - time.monotonic(), 0))
        if command is not None:
            raise UnexpectedMessage(command)
        next_at = time.monotonic() + interval
        parent.send(Sample(host.sample(), processes.top(limit)))


def main() -> int:
    """Entry point of the sampling process."""
    return run_child(serve, SamplerSetup)


if __name__ == "__main__":
    sys.exit(main())
