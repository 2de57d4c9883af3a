"""Metrics derived from the cockpit's own health history: latency percentiles and availability.

Over the last ``over`` seconds of a service's results (or one check's): p50 / p95 of the
latencies by the nearest-rank method (the value below which that share of results fall,
always one that was measured), or the share of results that were UP or DEGRADED among those
that said anything (UNKNOWN results count neither way, as in the Health pane).
"""

from __future__ import annotations

import math
import time
from typing import TYPE_CHECKING

from cockpit.config.metrics import HealthMetric
from cockpit.domain.health import Status
from cockpit.sources.metrics.reading import MetricError, Reading

if TYPE_CHECKING:
    from cockpit.config.environments import Environment
    from cockpit.config.metrics import MetricConfig
    from cockpit.sources.health.context import ProbeContext

_AVAILABLE = (Status.UP, Status.DEGRADED)
_COUNTED = (*_AVAILABLE, Status.DOWN)


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile: the smallest value with at least ``share`` of values <= it."""
    ordered = sorted(values)
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[rank - 1]


def derive(spec: HealthMetric, results: list[tuple[Status, float | None]]) -> float | None:
    """The metric's value from (status, latency) results; None when none counts."""
    if spec.metric == "availability":
        counted = [status for status, _ in results if status in _COUNTED]
        if not counted:
            return None
        return 100.0 * sum(status in _AVAILABLE for status in counted) / len(counted)
    latencies = [latency for _, latency in results if latency is not None]
    if not latencies:
        return None
    return percentile(latencies, 0.5 if spec.metric == "latency_p50" else 0.95)


async def read(entry: MetricConfig, env: Environment, ctx: ProbeContext) -> list[Reading]:
    """Compute the metric from the results kept in the state store."""
    spec = entry.health
    assert isinstance(spec, HealthMetric)
    history = getattr(ctx, "health_history", None)
    if history is None:
        raise MetricError("no health history: the state store is not available")
    since = time.time() - spec.over
    results = await ctx.run_blocking(
        lambda: history.since(spec.service, env.name, since, spec.check)
    )
    value = derive(spec, results)
    if value is None:
        what = spec.service if spec.check is None else f"{spec.service} ({spec.check})"
        raise MetricError(f"no results yet for {what} in the last {_span(spec.over)}")
    return [Reading("", value)]


def _span(seconds: float) -> str:
    from cockpit.domain.durations import format_duration

    return format_duration(seconds)
