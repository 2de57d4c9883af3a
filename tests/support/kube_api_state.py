"""The objects, history and container logs behind the Kubernetes API stand-in.

``KubeState`` keeps every object by resource, namespace and name, stamps each write with a
resourceVersion, keeps the full change history for watches, and plays the deployment and
ReplicaSet controllers: a Deployment spec change is observed ``reconcile_delay`` seconds later,
when ReplicaSets, pods, revisions and status are brought in line the way the real controllers do.
All methods are thread-safe (one re-entrant lock; ``changed`` is notified on every write).
"""

from __future__ import annotations

import copy
import functools
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from tests.support import kube_api_objects as objects
from tests.support.kube_api_objects import (
    POD_TEMPLATE_HASH,
    REVISION,
    REVISION_HISTORY,
    Obj,
)
from tests.support.kube_api_select import matches_selector

# resource -> (group, version, kind, list kind)
RESOURCES: dict[str, tuple[str, str, str, str]] = {
    "pods": ("", "v1", "Pod", "PodList"),
    "events": ("", "v1", "Event", "EventList"),
    "deployments": ("apps", "v1", "Deployment", "DeploymentList"),
    "replicasets": ("apps", "v1", "ReplicaSet", "ReplicaSetList"),
    "namespaces": ("", "v1", "Namespace", "NamespaceList"),
}
CLUSTER_SCOPED = frozenset({"namespaces"})


class ApiError(Exception):
    """An API failure carrying the meta/v1 Status body to send."""

    def __init__(self, body: Obj) -> None:
        super().__init__(body.get("message", ""))
        self.body = body

    @property
    def code(self) -> int:
        """HTTP status code."""
        return int(self.body["code"])


@dataclass(frozen=True)
class Change:
    """One entry of the watch history."""

    rv: int
    type: str
    resource: str
    obj: Obj


@dataclass(frozen=True)
class LogRow:
    """One container log line: its timestamp (ns since the epoch) and raw bytes (no newline)."""

    ts_ns: int
    data: bytes


def _rev(rs: Obj) -> int:
    try:
        return int(rs["metadata"].get("annotations", {}).get(REVISION, "0"))
    except ValueError:
        return 0


def _owned_by(obj: Obj, owner: Obj) -> bool:
    uid = owner["metadata"]["uid"]
    return any(
        ref.get("uid") == uid and ref.get("controller")
        for ref in obj["metadata"].get("ownerReferences", [])
    )


class KubeState:
    """Thread-safe object store plus deployment/ReplicaSet controller loop."""

    def __init__(self, reconcile_delay: float = 0.2) -> None:
        self.lock = threading.RLock()
        self.changed = threading.Condition(self.lock)
        self.reconcile_delay = reconcile_delay
        self._rv = 1000
        self._objects: dict[str, dict[tuple[str, str], Obj]] = {r: {} for r in RESOURCES}
        self._history: list[Change] = []
        self._logs: dict[tuple[str, str, str], list[LogRow]] = {}
        self._previous_logs: dict[tuple[str, str, str], list[LogRow]] = {}
        """The log of each container's instance before its last restart, as the kubelet keeps."""
        self._last_log_ns = 0
        self._ip_counter = 0
        self._name_counter = 0
        self._due: dict[tuple[str, str], float] = {}
        self._closed = False
        self._controller = threading.Thread(
            target=self._run_controller, name="kube-api-controller", daemon=True
        )
        self._controller.start()
        self.ensure_namespace("default")

    # ----------------------------------------------------------------- reading

    @property
    def resource_version(self) -> str:
        """The newest resourceVersion handed out."""
        with self.lock:
            return str(self._rv)

    def get(self, resource: str, namespace: str, name: str) -> Obj | None:
        """A copy of one object, or None."""
        with self.lock:
            obj = self._objects[resource].get((namespace, name))
            return copy.deepcopy(obj) if obj is not None else None

    def require(self, resource: str, namespace: str, name: str) -> Obj:
        """A copy of one object.

        Raises:
            ApiError: 404 NotFound if it does not exist.
        """
        obj = self.get(resource, namespace, name)
        if obj is None:
            raise ApiError(objects.not_found(resource, RESOURCES[resource][0], name))
        return obj

    def list_objects(self, resource: str, namespace: str | None = None) -> list[Obj]:
        """Copies of all objects of ``resource`` (in ``namespace``, or everywhere), by name."""
        with self.lock:
            found = [
                copy.deepcopy(obj)
                for (ns, _), obj in self._objects[resource].items()
                if namespace is None or ns == namespace or resource in CLUSTER_SCOPED
            ]
        return sorted(
            found, key=lambda o: (o["metadata"].get("namespace", ""), o["metadata"]["name"])
        )

    def changes_since(self, rv: int) -> list[Change]:
        """History entries newer than ``rv`` (call with ``lock`` held to avoid gaps)."""
        with self.lock:
            lo, hi = 0, len(self._history)
            while lo < hi:
                mid = (lo + hi) // 2
                if self._history[mid].rv <= rv:
                    lo = mid + 1
                else:
                    hi = mid
            return self._history[lo:]

    def log_lines(self, namespace: str, pod: str, container: str) -> list[LogRow]:
        """All stored log lines of one container (oldest first)."""
        with self.lock:
            return list(self._logs.get((namespace, pod, container), []))

    def previous_log_lines(self, namespace: str, pod: str, container: str) -> list[LogRow] | None:
        """The log of a container's previous instance, or None when it never restarted."""
        with self.lock:
            lines = self._previous_logs.get((namespace, pod, container))
            return None if lines is None else list(lines)

    def container_running(self, namespace: str, pod: str, container: str) -> bool:
        """Whether a container of an existing pod is in the running state."""
        with self.lock:
            obj = self._objects["pods"].get((namespace, pod))
            if obj is None:
                return False
            return any(
                cs["name"] == container and "running" in cs.get("state", {})
                for cs in obj["status"].get("containerStatuses", [])
            )

    # ----------------------------------------------------------------- writing

    def _store(self, resource: str, obj: Obj, change: str = "MODIFIED") -> Obj:
        with self.lock:
            self._rv += 1
            obj["metadata"]["resourceVersion"] = str(self._rv)
            key = (obj["metadata"].get("namespace", ""), obj["metadata"]["name"])
            if change == "DELETED":
                self._objects[resource].pop(key, None)
            else:
                self._objects[resource][key] = copy.deepcopy(obj)
            self._history.append(Change(self._rv, change, resource, copy.deepcopy(obj)))
            self.changed.notify_all()
            return copy.deepcopy(obj)

    def _store_if_changed(self, resource: str, before: Obj, after: Obj) -> None:
        if objects.canonical_json(before) != objects.canonical_json(after):
            self._store(resource, after)

    def _next_ip(self) -> str:
        self._ip_counter += 1
        n = self._ip_counter
        return f"10.244.{n // 250}.{n % 250 + 2}"

    def _refuse_existing(self, resource: str, namespace: str, name: str) -> None:
        if (namespace, name) in self._objects[resource]:
            group = RESOURCES[resource][0]
            qualified = f"{resource}.{group}" if group else resource
            raise ApiError(
                objects.status(
                    409,
                    "AlreadyExists",
                    f'{qualified} "{name}" already exists',
                    {"name": name, "group": group, "kind": resource},
                )
            )

    def ensure_namespace(self, name: str) -> Obj:
        """The Namespace ``name``, created (Active) if it does not exist yet."""
        with self.lock:
            existing = self.get("namespaces", "", name)
            if existing is not None:
                return existing
            return self._store("namespaces", objects.namespace(name), "ADDED")

    def record_event(
        self,
        involved: Obj,
        reason: str,
        message: str,
        *,
        kind: str = "Normal",
        component: str = "standin-controller",
    ) -> Obj:
        """Store a core/v1 Event about ``involved``."""
        ns = involved["metadata"]["namespace"]
        return self._store(
            "events",
            objects.event(ns, involved, reason, message, kind=kind, component=component),
            "ADDED",
        )

    def add_deployment(
        self,
        namespace: str,
        name: str,
        replicas: int,
        containers: Sequence[tuple[str, str]],
        labels: Mapping[str, str],
    ) -> Obj:
        """Create a Deployment and at once its first ReplicaSet (revision 1) and pods."""
        with self.lock:
            self._refuse_existing("deployments", namespace, name)
            self.ensure_namespace(namespace)
            template = objects.pod_template(labels, containers)
            dep = objects.deployment(namespace, name, replicas, template)
            dep["metadata"]["annotations"] = {REVISION: "1"}
            self._store("deployments", dep, "ADDED")
            self._reconcile(namespace, name)
            return self.require("deployments", namespace, name)

    def add_pod(
        self,
        namespace: str,
        name: str,
        containers: Sequence[tuple[str, str]],
        labels: Mapping[str, str],
    ) -> Obj:
        """Create a running pod that no controller owns."""
        with self.lock:
            self._refuse_existing("pods", namespace, name)
            self.ensure_namespace(namespace)
            template = objects.pod_template(labels, containers)
            obj = objects.pod(namespace, name, template, None, self._next_ip())
            stored = self._store("pods", obj, "ADDED")
            self.record_event(
                stored,
                "Scheduled",
                f"Successfully assigned {namespace}/{name} to {objects.NODE_NAME}",
                component="default-scheduler",
            )
            return stored

    def update_deployment(
        self, namespace: str, name: str, new: Obj, *, check_rv: bool, dry_run: bool = False
    ) -> Obj:
        """Store a changed Deployment as PATCH/PUT do (status kept, generation bumped on spec
        change, controller scheduled). With ``dry_run`` (``dryRun=All``) every check is made and
        the Deployment that would be stored is returned, but nothing is stored or scheduled.

        Raises:
            ApiError: 404 if missing, 409 on a stale resourceVersion (``check_rv``), 422 on an
                invalid spec.
        """
        with self.lock:
            old = self.require("deployments", namespace, name)
            meta, old_meta = new.setdefault("metadata", {}), old["metadata"]
            if check_rv and meta.get("resourceVersion") not in (
                None,
                "",
                old_meta["resourceVersion"],
            ):
                raise ApiError(
                    objects.status(
                        409,
                        "Conflict",
                        f'Operation cannot be fulfilled on deployments.apps "{name}": the object '
                        "has been modified; please apply your changes to the latest version and "
                        "try again",
                        {"name": name, "group": "apps", "kind": "deployments"},
                    )
                )
            for key in ("name", "namespace", "uid", "creationTimestamp", "generation"):
                meta[key] = old_meta[key]
            new["kind"], new["apiVersion"] = old["kind"], old["apiVersion"]
            new["status"] = old["status"]
            self._validate_deployment(new)
            spec_changed = objects.canonical_json(new["spec"]) != objects.canonical_json(
                old["spec"]
            )
            if spec_changed:
                meta["generation"] = int(old_meta["generation"]) + 1
            if objects.canonical_json(new) == objects.canonical_json(old):
                return old
            if dry_run:
                meta["resourceVersion"] = old_meta["resourceVersion"]
                return new
            stored = self._store("deployments", new)
            if spec_changed:
                self._schedule(namespace, name)
            return stored

    def _validate_deployment(self, dep: Obj) -> None:
        spec = dep.get("spec", {})
        name = dep["metadata"]["name"]
        replicas = spec.get("replicas", 1)
        problem = None
        if not isinstance(replicas, int) or isinstance(replicas, bool) or replicas < 0:
            problem = ("spec.replicas", "must be greater than or equal to 0")
        elif not matches_selector(
            spec.get("selector", {}), spec.get("template", {}).get("metadata", {}).get("labels", {})
        ):
            problem = (
                "spec.template.metadata.labels",
                "`selector` does not match template `labels`",
            )
        elif not spec.get("template", {}).get("spec", {}).get("containers"):
            problem = ("spec.template.spec.containers", "Required value")
        if problem:
            raise ApiError(
                objects.status(
                    422,
                    "Invalid",
                    f'Deployment.apps "{name}" is invalid: {problem[0]}: '
                    f"Invalid value: {problem[1]}",
                    {
                        "name": name,
                        "group": "apps",
                        "kind": "Deployment",
                        "causes": [
                            {
                                "reason": "FieldValueInvalid",
                                "message": problem[1],
                                "field": problem[0],
                            }
                        ],
                    },
                )
            )

    def set_pod_state(
        self,
        namespace: str,
        name: str,
        *,
        phase: str | None = None,
        ready: bool | None = None,
        waiting_reason: str | None = None,
        restart_count: int | None = None,
        container: str | None = None,
        message: str | None = None,
    ) -> Obj:
        """Change a pod's status as the kubelet would report it (see ``KubeApiStandin``)."""
        with self.lock:
            pod = self.require("pods", namespace, name)
            before = copy.deepcopy(pod)
            now = objects.rfc3339(objects.utcnow())
            status = pod["status"]
            targets = [
                cs
                for cs in status.get("containerStatuses", [])
                if container is None or cs["name"] == container
            ]
            if not targets:
                raise ApiError(
                    objects.status(400, "BadRequest", f'container "{container}" not found in pod')
                )
            for cs in targets:
                restarts = int(cs.get("restartCount", 0))
                self._apply_container_state(cs, now, ready, waiting_reason, restart_count, message)
                if int(cs.get("restartCount", 0)) > restarts:
                    # A restart: the log so far becomes the previous instance's, a new one starts.
                    key = (namespace, name, cs["name"])
                    self._previous_logs[key] = self._logs.pop(key, [])
            if phase is not None:
                status["phase"] = phase
                if phase in ("Succeeded", "Failed"):
                    for cs in status.get("containerStatuses", []):
                        code = 0 if phase == "Succeeded" else 1
                        cs["state"] = {
                            "terminated": {
                                "exitCode": code,
                                "reason": "Completed" if code == 0 else "Error",
                                "startedAt": status.get("startTime", now),
                                "finishedAt": now,
                                "containerID": cs.get("containerID", ""),
                            }
                        }
                        cs.update(ready=False, started=False)
            all_ready = all(cs.get("ready") for cs in status.get("containerStatuses", []))
            for kind in ("Ready", "ContainersReady"):
                objects.set_condition(status, kind, all_ready, now, "ContainersNotReady")
            if objects.canonical_json(before) == objects.canonical_json(pod):
                return pod
            stored = self._store("pods", pod)
            if waiting_reason == "CrashLoopBackOff":
                for cs in targets:
                    self.record_event(
                        stored,
                        "BackOff",
                        f"Back-off restarting failed container {cs['name']} in pod "
                        f"{name}_{namespace}({pod['metadata']['uid']})",
                        kind="Warning",
                        component="kubelet",
                    )
            self._refresh_statuses(namespace)
            return stored

    @staticmethod
    def _apply_container_state(
        cs: Obj,
        now: str,
        ready: bool | None,
        waiting_reason: str | None,
        restart_count: int | None,
        message: str | None,
    ) -> None:
        if restart_count is not None:
            cs["restartCount"] = restart_count
        if waiting_reason is not None:
            if waiting_reason == "CrashLoopBackOff" and restart_count is None:
                cs["restartCount"] = max(1, int(cs.get("restartCount", 0)))
            cs["state"] = {
                "waiting": {
                    "reason": waiting_reason,
                    "message": message or f"back-off 5m0s restarting failed container={cs['name']}",
                }
            }
            cs.update(ready=False, started=False)
            if int(cs.get("restartCount", 0)) > 0:
                cs["lastState"] = {
                    "terminated": {
                        "exitCode": 1,
                        "reason": "Error",
                        "startedAt": now,
                        "finishedAt": now,
                        "containerID": cs.get("containerID", ""),
                    }
                }
        elif ready is not None:
            if "running" not in cs.get("state", {}):
                cs["state"] = {"running": {"startedAt": now}}
            cs.update(ready=ready, started=True)

    def delete_pod(self, namespace: str, name: str, *, dry_run: bool = False) -> Obj:
        """Delete a pod (its owner's controller replaces it after ``reconcile_delay``).

        Returns:
            The pod as it was deleted (with ``deletionTimestamp`` set); with ``dry_run`` the pod
            as it would be deleted, still stored.
        """
        with self.lock:
            pod = self.require("pods", namespace, name)
            pod["metadata"]["deletionTimestamp"] = objects.rfc3339(objects.utcnow())
            pod["metadata"]["deletionGracePeriodSeconds"] = 0
            if dry_run:
                return pod
            stored = self._store("pods", pod, "DELETED")
            for cs in pod["status"].get("containerStatuses", []):
                self.record_event(
                    stored, "Killing", f"Stopping container {cs['name']}", component="kubelet"
                )
            for dep in self._deployments_of(pod):
                self._schedule(namespace, dep["metadata"]["name"])
            self._refresh_statuses(namespace)
            return stored

    def append_log(
        self,
        namespace: str,
        pod: str,
        lines: Iterable[str | bytes],
        container: str | None = None,
    ) -> list[LogRow]:
        """Append lines to a container's log (default: the pod's first container)."""
        with self.lock:
            obj = self.require("pods", namespace, pod)
            names = [c["name"] for c in obj["spec"]["containers"]]
            name = container or names[0]
            if name not in names:
                raise ApiError(
                    objects.status(
                        400,
                        "BadRequest",
                        f"container {name} is not valid for pod {pod}",
                    )
                )
            added = []
            for line in lines:
                data = line.encode() if isinstance(line, str) else bytes(line)
                for part in data.split(b"\n"):
                    # Strictly increasing stamps keep sinceTime resumption unambiguous.
                    ts = max(time.time_ns(), self._last_log_ns + 1)
                    self._last_log_ns = ts
                    added.append(LogRow(ts, part))
            self._logs.setdefault((namespace, pod, name), []).extend(added)
            self.changed.notify_all()
            return added

    # -------------------------------------------------------------- controllers

    def _schedule(self, namespace: str, name: str) -> None:
        self._due[(namespace, name)] = time.monotonic() + self.reconcile_delay
        self.changed.notify_all()

    def wait_idle(self, timeout: float = 5.0) -> bool:
        """Wait until no controller work is pending; False on timeout."""
        with self.changed:
            return self.changed.wait_for(lambda: not self._due, timeout)

    def close(self) -> None:
        """Stop the controller thread."""
        with self.changed:
            self._closed = True
            self.changed.notify_all()
        self._controller.join(timeout=5)

    @property
    def closed(self) -> bool:
        """Whether ``close`` was called."""
        return self._closed

    def _run_controller(self) -> None:
        with self.changed:
            while not self._closed:
                now = time.monotonic()
                ready = [key for key, due in self._due.items() if due <= now]
                for key in ready:
                    del self._due[key]
                    self._reconcile(*key)
                if ready:
                    self.changed.notify_all()
                    continue
                wait = min(self._due.values()) - now if self._due else None
                self.changed.wait(wait)

    def _owned(self, resource: str, owner: Obj, *, copies: bool = True) -> list[Obj]:
        """Objects controlled by ``owner``, by name (``copies=False``: stored, read-only)."""
        ns = owner["metadata"]["namespace"]
        found = [
            o
            for (o_ns, _), o in sorted(self._objects[resource].items())
            if o_ns == ns and _owned_by(o, owner)
        ]
        return [copy.deepcopy(o) for o in found] if copies else found

    def _deployments_of(self, pod: Obj) -> list[Obj]:
        ns = pod["metadata"]["namespace"]
        found = []
        for dep in self._objects["deployments"].values():
            if dep["metadata"]["namespace"] != ns:
                continue
            if any(_owned_by(pod, rs) for rs in self._owned("replicasets", dep, copies=False)):
                found.append(dep)
        return found

    def _reconcile(self, namespace: str, name: str) -> None:
        """One sync of the deployment controller plus the ReplicaSet controller."""
        dep = self.get("deployments", namespace, name)
        if dep is None:
            return
        dep_before = copy.deepcopy(dep)
        template = dep["spec"]["template"]
        pod_hash = objects.template_hash(template)
        owned = self._owned("replicasets", dep)
        current = next(
            (rs for rs in owned if rs["metadata"]["labels"].get(POD_TEMPLATE_HASH) == pod_hash),
            None,
        )
        max_rev = max((_rev(rs) for rs in owned), default=0)
        if current is None:
            current = self._store(
                "replicasets", objects.replica_set(dep, template, max_rev + 1), "ADDED"
            )
        rs_before = copy.deepcopy(current)
        annotations = current["metadata"].setdefault("annotations", {})
        revision = _rev(current)
        if revision < max_rev:
            # Back to an older template (rollout undo): that ReplicaSet becomes the newest revision.
            history = [h for h in annotations.get(REVISION_HISTORY, "").split(",") if h]
            annotations[REVISION_HISTORY] = ",".join([*history, str(revision)])
            revision = max_rev + 1
        # The controller copies the Deployment's annotations onto its new ReplicaSet every sync.
        annotations.update(objects.copied_annotations(dep, revision))
        self._store_if_changed("replicasets", rs_before, current)
        dep["metadata"].setdefault("annotations", {})[REVISION] = str(revision)
        for rs in owned:
            if rs["metadata"]["uid"] != current["metadata"]["uid"]:
                self._scale_rs(dep, rs, 0)
        self._scale_rs(
            dep,
            self.require("replicasets", namespace, current["metadata"]["name"]),
            int(dep["spec"].get("replicas", 1)),
        )
        self._store_if_changed("deployments", dep_before, dep)
        # Counts and observedGeneration change in one write, so watchers never see the new
        # generation "observed" together with the old template's counts.
        self._refresh_statuses(namespace, observed=name)

    def _scale_rs(self, dep: Obj, rs: Obj, replicas: int) -> None:
        ns, rs_name = rs["metadata"]["namespace"], rs["metadata"]["name"]
        before = copy.deepcopy(rs)
        old_replicas = int(rs["spec"].get("replicas", 0))
        if old_replicas != replicas:
            rs["spec"]["replicas"] = replicas
            rs["metadata"]["generation"] = int(rs["metadata"].get("generation", 1)) + 1
            verb = "up" if replicas > old_replicas else "down"
            self.record_event(
                dep,
                "ScalingReplicaSet",
                f"Scaled {verb} replica set {rs_name} from {old_replicas} to {replicas}",
                component="deployment-controller",
            )
        self._store_if_changed("replicasets", before, rs)
        self._sync_pods(self.require("replicasets", ns, rs_name))

    def _sync_pods(self, rs: Obj) -> None:
        ns, rs_name = rs["metadata"]["namespace"], rs["metadata"]["name"]
        pods = self._owned("pods", rs)
        want = int(rs["spec"].get("replicas", 0))
        # Like the ReplicaSet controller, remove not-ready pods first, then the newest.
        pods.sort(key=lambda p: (_pod_ready(p), p["metadata"]["creationTimestamp"]))
        for victim in pods[: max(len(pods) - want, 0)]:
            victim["metadata"]["deletionTimestamp"] = objects.rfc3339(objects.utcnow())
            self._store("pods", victim, "DELETED")
            self.record_event(
                rs,
                "SuccessfulDelete",
                f"Deleted pod: {victim['metadata']['name']}",
                component="replicaset-controller",
            )
        for _ in range(want - len(pods)):
            self._name_counter += 1
            pod_name = f"{rs_name}-{objects.name_suffix(f'{rs_name}/{self._name_counter}')}"
            new = objects.pod(ns, pod_name, rs["spec"]["template"], rs, self._next_ip())
            stored = self._store("pods", new, "ADDED")
            self.record_event(
                rs,
                "SuccessfulCreate",
                f"Created pod: {pod_name}",
                component="replicaset-controller",
            )
            self.record_event(
                stored,
                "Scheduled",
                f"Successfully assigned {ns}/{pod_name} to {objects.NODE_NAME}",
                component="default-scheduler",
            )

    def _refresh_statuses(self, namespace: str, observed: str | None = None) -> None:
        """Recompute ReplicaSet and Deployment status from their pods (counts and conditions)."""
        for (ns, _), rs in list(self._objects["replicasets"].items()):
            if ns != namespace:
                continue
            pods = self._owned("pods", rs, copies=False)
            ready = sum(1 for p in pods if _pod_ready(p))
            status: Obj = {"replicas": len(pods)}
            status["fullyLabeledReplicas"] = len(pods)
            status["readyReplicas"] = ready
            status["availableReplicas"] = ready
            status["observedGeneration"] = int(rs["metadata"].get("generation", 1))
            status = {k: v for k, v in status.items() if v or k == "replicas"}
            if status != rs.get("status"):
                self._store("replicasets", {**copy.deepcopy(rs), "status": status})
        for (ns, name), dep in list(self._objects["deployments"].items()):
            if ns == namespace:
                self._refresh_deployment(copy.deepcopy(dep), observe=name == observed)

    def _refresh_deployment(self, dep: Obj, *, observe: bool = False) -> None:
        before = copy.deepcopy(dep)
        pod_hash = objects.template_hash(dep["spec"]["template"])
        total = updated = ready = 0
        new_rs_name = ""
        for rs in self._owned("replicasets", dep, copies=False):
            pods = self._owned("pods", rs, copies=False)
            total += len(pods)
            ready += sum(1 for p in pods if _pod_ready(p))
            if rs["metadata"]["labels"].get(POD_TEMPLATE_HASH) == pod_hash:
                updated += len(pods)
                new_rs_name = rs["metadata"]["name"]
        desired = int(dep["spec"].get("replicas", 1))
        old = dep.get("status", {})
        observed = dep["metadata"]["generation"] if observe else old.get("observedGeneration", 0)
        status: Obj = {"observedGeneration": observed, "replicas": total}
        status["updatedReplicas"] = updated
        status["readyReplicas"] = ready
        status["availableReplicas"] = ready
        status["unavailableReplicas"] = max(desired - ready, 0)
        status = {k: v for k, v in status.items() if v or k == "observedGeneration"}
        now = objects.rfc3339(objects.utcnow())
        max_unavailable = desired * 25 // 100
        available = ready >= desired - max_unavailable
        complete = (
            updated == desired == total
            and ready == desired
            and observed == dep["metadata"].get("generation")
        )
        base = _condition_base()
        conditions = {c["type"]: c for c in old.get("conditions", [])}
        status["conditions"] = [
            _condition(
                base,
                conditions.get("Available"),
                "Available",
                available,
                "MinimumReplicasAvailable" if available else "MinimumReplicasUnavailable",
                "Deployment has minimum availability."
                if available
                else "Deployment does not have minimum availability.",
                now,
            )
        ]
        if new_rs_name:
            status["conditions"].append(
                _condition(
                    base,
                    conditions.get("Progressing"),
                    "Progressing",
                    True,
                    "NewReplicaSetAvailable" if complete else "ReplicaSetUpdated",
                    f'ReplicaSet "{new_rs_name}" has successfully progressed.'
                    if complete
                    else f'ReplicaSet "{new_rs_name}" is progressing.',
                    now,
                )
            )
        elif "Progressing" in conditions:
            status["conditions"].append(conditions["Progressing"])
        dep["status"] = status
        self._store_if_changed("deployments", before, dep)


@functools.cache
def _condition_base() -> Obj:
    # Read once: the Deployment test data is 60 KB and statuses are refreshed often.
    base: Obj = objects.testdata("apps.v1.Deployment")["status"]["conditions"][0]
    return base


def _pod_ready(pod: Obj) -> bool:
    return any(
        c.get("type") == "Ready" and c.get("status") == "True"
        for c in pod.get("status", {}).get("conditions", [])
    )


def _condition(
    base: Obj,
    old: Obj | None,
    kind: str,
    true: bool,
    reason: str,
    message: str,
    now: str,
) -> Obj:
    value = "True" if true else "False"
    if old and old["status"] == value and old["reason"] == reason and old["message"] == message:
        return old
    cond = copy.deepcopy(base)
    transition = old["lastTransitionTime"] if old and old["status"] == value else now
    cond.update(
        type=kind,
        status=value,
        lastUpdateTime=now,
        lastTransitionTime=transition,
        reason=reason,
        message=message,
    )
    return cond
