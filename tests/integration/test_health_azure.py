"""azure_webapp checks: real azure-identity against the local Azure stand-in, ARM over httpx."""

from __future__ import annotations

import time
from typing import Any

import pytest

from cockpit.domain.health import Status
from cockpit.sources.health.context import ProbeContext
from cockpit.sources.health.runner import run_round
from tests.support.azure_server import AzureStandIn
from tests.support.health_checks import jobs_for, run_checks
from tests.support.processes import free_port

pytestmark = pytest.mark.integration

SUB = "00000000-1111-2222-3333-444444444444"
IDENTITY_VARS = (
    "IDENTITY_ENDPOINT",
    "IDENTITY_HEADER",
    "MSI_ENDPOINT",
    "AZURE_CLIENT_ID",
    "AZURE_TENANT_ID",
    "AZURE_CLIENT_SECRET",
    "AZURE_FEDERATED_TOKEN_FILE",
)


def _env(arm: str, **extra: Any) -> dict[str, Any]:
    return {"prod": {"azure": {"subscription": SUB, "resource_group": "ops-rg",
                               "arm_endpoint": arm, **extra}}}  # fmt: skip


async def test_site_states(azure_managed_identity: AzureStandIn) -> None:
    server = azure_managed_identity
    server.set_site("api-stopped", "Stopped")
    results = await run_checks(
        {
            "running": [{"azure_webapp": {"name": "sitef6141"}}],
            "stopped": [{"azure_webapp": {"name": "api-stopped"}}],
            "missing": [{"azure_webapp": {"name": "nosuchsite"}}],
            "other-rg": [{"azure_webapp": {"name": "sitef7252", "resource_group": "other-rg"}}],
        },
        environments=_env(server.url),
    )
    assert results["running"].status is Status.UP, results["running"].reason
    assert results["running"].reason == "state Running"
    assert results["stopped"].status is Status.DOWN
    assert results["stopped"].reason == "state Stopped"
    assert results["missing"].status is Status.DOWN
    assert results["missing"].reason == "web app 'nosuchsite' not found in ops-rg"
    assert results["other-rg"].status is Status.UP
    paths = {r.path for r in server.arm_requests()}
    assert (
        f"/subscriptions/{SUB}/resourceGroups/other-rg/providers/Microsoft.Web/sites/sitef7252"
        in paths
    )
    # One managed-identity token served every check of the run.
    assert len([r for r in server.requests if r.path == "/msi/token"]) == 1


async def test_expired_token_is_unknown_not_down(azure_managed_identity: AzureStandIn) -> None:
    server = azure_managed_identity
    jobs = jobs_for({"api": [{"azure_webapp": {"name": "sitef6141"}}]}, _env(server.url))
    ctx = ProbeContext()
    try:
        first = (await run_round(jobs, ctx))[0]
        server.expire_tokens()
        second = (await run_round(jobs, ctx))[0]
    finally:
        await ctx.aclose()
    assert first.status is Status.UP
    assert second.status is Status.UNKNOWN
    assert second.reason.startswith(
        "ARM refused the credential (HTTP 401) ExpiredAuthenticationToken"
    )


async def test_token_failure_is_unknown(azure_managed_identity: AzureStandIn) -> None:
    azure_managed_identity.fail_tokens = True
    results = await run_checks(
        {"api": [{"azure_webapp": {"name": "sitef6141"}}]},
        environments=_env(azure_managed_identity.url),
    )
    assert results["api"].status is Status.UNKNOWN
    assert results["api"].reason.startswith("no Azure credential: ")


async def test_no_credential_at_all_is_unknown_quickly(
    azure_server: AzureStandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    for var in IDENTITY_VARS:
        monkeypatch.delenv(var, raising=False)
    # No az CLI on the path either.
    monkeypatch.setenv("PATH", "/nonexistent")
    start = time.monotonic()
    results = await run_checks(
        {"api": [{"azure_webapp": {"name": "sitef6141", "timeout": "5s"}}]},
        environments=_env(azure_server.url),
    )
    assert results["api"].status is Status.UNKNOWN
    assert results["api"].reason.startswith("no Azure credential: ")
    assert time.monotonic() - start < 5.5
    assert azure_server.arm_requests() == []


async def test_unreachable_arm_and_missing_settings_are_unknown(
    azure_managed_identity: AzureStandIn,
) -> None:
    results = await run_checks(
        {"api": [{"azure_webapp": {"name": "sitef6141", "timeout": "2s"}}]},
        environments=_env(f"http://127.0.0.1:{free_port()}"),
    )
    assert results["api"].status is Status.UNKNOWN
    # The token comes from the identity endpoint; ARM itself refuses the connection.
    assert results["api"].reason == "Azure Resource Manager unreachable: connection refused"
    results = await run_checks({"api": [{"azure_webapp": {"name": "x"}}]})
    assert results["api"].status is Status.UNKNOWN
    assert "has no azure: section" in results["api"].reason
