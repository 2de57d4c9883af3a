"""The metrics API (``metrics.k8s.io/v1beta1``) for the Kubernetes API stand-in.

Serves PodMetrics and NodeMetrics as metrics-server does (its shapes and units: CPU in
nanocores such as ``250000000n``, memory in ``Ki``), listed and one by one, with label selectors
on pods, and adds the group to aggregated discovery so ``kubectl top`` finds it. Values are the
ones a test sets; with :attr:`MetricsApi.enabled` False the group is gone, as on a cluster
without metrics-server.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

from tests.support.kube_api_objects import rfc3339, status, utcnow
from tests.support.kube_api_select import label_selector

GROUP, VERSION = "metrics.k8s.io", "v1beta1"
API_VERSION = f"{GROUP}/{VERSION}"
Obj = dict[str, Any]


def _cpu(cores: float) -> str:
    return f"{round(cores * 1e9)}n"


def _memory(size: int) -> str:
    return f"{size // 1024}Ki"


class MetricsApi:
    """What metrics-server would report; tests set it with :meth:`set_pod` / :meth:`set_node`."""

    def __init__(self) -> None:
        self.enabled = True
        self._lock = threading.Lock()
        self._pods: dict[tuple[str, str], tuple[dict[str, str], dict[str, tuple[float, int]]]] = {}
        self._nodes: dict[str, tuple[float, int]] = {}

    def set_pod(
        self,
        namespace: str,
        name: str,
        containers: Mapping[str, tuple[float, int]],
        labels: Mapping[str, str] | None = None,
    ) -> None:
        """Usage of each container of a pod: ``{container: (cores, bytes)}``."""
        with self._lock:
            self._pods[(namespace, name)] = (dict(labels or {"app": name}), dict(containers))

    def set_node(self, name: str, cores: float, memory: int) -> None:
        """Usage of a node."""
        with self._lock:
            self._nodes[name] = (cores, memory)

    def discovery_item(self) -> Obj | None:
        """The group's entry in aggregated ``/apis`` discovery (None when disabled)."""
        if not self.enabled:
            return None

        def resource(name: str, kind: str, scope: str) -> Obj:
            return {
                "resource": name,
                "responseKind": {"group": "", "version": "", "kind": kind},
                "scope": scope,
                "singularResource": "",
                "verbs": ["get", "list"],
            }

        return {
            "metadata": {"name": GROUP, "creationTimestamp": None},
            "versions": [
                {
                    "version": VERSION,
                    "freshness": "Current",
                    "resources": [
                        resource("nodes", "NodeMetrics", "Cluster"),
                        resource("pods", "PodMetrics", "Namespaced"),
                    ],
                }
            ],
        }

    def _pod(self, namespace: str, name: str) -> Obj:
        labels, containers = self._pods[(namespace, name)]
        return {
            "kind": "PodMetrics",
            "apiVersion": API_VERSION,
            "metadata": {
                "name": name,
                "namespace": namespace,
                "creationTimestamp": rfc3339(utcnow()),
                "labels": labels,
            },
            "timestamp": rfc3339(utcnow()),
            "window": "15.012s",
            "containers": [
                {"name": c, "usage": {"cpu": _cpu(cores), "memory": _memory(size)}}
                for c, (cores, size) in containers.items()
            ],
        }

    def _node(self, name: str) -> Obj:
        cores, size = self._nodes[name]
        return {
            "kind": "NodeMetrics",
            "apiVersion": API_VERSION,
            "metadata": {
                "name": name,
                "creationTimestamp": rfc3339(utcnow()),
                "labels": {"kubernetes.io/hostname": name},
            },
            "timestamp": rfc3339(utcnow()),
            "window": "20.035s",
            "usage": {"cpu": _cpu(cores), "memory": _memory(size)},
        }

    def answer(self, rest: tuple[str, ...], query: Mapping[str, list[str]]) -> tuple[int, Obj]:
        """The response to ``GET /apis/metrics.k8s.io/v1beta1/<rest>``."""
        if not self.enabled:
            return 404, status(404, "NotFound", "the server could not find the requested resource")
        with self._lock:
            if rest == ("nodes",):
                items = [self._node(n) for n in sorted(self._nodes)]
                return 200, {
                    "kind": "NodeMetricsList",
                    "apiVersion": API_VERSION,
                    "metadata": {},
                    "items": items,
                }
            if len(rest) == 2 and rest[0] == "nodes":
                if rest[1] not in self._nodes:
                    return 404, self._missing("nodes", rest[1])
                return 200, self._node(rest[1])
            if len(rest) >= 3 and rest[0] == "namespaces" and rest[2] == "pods":
                namespace = rest[1]
                if len(rest) == 4:
                    if (namespace, rest[3]) not in self._pods:
                        return 404, self._missing("pods", rest[3])
                    return 200, self._pod(namespace, rest[3])
                wanted = label_selector((query.get("labelSelector") or [None])[0])
                items = [
                    self._pod(ns, name)
                    for (ns, name), (labels, _) in sorted(self._pods.items())
                    if ns == namespace and wanted(labels)
                ]
                return 200, {
                    "kind": "PodMetricsList",
                    "apiVersion": API_VERSION,
                    "metadata": {},
                    "items": items,
                }
        return 404, status(404, "NotFound", "the server could not find the requested resource")

    @staticmethod
    def _missing(kind: str, name: str) -> Obj:
        return status(
            404,
            "NotFound",
            f'{kind}.{GROUP} "{name}" not found',
            {"name": name, "group": GROUP, "kind": kind},
        )
