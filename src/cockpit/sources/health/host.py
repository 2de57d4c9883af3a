"""Host checks: disk per mount, memory and load (per core) against warn/crit thresholds."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cockpit.config.services import HostProbe, Thresholds
from cockpit.domain.health import ConditionResult, Outcome, Status, worst

if TYPE_CHECKING:
    from cockpit.sources.health.context import ProbeContext
    from cockpit.sources.health.plan import CheckJob


@dataclass(frozen=True, slots=True)
class Figure:
    """One measured figure judged against its limits."""

    label: str
    shown: str
    status: Status
    conditions: list[ConditionResult]
    limit: str = ""


def judge(label: str, value: float, limits: Thresholds, unit: str) -> Figure:
    """Compare ``value`` with crit (DOWN) and warn (DEGRADED)."""
    shown = f"{value:.1f}{unit}"
    conditions: list[ConditionResult] = []
    status, limit = Status.UP, ""
    for level, bad in ((limits.crit, Status.DOWN), (limits.warn, Status.DEGRADED)):
        if level is None:
            continue
        ok = value <= level
        conditions.append(ConditionResult(f"{label} <= {level:g}{unit}", ok, shown))
        if not ok and status is Status.UP:
            status, limit = bad, f"{level:g}{unit}"
    return Figure(label, shown, status, conditions, limit)


def measure(spec: HostProbe) -> list[Figure]:
    """Read the host figures (blocking) and judge each against its thresholds."""
    import psutil

    figures: list[Figure] = []
    if spec.disk is not None:
        for mount in spec.disk.mounts:
            try:
                percent = psutil.disk_usage(mount).percent
            except OSError as exc:
                error = str(exc.strerror or exc)
                figures.append(
                    Figure(
                        f"disk {mount}",
                        error,
                        Status.UNKNOWN,
                        [ConditionResult(f"disk {mount} readable", False, error)],
                    )
                )
                continue
            figures.append(judge(f"disk {mount}", percent, spec.disk, "%"))
    if spec.memory is not None:
        figures.append(judge("memory", psutil.virtual_memory().percent, spec.memory, "%"))
    if spec.load is not None:
        per_core = os.getloadavg()[0] / (psutil.cpu_count() or 1)
        figures.append(judge("load/core", per_core, spec.load, ""))
    return figures


async def probe(job: CheckJob, ctx: ProbeContext) -> Outcome:
    """Judge disk, memory and load; the worst figure decides, and the reason names it."""
    spec = job.config.host
    assert isinstance(spec, HostProbe)
    start = time.monotonic()
    figures = await ctx.run_blocking(lambda: measure(spec))
    latency = (time.monotonic() - start) * 1000.0
    if not figures:
        return Outcome(Status.UNKNOWN, "no host figure configured", latency_ms=latency)
    bad = [f for f in figures if f.status is not Status.UP]
    if bad:
        reason = "; ".join(
            f"{f.label} {f.shown} over {f.limit}" if f.limit else f"{f.label}: {f.shown}"
            for f in bad
        )
    else:
        reason = ", ".join(f"{f.label} {f.shown}" for f in figures)
    return Outcome(
        worst([f.status for f in figures]),
        reason,
        latency_ms=latency,
        conditions=[c for f in figures for c in f.conditions],
    )
