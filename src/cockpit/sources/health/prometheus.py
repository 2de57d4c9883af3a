"""Prometheus checks: an instant PromQL query; every returned series must pass the conditions."""

from __future__ import annotations

import math
import time
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from cockpit.config.services import PROMETHEUS_PLACEHOLDERS, PrometheusProbe
from cockpit.domain.conditions import Condition, evaluate_all, parse_condition
from cockpit.domain.health import ConditionResult, Outcome, Status
from cockpit.sources.health.describe import describe_error
from cockpit.text.sanitize import excerpt

if TYPE_CHECKING:
    from cockpit.sources.health.context import ProbeContext
    from cockpit.sources.health.plan import CheckJob

ASKS_CONTROL_PLANE = True
"""A timeout means the control plane did not answer: the service's health is unknown."""


MAX_SERIES_SHOWN = 20
_EMPTY = {"up": Status.UP, "down": Status.DOWN, "unknown": Status.UNKNOWN}


@lru_cache(maxsize=512)
def _parsed(texts: tuple[str, ...]) -> list[Condition]:
    return [parse_condition(t, PROMETHEUS_PLACEHOLDERS) for t in texts]


def _labels(metric: dict[str, str]) -> str:
    inner = ",".join(f'{k}="{v}"' for k, v in sorted(metric.items()) if k != "__name__")
    return excerpt(f"{metric.get('__name__', '')}{{{inner}}}", 200)


def _value(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return math.nan


def _series(data: dict[str, Any]) -> list[tuple[str, float]] | None:
    kind = data.get("resultType")
    result = data.get("result")
    if kind == "vector" and isinstance(result, list):
        return [(_labels(s.get("metric") or {}), _value(s["value"][1])) for s in result]
    if kind == "scalar" and isinstance(result, list):
        return [("scalar", _value(result[1]))]
    return None


async def probe(job: CheckJob, ctx: ProbeContext) -> Outcome:
    """Query the environment's Prometheus and judge each series' value."""
    import httpx

    spec = job.config.prometheus
    assert isinstance(spec, PrometheusProbe)
    target = job.env.prometheus
    if target is None:
        return Outcome(Status.UNKNOWN, f"environment {job.environment!r} has no prometheus: url")
    start = time.monotonic()
    try:
        response = await ctx.http_client(True).get(
            f"{target.url.rstrip('/')}/api/v1/query",
            params={"query": spec.query},
            headers=target.headers,
            timeout=httpx.Timeout(spec.timeout),
        )
        body = response.json()
    except httpx.HTTPError as exc:
        reason = describe_error(exc, host=target.url, timeout=spec.timeout)
        return Outcome(Status.UNKNOWN, f"prometheus unreachable: {reason}")
    except ValueError:
        return Outcome(
            Status.UNKNOWN,
            f"prometheus answered HTTP {response.status_code} without JSON",
            detail=excerpt(response.text),
        )
    latency = (time.monotonic() - start) * 1000.0
    if response.status_code != 200 or body.get("status") != "success":
        error = excerpt(str(body.get("error") or body), 200)
        return Outcome(
            Status.UNKNOWN,
            f"prometheus HTTP {response.status_code}: {error}",
            latency_ms=latency,
        )
    series = _series(body.get("data") or {})
    if series is None:
        kind = (body.get("data") or {}).get("resultType")
        return Outcome(Status.UNKNOWN, f"unsupported result type {kind!r}", latency_ms=latency)
    if not series:
        return Outcome(_EMPTY[spec.on_empty], "query returned no series", latency_ms=latency)
    conditions = _parsed(tuple(spec.all_conditions))
    shown: list[ConditionResult] = []
    failing: list[tuple[str, ConditionResult]] = []
    for labels, value in series:
        for result in evaluate_all(conditions, {"VALUE": value}):
            if len(shown) < MAX_SERIES_SHOWN * max(1, len(conditions)):
                shown.append(ConditionResult(f"{labels} {result.expr}", result.ok, result.actual))
            if not result.ok:
                failing.append((labels, result))
    if failing:
        labels, first = failing[0]
        bad_series = len({lb for lb, _ in failing})
        return Outcome(
            Status.DOWN,
            f"{bad_series} of {len(series)} series fail: {labels} {first.expr} "
            f"(actual {first.actual})",
            latency_ms=latency,
            conditions=shown,
        )
    if len(series) == 1:
        reason = f"{series[0][0]} = {shown[0].actual}" if shown else "1 series"
    else:
        reason = f"all {len(series)} series pass"
    return Outcome(Status.UP, reason, latency_ms=latency, conditions=shown)
