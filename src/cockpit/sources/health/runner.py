"""Run checks: each under its own timeout plus a hard outer bound, with bounded concurrency."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable

from cockpit.domain.durations import format_duration
from cockpit.domain.health import CheckResult, ConditionResult, Outcome, Status
from cockpit.sources.health.context import ProbeContext
from cockpit.sources.health.plan import CheckJob
from cockpit.sources.health.registry import asks_control_plane, probe_for
from cockpit.text.redact import redact
from cockpit.text.sanitize import excerpt

# The probe's own timeout should fire first; this margin is the hard bound behind it.
HARD_BOUND_MARGIN = 0.5


def _stamp(job: CheckJob, outcome: Outcome) -> CheckResult:
    # Every result passes here before it is shown, stored or sent: the one place to take
    # secrets out of whatever a probe or its library put into a message.
    return CheckResult(
        service=job.service,
        environment=job.environment,
        check=job.check,
        kind=job.kind,
        status=outcome.status,
        latency_ms=outcome.latency_ms,
        reason=redact(outcome.reason),
        conditions=[
            ConditionResult(redact(c.expr), c.ok, redact(c.actual)) for c in outcome.conditions
        ],
        ts=time.time(),
        detail=redact(outcome.detail) if outcome.detail else outcome.detail,
    )


async def execute(job: CheckJob, ctx: ProbeContext) -> CheckResult:
    """Run one check now (no semaphore); never raises, never outlives its hard bound."""
    start = time.monotonic()
    try:
        fn = probe_for(job.kind)
        # asyncio.timeout (not wait_for) runs the probe in this task: no extra task per check.
        async with asyncio.timeout(job.timeout + HARD_BOUND_MARGIN):
            outcome = await fn(job, ctx)
    except TimeoutError:
        status = Status.UNKNOWN if asks_control_plane(job.kind) else Status.DOWN
        outcome = Outcome(
            status,
            f"timed out after {format_duration(job.timeout)}",
            latency_ms=(time.monotonic() - start) * 1000.0,
        )
    except Exception as exc:  # a probe bug must become a result, not a crash of the run
        outcome = Outcome(
            Status.UNKNOWN,
            f"check failed: {type(exc).__name__}: {excerpt(str(exc), 200)}",
        )
    return _stamp(job, outcome)


async def execute_limited(job: CheckJob, ctx: ProbeContext) -> CheckResult:
    """Run one check once a concurrency slot is free."""
    async with ctx.semaphore:
        return await execute(job, ctx)


async def run_round(jobs: Iterable[CheckJob], ctx: ProbeContext) -> list[CheckResult]:
    """Run every job once, concurrently (bounded by ``ctx.semaphore``), in job order."""
    return list(await asyncio.gather(*(execute_limited(job, ctx) for job in jobs)))
