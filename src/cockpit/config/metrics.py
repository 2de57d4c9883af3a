"""Metric config (`metrics:`): each entry is one kind key plus name, scope and thresholds.

```yaml
metrics:
  - name: cpu
    host: {metric: cpu_percent}
    warn: 80
    crit: 90
    action: Scale up
  - name: targets-up
    prometheus: {query: "sum(up)"}
    warn: 1
    crit: 0
    direction: below
    environments: [production]
```
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator

from cockpit.config.base import (
    Duration,
    Environments,
    KindKeyed,
    KindSettings,
    Label,
    LocatedError,
    Model,
    Name,
    kind_fields,
)

HOST_METRICS: dict[str, str] = {
    "cpu_percent": "%",
    "memory_percent": "%",
    "memory_used": "B",
    "swap_percent": "%",
    "disk_percent": "%",
    "disk_read": "B/s",
    "disk_write": "B/s",
    "net_rx": "B/s",
    "net_tx": "B/s",
    "load1": "",
    "load_per_core": "",
}
"""Host metrics by name, with the unit each is measured in."""

HostMetricName = Literal[
    "cpu_percent",
    "memory_percent",
    "memory_used",
    "swap_percent",
    "disk_percent",
    "disk_read",
    "disk_write",
    "net_rx",
    "net_tx",
    "load1",
    "load_per_core",
]

Aggregation = Literal["Average", "Total", "Minimum", "Maximum", "Count"]


class HostMetric(KindSettings):
    """A reading of the cockpit's own host through psutil (what `top`, `free -h`, `df -h` show)."""

    metric: HostMetricName
    """What to read: cpu_percent, memory_percent, memory_used, swap_percent, disk_percent,
    disk_read, disk_write, net_rx, net_tx, load1 or load_per_core."""
    mount: str | None = None
    """For disk_percent: one mount point (default: one row per real disk mount)."""


class PrometheusMetric(KindSettings):
    """A PromQL instant query on the environment's Prometheus (its `prometheus:` url and headers).

    Several series come back as rows named by the labels that tell them apart, or as one row
    with ``sum: true``. The window is backfilled with ``query_range`` at start.
    """

    query: str = Field(min_length=1)
    """PromQL, e.g. ``sum(rate(http_requests_total{status=~"5.."}[5m]))``."""
    label: str | None = None
    """Name each series by this label (default: the labels whose values differ)."""
    sum: bool = False
    """Add the series up into one row."""
    backfill: bool = True
    """Fill the window from ``query_range`` at start, so sparklines are full at once."""
    timeout: Duration = Field(default=5.0, gt=0)
    """Per request."""


class AzureMonitorMetric(KindSettings):
    """A platform metric of an Azure resource (``az monitor metrics list``), via azure-mgmt-monitor.

    The subscription, tenant and endpoints are the environment's `azure:` settings.
    """

    resource: str = Field(min_length=1)
    """Resource id: ``/subscriptions/S/resourceGroups/G/providers/Microsoft.Web/sites/X``."""
    metric: str = Field(min_length=1)
    """Metric name, e.g. Http5xx, HttpResponseTime, CpuPercentage, MemoryPercentage."""
    aggregation: Aggregation = "Average"
    """Average, Total, Minimum, Maximum or Count."""
    granularity: Duration = Field(default=60.0, ge=60.0)
    """Time grain of each point (Azure's ``interval``; at least 1m)."""
    timespan: Duration = Field(default=3600.0, gt=0)
    """How far back to read on each poll (the first poll fills the window)."""
    namespace: str | None = None
    """Metric namespace when it is not the resource type's default."""
    timeout: Duration = Field(default=15.0, gt=0)
    """Per request, credential included."""


class DockerMetric(KindSettings):
    """A container's CPU or memory from the Engine API's stats (what `docker stats` shows)."""

    container: str = Field(min_length=1)
    """Container name or id."""
    metric: Literal["cpu_percent", "memory_used", "memory_percent"] = "cpu_percent"
    """cpu_percent (of the whole host, as docker stats), memory_used or memory_percent."""
    timeout: Duration = Field(default=5.0, gt=0)
    """Per request."""


class KubernetesMetric(KindSettings):
    """Pod or node CPU / memory from the metrics API (what `kubectl top` shows).

    Uses the environment's explicit context and namespace.
    """

    pod: str | None = None
    """One pod."""
    selector: str | None = None
    """Pods matching this label selector, one row each (or summed)."""
    node: str | None = None
    """One node."""
    nodes: bool = False
    """Every node, one row each."""
    metric: Literal["cpu", "memory"] = "cpu"
    """cpu (cores) or memory (bytes)."""
    sum: bool = False
    """Add the pods or nodes up into one row."""
    timeout: Duration = Field(default=10.0, gt=0)
    """Per request."""

    @model_validator(mode="after")
    def _one_target(self) -> KubernetesMetric:
        given = [k for k in ("pod", "selector", "node", "nodes") if getattr(self, k)]
        if len(given) != 1:
            raise ValueError(
                "kubernetes metric needs exactly one of pod, selector, node or nodes: true"
                + (f" (got {', '.join(given)})" if given else "")
            )
        return self


class HealthMetric(KindSettings):
    """Derived from a service's health history: latency p50/p95 or availability."""

    service: Name
    """Service name (under `services:`)."""
    check: Name | None = None
    """One of its checks (default: all of them)."""
    metric: Literal["latency_p50", "latency_p95", "availability"] = "latency_p95"
    """latency_p50 / latency_p95 (ms) or availability (% of results UP)."""
    over: Duration = Field(default=3600.0, gt=0)
    """The stretch of history each value is computed over."""


DEFAULT_INTERVALS: dict[str, float] = {
    "host": 1.0,
    "prometheus": 15.0,
    "azure_monitor": 60.0,
    "docker": 5.0,
    "kubernetes": 15.0,
    "health": 10.0,
}
"""How often each kind is read when ``interval`` is not given."""


class MetricConfig(KindKeyed):
    """A metric to watch: exactly one kind key plus name, scope, unit and thresholds.

    ``warn`` and ``crit`` are crossed when the value is above them (``direction: above``, the
    default) or below them (``direction: below``), for at least ``for`` when it is given.
    """

    what = "a metric"

    model_config = Model.model_config | {"populate_by_name": True}

    name: Name
    """Name shown in the Metrics pane and by ``cockpit metrics``."""
    environments: Environments = None
    """Environments this metric belongs to (default: all)."""
    interval: Duration | None = Field(default=None, gt=0)
    """How often it is read (default by kind: host 1s, docker 5s, prometheus and kubernetes
    15s, health 10s, azure_monitor 1m)."""
    unit: str | None = None
    """Unit of the value: %, B, B/s, ms, s, req/s, cores, ... (default: the kind's own)."""
    scale: float = Field(default=1.0, allow_inf_nan=False)
    """Multiply each value by this first (e.g. 100 to show a 0-1 ratio as %)."""
    warn: float | None = Field(default=None, allow_inf_nan=False)
    """Warning threshold."""
    crit: float | None = Field(default=None, allow_inf_nan=False)
    """Critical threshold."""
    direction: Literal["above", "below"] = "above"
    """Whether trouble is a value above the thresholds (CPU, latency) or below (replicas up)."""
    hold: Duration | None = Field(default=None, alias="for", gt=0)
    """Only report a threshold once it has been crossed for this long (written ``for: 5m``)."""
    action: Label | None = None
    """What to do when a threshold is crossed, shown beside it (e.g. ``Scale up``)."""

    host: HostMetric | None = None
    prometheus: PrometheusMetric | None = None
    azure_monitor: AzureMonitorMetric | None = None
    docker: DockerMetric | None = None
    kubernetes: KubernetesMetric | None = None
    health: HealthMetric | None = None

    @field_validator("unit")
    @classmethod
    def _unit(cls, value: str | None) -> str | None:
        if value is not None and (len(value) > 12 or not value.isprintable()):
            raise ValueError(f"unit {value!r}: write a short unit such as %, ms, B, req/s")
        return value

    @model_validator(mode="after")
    def _order(self) -> MetricConfig:
        warn, crit = self.warn, self.crit
        if warn is None or crit is None:
            return self
        if self.direction == "above" and warn > crit:
            raise LocatedError(
                [
                    (
                        ("warn",),
                        f"warn ({warn:g}) is above crit ({crit:g}): swap them, or write "
                        "`direction: below` if a low value is the trouble",
                    )
                ]
            )
        if self.direction == "below" and warn < crit:
            raise LocatedError(
                [
                    (
                        ("warn",),
                        f"warn ({warn:g}) is below crit ({crit:g}) with direction: below: "
                        "swap them (a falling value warns first)",
                    )
                ]
            )
        return self

    @property
    def every(self) -> float:
        """Seconds between readings: ``interval`` or the kind's default."""
        return self.interval if self.interval is not None else DEFAULT_INTERVALS[self.kind]

    @property
    def shown_unit(self) -> str:
        """The unit values are shown in: ``unit`` or the kind's own."""
        if self.unit is not None:
            return self.unit
        return default_unit(self)


def default_unit(entry: MetricConfig) -> str:
    """The unit a kind measures in when the config names none."""
    spec = entry.spec
    if isinstance(spec, HostMetric):
        return HOST_METRICS[spec.metric]
    if isinstance(spec, DockerMetric):
        return "%" if spec.metric.endswith("percent") else "B"
    if isinstance(spec, KubernetesMetric):
        return "cores" if spec.metric == "cpu" else "B"
    if isinstance(spec, HealthMetric):
        return "%" if spec.metric == "availability" else "ms"
    if isinstance(spec, AzureMonitorMetric):
        return AZURE_UNITS.get(spec.metric, "")
    return ""


AZURE_UNITS: dict[str, str] = {
    "CpuPercentage": "%",
    "MemoryPercentage": "%",
    "HttpResponseTime": "s",
    "AverageResponseTime": "s",
    "MemoryWorkingSet": "B",
    "BytesReceived": "B",
    "BytesSent": "B",
    "Percentage CPU": "%",
}
"""Units of well-known Azure Monitor metrics (App Service, VMs); others show bare numbers."""


METRIC_KINDS = kind_fields(MetricConfig)
"""The metric kinds, in the order error messages list them (the model's kind fields)."""
