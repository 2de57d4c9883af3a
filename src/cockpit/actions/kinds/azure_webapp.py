"""`azure_webapp` actions: restart, stop or start an App Service web app through Azure Resource
Manager (what ``az webapp restart`` does), with the environment's credential.

The credential is the one the web app checks use: a chain that never prompts. The bearer token
goes in a header that is never shown in the preview nor recorded.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from cockpit.actions.apis import bounded, clients, one_line, refuse_dry_run
from cockpit.actions.context import ActionContext
from cockpit.actions.model import Call, Outcome, Plan, Refused
from cockpit.actions.template import render, url_part
from cockpit.config.actions import ActionConfig, AzureWebappAction
from cockpit.config.environments import AzureTarget, Environment
from cockpit.sources.health.azure_webapp import arm_error, arm_token, first_line, site_url
from cockpit.sources.health.describe import describe_error
from cockpit.text.sanitize import excerpt

if TYPE_CHECKING:
    import httpx

    from cockpit.sources.health.context import ProbeContext

API_VERSION = "2022-03-01"
AFTER = {"restart": "Running (restarted)", "stop": "Stopped", "start": "Running"}
DONE = {"restart": "restarted", "stop": "stopped", "start": "started"}


def _spec(action: ActionConfig) -> AzureWebappAction:
    spec = action.azure_webapp
    assert spec is not None
    return spec


def _target(env: Environment) -> AzureTarget:
    if env.azure is None:
        raise Refused(f"environment {env.name} has no azure: section (subscription to act in)")
    return env.azure


def _body(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


async def _bearer(target: AzureTarget, probe: ProbeContext, ctx: ActionContext) -> str:
    return await probe.run_blocking(lambda: arm_token(target, probe, ctx.request_timeout))


async def prepare(
    action: ActionConfig,
    env: Environment,
    values: dict[str, str | int],
    ctx: ActionContext,
    dry_run: bool,
) -> Call:
    """The exact request, with the web app's state as ARM reports it now.

    Raises:
        Refused: A dry run (ARM has none), no azure target or resource group, no credential,
            ARM refuses it or cannot be reached, or the web app does not exist.
    """
    import httpx

    refuse_dry_run(action, dry_run)
    spec = _spec(action)
    target = _target(env)
    group = render(spec.resource_group, values) if spec.resource_group else target.resource_group
    if not group:
        raise Refused("no resource_group on the action or in the environment's azure: section")
    name = render(spec.name, values)
    site = site_url(target, group, name)
    async with clients(ctx) as probe:
        try:
            token = await _bearer(target, probe, ctx)
        except Exception as exc:  # every credential failure: nothing can be asked
            raise Refused(f"no Azure credential: {first_line(exc)}") from None
        try:
            response = await probe.http_client(True).get(
                site,
                params={"api-version": API_VERSION},
                headers={"Authorization": f"Bearer {token}"},
                timeout=ctx.request_timeout,
            )
        except httpx.HTTPError as exc:
            raise Refused(f"Azure Resource Manager unreachable: {describe_error(exc)}") from None
    code, body = response.status_code, _body(response)
    if code in (401, 403):
        raise Refused(f"ARM refused the credential (HTTP {code}) {arm_error(body)}".strip())
    if code == 404:
        raise Refused(f"web app {excerpt(name, 80)!r} not found in resource group {group}")
    if code != 200:
        raise Refused(f"ARM HTTP {code} {arm_error(body)}".strip())
    state = str(((body or {}).get("properties") or {}).get("state") or "unknown")
    return Call(
        target=f"web app {excerpt(name, 80)}",
        method="POST",
        url=f"{site}/{spec.operation}?api-version={url_part(API_VERSION)}",
        touches=(f"state {state} -> {AFTER[spec.operation]}",),
    )


async def execute(
    plan: Plan, ctx: ActionContext, on_line: Callable[[str], None], cancel: asyncio.Event
) -> Outcome:
    """Send the previewed request, then read the state the web app is left in."""
    return await bounded(plan, cancel, _send(plan, ctx, on_line))


async def _send(plan: Plan, ctx: ActionContext, on_line: Callable[[str], None]) -> Outcome:
    import httpx

    spec = _spec(plan.action)
    target = _target(plan.environment)
    assert plan.call.url is not None
    async with clients(ctx) as probe:
        try:
            token = await _bearer(target, probe, ctx)
        except Exception as exc:  # every credential failure: nothing was sent
            return one_line("error", f"no Azure credential: {first_line(exc)}", on_line)
        client = probe.http_client(True)
        auth = {"Authorization": f"Bearer {token}"}
        try:
            response = await client.post(plan.call.url, headers=auth, timeout=ctx.request_timeout)
        except httpx.HTTPError as exc:
            reason = f"Azure Resource Manager unreachable: {describe_error(exc)}"
            return one_line("error", reason, on_line)
        code = response.status_code
        if not 200 <= code < 300:
            reason = f"ARM HTTP {code} {arm_error(_body(response))}".strip()
            return one_line("failed", reason, on_line, http_status=code)
        site = plan.call.url.rsplit("/", 1)[0]
        try:
            after = await client.get(
                site, params={"api-version": API_VERSION}, headers=auth, timeout=ctx.request_timeout
            )
            props = (_body(after) or {}).get("properties") or {}
            state = f"state {props.get('state') or 'unknown'}"
        except (httpx.HTTPError, AttributeError):
            state = "state unknown (ARM did not say)"
    line = f"{plan.call.target} {DONE[spec.operation]}: {state}"
    return one_line("ok", line, on_line, http_status=code)
