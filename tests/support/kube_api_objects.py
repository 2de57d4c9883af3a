"""Real-shaped Kubernetes objects for the Kubernetes API stand-in.

Every object starts as a deep copy of a published ``k8s.io/api`` test-data file (every field
populated), then the fields that carry meaning are overridden and the placeholder values that
would contradict each other (a container both running and terminated, a deletion timestamp on a
live pod) are removed. The result parses with the pydantic models of the ``kubernetes`` client
and reads like a real apiserver answer to kubectl.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import json
import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from tests.support.shared_fixtures import shared_fixtures_dir

Obj = dict[str, Any]

# Annotation keys the deployment controller and kubectl use.
REVISION = "deployment.kubernetes.io/revision"
REVISION_HISTORY = "deployment.kubernetes.io/revision-history"
DESIRED_REPLICAS = "deployment.kubernetes.io/desired-replicas"
MAX_REPLICAS = "deployment.kubernetes.io/max-replicas"
RESTARTED_AT = "kubectl.kubernetes.io/restartedAt"
POD_TEMPLATE_HASH = "pod-template-hash"
# The deployment controller never copies these from a Deployment onto its ReplicaSets.
ANNOTATIONS_NOT_COPIED = frozenset(
    {
        "kubectl.kubernetes.io/last-applied-configuration",
        REVISION,
        REVISION_HISTORY,
        DESIRED_REPLICAS,
        MAX_REPLICAS,
        "deprecated.deployment.rollback.to",
    }
)
NODE_NAME = "standin-node-1"
HOST_IP = "10.0.0.11"

# Fields of the published test data that a v1.32 apiserver (the version this stand-in reports)
# does not know. A real server drops unknown fields on write, and kubectl 1.32 drops them when it
# decodes into its typed structs (``rollout undo`` sends back a template without them), so they
# are pruned here. Found by round-tripping the test data through kubectl 1.32.
_CONTAINER_NEWER = (
    "restartPolicyRules",
    "env[].valueFrom.fileKeyRef",
    "lifecycle.stopSignal",
    "lifecycle.postStart.httpGet.protocol",
    "lifecycle.preStop.httpGet.protocol",
    *(
        f"{probe}.{leaf}"
        for probe in ("livenessProbe", "readinessProbe", "startupProbe")
        for leaf in ("grpc.mode", "httpGet.protocol")
    ),
    "volumeMounts[].bindMountOptions",
)
POD_SPEC_NEWER = (
    "evictionResponders",
    "hostnameOverride",
    "schedulingGroup",
    *(
        f"{kind}[].{leaf}"
        for kind in ("containers", "initContainers", "ephemeralContainers")
        for leaf in _CONTAINER_NEWER
    ),
)
POD_STATUS_NEWER = (
    "allocatedResources",
    "extendedResourceClaimStatus",
    "nodeAllocatableResourceClaimStatuses",
    "observedGeneration",
    "resources",
    "volumeHealth",
    "conditions[].observedGeneration",
    *(
        f"{kind}[].{leaf}"
        for kind in ("containerStatuses", "initContainerStatuses", "ephemeralContainerStatuses")
        for leaf in (
            "stopSignal",
            "volumeMounts[].volumeStatus",
            "allocatedResourcesStatus[].resources[].message",
        )
    ),
)

# Alphabet of apimachinery's rand.SafeEncodeString (no vowels, no confusable digits).
_SAFE_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"


def fixtures_dir() -> Path:
    """Return the repository's fixtures folder (``tests/fixtures``)."""
    return shared_fixtures_dir()


@functools.cache
def _load(relative: str) -> Obj:
    data: Obj = json.loads((fixtures_dir() / "k8s" / relative).read_text(encoding="utf-8"))
    return data


def testdata(name: str) -> Obj:
    """Return a private deep copy of ``k8s/testdata/<name>.json`` (e.g. ``core.v1.Pod``)."""
    return copy.deepcopy(_load(f"testdata/{name}.json"))


def discovery(name: str) -> Obj:
    """Return a private deep copy of ``k8s/discovery/<name>.json`` (e.g. ``api__v1``)."""
    return copy.deepcopy(_load(f"discovery/{name}.json"))


def core_aggregated_discovery() -> Obj:
    """``/api`` as a v2 APIGroupDiscoveryList, converted from the legacy ``api__v1.json``.

    client-go only uses aggregated discovery when *both* ``/api`` and ``/apis`` answer in that
    form; otherwise kubectl falls back to fetching every group version one by one.
    """
    resources: dict[str, Obj] = {}
    subresources: list[tuple[str, Obj]] = []
    for res in discovery("api__v1")["resources"]:
        kind = {
            "group": res.get("group", ""),
            "kind": res["kind"],
            "version": res.get("version", ""),
        }
        if "/" in res["name"]:
            parent, sub = res["name"].split("/", 1)
            subresources.append(
                (parent, {"responseKind": kind, "subresource": sub, "verbs": res["verbs"]})
            )
            continue
        entry: Obj = {
            "resource": res["name"],
            "responseKind": kind,
            "scope": "Namespaced" if res["namespaced"] else "Cluster",
            "singularResource": res.get("singularName", ""),
            "verbs": res["verbs"],
        }
        for key in ("shortNames", "categories"):
            if res.get(key):
                entry[key] = res[key]
        resources[res["name"]] = entry
    for parent, sub in subresources:
        resources[parent].setdefault("subresources", []).append(sub)
    return {
        "apiVersion": "apidiscovery.k8s.io/v2",
        "kind": "APIGroupDiscoveryList",
        "metadata": {},
        "items": [
            {
                "metadata": {"name": "", "creationTimestamp": None},
                "versions": [
                    {"version": "v1", "freshness": "Current", "resources": list(resources.values())}
                ],
            }
        ],
    }


def utcnow() -> datetime:
    """Return the current wall-clock time in UTC (object timestamps are wall-clock by nature)."""
    return datetime.now(UTC)


def rfc3339(when: datetime) -> str:
    """Format like ``metav1.Time``: second precision, ``Z`` suffix."""
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def rfc3339_nano(ns: int) -> str:
    """Format nanoseconds since the epoch like Go's ``time.RFC3339Nano`` (trailing zeros cut)."""
    secs, frac = divmod(ns, 1_000_000_000)
    base = datetime.fromtimestamp(secs, UTC).strftime("%Y-%m-%dT%H:%M:%S")
    digits = f"{frac:09d}".rstrip("0")
    return f"{base}.{digits}Z" if digits else f"{base}Z"


def parse_rfc3339_ns(text: str) -> int:
    """Parse an RFC 3339 time (any fraction length) to nanoseconds since the epoch.

    Raises:
        ValueError: if ``text`` is not an RFC 3339 time.
    """
    text = text.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    frac_ns = 0
    if "." in text:
        head, rest = text.split(".", 1)
        digits = ""
        while rest and rest[0].isdigit():
            digits, rest = digits + rest[0], rest[1:]
        if not digits:
            raise ValueError(f"bad fraction in {text!r}")
        frac_ns = int(digits[:9].ljust(9, "0"))
        text = head + rest
    when = datetime.fromisoformat(text)
    if when.tzinfo is None:
        raise ValueError(f"no zone in {text!r}")
    return int(when.timestamp()) * 1_000_000_000 + frac_ns


def human_duration(delta: timedelta) -> str:
    """Age text exactly as apimachinery's ``duration.HumanDuration`` prints it."""
    seconds = int(delta.total_seconds())
    if seconds < -1:
        return "<invalid>"
    if seconds < 0:
        return "0s"
    if seconds < 120:
        return f"{seconds}s"
    minutes = seconds // 60
    if minutes < 10:
        s = seconds % 60
        return f"{minutes}m" if s == 0 else f"{minutes}m{s}s"
    if minutes < 180:
        return f"{minutes}m"
    hours = seconds // 3600
    if hours < 8:
        m = minutes % 60
        return f"{hours}h" if m == 0 else f"{hours}h{m}m"
    if hours < 48:
        return f"{hours}h"
    if hours < 24 * 8:
        h = hours % 24
        return f"{hours // 24}d" if h == 0 else f"{hours // 24}d{h}h"
    if hours < 24 * 365 * 2:
        return f"{hours // 24}d"
    if hours < 24 * 365 * 8:
        dy = (hours // 24) % 365
        years = hours // 24 // 365
        return f"{years}y" if dy == 0 else f"{years}y{dy}d"
    return f"{hours // 24 // 365}y"


def safe_encode(text: str) -> str:
    """apimachinery's ``rand.SafeEncodeString``: map each byte onto the safe alphabet."""
    return "".join(_SAFE_ALPHABET[b % len(_SAFE_ALPHABET)] for b in text.encode())


def fnv32a(data: bytes) -> int:
    """32-bit FNV-1a, the hash the deployment controller uses for ``pod-template-hash``."""
    h = 0x811C9DC5
    for b in data:
        h = ((h ^ b) * 0x01000193) & 0xFFFFFFFF
    return h


def prune(obj: Any, paths: Sequence[str]) -> None:
    """Delete each dotted ``path`` (``[]`` = every list element) from ``obj`` in place."""
    for path in paths:
        _prune_path(obj, path.split("."))


def _prune_path(node: Any, parts: list[str]) -> None:
    if not parts or not isinstance(node, dict):
        return
    head, rest = parts[0], parts[1:]
    key = head.removesuffix("[]")
    if not rest:
        node.pop(key, None)
    elif head.endswith("[]"):
        for item in node.get(key) or []:
            _prune_path(item, rest)
    else:
        _prune_path(node.get(key), rest)


def semantic(value: Any) -> Any:
    """Drop null, false, zero and empty values, as Go's omitempty encoding and typed equality
    treat them as absent (kubectl re-encodes templates; the controller compares typed objects).
    """
    if isinstance(value, dict):
        cleaned = {k: semantic(v) for k, v in value.items()}
        return {k: v for k, v in cleaned.items() if v not in (None, False, "", 0, {}, [])}
    if isinstance(value, list):
        return [semantic(v) for v in value]
    return value


def template_hash(template: Obj) -> str:
    """Stable ``pod-template-hash`` for a pod template (the hash label itself excluded).

    Templates that differ only in omitted-versus-zero fields hash the same, so a template that
    kubectl sends back on ``rollout undo`` finds its old ReplicaSet as the real controller does.
    """
    canonical = canonical_json(semantic(without_hash_label(template)))
    return safe_encode(str(fnv32a(canonical.encode())))


def name_suffix(seed: str) -> str:
    """Five safe characters derived from ``seed``, like a ``generateName`` suffix."""
    digest = hashlib.sha256(seed.encode()).digest()
    return "".join(_SAFE_ALPHABET[b % len(_SAFE_ALPHABET)] for b in digest[:5])


def canonical_json(value: Any) -> str:
    """JSON with sorted keys, for comparing and hashing objects."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def without_hash_label(template: Obj) -> Obj:
    """Copy of a pod template without the ``pod-template-hash`` label (as equalIgnoreHash)."""
    clean = copy.deepcopy(template)
    labels = clean.get("metadata", {}).get("labels")
    if isinstance(labels, dict):
        labels.pop(POD_TEMPLATE_HASH, None)
    return clean


def new_uid() -> str:
    """A fresh object UID."""
    return str(uuid.uuid4())


def object_meta(
    base: Obj,
    *,
    name: str,
    namespace: str,
    labels: Mapping[str, str] | None = None,
    annotations: Mapping[str, str] | None = None,
    owner: Obj | None = None,
    generation: int | None = None,
    created: datetime | None = None,
) -> Obj:
    """Override a test-data ``metadata`` block with a live object's identity.

    ``owner`` is the owning object (its apiVersion/kind/name/uid become a controller reference).
    """
    meta = copy.deepcopy(base)
    for key in (
        "generateName",
        "selfLink",
        "deletionTimestamp",
        "deletionGracePeriodSeconds",
        "finalizers",
        "managedFields",
        "resourceVersion",
    ):
        meta.pop(key, None)
    meta["name"] = name
    meta["namespace"] = namespace
    meta["uid"] = new_uid()
    meta["creationTimestamp"] = rfc3339(created or utcnow())
    _set_or_drop(meta, "labels", dict(labels or {}))
    _set_or_drop(meta, "annotations", dict(annotations or {}))
    if generation is None:
        meta.pop("generation", None)
    else:
        meta["generation"] = generation
    if owner is None:
        meta.pop("ownerReferences", None)
    else:
        ref = copy.deepcopy(base.get("ownerReferences", [{}])[0])
        ref.update(
            apiVersion=owner["apiVersion"],
            kind=owner["kind"],
            name=owner["metadata"]["name"],
            uid=owner["metadata"]["uid"],
            controller=True,
            blockOwnerDeletion=True,
        )
        meta["ownerReferences"] = [ref]
    return meta


def _set_or_drop(target: Obj, key: str, value: Any) -> None:
    # The apiserver omits empty maps and lists (omitempty), so do the same.
    if value:
        target[key] = value
    else:
        target.pop(key, None)


def _container(base: Obj, name: str, image: str) -> Obj:
    container = copy.deepcopy(base)
    prune(container, _CONTAINER_NEWER)
    # Placeholder volume mounts point at volumes the pod does not have, a per-container restart
    # policy is only valid for init containers, and false booleans are omitted by the apiserver.
    for key in ("volumeMounts", "volumeDevices", "restartPolicy", "stdin", "stdinOnce", "tty"):
        container.pop(key, None)
    container.update(
        name=name,
        image=image,
        imagePullPolicy="IfNotPresent",
        terminationMessagePath="/dev/termination-log",
        terminationMessagePolicy="File",
    )
    return container


def pod_template(labels: Mapping[str, str], containers: Sequence[tuple[str, str]]) -> Obj:
    """A Deployment pod template with one container per ``(name, image)`` pair."""
    template: Obj = testdata("apps.v1.Deployment")["spec"]["template"]
    spec = template["spec"]
    base_container = spec["containers"][0]
    for key in (
        "volumes",
        "initContainers",
        "ephemeralContainers",
        "nodeName",
        "activeDeadlineSeconds",
        "schedulingGates",
        "resourceClaims",
        "readinessGates",
        "hostname",
        "subdomain",
        "hostnameOverride",
        "hostNetwork",
        "hostPID",
        "hostIPC",
        # Placeholders that would steer scheduling in a real API server (or print "<error>"
        # in kubectl describe: the test data's selector operator is not a real one).
        "topologySpreadConstraints",
        "affinity",
        "tolerations",
        "nodeSelector",
        "runtimeClassName",
        "priorityClassName",
        "overhead",
    ):
        spec.pop(key, None)
    prune(spec, POD_SPEC_NEWER)
    spec.update(
        containers=[_container(base_container, n, i) for n, i in containers],
        restartPolicy="Always",
        terminationGracePeriodSeconds=30,
        dnsPolicy="ClusterFirst",
        serviceAccountName="default",
        serviceAccount="default",
        schedulerName="default-scheduler",
        priority=0,
        preemptionPolicy="PreemptLowerPriority",
        enableServiceLinks=True,
    )
    # A real pod template carries only labels (and a null creation time, as Go serialises it).
    template["metadata"] = {"creationTimestamp": None, "labels": dict(labels)}
    return template


def deployment(namespace: str, name: str, replicas: int, template: Obj) -> Obj:
    """A new apps/v1 Deployment (status is filled in by the stand-in's controller)."""
    dep = testdata("apps.v1.Deployment")
    labels = dict(template["metadata"].get("labels", {}))
    dep["metadata"] = object_meta(
        dep["metadata"], name=name, namespace=namespace, labels=labels, generation=1
    )
    dep["spec"] = {
        "replicas": replicas,
        "selector": {"matchLabels": labels},
        "template": template,
        "strategy": {
            "type": "RollingUpdate",
            "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"},
        },
        "revisionHistoryLimit": 10,
        "progressDeadlineSeconds": 600,
    }
    dep["status"] = {}
    return dep


def replica_set(dep: Obj, template: Obj, revision: int) -> Obj:
    """A ReplicaSet owned by ``dep`` running ``template`` at ``revision``."""
    rs = testdata("apps.v1.ReplicaSet")
    pod_hash = template_hash(template)
    rs_template = copy.deepcopy(template)
    rs_template["metadata"].setdefault("labels", {})[POD_TEMPLATE_HASH] = pod_hash
    labels = dict(rs_template["metadata"]["labels"])
    dep_meta = dep["metadata"]
    rs["metadata"] = object_meta(
        rs["metadata"],
        name=f"{dep_meta['name']}-{pod_hash}",
        namespace=dep_meta["namespace"],
        labels=labels,
        annotations=copied_annotations(dep, revision),
        owner=dep,
        generation=1,
    )
    selector = copy.deepcopy(dep["spec"]["selector"])
    selector.setdefault("matchLabels", {})[POD_TEMPLATE_HASH] = pod_hash
    rs["spec"] = {"replicas": 0, "selector": selector, "template": rs_template}
    rs["status"] = {"replicas": 0, "observedGeneration": 1}
    return rs


def copied_annotations(dep: Obj, revision: int) -> dict[str, str]:
    """Annotations the deployment controller puts on a ReplicaSet at ``revision``."""
    replicas = int(dep["spec"].get("replicas", 1))
    out = {
        k: v
        for k, v in dep["metadata"].get("annotations", {}).items()
        if k not in ANNOTATIONS_NOT_COPIED
    }
    out[DESIRED_REPLICAS] = str(replicas)
    # maxSurge 25% rounds up, as the controller does.
    out[MAX_REPLICAS] = str(replicas + (replicas * 25 + 99) // 100)
    out[REVISION] = str(revision)
    return out


def pod(namespace: str, name: str, template: Obj, owner: Obj | None, pod_ip: str) -> Obj:
    """A scheduled, running, ready Pod built from ``template`` (owned by ``owner`` if given)."""
    p = testdata("core.v1.Pod")
    labels = dict(template["metadata"].get("labels", {}))
    p["metadata"] = object_meta(
        p["metadata"], name=name, namespace=namespace, labels=labels, owner=owner, generation=1
    )
    p["spec"] = copy.deepcopy(template["spec"])
    p["spec"]["nodeName"] = NODE_NAME
    started = p["metadata"]["creationTimestamp"]
    base_status = p["status"]
    status: Obj = {
        "phase": "Running",
        "hostIP": HOST_IP,
        "hostIPs": [{"ip": HOST_IP}],
        "podIP": pod_ip,
        "podIPs": [{"ip": pod_ip}],
        "startTime": started,
        "qosClass": "BestEffort",
    }
    status["conditions"] = [
        _pod_condition(base_status["conditions"][0], kind, started)
        for kind in ("PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady")
    ] + [_pod_condition(base_status["conditions"][0], "PodScheduled", started)]
    status["containerStatuses"] = [
        _container_status(base_status["containerStatuses"][0], c, started)
        for c in p["spec"]["containers"]
    ]
    prune(status, POD_STATUS_NEWER)
    p["status"] = status
    return p


def _pod_condition(base: Obj, kind: str, when: str) -> Obj:
    cond = copy.deepcopy(base)
    cond.pop("observedGeneration", None)
    cond.update(type=kind, status="True", lastProbeTime=None, lastTransitionTime=when)
    cond.pop("reason", None)
    cond.pop("message", None)
    return cond


def _container_status(base: Obj, container: Obj, started: str) -> Obj:
    status = copy.deepcopy(base)
    for key in (
        "allocatedResources",
        "allocatedResourcesStatus",
        "resources",
        "volumeMounts",
        "user",
        "stopSignal",
    ):
        status.pop(key, None)
    image = container["image"]
    digest = hashlib.sha256(image.encode()).hexdigest()
    status.update(
        name=container["name"],
        state={"running": {"startedAt": started}},
        lastState={},
        ready=True,
        restartCount=0,
        image=image,
        imageID=f"{image.split(':', 1)[0]}@sha256:{digest}",
        containerID=f"containerd://{hashlib.sha256(new_uid().encode()).hexdigest()}",
        started=True,
    )
    return status


def set_condition(status: Obj, kind: str, true: bool, when: str, reason: str = "") -> None:
    """Set pod condition ``kind`` (moving its transition time only when it flips)."""
    for cond in status.get("conditions", []):
        if cond["type"] != kind:
            continue
        value = "True" if true else "False"
        if cond["status"] != value:
            cond["lastTransitionTime"] = when
        cond["status"] = value
        if true or not reason:
            cond.pop("reason", None)
            cond.pop("message", None)
        else:
            cond["reason"] = reason
            cond["message"] = (
                "containers with unready status: ["
                + ",".join(c["name"] for c in status.get("containerStatuses", []) if not c["ready"])
                + "]"
            )


def scale(dep: Obj) -> Obj:
    """The autoscaling/v1 Scale view of a Deployment."""
    sc = testdata("autoscaling.v1.Scale")
    meta = dep["metadata"]
    sc["metadata"] = {
        "name": meta["name"],
        "namespace": meta["namespace"],
        "uid": meta["uid"],
        "resourceVersion": meta["resourceVersion"],
        "creationTimestamp": meta["creationTimestamp"],
    }
    sc["spec"] = {"replicas": dep["spec"].get("replicas", 1)}
    sc["status"] = {
        "replicas": dep.get("status", {}).get("replicas", 0),
        "selector": selector_string(dep["spec"]["selector"]),
    }
    return sc


def selector_string(selector: Obj) -> str:
    """A LabelSelector in the text form ``metav1.FormatLabelSelector`` prints."""
    parts = [f"{k}={v}" for k, v in sorted(selector.get("matchLabels", {}).items())]
    for expr in selector.get("matchExpressions", []):
        op = expr["operator"]
        if op == "Exists":
            parts.append(expr["key"])
        elif op == "DoesNotExist":
            parts.append(f"!{expr['key']}")
        else:
            parts.append(f"{expr['key']} {op.lower()} ({','.join(sorted(expr['values']))})")
    return ",".join(parts) or "<none>"


def event(
    namespace: str,
    involved: Obj,
    reason: str,
    message: str,
    *,
    kind: str = "Normal",
    component: str = "standin-controller",
    field_path: str | None = None,
) -> Obj:
    """A core/v1 Event about ``involved`` (an object of this stand-in)."""
    ev = testdata("core.v1.Event")
    meta = involved["metadata"]
    now = rfc3339(utcnow())
    ev["metadata"] = object_meta(
        ev["metadata"],
        name=f"{meta['name']}.{uuid.uuid4().hex[:16]}",
        namespace=namespace,
    )
    ref = ev["involvedObject"]
    ref.update(
        kind=involved["kind"],
        namespace=meta["namespace"],
        name=meta["name"],
        uid=meta["uid"],
        apiVersion=involved["apiVersion"],
        resourceVersion=meta.get("resourceVersion", ""),
    )
    if field_path:
        ref["fieldPath"] = field_path
    else:
        ref.pop("fieldPath", None)
    ev.update(
        reason=reason,
        message=message,
        source={"component": component, "host": NODE_NAME}
        if component == "kubelet"
        else {"component": component},
        firstTimestamp=now,
        lastTimestamp=now,
        count=1,
        type=kind,
        eventTime=None,
        reportingComponent=component,
        reportingInstance=NODE_NAME if component == "kubelet" else "",
    )
    for key in ("series", "action", "related"):
        ev.pop(key, None)
    return ev


def namespace(name: str) -> Obj:
    """An Active core/v1 Namespace (no published test data exists for it; built by hand)."""
    return {
        "kind": "Namespace",
        "apiVersion": "v1",
        "metadata": {
            "name": name,
            "uid": new_uid(),
            "creationTimestamp": rfc3339(utcnow()),
            "labels": {"kubernetes.io/metadata.name": name},
        },
        "spec": {"finalizers": ["kubernetes"]},
        "status": {"phase": "Active"},
    }


def status(code: int, reason: str, message: str, details: Obj | None = None) -> Obj:
    """A meta/v1 Status error body (``kind: Status``, ``status: Failure``)."""
    st = testdata("core.v1.Status")
    st["metadata"] = {}
    st.update(status="Failure", message=message, reason=reason, code=code)
    if details is None:
        st.pop("details", None)
    else:
        st["details"] = details
    return st


def not_found(resource: str, group: str, name: str) -> Obj:
    """The Status body the apiserver sends for a missing named object."""
    qualified = f"{resource}.{group}" if group else resource
    details: Obj = {"name": name, "kind": resource}
    if group:
        details["group"] = group
    return status(404, "NotFound", f'{qualified} "{name}" not found', details)
