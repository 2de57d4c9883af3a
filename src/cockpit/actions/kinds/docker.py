"""`docker` actions: restart, stop or start a container through the Docker Engine API.

The preview reads the container by its name and the run acts on the id read then, so a container
created under the same name in between is never the one restarted or stopped.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from cockpit.actions.apis import bounded, clients, one_line, refuse_dry_run
from cockpit.actions.context import ActionContext
from cockpit.actions.model import Call, Outcome, Plan, Refused
from cockpit.actions.template import render
from cockpit.config.actions import ActionConfig, DockerAction
from cockpit.config.environments import DockerTarget, Environment
from cockpit.sources.health.describe import describe_error
from cockpit.sources.health.docker import engine_client
from cockpit.text.sanitize import excerpt

if TYPE_CHECKING:
    import httpx

DONE = {"restart": "restarted", "stop": "stopped", "start": "started"}


def _spec(action: ActionConfig) -> DockerAction:
    spec = action.docker
    assert spec is not None
    return spec


def _host(env: Environment) -> str:
    return (env.docker or DockerTarget()).host


def _message(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        body = None
    text = body.get("message") if isinstance(body, dict) else None
    return excerpt(str(text or response.text or response.reason_phrase), 200)


def describe_state(state: dict[str, Any]) -> str:
    """A container's state in a few words: ``running since 2025-06-01 10:02:03 UTC``."""
    status = str(state.get("Status") or "unknown")

    def when(key: str) -> str:
        stamp = str(state.get(key) or "")
        return f"{stamp[:10]} {stamp[11:19]} UTC" if len(stamp) >= 19 else "an unknown time"

    if status == "running":
        return f"running since {when('StartedAt')}"
    if status in ("exited", "dead"):
        return f"{status} (code {state.get('ExitCode')}) since {when('FinishedAt')}"
    return status


def _change(operation: str, state: dict[str, Any], wait: int) -> str:
    now = describe_state(state)
    running = state.get("Status") in ("running", "restarting", "paused")
    if operation == "restart":
        return f"{now} -> restarted (stopped with {wait} s to exit, then started)"
    if operation == "stop":
        if not running:
            return f"{now} -> unchanged (not running: nothing to stop)"
        return f"{now} -> stopped ({wait} s to exit, then killed)"
    if running:
        return f"{now} -> unchanged (already running)"
    return f"{now} -> running"


async def prepare(
    action: ActionConfig,
    env: Environment,
    values: dict[str, str | int],
    ctx: ActionContext,
    dry_run: bool,
) -> Call:
    """The exact request, with the container's current state (``running since ...``).

    Raises:
        Refused: A dry run (the engine has none), no such container, or the engine cannot be
            asked (the reason says).
    """
    import httpx

    refuse_dry_run(action, dry_run)
    spec = _spec(action)
    host = _host(env)
    name = render(spec.container, values)
    async with clients(ctx) as probe:
        try:
            client, base = engine_client(host, probe)
            response = await client.get(
                f"{base}/containers/{quote(name, safe='')}/json", timeout=ctx.request_timeout
            )
        except ValueError as exc:
            raise Refused(str(exc)) from None
        except httpx.HTTPError as exc:
            raise Refused(f"docker engine unreachable at {host}: {describe_error(exc)}") from None
    if response.status_code == 404:
        raise Refused(f"no container {excerpt(name, 80)!r} on {host}")
    if response.status_code != 200:
        raise Refused(f"docker HTTP {response.status_code}: {_message(response)}")
    info = response.json()
    cid = str(info.get("Id") or "")
    query = f"?t={spec.wait}" if spec.operation in ("restart", "stop") else ""
    return Call(
        target=f"container {excerpt(name, 80)} ({cid[:12]})",
        method="POST",
        url=f"{host}/containers/{cid}/{spec.operation}{query}",
        touches=(_change(spec.operation, info.get("State") or {}, spec.wait),),
    )


async def execute(
    plan: Plan, ctx: ActionContext, on_line: Callable[[str], None], cancel: asyncio.Event
) -> Outcome:
    """Send the previewed request, then read the state the container is left in."""
    return await bounded(plan, cancel, _send(plan, ctx, on_line))


async def _send(plan: Plan, ctx: ActionContext, on_line: Callable[[str], None]) -> Outcome:
    import httpx

    spec = _spec(plan.action)
    host = _host(plan.environment)
    assert plan.call.url is not None
    path = plan.call.url.removeprefix(host)
    cid = path.split("/")[2]
    name = plan.call.target
    async with clients(ctx) as probe:
        client, base = engine_client(host, probe)
        try:
            # The engine answers a restart or stop only once the container has stopped.
            response = await client.post(base + path, timeout=spec.wait + ctx.request_timeout)
        except httpx.HTTPError as exc:
            reason = f"docker engine unreachable at {host}: {describe_error(exc)}"
            return one_line("error", reason, on_line)
        code = response.status_code
        if code == 404:
            reason = f"{name} is gone (removed since the preview?): {_message(response)}"
        elif code not in (204, 304):
            reason = f"docker HTTP {code}: {_message(response)}"
        else:
            done = DONE[spec.operation] if code == 204 else "unchanged (nothing to do)"
            line = f"{name} {done}: {await _state(client, f'{base}/containers/{cid}/json', ctx)}"
            return one_line("ok", line, on_line, http_status=code)
    return one_line("failed", reason, on_line, http_status=code)


async def _state(client: httpx.AsyncClient, url: str, ctx: ActionContext) -> str:
    """The container's state as the engine reports it now (the run is done either way)."""
    import httpx

    try:
        response = await client.get(url, timeout=ctx.request_timeout)
        return describe_state(response.json().get("State") or {})
    except (httpx.HTTPError, ValueError, AttributeError):
        return "state unknown (the engine did not say)"
