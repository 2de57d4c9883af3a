"""Kubernetes checks: a deployment's replicas and the health of its pods.

Every call names the environment's context and namespace explicitly; the kubeconfig's
current-context is never used. The official client runs in a thread with ``_request_timeout``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from cockpit.config.environments import KubernetesTarget
from cockpit.config.services import KubernetesProbe
from cockpit.domain.health import Outcome, Status
from cockpit.text.sanitize import excerpt

if TYPE_CHECKING:
    from cockpit.sources.health.context import ProbeContext
    from cockpit.sources.health.plan import CheckJob

ASKS_CONTROL_PLANE = True
"""A timeout means the control plane did not answer: the service's health is unknown."""

# Waiting reasons that mean the container will not come up by itself.
BAD_WAITING = frozenset(
    {
        "CrashLoopBackOff",
        "ImagePullBackOff",
        "ErrImagePull",
        "InvalidImageName",
        "CreateContainerConfigError",
        "CreateContainerError",
        "RunContainerError",
    }
)


@dataclass
class PodView:
    """What matters about one pod."""

    name: str
    uid: str
    phase: str
    ready: bool
    restarts: int
    waiting: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class KubeView:
    """A deployment (if asked for) and its pods."""

    desired: int | None = None
    ready: int = 0
    available: int = 0
    pods: list[PodView] = field(default_factory=list)


class KubeFailure(Exception):
    """The API could not answer; ``status`` says how to judge that."""

    def __init__(self, status: Status, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def api_client(target: KubernetesTarget, ctx: ProbeContext, timeout: float) -> Any:
    """A client for ``target``'s context (its credential plugin run within ``timeout``)."""
    from kubernetes import config

    from cockpit.sources.kube_credentials import kubeconfig_for

    path = str(ctx.resolve_path(target.kubeconfig)) if target.kubeconfig else None
    resolved = kubeconfig_for(path, target.context, timeout)
    if resolved is None:  # no kubeconfig: the client says so in its words
        api = config.new_client_from_config(  # type: ignore[no-untyped-call]
            config_file=path, context=target.context, persist_config=False
        )
    else:
        api = config.new_client_from_config_dict(  # type: ignore[no-untyped-call]
            config_dict=resolved, context=target.context, persist_config=False
        )
    ctx.on_close(api.close)
    return api


def _pod_view(pod: Any) -> PodView:
    status = pod.status
    statuses = list(status.container_statuses or []) if status else []
    waiting = [
        (str(cs.state.waiting.reason or ""), str(cs.state.waiting.message or ""))
        for cs in statuses
        if cs.state is not None and cs.state.waiting is not None
    ]
    ready = any(
        c.type == "Ready" and c.status == "True"
        for c in (status.conditions or [] if status else [])
    )
    return PodView(
        name=str(pod.metadata.name),
        uid=str(pod.metadata.uid or pod.metadata.name),
        phase=str(status.phase if status and status.phase else "Unknown"),
        ready=ready,
        restarts=sum(int(cs.restart_count or 0) for cs in statuses),
        waiting=waiting,
    )


def inspect(api: Any, spec: KubernetesProbe, namespace: str, timeout: float) -> KubeView:
    """Read the deployment and its pods (blocking)."""
    from kubernetes import client
    from kubernetes.client.exceptions import ApiException

    view = KubeView()
    selector = spec.selector
    try:
        if spec.deployment:
            dep = client.AppsV1Api(api).read_namespaced_deployment(
                spec.deployment, namespace, _request_timeout=(timeout, timeout)
            )
            view.desired = 1 if dep.spec.replicas is None else int(dep.spec.replicas)
            view.ready = int(dep.status.ready_replicas or 0) if dep.status else 0
            view.available = int(dep.status.available_replicas or 0) if dep.status else 0
            if not selector:
                labels = dep.spec.selector.match_labels or {}
                selector = ",".join(f"{k}={v}" for k, v in sorted(labels.items()))
        pods = client.CoreV1Api(api).list_namespaced_pod(
            namespace, label_selector=selector or None, _request_timeout=(timeout, timeout)
        )
    except ApiException as exc:
        if exc.status == 404 and spec.deployment:
            raise KubeFailure(
                Status.DOWN, f"deployment {spec.deployment!r} not found in {namespace}"
            ) from exc
        if exc.status in (401, 403):
            raise KubeFailure(
                Status.UNKNOWN, f"kubernetes API refused access (HTTP {exc.status})"
            ) from exc
        raise KubeFailure(
            Status.UNKNOWN, f"kubernetes API HTTP {exc.status}: {excerpt(str(exc.reason), 120)}"
        ) from exc
    view.pods = [_pod_view(p) for p in pods.items]
    return view


def _problems(pods: list[PodView]) -> tuple[list[str], str]:
    problems: list[str] = []
    detail = ""
    for pod in pods:
        bad = [(r, m) for r, m in pod.waiting if r in BAD_WAITING]
        if bad:
            problems.append(f"pod {pod.name}: {bad[0][0]}")
            detail = detail or excerpt(bad[0][1], 300)
        elif pod.phase not in ("Running", "Succeeded"):
            problems.append(f"pod {pod.name} {pod.phase}")
        elif pod.phase == "Running" and not pod.ready:
            problems.append(f"pod {pod.name} not ready")
    return problems, detail


def judge(
    spec: KubernetesProbe, view: KubeView, previous: dict[str, int] | None
) -> tuple[Status, str, str]:
    """Status, reason and detail; ``previous`` maps pod uid to its last seen restart count."""
    problems, detail = _problems(view.pods)
    rising = [
        f"{p.name} +{p.restarts - previous[p.uid]}"
        for p in view.pods
        if previous is not None and p.uid in previous and p.restarts > previous[p.uid]
    ]
    too_many = [
        f"{p.name} {p.restarts}"
        for p in view.pods
        if spec.max_restarts is not None and p.restarts > spec.max_restarts
    ]
    if view.desired is not None:
        head = f"{view.ready}/{view.desired} ready"
        if view.desired == 0:
            status, head = Status.UP, "scaled to 0"
        elif view.available == 0:
            status = Status.DOWN
            head = f"0/{view.desired} available"
        elif view.ready < view.desired or view.available < view.desired or problems:
            status = Status.DEGRADED
        else:
            status = Status.UP
    else:
        good = len(view.pods) - len(problems)
        head = f"{good}/{len(view.pods)} pods healthy"
        if not view.pods:
            status, head = Status.DOWN, f"no pods match {spec.selector}"
        elif good == 0:
            status = Status.DOWN
        else:
            status = Status.DEGRADED if problems else Status.UP
    notes = problems[:3] + ([f"+{len(problems) - 3} more"] if len(problems) > 3 else [])
    if rising:
        notes.append("restarts rising: " + ", ".join(rising[:3]))
    if too_many:
        notes.append(f"restarts over {spec.max_restarts}: " + ", ".join(too_many[:3]))
    if (rising or too_many) and status is Status.UP:
        status = Status.DEGRADED
    reason = head + ("; " + "; ".join(notes) if notes else "")
    return status, reason, detail


async def probe(job: CheckJob, ctx: ProbeContext) -> Outcome:
    """Inspect the deployment/pods in the environment's context and namespace."""
    spec = job.config.kubernetes
    assert isinstance(spec, KubernetesProbe)
    target = job.env.kubernetes
    if target is None:
        return Outcome(
            Status.UNKNOWN, f"environment {job.environment!r} has no kubernetes: section"
        )
    start = time.monotonic()

    def read() -> KubeView:
        api = ctx.cached(
            ("kube", target.kubeconfig, target.context),
            lambda: api_client(target, ctx, spec.timeout),
        )
        return inspect(api, spec, target.namespace, spec.timeout)

    try:
        view = await ctx.run_blocking(read)
    except KubeFailure as exc:
        return Outcome(exc.status, exc.reason, latency_ms=(time.monotonic() - start) * 1000.0)
    except Exception as exc:  # kubeconfig problems and transport errors: we cannot tell
        return Outcome(Status.UNKNOWN, unreachable_reason(exc, target))
    latency = (time.monotonic() - start) * 1000.0
    memo_key = ("kube-restarts", *job.key)
    previous = ctx.memo.get(memo_key)
    ctx.memo[memo_key] = {p.uid: p.restarts for p in view.pods}
    status, reason, detail = judge(spec, view, previous if isinstance(previous, dict) else None)
    return Outcome(status, reason, latency_ms=latency, detail=detail)


def unreachable_reason(exc: Exception, target: KubernetesTarget) -> str:
    """Why the API of ``target`` could not be asked (kubeconfig, credentials, network)."""
    name = type(exc).__name__
    if name == "ConfigException":
        return f"kubeconfig: {excerpt(str(exc), 200)}"
    if name == "CredentialError":
        return f"credentials (context {target.context}): {excerpt(str(exc), 240)}"
    if name in ("MaxRetryError", "NewConnectionError", "ProtocolError") or isinstance(exc, OSError):
        cause = getattr(exc, "reason", None) or exc
        text = str(cause)
        if "Connection refused" in text:
            text = "connection refused"
        elif "timed out" in text.lower():
            text = "timed out"
        return f"kubernetes API unreachable (context {target.context}): {excerpt(text, 160)}"
    return f"kubernetes API error (context {target.context}): {name}: {excerpt(str(exc), 160)}"
