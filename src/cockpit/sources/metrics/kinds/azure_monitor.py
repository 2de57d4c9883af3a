"""Platform metrics of an Azure resource, as ``az monitor metrics list`` reads them.

azure-mgmt-monitor's ``metrics.list`` with the environment's ARM endpoint and the health
checks' non-interactive credential chain
(:class:`~cockpit.sources.health.azure_webapp.ArmCredential`: authority, tenant and instance
discovery from the environment's ``azure:`` settings).
Each timeseries (one per dimension value) is one series, named by its dimension values.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
import time
from typing import TYPE_CHECKING, Any

from cockpit.config.metrics import AzureMonitorMetric
from cockpit.domain.durations import format_duration
from cockpit.sources.health.azure_webapp import (
    ArmCredential,
    arm_scope,
    credential_key,
    first_line,
)
from cockpit.sources.health.describe import describe_error
from cockpit.sources.metrics.reading import MetricError, Reading
from cockpit.text.sanitize import excerpt

if TYPE_CHECKING:
    from azure.mgmt.monitor import MonitorManagementClient
    from azure.mgmt.monitor.models import Metric, Response

    from cockpit.config.environments import AzureTarget, Environment
    from cockpit.config.metrics import MetricConfig
    from cockpit.sources.health.context import ProbeContext

READ_GRAINS = 3
"""Grains asked for on each read: the newest grain is often still empty (ingestion delay)."""


def iso_duration(seconds: float) -> str:
    """``seconds`` as an ISO 8601 duration (``PT1M``, ``PT5M``, ``PT1H``, ``P1D``)."""
    days, rest = divmod(round(seconds), 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    clock = "".join(f"{n}{u}" for n, u in ((hours, "H"), (minutes, "M"), (secs, "S")) if n)
    return "P" + (f"{days}D" if days else "") + (f"T{clock}" if clock else "")


def _iso_time(ts: float) -> str:
    moment = dt.datetime.fromtimestamp(int(ts), dt.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


class _Credential:
    """The environment's credential; a failure to get a token becomes the metric's reason."""

    def __init__(self, inner: ArmCredential) -> None:
        self._inner = inner
        # Metrics of one environment are read at the same moment: the first token request
        # fills azure-identity's cache for the others instead of all asking at once.
        self._lock = threading.Lock()

    def get_token(self, *scopes: str, **kwargs: Any) -> Any:
        """A token, or MetricError with the credential chain's first line."""
        try:
            with self._lock:
                return self._inner.get_token(*scopes, **kwargs)
        except Exception as exc:  # any credential failure means "cannot ask"
            raise MetricError(f"no Azure credential: {first_line(exc)}") from None


def _client(target: AzureTarget, ctx: ProbeContext, timeout: float) -> MonitorManagementClient:
    from azure.mgmt.monitor import MonitorManagementClient

    return MonitorManagementClient(
        _Credential(ArmCredential(target, ctx, timeout)),
        target.subscription,
        base_url=target.arm_endpoint,
        credential_scopes=[arm_scope(target)],
        # The next poll is the retry: azure-core's back-off would outlast the read's timeout.
        retry_total=0,
    )


def _client_key(target: AzureTarget) -> tuple[object, ...]:
    return ("azure-monitor", target.arm_endpoint, target.subscription, *credential_key(target))


def _arm_reason(exc: Any) -> str:
    error = getattr(exc, "error", None)
    code = getattr(error, "code", None) or ""
    message = getattr(error, "message", None) or getattr(exc, "reason", None) or ""
    status = getattr(exc, "status_code", None)
    detail = excerpt(f"{code}: {message}" if code else str(message), 200)
    if status in (401, 403):
        return f"Azure Monitor refused the credential (HTTP {status}) {detail}".strip()
    return f"Azure Monitor HTTP {status} {detail}".strip()


def _query(
    spec: AzureMonitorMetric, client: MonitorManagementClient, arm: str, start: float, end: float
) -> Response:
    """``metrics.list`` for ``[start, end]`` (blocking), its errors made one-line reasons."""
    from azure.core.exceptions import HttpResponseError, ServiceRequestError, ServiceResponseError

    try:
        return client.metrics.list(
            spec.resource.strip("/"),
            timespan=f"{_iso_time(start)}/{_iso_time(end)}",
            interval=iso_duration(spec.granularity),
            metricnames=spec.metric,
            aggregation=spec.aggregation,
            metricnamespace=spec.namespace,
            connection_timeout=spec.timeout,
            read_timeout=spec.timeout,
            # A plain-http ARM endpoint is one the config names on purpose (a private cloud).
            enforce_https=not arm.startswith("http://"),
        )
    except (ServiceRequestError, ServiceResponseError) as exc:
        # azure-core keeps the transport's error aside, outside the exception chain.
        cause = getattr(exc, "inner_exception", None) or exc
        reason = describe_error(cause, timeout=spec.timeout)
        raise MetricError(f"Azure Monitor unreachable: {reason}") from None
    except HttpResponseError as exc:
        raise MetricError(_arm_reason(exc)) from None


def _metric(spec: AzureMonitorMetric, response: Response) -> Metric:
    found = [m for m in response.value if (m.name.value or "").lower() == spec.metric.lower()]
    if not found:
        raise MetricError(f"Azure Monitor returned no metric {excerpt(spec.metric, 80)!r}")
    metric = found[0]
    if metric.error_code and metric.error_code != "Success":
        detail = f"{metric.error_code}: {metric.error_message or ''}".rstrip(": ")
        raise MetricError(excerpt(detail, 200))
    return metric


def _series(
    metric: Metric, spec: AzureMonitorMetric
) -> list[tuple[str, list[tuple[float, float]]]]:
    """Each timeseries' label and its ``(ts, value)`` points that hold the chosen aggregation."""
    field = spec.aggregation.lower()
    several = len(metric.timeseries or []) > 1
    out = []
    for element in metric.timeseries or []:
        label = " ".join(
            f"{excerpt(m.name.value if m.name else '', 40)}={excerpt(m.value or '', 60)}"
            for m in element.metadatavalues or []
        )
        points: list[tuple[float, float]] = []
        for point in element.data or []:
            value = getattr(point, field, None)
            if isinstance(value, (int, float)):
                points.append((point.time_stamp.timestamp(), float(value)))
        out.append((label if several else "", sorted(points)))
    return out


async def _points(
    entry: MetricConfig, env: Environment, ctx: ProbeContext, start: float, end: float
) -> list[tuple[str, list[tuple[float, float]]]]:
    spec = entry.azure_monitor
    assert isinstance(spec, AzureMonitorMetric)
    target = env.azure
    if target is None:
        raise MetricError(
            "the environment has no azure: section: add azure: {subscription: ID} to it"
        )
    key = _client_key(target)
    # One client per environment: the first read builds it (and imports azure) for the others.
    async with ctx.cached(("lock", *key), asyncio.Lock):
        client = await ctx.run_blocking(
            lambda: ctx.cached(key, lambda: _client(target, ctx, spec.timeout))
        )
    response = await ctx.run_blocking(lambda: _query(spec, client, target.arm_endpoint, start, end))
    return _series(_metric(spec, response), spec)


async def read(entry: MetricConfig, env: Environment, ctx: ProbeContext) -> list[Reading]:
    """The newest point of each timeseries that holds a value for the chosen aggregation."""
    spec = entry.azure_monitor
    assert isinstance(spec, AzureMonitorMetric)
    now = time.time()
    span = READ_GRAINS * spec.granularity
    series = await _points(entry, env, ctx, now - span, now)
    readings = [Reading(label, points[-1][1], points[-1][0]) for label, points in series if points]
    if not readings:
        raise MetricError(f"no {spec.aggregation} value in the last {format_duration(span)}")
    return readings


async def backfill(
    entry: MetricConfig,
    env: Environment,
    ctx: ProbeContext,
    start: float,
    end: float,
    step: float,
) -> list[Reading]:
    """Every point in ``[start, end]`` at the metric's own granularity (``step`` is not used:
    Azure Monitor only answers in its fixed time grains)."""
    series = await _points(entry, env, ctx, start, end)
    return [
        Reading(label, value, ts)
        for label, points in series
        for ts, value in points
        if start <= ts <= end
    ]
