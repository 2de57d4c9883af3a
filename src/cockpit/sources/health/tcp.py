"""TCP checks: a connect to host:port is enough to call Postgres or Redis reachable."""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import TYPE_CHECKING

from cockpit.config.services import TcpProbe
from cockpit.domain.durations import format_duration
from cockpit.domain.health import Outcome, Status
from cockpit.sources.health.describe import describe_error

if TYPE_CHECKING:
    from cockpit.sources.health.context import ProbeContext
    from cockpit.sources.health.plan import CheckJob


async def probe(job: CheckJob, ctx: ProbeContext) -> Outcome:
    """Open and close a TCP connection within the timeout."""
    spec = job.config.tcp
    assert isinstance(spec, TcpProbe)
    start = time.monotonic()
    try:
        _, writer = await asyncio.wait_for(
            asyncio.open_connection(spec.host, spec.port), spec.timeout
        )
    except TimeoutError:
        return Outcome(
            Status.DOWN,
            f"connect to {spec.host}:{spec.port} timed out after {format_duration(spec.timeout)}",
            latency_ms=(time.monotonic() - start) * 1000.0,
        )
    except OSError as exc:
        return Outcome(
            Status.DOWN,
            f"{spec.host}:{spec.port}: {describe_error(exc, host=spec.host)}",
            latency_ms=(time.monotonic() - start) * 1000.0,
        )
    latency = (time.monotonic() - start) * 1000.0
    writer.close()
    with contextlib.suppress(OSError):
        await writer.wait_closed()
    return Outcome(Status.UP, f"connected in {latency:.0f} ms", latency_ms=latency)
