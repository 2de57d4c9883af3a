"""PromQL on the environment's Prometheus: an instant query per read, ``query_range`` to backfill.

Several series become one reading each, named by the labels that tell them apart (or by the
``label:`` the config names); ``sum: true`` adds them into one. ``read`` and ``backfill`` name
series the same way, so history and live values land on the same rows.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from cockpit.config.metrics import PrometheusMetric
from cockpit.sources.health.describe import describe_error
from cockpit.sources.metrics.reading import MetricError, Reading
from cockpit.text.sanitize import excerpt

if TYPE_CHECKING:
    from cockpit.config.environments import Environment, PrometheusTarget
    from cockpit.config.metrics import MetricConfig
    from cockpit.sources.health.context import ProbeContext

SERIES_LEN = 80
"""Most characters of a series name: it shares a row with the metric's name and value."""

Labels = Mapping[str, str]
Points = list[tuple[float, float]]


def _number(text: object) -> float:
    # Prometheus writes values as strings ("1.5", "NaN", "+Inf"); float() reads them all.
    try:
        return float(str(text))
    except ValueError:
        return math.nan


def _pair(name: str, value: str) -> str:
    return value if name == "__name__" else f"{name}={value}"


def series_names(metrics: Sequence[Labels], label: str | None = None) -> list[str]:
    """A short name for each series, telling it apart from the others.

    Args:
        metrics: The label sets of the series, in the order Prometheus gave them.
        label: Name each series by this one label (``name=value``) instead.

    Returns:
        ``name=value`` pairs joined with commas, for the labels whose values differ between
        the series (the metric name bare); ``""`` for a lone series, or for one without
        ``label``.
    """
    if label is not None:
        return [excerpt(_pair(label, m[label]), SERIES_LEN) if label in m else "" for m in metrics]
    keys = sorted({k for m in metrics for k in m}, key=lambda k: (k != "__name__", k))
    differing = [k for k in keys if len({m.get(k, "") for m in metrics}) > 1]
    return [
        excerpt(",".join(_pair(k, m.get(k, "")) for k in differing), SERIES_LEN) for m in metrics
    ]


def combine(series: Sequence[tuple[Labels, Points]], spec: PrometheusMetric) -> list[Reading]:
    """Readings out of (labels, points) per series, named and summed as ``spec`` says.

    Series that end up with the same name (``label:`` with a value shared by several series)
    are added up, as ``sum by (label)`` would.
    """
    if not series:
        return []
    if spec.sum:
        names = [""] * len(series)
    else:
        names = series_names([labels for labels, _ in series], spec.label)
    totals: dict[tuple[str, float], float] = {}
    for name, (_, points) in zip(names, series, strict=True):
        for ts, value in points:
            key = (name, ts)
            totals[key] = totals[key] + value if key in totals else value
    return [Reading(name, value, ts) for (name, ts), value in totals.items()]


def _target(env: Environment) -> PrometheusTarget:
    if env.prometheus is None:
        raise MetricError(
            f"environment {env.name!r} has no prometheus: add `prometheus: {{url: ...}}` to it"
        )
    return env.prometheus


async def _ask(
    env: Environment, ctx: ProbeContext, spec: PrometheusMetric, path: str, params: dict[str, str]
) -> dict[str, Any]:
    """The ``data`` of one Prometheus API answer, or MetricError with why there is none."""
    import httpx

    target = _target(env)
    try:
        response = await ctx.http_client(True).get(
            f"{str(target.url).rstrip('/')}{path}",
            params=params,
            headers=target.headers,
            timeout=httpx.Timeout(spec.timeout),
        )
    except httpx.HTTPError as exc:
        reason = describe_error(exc, host=str(target.url), timeout=spec.timeout)
        raise MetricError(f"prometheus unreachable: {reason}") from None
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise MetricError(
            f"prometheus HTTP {response.status_code} without JSON: {excerpt(response.text, 200)}"
        )
    if response.status_code != 200 or body.get("status") != "success":
        error = body.get("error") or body
        raise MetricError(f"prometheus HTTP {response.status_code}: {excerpt(str(error), 200)}")
    data = body.get("data")
    if not isinstance(data, dict):
        raise MetricError("prometheus answered without data")
    return data


def _spec(entry: MetricConfig) -> PrometheusMetric:
    spec = entry.prometheus
    assert isinstance(spec, PrometheusMetric)
    return spec


def _instant(data: dict[str, Any]) -> list[tuple[Labels, Points]]:
    kind, result = data.get("resultType"), data.get("result")
    if kind == "vector" and isinstance(result, list):
        return [
            (s.get("metric") or {}, [(float(s["value"][0]), _number(s["value"][1]))])
            for s in result
        ]
    if kind == "scalar" and isinstance(result, list):
        return [({}, [(float(result[0]), _number(result[1]))])]
    if kind == "matrix":
        raise MetricError(
            "the query gives a range vector: wrap it, e.g. rate(x[5m]) or last_over_time(x[5m])"
        )
    raise MetricError(f"the query gives a {excerpt(str(kind), 40)}, not a number")


async def read(entry: MetricConfig, env: Environment, ctx: ProbeContext) -> list[Reading]:
    """The query's value now: one reading per series (or their sum), at Prometheus' own time."""
    spec = _spec(entry)
    data = await _ask(env, ctx, spec, "/api/v1/query", {"query": spec.query})
    return combine(_instant(data), spec)


async def backfill(
    entry: MetricConfig, env: Environment, ctx: ProbeContext, start: float, end: float, step: float
) -> list[Reading]:
    """Every point of every series between ``start`` and ``end``, ``step`` seconds apart."""
    spec = _spec(entry)
    if not spec.backfill:
        return []
    params = {
        "query": spec.query,
        "start": f"{start:.3f}",
        "end": f"{end:.3f}",
        "step": f"{max(step, 1.0):.3f}",
    }
    data = await _ask(env, ctx, spec, "/api/v1/query_range", params)
    result = data.get("result")
    if data.get("resultType") != "matrix" or not isinstance(result, list):
        raise MetricError(f"query_range gave a {excerpt(str(data.get('resultType')), 40)}")
    series = [
        (s.get("metric") or {}, [(float(ts), _number(v)) for ts, v in s.get("values") or []])
        for s in result
    ]
    return combine(series, spec)
