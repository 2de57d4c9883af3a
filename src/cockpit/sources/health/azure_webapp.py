"""Azure App Service checks: a Microsoft.Web/sites state through Azure Resource Manager.

Credentials come from a non-interactive chain (environment, workload identity, managed
identity, Azure CLI): nothing here ever prompts. Missing, expired or rejected credentials make
the check UNKNOWN with the reason, never DOWN.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from cockpit.config.environments import AzureTarget
from cockpit.config.services import AzureWebappProbe
from cockpit.domain.health import Outcome, Status
from cockpit.sources.health.describe import describe_error
from cockpit.text.sanitize import excerpt

if TYPE_CHECKING:
    from cockpit.sources.health.context import ProbeContext
    from cockpit.sources.health.plan import CheckJob

ASKS_CONTROL_PLANE = True
"""A timeout means the control plane did not answer: the service's health is unknown."""


API_VERSION = "2024-04-01"
_QUIET_LOGGERS = ("azure.identity", "azure.core.pipeline.policies.http_logging_policy")


def _quiet_azure_logging() -> None:
    # azure-identity logs every failed credential at WARNING; on a terminal (or in the TUI)
    # that would print over the screen. The reason is reported in the result instead.
    for name in _QUIET_LOGGERS:
        logger = logging.getLogger(name)
        if logger.level == logging.NOTSET:
            logger.setLevel(logging.CRITICAL)


def make_credential(target: AzureTarget, process_timeout: float) -> Any:
    """A token credential chain that never prompts (no browser, broker or device code)."""
    from azure.identity import DefaultAzureCredential

    _quiet_azure_logging()
    kwargs: dict[str, Any] = {
        "authority": target.authority_host,
        "process_timeout": max(1, int(process_timeout)),
        "exclude_interactive_browser_credential": True,
        "exclude_broker_credential": True,
        "exclude_shared_token_cache_credential": True,
        "exclude_visual_studio_code_credential": True,
        "exclude_powershell_credential": True,
    }
    if target.tenant:
        kwargs["additionally_allowed_tenants"] = [target.tenant]
    if target.disable_instance_discovery:
        kwargs["disable_instance_discovery"] = True
    return DefaultAzureCredential(**kwargs)


def first_line(exc: BaseException) -> str:
    """The first line of an error's text, sanitized (credential chains write long reports)."""
    lines = [ln.strip() for ln in str(exc).splitlines() if ln.strip()]
    return excerpt(lines[0] if lines else type(exc).__name__, 200)


def credential_key(target: AzureTarget) -> tuple[object, ...]:
    """The :meth:`ProbeContext.cached` key of the credential for ``target``."""
    return (
        "azure-credential",
        target.authority_host,
        target.tenant,
        target.disable_instance_discovery,
    )


def arm_scope(target: AzureTarget) -> str:
    """The token scope of the environment's Resource Manager (sovereign clouds differ)."""
    return f"{target.arm_endpoint.rstrip('/')}/.default"


class ArmCredential:
    """The run's cached credential for ``target``, asking for tokens in its tenant.

    A token credential in the azure-core sense, so SDK clients can take it as it is.
    """

    def __init__(self, target: AzureTarget, ctx: ProbeContext, timeout: float) -> None:
        self._target = target
        self._ctx = ctx
        self._timeout = timeout

    def get_token(self, *scopes: str, **kwargs: Any) -> Any:
        """A token for ``scopes`` (blocking; azure-identity caches it until it nears expiry)."""
        target, timeout = self._target, self._timeout
        credential = self._ctx.cached(
            credential_key(target), lambda: make_credential(target, timeout)
        )
        if target.tenant:
            kwargs["tenant_id"] = target.tenant
        return credential.get_token(*scopes, **kwargs)


def arm_token(target: AzureTarget, ctx: ProbeContext, timeout: float) -> str:
    """A bearer token for ARM (blocking)."""
    return str(ArmCredential(target, ctx, timeout).get_token(arm_scope(target)).token)


def site_url(target: AzureTarget, group: str, name: str) -> str:
    """The ARM URL of web app ``name`` in resource group ``group`` (no api-version)."""
    return (
        f"{target.arm_endpoint.rstrip('/')}/subscriptions/{quote(target.subscription, safe='')}"
        f"/resourceGroups/{quote(group, safe='')}/providers/Microsoft.Web/sites/"
        f"{quote(name, safe='')}"
    )


def arm_error(body: Any) -> str:
    """``Code: message`` of an ARM error body, or empty when the body holds no error."""
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        return excerpt(f"{error.get('code', '')}: {error.get('message', '')}", 200)
    return ""


def judge(site: dict[str, Any]) -> tuple[Status, str]:
    """Status and reason from a Microsoft.Web/sites resource."""
    props = site.get("properties") or {}
    state = str(props.get("state") or "unknown")
    availability = str(props.get("availabilityState") or "Normal")
    usage = str(props.get("usageState") or "Normal")
    if state.lower() != "running":
        return Status.DOWN, f"state {state}"
    if props.get("enabled") is False:
        return Status.DOWN, "state Running but the site is disabled"
    if availability.lower() != "normal":
        return Status.DEGRADED, f"state Running, availability {availability}"
    if usage.lower() != "normal":
        return Status.DEGRADED, f"state Running, usage {usage}"
    return Status.UP, "state Running"


async def probe(job: CheckJob, ctx: ProbeContext) -> Outcome:
    """Get a token, read the site from ARM and judge its state."""
    import httpx

    spec = job.config.azure_webapp
    assert isinstance(spec, AzureWebappProbe)
    target = job.env.azure
    if target is None:
        return Outcome(Status.UNKNOWN, f"environment {job.environment!r} has no azure: section")
    group = spec.resource_group or target.resource_group
    if not group:
        return Outcome(Status.UNKNOWN, "no resource_group on the check or the environment")
    start = time.monotonic()
    # One token request at a time per credential: the first fills the cache for the others.
    lock = ctx.cached(("lock", *credential_key(target)), asyncio.Lock)
    try:
        async with lock:
            token = await ctx.run_blocking(lambda: arm_token(target, ctx, spec.timeout))
    except Exception as exc:  # every credential failure means "cannot tell"
        return Outcome(Status.UNKNOWN, f"no Azure credential: {first_line(exc)}")
    url = site_url(target, group, spec.name)
    try:
        response = await ctx.http_client(True).get(
            url,
            params={"api-version": API_VERSION},
            headers={"Authorization": f"Bearer {token}"},
            timeout=httpx.Timeout(spec.timeout),
        )
    except httpx.HTTPError as exc:
        reason = describe_error(exc, timeout=spec.timeout)
        return Outcome(Status.UNKNOWN, f"Azure Resource Manager unreachable: {reason}")
    latency = (time.monotonic() - start) * 1000.0
    try:
        body = response.json()
    except ValueError:
        body = {}
    if response.status_code in (401, 403):
        return Outcome(
            Status.UNKNOWN,
            f"ARM refused the credential (HTTP {response.status_code}) {arm_error(body)}".strip(),
            latency_ms=latency,
        )
    if response.status_code == 404:
        return Outcome(
            Status.DOWN, f"web app {spec.name!r} not found in {group}", latency_ms=latency
        )
    if response.status_code != 200:
        return Outcome(
            Status.UNKNOWN,
            f"ARM HTTP {response.status_code} {arm_error(body)}".strip(),
            latency_ms=latency,
        )
    status, reason = judge(body)
    return Outcome(status, reason, latency_ms=latency)
