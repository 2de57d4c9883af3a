"""Server-side ``meta.k8s.io/v1`` Tables, as ``kubectl get`` asks for them (``as=Table``).

Columns, cell texts and priorities follow kube-apiserver's printers
(``pkg/printers/internalversion/printers.go``) for the resources this stand-in serves.
There is no published Table test-data file, so these are built directly.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from tests.support.kube_api_objects import Obj, human_duration, selector_string, utcnow

_CREATED = (
    "CreationTimestamp is a timestamp representing the server time when this object was created."
)

Column = tuple[str, str, int, str]  # name, type, priority, description

# Deployments and ReplicaSets end with the same columns.
_WORKLOAD_TAIL: list[Column] = [
    ("Age", "string", 0, _CREATED),
    ("Containers", "string", 1, "Names of each container in the template."),
    ("Images", "string", 1, "Images referenced by each container in the template."),
    ("Selector", "string", 1, "Label selector for the pods."),
]

_COLUMNS: dict[str, list[Column]] = {
    "pods": [
        ("Name", "string", 0, "Name must be unique within a namespace."),
        ("Ready", "string", 0, "The aggregate readiness state of this pod for accepting traffic."),
        ("Status", "string", 0, "The aggregate status of the containers in this pod."),
        (
            "Restarts",
            "string",
            0,
            "Restarts of the containers in this pod and when the last one restarted.",
        ),
        ("Age", "string", 0, _CREATED),
        (
            "IP",
            "string",
            1,
            "IP address allocated to the pod; empty if not yet allocated.",
        ),
        ("Node", "string", 1, "NodeName is a request to schedule this pod onto a specific node."),
        (
            "Nominated Node",
            "string",
            1,
            "Set only when this pod preempts other pods on the node.",
        ),
        (
            "Readiness Gates",
            "string",
            1,
            "If specified, all readiness gates will be evaluated for pod readiness.",
        ),
    ],
    "deployments": [
        ("Name", "string", 0, "Name must be unique within a namespace."),
        ("Ready", "string", 0, "Number of the pod with ready state"),
        (
            "Up-to-date",
            "string",
            0,
            "Non-terminated pods of this deployment that have the desired template.",
        ),
        (
            "Available",
            "string",
            0,
            "Pods of this deployment ready for at least minReadySeconds.",
        ),
        *_WORKLOAD_TAIL,
    ],
    "replicasets": [
        ("Name", "string", 0, "Name must be unique within a namespace."),
        ("Desired", "integer", 0, "Replicas is the number of desired replicas."),
        ("Current", "integer", 0, "Replicas is the most recently observed number of replicas."),
        ("Ready", "integer", 0, "The number of ready replicas for this replica set."),
        *_WORKLOAD_TAIL,
    ],
    "events": [
        ("Last Seen", "string", 0, "Time when last event occurred"),
        ("Type", "string", 0, "Type of this event."),
        ("Reason", "string", 0, "Reason why this event was generated."),
        ("Object", "string", 0, "The object that this event is about."),
        ("Subobject", "string", 1, "The subobject that this event is about."),
        ("Source", "string", 1, "The component reporting this event."),
        ("Message", "string", 0, "A human-readable description of the status of this operation."),
        ("First Seen", "string", 1, "The time at which the event was first recorded."),
        ("Count", "string", 1, "The number of times this event has occurred."),
        ("Name", "string", 1, "Name must be unique within a namespace."),
    ],
    "namespaces": [
        ("Name", "string", 0, "Name must be unique within a namespace."),
        ("Status", "string", 0, "The status of the namespace"),
        ("Age", "string", 0, _CREATED),
    ],
}
_DEFAULT_COLUMNS: list[Column] = [
    ("Name", "string", 0, "Name must be unique within a namespace."),
    ("Created At", "date", 0, _CREATED),
]


def table(resource: str, objects: Sequence[Obj], resource_version: str, include: str) -> Obj:
    """Render ``objects`` of ``resource`` as a Table.

    ``include`` is the ``includeObject`` query value: ``None``, ``Object`` or ``Metadata``
    (the default, a PartialObjectMetadata per row).
    """
    columns = _COLUMNS.get(resource, _DEFAULT_COLUMNS)
    cells = _CELLS.get(resource, _default_cells)
    now = utcnow()
    rows = []
    for obj in objects:
        row: Obj = {"cells": cells(obj, now)}
        if include == "Object":
            row["object"] = obj
        elif include != "None":
            row["object"] = {
                "kind": "PartialObjectMetadata",
                "apiVersion": "meta.k8s.io/v1",
                "metadata": obj["metadata"],
            }
        rows.append(row)
    return {
        "kind": "Table",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": {"resourceVersion": resource_version},
        "columnDefinitions": [
            {
                "name": name,
                "type": kind,
                "format": "name" if name == "Name" else "",
                "description": description,
                "priority": priority,
            }
            for name, kind, priority, description in columns
        ],
        "rows": rows,
    }


def _age(stamp: str | None, now: datetime) -> str:
    if not stamp:
        return "<unknown>"
    return human_duration(now - datetime.fromisoformat(stamp.replace("Z", "+00:00")))


def pod_status_reason(pod: Obj) -> str:
    """The STATUS text kubectl shows for a pod (a subset of printPod's rules)."""
    status = pod.get("status", {})
    reason = status.get("reason") or status.get("phase") or "Unknown"
    for cs in reversed(status.get("containerStatuses", [])):
        state = cs.get("state", {})
        if state.get("waiting", {}).get("reason"):
            reason = state["waiting"]["reason"]
        elif "terminated" in state:
            term = state["terminated"]
            reason = term.get("reason") or (
                f"Signal:{term['signal']}" if term.get("signal") else f"ExitCode:{term['exitCode']}"
            )
    if pod["metadata"].get("deletionTimestamp"):
        reason = "Terminating"
    return str(reason)


def _pod_cells(pod: Obj, now: datetime) -> list[Any]:
    status = pod.get("status", {})
    statuses = status.get("containerStatuses", [])
    ready = sum(1 for cs in statuses if cs.get("ready"))
    restarts = sum(int(cs.get("restartCount", 0)) for cs in statuses)
    last_restart: datetime | None = None
    for cs in statuses:
        finished = cs.get("lastState", {}).get("terminated", {}).get("finishedAt")
        if finished:
            when = datetime.fromisoformat(finished.replace("Z", "+00:00"))
            last_restart = when if last_restart is None else max(last_restart, when)
    restarts_text = str(restarts)
    if restarts and last_restart is not None:
        restarts_text = f"{restarts} ({human_duration(now - last_restart)} ago)"
    gates = pod["spec"].get("readinessGates", [])
    return [
        pod["metadata"]["name"],
        f"{ready}/{len(pod['spec'].get('containers', []))}",
        pod_status_reason(pod),
        restarts_text,
        _age(pod["metadata"].get("creationTimestamp"), now),
        status.get("podIP") or "<none>",
        pod["spec"].get("nodeName") or "<none>",
        status.get("nominatedNodeName") or "<none>",
        f"0/{len(gates)}" if gates else "<none>",
    ]


def _workload_cells(obj: Obj, now: datetime) -> tuple[list[str], list[str], str, str]:
    containers = obj["spec"]["template"]["spec"].get("containers", [])
    return (
        [c["name"] for c in containers],
        [c["image"] for c in containers],
        selector_string(obj["spec"].get("selector", {})),
        _age(obj["metadata"].get("creationTimestamp"), now),
    )


def _deployment_cells(dep: Obj, now: datetime) -> list[Any]:
    names, images, selector, age = _workload_cells(dep, now)
    status = dep.get("status", {})
    return [
        dep["metadata"]["name"],
        f"{status.get('readyReplicas', 0)}/{dep['spec'].get('replicas', 1)}",
        int(status.get("updatedReplicas", 0)),
        int(status.get("availableReplicas", 0)),
        age,
        ",".join(names),
        ",".join(images),
        selector,
    ]


def _replica_set_cells(rs: Obj, now: datetime) -> list[Any]:
    names, images, selector, age = _workload_cells(rs, now)
    status = rs.get("status", {})
    return [
        rs["metadata"]["name"],
        int(rs["spec"].get("replicas", 1)),
        int(status.get("replicas", 0)),
        int(status.get("readyReplicas", 0)),
        age,
        ",".join(names),
        ",".join(images),
        selector,
    ]


def _event_cells(ev: Obj, now: datetime) -> list[Any]:
    ref = ev.get("involvedObject", {})
    source = ev.get("source", {})
    source_text = ", ".join(v for v in (source.get("component"), source.get("host")) if v)
    last = ev.get("lastTimestamp") or ev.get("eventTime")
    first = ev.get("firstTimestamp") or ev.get("eventTime")
    return [
        _age(last, now),
        ev.get("type", ""),
        ev.get("reason", ""),
        f"{str(ref.get('kind', '')).lower()}/{ref.get('name', '')}",
        ref.get("fieldPath", ""),
        source_text,
        ev.get("message", ""),
        _age(first, now),
        int(ev.get("count", 1)),
        ev["metadata"]["name"],
    ]


def _namespace_cells(ns: Obj, now: datetime) -> list[Any]:
    return [
        ns["metadata"]["name"],
        ns.get("status", {}).get("phase", ""),
        _age(ns["metadata"].get("creationTimestamp"), now),
    ]


def _default_cells(obj: Obj, now: datetime) -> list[Any]:
    return [obj["metadata"]["name"], obj["metadata"].get("creationTimestamp")]


_CELLS: dict[str, Callable[[Obj, datetime], list[Any]]] = {
    "pods": _pod_cells,
    "deployments": _deployment_cells,
    "replicasets": _replica_set_cells,
    "events": _event_cells,
    "namespaces": _namespace_cells,
}
