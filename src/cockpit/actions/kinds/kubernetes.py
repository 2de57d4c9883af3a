"""`kubernetes` actions: rollout restart and undo, scale and pod deletion, done as kubectl does.

Every request names the environment's context and namespace; the kubeconfig's current-context is
never used. The official client runs in a thread and exchanges raw JSON, so rollout undo copies a
revision's pod template back exactly as the API server keeps it. A dry run is the API server's
own (``dryRun=All``): the change is validated and admitted, never stored.
"""

from __future__ import annotations

import asyncio
import copy
import functools
import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from cockpit.actions.apis import bounded, clients, one_line, plan_values, report
from cockpit.actions.context import ActionContext
from cockpit.actions.model import Call, Outcome, Plan, Refused
from cockpit.actions.params import DNS1123
from cockpit.actions.template import render
from cockpit.config.actions import ActionConfig, KubernetesAction
from cockpit.config.environments import Environment, KubernetesTarget
from cockpit.sources.health.context import ProbeContext
from cockpit.sources.health.kubernetes import api_client, unreachable_reason
from cockpit.text.sanitize import excerpt

RESTARTED_AT = "kubectl.kubernetes.io/restartedAt"
REVISION = "deployment.kubernetes.io/revision"
HASH_LABEL = "pod-template-hash"
DEPLOYMENT_OWN = frozenset(
    {
        "kubectl.kubernetes.io/last-applied-configuration",
        REVISION,
        "deployment.kubernetes.io/revision-history",
        "deployment.kubernetes.io/desired-replicas",
        "deployment.kubernetes.io/max-replicas",
        "deprecated.deployment.rollback.to",
    }
)
"""Annotations about the deployment rather than a revision: rollout undo keeps them and takes
every other annotation from the revision's ReplicaSet (kubectl's ``annotationsToSkip``)."""
STRATEGIC = "application/strategic-merge-patch+json"
MERGE = "application/merge-patch+json"
JSON_PATCH = "application/json-patch+json"
DRY = " (server dry run)"
_METHOD = {"deployment": "deployment", "statefulset": "stateful_set", "daemonset": "daemon_set"}
_PLURAL = {"deployment": "deployments", "statefulset": "statefulsets", "daemonset": "daemonsets"}

Obj = dict[str, Any]


@dataclass(frozen=True, slots=True)
class _Ask:
    """The action's templates filled in and checked."""

    name: str | None
    replicas: int | None
    revision: int | None
    pod: str | None
    selector: str | None


@dataclass(frozen=True, slots=True)
class _Cluster:
    """The environment's API in its context and namespace; every method blocks."""

    api: Any
    namespace: str
    timeout: float
    dry_run: bool

    def _call(self, group: str, method: str, *args: Any, **kwargs: Any) -> Obj:
        from kubernetes import client

        apis = {"apps": client.AppsV1Api, "core": client.CoreV1Api}
        fn = getattr(apis[group](self.api), method)
        raw = fn(
            *args, _request_timeout=(self.timeout, self.timeout), _preload_content=False, **kwargs
        )
        data: Obj = json.loads(raw.data)
        return data

    def _dry(self) -> dict[str, str]:
        return {"dry_run": "All"} if self.dry_run else {}

    def url(self, path: str) -> str:
        """The full URL of ``path`` on this cluster, as it is sent."""
        host = str(self.api.configuration.host).rstrip("/")
        return f"{host}{path}{'?dryRun=All' if self.dry_run else ''}"

    def path(self, resource: str, name: str) -> str:
        """The API path of a workload or (``resource`` pod) a pod."""
        ns = quote(self.namespace, safe="")
        if resource == "pod":
            return f"/api/v1/namespaces/{ns}/pods/{quote(name, safe='')}"
        return f"/apis/apps/v1/namespaces/{ns}/{_PLURAL[resource]}/{quote(name, safe='')}"

    def read(self, resource: str, name: str) -> Obj:
        """A workload as stored."""
        return self._call("apps", f"read_namespaced_{_METHOD[resource]}", name, self.namespace)

    def patch(self, resource: str, name: str, body: Any, content_type: str) -> Obj:
        """Patch a workload (a JSON patch when ``body`` is a list of operations)."""
        method = f"patch_namespaced_{_METHOD[resource]}"
        return self._call(
            "apps", method, name, self.namespace, body, _content_type=content_type, **self._dry()
        )

    def read_scale(self, resource: str, name: str) -> Obj:
        """A workload's scale subresource."""
        method = f"read_namespaced_{_METHOD[resource]}_scale"
        return self._call("apps", method, name, self.namespace)

    def patch_scale(self, resource: str, name: str, body: Obj) -> Obj:
        """Merge-patch a workload's scale subresource, as ``kubectl scale`` does."""
        method = f"patch_namespaced_{_METHOD[resource]}_scale"
        return self._call(
            "apps", method, name, self.namespace, body, _content_type=MERGE, **self._dry()
        )

    def replica_sets(self, selector: str) -> list[Obj]:
        """The ReplicaSets matching ``selector``."""
        found = self._call(
            "apps", "list_namespaced_replica_set", self.namespace, label_selector=selector
        )
        items: list[Obj] = found.get("items") or []
        return items

    def pods(self, pod: str | None, selector: str | None) -> list[Obj]:
        """One pod by name, or the pods ``selector`` matches."""
        if pod is not None:
            return [self._call("core", "read_namespaced_pod", pod, self.namespace)]
        found = self._call("core", "list_namespaced_pod", self.namespace, label_selector=selector)
        items: list[Obj] = found.get("items") or []
        return items

    def delete_pod(self, name: str) -> Obj:
        """Delete one pod (its grace period as the pod declares)."""
        return self._call("core", "delete_namespaced_pod", name, self.namespace, **self._dry())


def _spec(action: ActionConfig) -> KubernetesAction:
    spec = action.kubernetes
    assert spec is not None
    return spec


def _target(env: Environment) -> KubernetesTarget:
    if env.kubernetes is None:
        raise Refused(
            f"environment {env.name} has no kubernetes: section (context and namespace to act in)"
        )
    return env.kubernetes


def _object_name(text: str, what: str) -> str:
    if not DNS1123.fullmatch(text) or len(text) > 253:
        raise Refused(f"{what} {excerpt(text, 80)!r} is not a Kubernetes object name")
    return text


def _number(text: str, what: str, least: int) -> int:
    try:
        value = int(text)
    except ValueError:
        value = least - 1
    if value < least:
        raise Refused(f"{what} {excerpt(text, 40)!r} is not a whole number from {least}")
    return value


def _ask(spec: KubernetesAction, values: dict[str, str | int]) -> _Ask:
    def filled(template: str | None) -> str | None:
        return None if template is None else render(template, values)

    name, replicas, revision = filled(spec.name), filled(spec.replicas), filled(spec.revision)
    pod, selector = filled(spec.pod), filled(spec.selector)
    return _Ask(
        name=None if name is None else _object_name(name, spec.resource),
        replicas=None if replicas is None else _number(replicas, "replicas", 0),
        revision=None if revision is None else _number(revision, "revision", 1),
        pod=None if pod is None else _object_name(pod, "pod"),
        selector=selector,
    )


def _connect(
    target: KubernetesTarget, probe: ProbeContext, ctx: ActionContext, dry: bool
) -> _Cluster:
    return _Cluster(
        api_client(target, probe, ctx.request_timeout), target.namespace, ctx.request_timeout, dry
    )


def _status_message(exc: Any) -> str:
    try:
        body = json.loads(exc.body or "")
    except (TypeError, ValueError):
        body = None
    message = body.get("message") if isinstance(body, dict) else None
    return excerpt(str(message or exc.reason or "no message"), 240)


def _problem(exc: Exception, target: KubernetesTarget) -> tuple[int | None, str]:
    """The HTTP status (None when the API was not reached) and one line saying what went wrong."""
    from kubernetes.client.exceptions import ApiException

    if isinstance(exc, ApiException) and exc.status:
        where = f"namespace {target.namespace}, context {target.context}"
        message = _status_message(exc)
        if exc.status in (401, 403):
            return exc.status, f"the API refused access (HTTP {exc.status}, {where}): {message}"
        return exc.status, f"HTTP {exc.status} ({where}): {message}"
    return None, unreachable_reason(exc, target)


# ------------------------------------------------------------------------------ helpers


def _semantic(value: Any) -> Any:
    """``value`` without null, false, zero and empty fields, which the API server and kubectl
    leave out when they encode: two templates equal so are the same to the deployment
    controller."""
    if isinstance(value, dict):
        cleaned = {k: _semantic(v) for k, v in value.items()}
        return {k: v for k, v in cleaned.items() if v not in (None, False, "", 0, {}, [])}
    if isinstance(value, list):
        return [_semantic(v) for v in value]
    return value


def _without_hash(template: Obj) -> Obj:
    clean = copy.deepcopy(template)
    labels = (clean.get("metadata") or {}).get("labels")
    if isinstance(labels, dict):
        labels.pop(HASH_LABEL, None)
    return clean


def _annotations(obj: Obj) -> dict[str, str]:
    found: dict[str, str] = (obj.get("metadata") or {}).get("annotations") or {}
    return found


def _selector_text(selector: Obj) -> str:
    """A LabelSelector as the ``labelSelector`` query parameter writes it."""
    parts = [f"{k}={v}" for k, v in sorted((selector.get("matchLabels") or {}).items())]
    for expr in selector.get("matchExpressions") or []:
        key, op, values = expr.get("key"), expr.get("operator"), expr.get("values") or []
        if op in ("In", "NotIn"):
            parts.append(f"{key} {op.lower()} ({','.join(values)})")
        elif op == "Exists":
            parts.append(str(key))
        elif op == "DoesNotExist":
            parts.append(f"!{key}")
    return ",".join(parts)


def _revision(obj: Obj) -> int | None:
    # As kubectl reads it: no annotation is revision 0, an unreadable one is no revision.
    try:
        return int(_annotations(obj).get(REVISION, "0"))
    except ValueError:
        return None


def _replaced(resource: str, obj: Obj) -> str:
    spec = obj.get("spec") or {}
    if resource == "daemonset":
        count = (obj.get("status") or {}).get("desiredNumberScheduled", 0)
    else:
        count = spec.get("replicas", 1)
    strategy = (spec.get("strategy") or spec.get("updateStrategy") or {}).get("type")
    if strategy == "Recreate":
        return f"all {count} pods stopped, then new ones started (strategy Recreate)"
    if strategy == "OnDelete":
        return f"{count} pods keep running until each is deleted (updateStrategy OnDelete)"
    return f"{count} pods replaced by a rolling update"


def _template_changes(old: Obj, new: Obj) -> list[str]:
    def images(template: Obj) -> dict[str, str]:
        containers = (template.get("spec") or {}).get("containers") or []
        return {str(c.get("name")): str(c.get("image")) for c in containers}

    def rest(template: Obj) -> Any:
        shape = copy.deepcopy(template)
        (shape.get("metadata") or {}).pop("annotations", None)
        for container in (shape.get("spec") or {}).get("containers") or []:
            container.pop("image", None)
        return _semantic(shape)

    changes: list[str] = []
    before, after = images(old), images(new)
    for name in [*after, *(n for n in before if n not in after)]:
        if name not in before:
            changes.append(f"container {name} added ({after[name]})")
        elif name not in after:
            changes.append(f"container {name} removed")
        elif before[name] != after[name]:
            changes.append(f"container {name}: image {before[name]} -> {after[name]}")
    old_notes, new_notes = _annotations(old), _annotations(new)
    for key in sorted(set(old_notes) | set(new_notes)):
        if old_notes.get(key) != new_notes.get(key):
            was, becomes = old_notes.get(key, "unset"), new_notes.get(key, "unset")
            changes.append(f"pod template annotation {key}: {was} -> {becomes}")
    if rest(old) != rest(new):
        changes.append("other pod template fields change as well")
    return changes


def _pod_line(pod: Obj) -> str:
    meta = pod.get("metadata") or {}
    phase = (pod.get("status") or {}).get("phase") or "Unknown"
    owner = next((o for o in meta.get("ownerReferences") or [] if o.get("controller")), None)
    fate = (
        f"its {owner.get('kind')} {owner.get('name')} starts a new one"
        if owner
        else "no controller: nothing replaces it"
    )
    ending = ", already terminating" if meta.get("deletionTimestamp") else ""
    return f"pod {meta.get('name')} goes ({phase}{ending}; {fate})"


# ------------------------------------------------------------------------------ prepare


def _prepare_restart(c: _Cluster, spec: KubernetesAction, ask: _Ask) -> Call:
    assert ask.name is not None
    obj = c.read(spec.resource, ask.name)
    ref = f"{spec.resource}/{ask.name}"
    if (obj.get("spec") or {}).get("paused"):
        raise Refused(f"{ref} is paused: resume it first (kubectl rollout resume), then restart")
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    template = (obj.get("spec") or {}).get("template") or {}
    was = _annotations(template).get(RESTARTED_AT, "unset")
    if was == stamp:
        # The same stamp would patch nothing: no rollout would start.
        raise Refused(f"{ref} was restarted within this second: wait a second, then restart")
    body = {"spec": {"template": {"metadata": {"annotations": {RESTARTED_AT: stamp}}}}}
    return Call(
        target=ref,
        method="PATCH",
        url=c.url(c.path(spec.resource, ask.name)),
        body=json.dumps(body, separators=(",", ":")),
        touches=(
            f"pod template annotation {RESTARTED_AT}: {was} -> {stamp}",
            _replaced(spec.resource, obj),
        ),
    )


def _prepare_undo(c: _Cluster, spec: KubernetesAction, ask: _Ask) -> Call:
    assert ask.name is not None
    ref = f"deployment/{ask.name}"
    dep = c.read("deployment", ask.name)
    dep_spec = dep.get("spec") or {}
    if dep_spec.get("paused"):
        raise Refused(f"{ref} is paused: resume it first (kubectl rollout resume), then undo")
    uid = (dep.get("metadata") or {}).get("uid")
    history: dict[int, Obj] = {}
    for rs in c.replica_sets(_selector_text(dep_spec.get("selector") or {})):
        owners = (rs.get("metadata") or {}).get("ownerReferences") or []
        number = _revision(rs)
        if number is not None and any(o.get("uid") == uid and o.get("controller") for o in owners):
            history[number] = rs
    listed = ", ".join(str(n) for n in sorted(history)) or "none"
    if ask.revision is None:
        if len(history) < 2:
            raise Refused(f"no rollout history found for {ref}: no earlier revision to go back to")
        wanted = sorted(history)[-2]
    elif ask.revision not in history:
        raise Refused(f"{ref} has no revision {ask.revision} (its revisions: {listed})")
    else:
        wanted = ask.revision
    rs = history[wanted]
    current = dep_spec.get("template") or {}
    template = _without_hash((rs.get("spec") or {}).get("template") or {})
    if _semantic(template) == _semantic(_without_hash(current)):
        raise Refused(f"{ref} already runs the pod template of revision {wanted}: nothing to undo")
    annotations = {k: v for k, v in _annotations(dep).items() if k in DEPLOYMENT_OWN}
    annotations.update({k: v for k, v in _annotations(rs).items() if k not in DEPLOYMENT_OWN})
    body = [
        {"op": "replace", "path": "/spec/template", "value": template},
        {"op": "replace", "path": "/metadata/annotations", "value": annotations},
    ]
    now = _annotations(dep).get(REVISION, "?")
    return Call(
        target=ref,
        method="PATCH",
        url=c.url(c.path("deployment", ask.name)),
        body=json.dumps(body, separators=(",", ":")),
        touches=(
            f"revision {now} -> {wanted} (its pod template is copied back and becomes "
            f"revision {max(history) + 1})",
            *_template_changes(current, template),
        ),
        confirm_target=ask.name,
    )


def _prepare_scale(c: _Cluster, spec: KubernetesAction, ask: _Ask) -> Call:
    assert ask.name is not None and ask.replicas is not None
    current = (c.read_scale(spec.resource, ask.name).get("spec") or {}).get("replicas", 0)
    return Call(
        target=f"{spec.resource}/{ask.name}",
        method="PATCH",
        url=c.url(c.path(spec.resource, ask.name) + "/scale"),
        body=json.dumps({"spec": {"replicas": ask.replicas}}, separators=(",", ":")),
        touches=(f"replicas {current} -> {ask.replicas}",),
    )


def _prepare_delete(c: _Cluster, spec: KubernetesAction, ask: _Ask) -> Call:
    pods = c.pods(ask.pod, ask.selector)
    if not pods:
        raise Refused(f"no pods match {ask.selector} in namespace {c.namespace}: nothing to delete")
    return Call(
        target=f"pod/{ask.pod}" if ask.pod else f"pods {ask.selector}",
        method="DELETE" if ask.pod else None,
        url=c.url(c.path("pod", ask.pod)) if ask.pod else None,
        touches=tuple(_pod_line(p) for p in pods),
        confirm_target=ask.pod or ask.selector,
    )


_PREPARE: dict[str, Callable[[_Cluster, KubernetesAction, _Ask], Call]] = {
    "rollout_restart": _prepare_restart,
    "rollout_undo": _prepare_undo,
    "scale": _prepare_scale,
    "delete_pods": _prepare_delete,
}


async def prepare(
    action: ActionConfig,
    env: Environment,
    values: dict[str, str | int],
    ctx: ActionContext,
    dry_run: bool,
) -> Call:
    """The exact request, with what it changes read from the cluster (replicas, revisions, pods).

    Raises:
        Refused: No kubernetes target, a value that is no object name or number, the workload
            or pod is missing, nothing to undo, or the API cannot be asked (the reason says).
    """
    spec = _spec(action)
    target = _target(env)
    ask = _ask(spec, values)
    job = _PREPARE[spec.operation]

    def read() -> Call:
        return job(_connect(target, probe, ctx, dry_run), spec, ask)

    async with clients(ctx) as probe:
        try:
            call = await probe.run_blocking(read)
        except Refused:
            raise
        except Exception as exc:  # any API or connection failure: nothing can be previewed
            raise Refused(_problem(exc, target)[1]) from None
    return replace(call, context=f"{target.context}, namespace {target.namespace}")


# ------------------------------------------------------------------------------ execute


async def _run_patch(
    c: _Cluster, spec: KubernetesAction, ask: _Ask, plan: Plan, probe: ProbeContext
) -> tuple[list[str], str]:
    assert ask.name is not None and plan.call.body is not None
    body = json.loads(plan.call.body)
    kind = JSON_PATCH if isinstance(body, list) else STRATEGIC
    await probe.run_blocking(functools.partial(c.patch, spec.resource, ask.name, body, kind))
    verb = "restarted" if spec.operation == "rollout_restart" else "rolled back"
    line = f"{spec.resource}.apps/{ask.name} {verb}{DRY if plan.dry_run else ''}"
    return [line], line


async def _run_scale(
    c: _Cluster, spec: KubernetesAction, ask: _Ask, plan: Plan, probe: ProbeContext
) -> tuple[list[str], str]:
    assert ask.name is not None and plan.call.body is not None
    before = await probe.run_blocking(functools.partial(c.read_scale, spec.resource, ask.name))
    after = await probe.run_blocking(
        functools.partial(c.patch_scale, spec.resource, ask.name, json.loads(plan.call.body))
    )
    dry = DRY if plan.dry_run else ""
    was, now = ((s.get("spec") or {}).get("replicas", 0) for s in (before, after))
    return [f"{spec.resource}.apps/{ask.name} scaled{dry}"], f"replicas {was} -> {now}{dry}"


async def _run_delete(
    c: _Cluster, spec: KubernetesAction, ask: _Ask, plan: Plan, probe: ProbeContext
) -> tuple[list[str], str]:
    from kubernetes.client.exceptions import ApiException

    pods = await probe.run_blocking(lambda: c.pods(ask.pod, ask.selector))
    lines: list[str] = []
    gone = 0
    for pod in pods:
        name = str((pod.get("metadata") or {}).get("name"))
        try:
            await probe.run_blocking(functools.partial(c.delete_pod, name))
        except ApiException as exc:
            if exc.status != 404:
                raise
            lines.append(f'pod "{name}" was already gone')
            continue
        gone += 1
        lines.append(f'pod "{name}" deleted{DRY if plan.dry_run else ""}')
    if not lines:
        return lines, f"no pods match {ask.selector} any more: nothing deleted"
    return lines, f"{gone} of {len(lines)} pods deleted{DRY if plan.dry_run else ''}"


_RUN = {
    "rollout_restart": _run_patch,
    "rollout_undo": _run_patch,
    "scale": _run_scale,
    "delete_pods": _run_delete,
}


async def execute(
    plan: Plan, ctx: ActionContext, on_line: Callable[[str], None], cancel: asyncio.Event
) -> Outcome:
    """Send the previewed request (delete_pods deletes the pods its selector matches now)."""
    return await bounded(plan, cancel, _execute(plan, ctx, on_line))


async def _execute(plan: Plan, ctx: ActionContext, on_line: Callable[[str], None]) -> Outcome:
    spec = _spec(plan.action)
    target = _target(plan.environment)
    ask = _ask(spec, plan_values(plan))
    async with clients(ctx) as probe:
        try:
            cluster = await probe.run_blocking(lambda: _connect(target, probe, ctx, plan.dry_run))
            lines, detail = await _RUN[spec.operation](cluster, spec, ask, plan, probe)
        except Exception as exc:  # an API answer is a failure; no answer at all is an error
            status, reason = _problem(exc, target)
            return one_line("failed" if status else "error", reason, on_line, http_status=status)
    return Outcome("ok", output=report(lines, on_line), detail=detail)
