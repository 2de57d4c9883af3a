"""Pod and node CPU / memory from the Kubernetes metrics API, as `kubectl top` shows them.

Reads ``metrics.k8s.io/v1beta1`` PodMetrics and NodeMetrics (served by metrics-server) with the
official client, always with the environment's explicit context and namespace. CPU comes back
in cores (``250m`` is 0.25), memory in bytes (``128Mi``).
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from cockpit.config.metrics import KubernetesMetric
from cockpit.sources.metrics.reading import MetricError, Reading
from cockpit.text.sanitize import excerpt

if TYPE_CHECKING:
    from cockpit.config.environments import Environment
    from cockpit.config.metrics import MetricConfig
    from cockpit.sources.health.context import ProbeContext

GROUP, VERSION = "metrics.k8s.io", "v1beta1"

_SUFFIX = {
    "n": Decimal("1e-9"),
    "u": Decimal("1e-6"),
    "m": Decimal("1e-3"),
    "": Decimal(1),
    "k": Decimal(10) ** 3,
    "M": Decimal(10) ** 6,
    "G": Decimal(10) ** 9,
    "T": Decimal(10) ** 12,
    "P": Decimal(10) ** 15,
    "E": Decimal(10) ** 18,
    "Ki": Decimal(2) ** 10,
    "Mi": Decimal(2) ** 20,
    "Gi": Decimal(2) ** 30,
    "Ti": Decimal(2) ** 40,
    "Pi": Decimal(2) ** 50,
    "Ei": Decimal(2) ** 60,
}
_QUANTITY = re.compile(r"^([+-]?[0-9.]+(?:[eE][+-]?[0-9]+)?)(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]?)$")


def quantity(text: str) -> float:
    """A Kubernetes quantity as a plain number: ``250m`` -> 0.25, ``128Mi`` -> 134217728.

    Raises:
        ValueError: It is not a quantity.
    """
    match = _QUANTITY.match(text.strip())
    if match is None:
        raise ValueError(f"not a quantity: {text!r}")
    number, suffix = match.groups()
    return float(Decimal(number) * _SUFFIX[suffix])


def _usage(usage: dict[str, Any], metric: str) -> float:
    try:
        return quantity(str(usage.get(metric, "0")))
    except ValueError as exc:
        raise MetricError(f"metrics API sent {excerpt(str(exc), 80)}") from None


def pod_value(item: dict[str, Any], metric: str) -> float:
    """A PodMetrics' usage: the sum over its containers."""
    return sum(_usage(c.get("usage") or {}, metric) for c in item.get("containers") or [])


def readings(spec: KubernetesMetric, items: list[dict[str, Any]], nodes: bool) -> list[Reading]:
    """One reading per pod or node (``pod=NAME`` / ``node=NAME``), or their sum."""
    values = [
        (
            str((item.get("metadata") or {}).get("name", "")),
            _usage(item.get("usage") or {}, spec.metric) if nodes else pod_value(item, spec.metric),
        )
        for item in items
    ]
    if spec.sum or spec.pod or spec.node:
        return [Reading("", sum(v for _, v in values))]
    what = "node" if nodes else "pod"
    return [Reading(f"{what}={excerpt(name, 80)}", value) for name, value in sorted(values)]


def _fetch(api: Any, spec: KubernetesMetric, namespace: str) -> tuple[list[dict[str, Any]], bool]:
    from kubernetes import client

    # The client types these answers as object: they are the decoded JSON documents.
    custom: Any = client.CustomObjectsApi(api)
    timeout = (spec.timeout, spec.timeout)
    if spec.pod:
        item = custom.get_namespaced_custom_object(
            GROUP, VERSION, namespace, "pods", spec.pod, _request_timeout=timeout
        )
        return [item], False
    if spec.selector:
        found = custom.list_namespaced_custom_object(
            GROUP,
            VERSION,
            namespace,
            "pods",
            label_selector=spec.selector,
            _request_timeout=timeout,
        )
        return list(found.get("items") or []), False
    if spec.node:
        item = custom.get_cluster_custom_object(
            GROUP, VERSION, "nodes", spec.node, _request_timeout=timeout
        )
        return [item], True
    found = custom.list_cluster_custom_object(GROUP, VERSION, "nodes", _request_timeout=timeout)
    return list(found.get("items") or []), True


def _refused(exc: Any, spec: KubernetesMetric, context: str) -> MetricError:
    if exc.status == 404:
        # metrics-server names its group in a NotFound for one object; a cluster without it
        # answers the plain "could not find the requested resource".
        target = spec.pod or spec.node
        if target and GROUP in str(exc.body or ""):
            return MetricError(f"no metrics for {excerpt(target, 80)!r} (not found)")
        return MetricError(
            f"metrics API not available in context {context} (is metrics-server installed?)"
        )
    return MetricError(
        f"kubernetes API HTTP {exc.status} (context {context}): {excerpt(str(exc.reason), 120)}"
    )


async def read(entry: MetricConfig, env: Environment, ctx: ProbeContext) -> list[Reading]:
    """Read the pods' or nodes' usage through the environment's context."""
    from cockpit.sources.health.kubernetes import api_client, unreachable_reason

    spec = entry.kubernetes
    assert isinstance(spec, KubernetesMetric)
    target = env.kubernetes
    if target is None:
        raise MetricError(
            f"environment {env.name!r} has no kubernetes: add `kubernetes: {{context: ...}}` to it"
        )

    def fetch() -> tuple[list[dict[str, Any]], bool]:
        api = ctx.cached(
            ("kube", target.kubeconfig, target.context),
            lambda: api_client(target, ctx, spec.timeout),
        )
        return _fetch(api, spec, target.namespace)

    try:
        items, nodes = await ctx.run_blocking(fetch)
    except Exception as exc:
        from kubernetes.client.exceptions import ApiException

        if isinstance(exc, ApiException):
            raise _refused(exc, spec, target.context) from None
        raise MetricError(unreachable_reason(exc, target)) from None
    if not items:
        raise MetricError(f"no pods match {excerpt(spec.selector or '', 80)!r}")
    return readings(spec, items, nodes)
