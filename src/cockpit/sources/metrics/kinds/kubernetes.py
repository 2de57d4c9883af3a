"""Pod and node CPU / memory from the resource metrics API (what `kubectl top` shows).

Reads ``metrics.k8s.io/v1beta1`` PodMetrics and NodeMetrics (served by metrics-server) with
the official client, in the environment's explicit context and namespace. A pod's value is the
sum of its containers, as ``kubectl top pod`` prints it; CPU is in cores, memory in bytes (the
working set).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

from cockpit.config.metrics import KubernetesMetric
from cockpit.sources.health.kubernetes import api_client, unreachable_reason
from cockpit.sources.metrics.quantity import parse_quantity
from cockpit.sources.metrics.reading import MetricError, Reading
from cockpit.text.sanitize import excerpt

if TYPE_CHECKING:
    from kubernetes.client.exceptions import ApiException

    from cockpit.config.environments import Environment, KubernetesTarget
    from cockpit.config.metrics import MetricConfig
    from cockpit.sources.health.context import ProbeContext

GROUP = "metrics.k8s.io"
VERSION = "v1beta1"
NO_API = "metrics API not available (is metrics-server installed?)"


def _what(spec: KubernetesMetric, namespace: str) -> str:
    if spec.pod:
        return f"pod {spec.pod!r} in {namespace}"
    if spec.node:
        return f"node {spec.node!r}"
    return f"pods matching {spec.selector} in {namespace}" if spec.selector else "nodes"


def fetch(api: Any, spec: KubernetesMetric, namespace: str) -> list[dict[str, Any]]:
    """The PodMetrics or NodeMetrics objects the metric reads (blocking)."""
    from kubernetes import client

    objs = client.CustomObjectsApi(api)
    wait = (spec.timeout, spec.timeout)
    found: Any
    if spec.pod:
        found = objs.get_namespaced_custom_object(
            GROUP, VERSION, namespace, "pods", spec.pod, _request_timeout=wait
        )
    elif spec.node:
        found = objs.get_cluster_custom_object(
            GROUP, VERSION, "nodes", spec.node, _request_timeout=wait
        )
    elif spec.selector:
        found = objs.list_namespaced_custom_object(
            GROUP, VERSION, namespace, "pods", label_selector=spec.selector, _request_timeout=wait
        )
    else:
        found = objs.list_cluster_custom_object(GROUP, VERSION, "nodes", _request_timeout=wait)
    if spec.pod or spec.node:
        return [found]
    items: list[dict[str, Any]] = found.get("items") or []
    return items


def usage(obj: dict[str, Any], metric: str) -> float:
    """CPU cores or memory bytes of one PodMetrics (its containers summed) or NodeMetrics."""
    parts = [c.get("usage") or {} for c in obj.get("containers") or []]
    if "containers" not in obj:
        parts = [obj.get("usage") or {}]
    total = 0.0
    for part in parts:
        text = str(part.get(metric, "0"))
        try:
            total += parse_quantity(text)
        except ValueError:
            raise MetricError(f"unreadable {metric} quantity {excerpt(text, 40)!r}") from None
    return total


def _when(obj: dict[str, Any]) -> float | None:
    try:
        return datetime.fromisoformat(str(obj["timestamp"])).timestamp()
    except (KeyError, ValueError):
        return None


def readings(spec: KubernetesMetric, items: list[dict[str, Any]]) -> list[Reading]:
    """One reading per pod or node (``pod=NAME``, ``node=NAME``), or one for all with ``sum``."""
    label = "pod" if spec.pod or spec.selector else "node"
    each = [
        Reading(
            f"{label}={(item.get('metadata') or {}).get('name', '?')}",
            usage(item, spec.metric),
            _when(item),
        )
        for item in items
    ]
    if spec.pod or spec.node:
        return [Reading("", r.value, r.ts) for r in each]
    if spec.sum:
        stamps = [r.ts for r in each if r.ts is not None]
        return [Reading("", sum(r.value for r in each), max(stamps, default=None))]
    return each


def _refusal(exc: ApiException, what: str) -> MetricError:
    """The reason for an API error answer."""
    status = int(exc.status or 0)
    if status == 404:
        try:
            details = json.loads(exc.body or "{}").get("details") or {}
        except (ValueError, AttributeError):
            details = {}
        # The apiserver names the object only when the group exists and the object does not.
        if details.get("name"):
            return MetricError(f"no metrics for {what} (no such object, or not measured yet)")
        return MetricError(NO_API)
    if status in (401, 403):
        return MetricError(f"kubernetes API refused access to metrics (HTTP {status})")
    reason = excerpt(str(exc.reason or ""), 120)
    return MetricError(f"metrics API HTTP {status}: {reason}")


async def read(entry: MetricConfig, env: Environment, ctx: ProbeContext) -> list[Reading]:
    """Read pod or node usage from the metrics API in the environment's context."""
    spec = entry.kubernetes
    assert isinstance(spec, KubernetesMetric)
    target: KubernetesTarget | None = env.kubernetes
    if target is None:
        raise MetricError(f"environment {env.name!r} has no kubernetes: section")
    what = _what(spec, target.namespace)

    def work() -> list[dict[str, Any]]:
        api = ctx.cached(
            ("kube", target.kubeconfig, target.context),
            lambda: api_client(target, ctx, spec.timeout),
        )
        return fetch(api, spec, target.namespace)

    from kubernetes.client.exceptions import ApiException

    try:
        items = await ctx.run_blocking(work)
    except ApiException as exc:
        raise _refusal(exc, what) from None
    except Exception as exc:  # kubeconfig, credentials, transport: the reason says which
        raise MetricError(unreachable_reason(exc, target)) from None
    if not items:
        raise MetricError(f"no metrics for {what} (none match, or not measured yet)")
    return readings(spec, items)
