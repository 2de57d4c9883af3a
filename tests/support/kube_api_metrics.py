"""The resource metrics API (``metrics.k8s.io/v1beta1``) of the Kubernetes API stand-in.

What metrics-server serves through the aggregator and ``kubectl top`` reads: PodMetrics
(``containers[].usage``) and NodeMetrics (``usage``) as single objects and lists, PodMetrics
filtered by the pods' labels, plus the group in ``/apis`` discovery (legacy and aggregated v2),
which ``kubectl top`` checks first. The shapes follow the published API reference
(kubernetes/website ``docs/reference/external-api/metrics.v1beta1.md``) and metrics-server's
answers: the group's resource list has ``nodes`` and ``pods`` with verbs get and list, and a
missing object is a NotFound Status for ``podmetrics.metrics.k8s.io`` (named
``namespace/name``) or ``nodemetrics.metrics.k8s.io``.

The API is off until :meth:`KubeMetrics.enable` (a cluster without metrics-server answers 404
with no details, as the apiserver does for a group it does not know). Core ``/api/v1/nodes``
objects are served either way: ``kubectl top node`` reads their allocatable CPU and memory
for its percentages.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING

from tests.support import kube_api_objects as objects
from tests.support.kube_api_http import AGGREGATED_V2, wants_aggregated
from tests.support.kube_api_objects import Obj
from tests.support.kube_api_select import SelectorError, label_selector
from tests.support.kube_api_state import ApiError

if TYPE_CHECKING:
    from tests.support.kube_api_http import Handler

GROUP = "metrics.k8s.io"
VERSION = "v1beta1"
GROUP_VERSION = f"{GROUP}/{VERSION}"
_KINDS = {"pods": ("PodMetrics", "Namespaced"), "nodes": ("NodeMetrics", "Cluster")}


def _stamp(when: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(when))


def _aggregated_group() -> Obj:
    resources = [
        {
            "resource": resource,
            "responseKind": {"group": GROUP, "version": VERSION, "kind": kind},
            "scope": scope,
            "singularResource": "",
            "verbs": ["get", "list"],
        }
        for resource, (kind, scope) in sorted(_KINDS.items())
    ]
    return {
        "metadata": {"name": GROUP, "creationTimestamp": None},
        "versions": [{"version": VERSION, "resources": resources, "freshness": "Current"}],
    }


def _legacy_group() -> Obj:
    version = {"groupVersion": GROUP_VERSION, "version": VERSION}
    return {"name": GROUP, "versions": [version], "preferredVersion": version}


def _resource_list() -> Obj:
    return {
        "kind": "APIResourceList",
        "apiVersion": "v1",
        "groupVersion": GROUP_VERSION,
        "resources": [
            {
                "name": resource,
                "singularName": "",
                "namespaced": scope == "Namespaced",
                "kind": kind,
                "verbs": ["get", "list"],
            }
            for resource, (kind, scope) in sorted(_KINDS.items())
        ],
    }


class KubeMetrics:
    """Pod and node usage the test sets, served as metrics-server would."""

    def __init__(self) -> None:
        self.enabled = False
        self._lock = threading.Lock()
        self._pods: dict[tuple[str, str], Obj] = {}
        self._node_metrics: dict[str, Obj] = {}
        self._nodes: dict[str, Obj] = {}

    def enable(self) -> KubeMetrics:
        """Serve the metrics API (as if metrics-server were installed)."""
        self.enabled = True
        return self

    def set_pod(
        self,
        namespace: str,
        name: str,
        containers: Mapping[str, tuple[str, str]],
        labels: Mapping[str, str] | None = None,
        *,
        at: float | None = None,
    ) -> Obj:
        """Set a pod's usage: container name -> (cpu, memory) quantities, e.g. ("250m", "64Mi").

        ``labels`` are the pod's (metrics-server copies them, so selectors work); ``at`` is the
        scrape time (default now).
        """
        meta = {
            "name": name,
            "namespace": namespace,
            "creationTimestamp": _stamp(time.time()),
            "labels": dict(labels or {}),
        }
        obj: Obj = {
            "kind": "PodMetrics",
            "apiVersion": GROUP_VERSION,
            "metadata": meta,
            "timestamp": _stamp(time.time() if at is None else at),
            "window": "15.012s",
            "containers": [
                {"name": c, "usage": {"cpu": cpu, "memory": mem}}
                for c, (cpu, mem) in containers.items()
            ],
        }
        with self._lock:
            self._pods[(namespace, name)] = obj
        return obj

    def set_node(
        self,
        name: str,
        cpu: str,
        memory: str,
        *,
        allocatable: tuple[str, str] = ("4", "16Gi"),
        labels: Mapping[str, str] | None = None,
        at: float | None = None,
    ) -> Obj:
        """Add a node (with ``allocatable`` cpu and memory) and set its usage."""
        node_labels = {"kubernetes.io/hostname": name, **(labels or {})}
        meta = {"name": name, "creationTimestamp": _stamp(time.time()), "labels": node_labels}
        usage: Obj = {
            "kind": "NodeMetrics",
            "apiVersion": GROUP_VERSION,
            "metadata": dict(meta),
            "timestamp": _stamp(time.time() if at is None else at),
            "window": "20.034s",
            "usage": {"cpu": cpu, "memory": memory},
        }
        room = {"cpu": allocatable[0], "memory": allocatable[1], "pods": "110"}
        node: Obj = {
            "kind": "Node",
            "apiVersion": "v1",
            "metadata": {**meta, "uid": objects.new_uid(), "resourceVersion": "1"},
            "spec": {},
            "status": {
                "capacity": dict(room),
                "allocatable": dict(room),
                "conditions": [{"type": "Ready", "status": "True", "reason": "KubeletReady"}],
            },
        }
        with self._lock:
            self._node_metrics[name] = usage
            self._nodes[name] = node
        return usage

    # ------------------------------------------------------------------ HTTP

    def serve(self, handler: Handler, parts: tuple[str, ...], accept: str) -> bool:
        """Answer the request if it is one of ours; False leaves it to the main router."""
        if handler.command != "GET":
            return False
        if parts[:3] == ("api", "v1", "nodes") and len(parts) <= 4:
            self._answer(handler, "Node", self._nodes, parts[3:], "")
            return True
        if not self.enabled:
            return False
        if parts == ("apis",):
            if wants_aggregated(accept):
                doc = objects.discovery("aggregated_v2")
                doc["items"].append(_aggregated_group())
                handler._send_json(200, doc, AGGREGATED_V2)
            else:
                doc = objects.discovery("apis")
                doc["groups"].append(_legacy_group())
                handler._send_json(200, doc)
            return True
        if parts == ("apis", GROUP):
            handler._send_json(200, {"kind": "APIGroup", "apiVersion": "v1", **_legacy_group()})
            return True
        if parts[:3] != ("apis", GROUP, VERSION):
            return False
        rest = parts[3:]
        if not rest:
            handler._send_json(200, _resource_list())
        elif rest[0] == "nodes" and len(rest) <= 2:
            self._answer(handler, "NodeMetrics", self._node_metrics, rest[1:], "")
        elif rest == ("pods",):
            self._answer(handler, "PodMetrics", self._pods_in(None), (), "")
        elif len(rest) in (3, 4) and rest[0] == "namespaces" and rest[2] == "pods":
            self._answer(handler, "PodMetrics", self._pods_in(rest[1]), rest[3:], rest[1])
        else:
            return False
        return True

    def _pods_in(self, namespace: str | None) -> dict[str, Obj]:
        with self._lock:
            return {
                f"{ns}/{name}": obj
                for (ns, name), obj in sorted(self._pods.items())
                if namespace is None or ns == namespace
            }

    def _answer(
        self,
        handler: Handler,
        kind: str,
        found: Mapping[str, Obj],
        name: tuple[str, ...],
        namespace: str,
    ) -> None:
        with self._lock:
            items = dict(found)
        if name:
            key = f"{namespace}/{name[0]}" if namespace else name[0]
            if key not in items:
                # metrics-server names the missing object namespace/name:
                # podmetrics.metrics.k8s.io "shop/api-1" not found.
                if kind == "Node":
                    raise ApiError(objects.not_found("nodes", "", key))
                raise ApiError(objects.not_found(kind.lower(), GROUP, key))
            handler._send_json(200, items[key])
            return
        try:
            wanted = label_selector(handler._q("labelSelector"))
        except SelectorError as err:
            raise ApiError(objects.status(400, "BadRequest", str(err))) from err
        chosen = [
            {k: v for k, v in obj.items() if k not in ("kind", "apiVersion")}
            for obj in items.values()
            if wanted(obj["metadata"].get("labels", {}))
        ]
        handler._send_json(
            200,
            {
                "kind": f"{kind}List",
                "apiVersion": "v1" if kind == "Node" else GROUP_VERSION,
                "metadata": {"resourceVersion": "1"} if kind == "Node" else {},
                "items": chosen,
            },
        )
