"""Process checks: is a local process with this name (or command-line substring) running?"""

from __future__ import annotations

import os
import time
from typing import TYPE_CHECKING

from cockpit.config.services import ProcessProbe
from cockpit.domain.health import Outcome, Status

if TYPE_CHECKING:
    from cockpit.sources.health.context import ProbeContext
    from cockpit.sources.health.plan import CheckJob


def find_processes(name: str | None, cmdline: str | None) -> list[int]:
    """PIDs whose name equals ``name`` and/or whose joined argv contains ``cmdline``."""
    import psutil

    me = os.getpid()
    pids: list[int] = []
    for proc in psutil.process_iter(["pid", "name", "cmdline"]):
        info = proc.info
        if info["pid"] == me:
            continue
        if name and info.get("name") != name:
            continue
        if cmdline and cmdline not in " ".join(info.get("cmdline") or ()):
            continue
        pids.append(int(info["pid"]))
    return sorted(pids)


async def probe(job: CheckJob, ctx: ProbeContext) -> Outcome:
    """Count matching processes on the thread pool (psutil walks /proc synchronously)."""
    spec = job.config.process
    assert isinstance(spec, ProcessProbe)
    start = time.monotonic()
    pids = await ctx.run_blocking(lambda: find_processes(spec.name, spec.cmdline))
    latency = (time.monotonic() - start) * 1000.0
    what = f"named {spec.name!r}" if spec.name else ""
    if spec.cmdline:
        what = f"{what} with {spec.cmdline!r} in its command line".strip()
    shown = ", ".join(str(p) for p in pids[:5]) + (" ..." if len(pids) > 5 else "")
    if len(pids) >= spec.min_count:
        plural = "process" if len(pids) == 1 else "processes"
        return Outcome(Status.UP, f"{len(pids)} {plural} (pid {shown})", latency_ms=latency)
    if not pids:
        return Outcome(Status.DOWN, f"no process {what}", latency_ms=latency)
    return Outcome(
        Status.DOWN,
        f"{len(pids)} of {spec.min_count} processes {what} (pid {shown})",
        latency_ms=latency,
    )
