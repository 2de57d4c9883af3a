"""Docker checks: a container's state and HEALTHCHECK status through the Engine API."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from cockpit.config.environments import DockerTarget
from cockpit.config.services import DockerProbe
from cockpit.domain.health import Outcome, Status
from cockpit.sources.health.describe import describe_error
from cockpit.text.sanitize import excerpt

if TYPE_CHECKING:
    import httpx

    from cockpit.sources.health.context import ProbeContext
    from cockpit.sources.health.plan import CheckJob

ASKS_CONTROL_PLANE = True
"""A timeout means the control plane did not answer: the service's health is unknown."""

_BY_STATE = {
    "running": Status.UP,
    "paused": Status.DEGRADED,
    "restarting": Status.DOWN,
    "created": Status.DOWN,
    "exited": Status.DOWN,
    "dead": Status.DOWN,
    "removing": Status.DOWN,
}
_BY_HEALTH = {"healthy": Status.UP, "starting": Status.DEGRADED, "unhealthy": Status.DOWN}


def engine_client(host: str, ctx: ProbeContext) -> tuple[httpx.AsyncClient, str]:
    """A client for ``unix:///path`` (shared per socket) or ``tcp://host:port``, plus a base."""
    if host.startswith("unix://"):
        return ctx.unix_client(host.removeprefix("unix://")), "http://docker"
    if host.startswith("tcp://"):
        return ctx.http_client(True), "http://" + host.removeprefix("tcp://")
    raise ValueError(f"unsupported docker host {host!r}: use unix:///path or tcp://host:port")


def judge(state: dict[str, Any]) -> tuple[Status, str, str]:
    """Status, reason and detail from an inspect ``State`` object."""
    name = str(state.get("Status") or "unknown")
    status = _BY_STATE.get(name, Status.UNKNOWN)
    reason = name
    detail = ""
    if name in ("exited", "dead"):
        reason = f"{name} (code {state.get('ExitCode')})"
        if state.get("OOMKilled"):
            reason += ", OOM-killed"
        if state.get("Error"):
            detail = excerpt(str(state["Error"]))
    health = state.get("Health") or {}
    health_status = health.get("Status")
    if name == "running" and health_status in _BY_HEALTH:
        status = _BY_HEALTH[health_status]
        reason = f"running, {health_status}"
        log = health.get("Log") or []
        if log and health_status != "healthy":
            last = log[-1]
            output = excerpt(str(last.get("Output") or ""), 200)
            reason += f" (health check exit {last.get('ExitCode')}"
            reason += f": {output})" if output else ")"
            detail = output
    return status, reason, detail


async def probe(job: CheckJob, ctx: ProbeContext) -> Outcome:
    """Inspect the container; state and health decide."""
    import httpx

    spec = job.config.docker
    assert isinstance(spec, DockerProbe)
    host = (job.env.docker or DockerTarget()).host
    start = time.monotonic()
    try:
        client, base = engine_client(host, ctx)
        response = await client.get(
            f"{base}/containers/{quote(spec.container, safe='')}/json",
            timeout=httpx.Timeout(spec.timeout),
        )
    except ValueError as exc:
        return Outcome(Status.UNKNOWN, str(exc))
    except httpx.HTTPError as exc:
        reason = describe_error(exc, timeout=spec.timeout)
        return Outcome(Status.UNKNOWN, f"docker engine unreachable at {host}: {reason}")
    latency = (time.monotonic() - start) * 1000.0
    if response.status_code == 404:
        return Outcome(Status.DOWN, f"no container {spec.container!r}", latency_ms=latency)
    if response.status_code != 200:
        message = excerpt(response.text, 200)
        return Outcome(
            Status.UNKNOWN, f"docker HTTP {response.status_code}: {message}", latency_ms=latency
        )
    info = response.json()
    status, reason, detail = judge(info.get("State") or {})
    restarts = info.get("RestartCount") or 0
    if restarts:
        reason += f", {restarts} restarts"
    return Outcome(status, reason, latency_ms=latency, detail=detail)
