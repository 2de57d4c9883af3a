"""`azure_webapp` actions through the gate: real azure-identity (managed identity) against the
local Azure stand-in, ARM over httpx."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from cockpit.actions.gate import Gate
from cockpit.actions.model import Confirmation, Refused
from cockpit.state.store import Store
from tests.support.actions import action_gate, recorded, recorded_text, run_action
from tests.support.azure_server import AzureStandIn, SiteAction
from tests.support.cockpit_cli import action_cli
from tests.support.processes import free_port

pytestmark = pytest.mark.integration

SUB = "00000000-1111-2222-3333-444444444444"
SITE = "sitef6141"
CONFIG = """\
environments:
  azure-prod:
    production: true
    azure: {subscription: SUB, resource_group: ops-rg, arm_endpoint: ARM}
  bare: {}
actions:
  - name: restart-app
    azure_webapp: {operation: restart, name: "{app}"}
    params:
      app: {type: pattern, pattern: "^[a-z0-9./-]+$"}
  - name: stop-app
    azure_webapp: {operation: stop, name: sitef6141}
  - name: start-app
    azure_webapp: {operation: start, name: sitef6141, resource_group: "{group}"}
    params: {group: {type: name}}
"""
TYPED = Confirmation(typed="azure-prod")


def config(arm: str) -> str:
    """The config with ARM at ``arm``."""
    return CONFIG.replace("SUB", SUB).replace("ARM", arm)


@pytest.fixture
def gate(azure_managed_identity: AzureStandIn, tmp_path: Path, state_store: Store) -> Gate:
    return action_gate(config(azure_managed_identity.url), tmp_path, state_store)


def site_state(server: AzureStandIn, group: str = "ops-rg") -> str:
    """The site's state as a plain ARM GET of our own reads it."""
    token = server.issue_token().token
    response = httpx.get(
        f"{server.url}/subscriptions/{SUB}/resourceGroups/{group}/providers/Microsoft.Web/sites/"
        f"{SITE}?api-version=2022-03-01",
        headers={"Authorization": f"Bearer {token}"},
    )
    response.raise_for_status()
    return str(response.json()["properties"]["state"])


async def test_restart_posts_to_arm_with_the_environments_credential(
    azure_managed_identity: AzureStandIn, gate: Gate, state_store: Store
) -> None:
    server = azure_managed_identity

    plan, outcome = await run_action(
        gate, "restart-app", "azure-prod", {"app": SITE}, confirmation=TYPED
    )

    site = f"{server.url}/subscriptions/{SUB}/resourceGroups/ops-rg/providers/Microsoft.Web/sites"
    assert plan.call.url == f"{site}/{SITE}/restart?api-version=2022-03-01"
    assert plan.call.touches == ("state Running -> Running (restarted)",)
    assert outcome.ok and outcome.http_status == 200, outcome
    assert outcome.detail == f"web app {SITE} restarted: state Running"
    assert server.site_actions == [
        SiteAction("restart", SUB, "ops-rg", SITE, {"api-version": ["2022-03-01"]})
    ]
    (post,) = [r for r in server.arm_requests() if r.method == "POST"]
    scheme, _, token = post.headers["authorization"].partition(" ")
    assert scheme == "Bearer" and token in server.tokens
    assert server.tokens[token].audience == server.url  # ARM's scope, as a resource
    shown = "\n".join(plan.call.lines())
    trail = recorded_text(state_store)
    assert post.path in trail
    assert token not in shown and token not in trail and "Bearer" not in trail


async def test_stop_then_start_and_a_later_get_sees_each_state(
    azure_managed_identity: AzureStandIn, gate: Gate
) -> None:
    server = azure_managed_identity

    stop, stopped = await run_action(gate, "stop-app", "azure-prod", confirmation=TYPED)
    state_after_stop = site_state(server)
    start, started = await run_action(
        gate, "start-app", "azure-prod", {"group": "other-rg"}, confirmation=TYPED
    )

    assert stop.call.touches == ("state Running -> Stopped",)
    assert stopped.ok and stopped.detail == f"web app {SITE} stopped: state Stopped"
    assert state_after_stop == "Stopped"
    assert start.call.touches == ("state Stopped -> Running",)
    assert start.call.url is not None and "/resourceGroups/other-rg/" in start.call.url
    assert started.ok and started.detail == f"web app {SITE} started: state Running"
    assert site_state(server, "other-rg") == "Running"
    assert [(a.action, a.resource_group) for a in server.site_actions] == [
        ("stop", "ops-rg"),
        ("start", "other-rg"),
    ]


async def test_an_arm_error_is_a_failed_outcome_with_its_message(
    azure_managed_identity: AzureStandIn, gate: Gate, state_store: Store
) -> None:
    server = azure_managed_identity
    plan = await gate.prepare("restart-app", "azure-prod", {"app": SITE})
    server.fail_next("/restart", 409, code="Conflict")

    outcome = await gate.execute(plan, TYPED)

    assert outcome.status == "failed" and outcome.http_status == 409
    assert outcome.detail == "ARM HTTP 409 Conflict: injected failure"
    assert outcome.output == "ARM HTTP 409 Conflict: injected failure"
    assert server.site_actions == []
    (attempt,) = recorded(state_store)
    assert (attempt.outcome, attempt.http_status) == ("failed", 409)


async def test_what_an_azure_action_refuses(
    azure_managed_identity: AzureStandIn, gate: Gate, tmp_path: Path, state_store: Store
) -> None:
    server = azure_managed_identity
    with pytest.raises(Refused, match="web app 'nosuchsite' not found in resource group ops-rg"):
        await gate.prepare("restart-app", "azure-prod", {"app": "nosuchsite"})
    # A value is one path segment: this is no way to reach .../sites/sitef6141/stop.
    with pytest.raises(Refused, match="not found"):
        await gate.prepare("restart-app", "azure-prod", {"app": f"{SITE}/stop"})
    assert [r.path.rsplit("/", 1)[-1] for r in server.arm_requests()] == [
        "nosuchsite",
        f"{SITE}%2Fstop",
    ]
    with pytest.raises(Refused, match="azure_webapp actions have no dry run"):
        await gate.prepare("stop-app", "azure-prod", {}, dry_run=True)
    with pytest.raises(Refused, match="environment bare has no azure: section"):
        await gate.prepare("stop-app", "bare", {})
    server.fail_tokens = True
    with pytest.raises(Refused, match=r"^no Azure credential: "):
        await gate.prepare("stop-app", "azure-prod", {})
    server.fail_tokens = False
    dead = action_gate(config(f"http://127.0.0.1:{free_port()}"), tmp_path, state_store)
    with pytest.raises(Refused, match=r"^Azure Resource Manager unreachable: connection refused$"):
        await dead.prepare("stop-app", "azure-prod", {})
    assert server.site_actions == []
    assert site_state(server) == "Running"


def test_stop_through_the_command_line(
    azure_managed_identity: AzureStandIn, tmp_path: Path
) -> None:
    server = azure_managed_identity
    (tmp_path / "c.yaml").write_text(config(server.url))

    bare = action_cli(tmp_path, "stop-app", "--env", "azure-prod")
    done = action_cli(tmp_path, "stop-app", "--env", "azure-prod", "--confirm", "azure-prod")

    assert bare.returncode == 3 and "type its name" in bare.stderr
    assert done.returncode == 0, done.stderr
    assert "action stop-app in azure-prod PRODUCTION [protection: typed]" in done.stdout
    assert "/sites/sitef6141/stop?api-version=2022-03-01" in done.stdout
    assert "changes: state Running -> Stopped" in done.stdout
    assert "ok: web app sitef6141 stopped: state Stopped" in done.stdout
    assert "Bearer" not in done.stdout
    assert site_state(server) == "Stopped"
