"""`kubernetes` actions through the gate against the Kubernetes API stand-in, cross-checked with
the real kubectl on the same stand-in.

The kubeconfig's current-context is ``standin-prod``; the staging environment names
``standin-staging``. Every request the stand-in records says which context it came through, so
a call that fell back to the current-context would show.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from cockpit.actions.gate import Gate
from cockpit.actions.model import Confirmation, Refused
from cockpit.state.store import Store
from tests.support.actions import action_gate, recorded, run_action
from tests.support.cockpit_cli import action_cli
from tests.support.fixtures_kube import NAMESPACES, KubeApiHandle, write_kubeconfig
from tests.support.kube_api import KubeApiStandin
from tests.support.kube_api_objects import RESTARTED_AT, REVISION, semantic

pytestmark = pytest.mark.integration

NS = "shop-staging"
PROD_NS = "shop-prod"
CONFIG = """\
environments:
  staging:
    kubernetes: {kubeconfig: KUBECONFIG, context: standin-staging, namespace: shop-staging}
  prod:
    protection: typed
    kubernetes: {kubeconfig: KUBECONFIG, context: standin-prod, namespace: shop-prod}
actions:
  - name: restart
    kubernetes: {operation: rollout_restart, name: "{deployment}"}
    params: {deployment: {type: name}}
  - name: undo
    kubernetes: {operation: rollout_undo, name: "{deployment}"}
    params: {deployment: {type: name}}
  - name: undo-to
    kubernetes: {operation: rollout_undo, name: web, revision: "{revision}"}
    params: {revision: {type: int, min: 1}}
  - name: scale
    kubernetes: {operation: scale, name: "{deployment}", replicas: "{replicas}"}
    params:
      deployment: {type: name}
      replicas: {type: int, min: 0, max: 20}
  - name: kill-pod
    kubernetes: {operation: delete_pods, pod: "{pod}"}
    params: {pod: {type: name}}
  - name: kill-app
    kubernetes: {operation: delete_pods, selector: "app={app}"}
    params: {app: {type: name}}
"""


def ok(result: subprocess.CompletedProcess[str]) -> str:
    """stdout of a kubectl run that must have succeeded."""
    assert result.returncode == 0, f"kubectl failed ({result.returncode}): {result.stderr}"
    return result.stdout


def history(kube: KubeApiHandle, deployment: str = "web") -> list[int]:
    """The revisions ``kubectl rollout history`` lists."""
    out = ok(kube.kubectl("rollout", "history", f"deployment/{deployment}"))
    return [int(m.group(1)) for m in re.finditer(r"^(\d+)\s", out, re.MULTILINE)]


def contexts(kube: KubeApiHandle) -> set[str | None]:
    """The contexts the stand-in's requests came through, kubectl's own requests left out."""
    return {r.context for r in kube.server.requests if "kubectl" not in r.headers["user-agent"]}


@pytest.fixture
def kube(kube_api: KubeApiHandle) -> KubeApiHandle:
    """The stand-in with deployment ``web`` (3 replicas) in both namespaces."""
    for namespace in (NS, PROD_NS):
        kube_api.server.add_deployment(namespace, "web", 3, "registry.example/web:1.4")
    return kube_api


@pytest.fixture
def gate(kube: KubeApiHandle, tmp_path: Path, state_store: Store) -> Gate:
    return action_gate(CONFIG.replace("KUBECONFIG", str(kube.kubeconfig)), tmp_path, state_store)


def restart_with_kubectl(kube: KubeApiHandle, namespace: str = NS) -> None:
    """A second revision of ``web``, made by kubectl."""
    ok(kube.kubectl("rollout", "restart", "deployment/web", namespace=namespace))
    assert kube.server.wait_idle()


async def test_scale_previews_the_current_count_and_kubectl_sees_the_new_one(
    kube: KubeApiHandle, gate: Gate, state_store: Store
) -> None:
    params = {"deployment": "web", "replicas": "10"}
    plan, outcome = await run_action(gate, "scale", "staging", params)

    assert plan.call.touches == ("replicas 3 -> 10",)
    assert plan.call.context == "standin-staging, namespace shop-staging"
    base = kube.server.url_for("standin-staging")
    assert plan.call.url == f"{base}/apis/apps/v1/namespaces/{NS}/deployments/web/scale"
    assert plan.call.body == '{"spec":{"replicas":10}}'
    assert outcome.ok, outcome
    assert outcome.detail == "replicas 3 -> 10"
    assert outcome.output == "deployment.apps/web scaled"
    (patch,) = kube.server.requests_to("PATCH", f"/namespaces/{NS}/deployments/web/scale")
    assert patch.headers["content-type"] == "application/merge-patch+json"
    assert patch.json == {"spec": {"replicas": 10}}
    assert ok(kube.kubectl("get", "deploy", "web", "-o", "jsonpath={.spec.replicas}")) == "10"
    assert kube.server.wait_idle()
    assert len(kube.server.pod_names(NS, "web-")) == 10
    (attempt,) = recorded(state_store)
    assert attempt.outcome == "ok" and attempt.call["touches"] == ["replicas 3 -> 10"]


async def test_the_environments_context_is_used_never_the_current_one(
    kube: KubeApiHandle, gate: Gate
) -> None:
    await run_action(gate, "scale", "staging", {"deployment": "web", "replicas": "5"})

    # The kubeconfig's current-context is standin-prod: nothing went there.
    assert contexts(kube) == {"standin-staging"}
    assert kube.server.deployment(PROD_NS, "web")["spec"]["replicas"] == 3
    assert ok(kube.kubectl("get", "deploy", "web", "-o", "jsonpath={.spec.replicas}")) == "5"
    prod = ok(
        kube.kubectl(
            "get", "deploy", "web", "-o", "jsonpath={.spec.replicas}",
            context="standin-prod", namespace=PROD_NS,
        )
    )  # fmt: skip
    assert prod == "3"


async def test_a_dry_run_is_the_servers_and_changes_nothing(
    kube: KubeApiHandle, gate: Gate
) -> None:
    before = kube.server.deployment(NS, "web")
    pods = kube.server.pod_names(NS, "web-")

    scale, scaled = await run_action(
        gate, "scale", "staging", {"deployment": "web", "replicas": "7"}, dry_run=True
    )
    _, restarted = await run_action(gate, "restart", "staging", {"deployment": "web"}, dry_run=True)
    _, killed = await run_action(gate, "kill-app", "staging", {"app": "web"}, dry_run=True)

    assert scale.call.url is not None and scale.call.url.endswith("/scale?dryRun=All")
    assert scaled.ok and scaled.detail == "replicas 3 -> 7 (server dry run)"
    assert restarted.ok and restarted.detail == "deployment.apps/web restarted (server dry run)"
    assert killed.ok and killed.detail == "3 of 3 pods deleted (server dry run)"
    writes = [r for r in kube.server.requests if r.method in ("PATCH", "DELETE")]
    assert len(writes) == 5 and all(r.param("dryRun") == "All" for r in writes)
    assert kube.server.wait_idle()
    after = kube.server.deployment(NS, "web")
    assert after["metadata"]["resourceVersion"] == before["metadata"]["resourceVersion"]
    assert after["spec"] == before["spec"]
    assert kube.server.pod_names(NS, "web-") == pods
    assert history(kube) == [1]


async def test_rollout_restart_patches_the_template_as_kubectl_does(
    kube: KubeApiHandle, gate: Gate
) -> None:
    plan, outcome = await run_action(gate, "restart", "staging", {"deployment": "web"})

    assert outcome.ok and outcome.detail == "deployment.apps/web restarted"
    stamp = json.loads(plan.call.body or "")["spec"]["template"]["metadata"]["annotations"][
        RESTARTED_AT
    ]
    assert plan.call.touches == (
        f"pod template annotation {RESTARTED_AT}: unset -> {stamp}",
        "3 pods replaced by a rolling update",
    )
    (patch,) = kube.server.requests_to("PATCH", f"/namespaces/{NS}/deployments/web")
    assert patch.headers["content-type"] == "application/strategic-merge-patch+json"
    assert patch.json["spec"]["template"] == {"metadata": {"annotations": {RESTARTED_AT: stamp}}}
    assert kube.server.wait_idle()
    assert history(kube) == [1, 2]
    status = ok(kube.kubectl("rollout", "status", "deployment/web", "--timeout=10s"))
    assert 'deployment "web" successfully rolled out' in status


async def test_rollout_undo_sends_what_kubectl_sends(kube: KubeApiHandle, gate: Gate) -> None:
    server = kube.server
    original = server.deployment(NS, "web")["spec"]["template"]
    restart_with_kubectl(kube)
    stamp = server.deployment(NS, "web")["spec"]["template"]["metadata"]["annotations"][
        RESTARTED_AT
    ]

    plan, outcome = await run_action(gate, "undo", "staging", {"deployment": "web"})

    assert plan.call.confirm_target == "web"
    assert plan.call.touches == (
        "revision 2 -> 1 (its pod template is copied back and becomes revision 3)",
        f"pod template annotation {RESTARTED_AT}: {stamp} -> unset",
    )
    assert outcome.ok and outcome.detail == "deployment.apps/web rolled back"
    assert server.wait_idle()
    ours = server.deployment(NS, "web")
    assert semantic(ours["spec"]["template"]) == semantic(original)
    assert history(kube) == [2, 3]
    # Back to revision 2 with ours, then back again with kubectl: the same step both times.
    await run_action(gate, "undo", "staging", {"deployment": "web"})
    assert server.wait_idle()
    assert "rolled back" in ok(kube.kubectl("rollout", "undo", "deployment/web"))
    assert server.wait_idle()
    first, _, theirs = server.requests_to("PATCH", f"/namespaces/{NS}/deployments/web")[-3:]
    assert "kubectl" in theirs.headers["user-agent"]
    assert theirs.headers["content-type"] == first.headers["content-type"]
    assert first.headers["content-type"] == "application/json-patch+json"
    assert [op["path"] for op in first.json] == [op["path"] for op in theirs.json]
    assert semantic(first.json[0]["value"]) == semantic(theirs.json[0]["value"])
    ours_notes, their_notes = first.json[1]["value"], theirs.json[1]["value"]
    assert ours_notes.pop(REVISION) == "2" and their_notes.pop(REVISION) == "4"
    assert ours_notes == their_notes
    assert semantic(server.deployment(NS, "web")["spec"]["template"]) == semantic(original)
    assert history(kube) == [4, 5]


async def test_rollout_undo_to_a_revision_and_what_it_refuses(
    kube: KubeApiHandle, gate: Gate
) -> None:
    with pytest.raises(Refused, match="no rollout history found for deployment/web"):
        await gate.prepare("undo", "staging", {"deployment": "web"})
    restart_with_kubectl(kube)
    ok(kube.kubectl("set", "image", "deployment/web", "web=registry.example/web:1.5"))
    assert kube.server.wait_idle()
    with pytest.raises(Refused, match=r"has no revision 7 \(its revisions: 1, 2, 3\)"):
        await gate.prepare("undo-to", "staging", {"revision": "7"})
    with pytest.raises(Refused, match="already runs the pod template of revision 3"):
        await gate.prepare("undo-to", "staging", {"revision": "3"})

    plan, outcome = await run_action(gate, "undo-to", "staging", {"revision": "1"})

    assert plan.call.touches[:2] == (
        "revision 3 -> 1 (its pod template is copied back and becomes revision 4)",
        "container web: image registry.example/web:1.5 -> registry.example/web:1.4",
    )
    assert plan.call.touches[2].startswith(f"pod template annotation {RESTARTED_AT}: ")
    assert plan.call.touches[2].endswith(" -> unset")
    assert outcome.ok
    assert kube.server.wait_idle()
    assert history(kube) == [2, 3, 4]
    template = kube.server.deployment(NS, "web")["spec"]["template"]
    assert RESTARTED_AT not in template["metadata"].get("annotations", {})
    with pytest.raises(Refused, match=r'HTTP 404 \(namespace shop-staging.*"nope" not found'):
        await gate.prepare("undo", "staging", {"deployment": "nope"})


async def test_typed_protection_asks_for_the_target_of_an_undo(
    kube: KubeApiHandle, gate: Gate
) -> None:
    restart_with_kubectl(kube, PROD_NS)
    plan = await gate.prepare("undo", "prod", {"deployment": "web"})

    with pytest.raises(Refused, match=r"type the target's name \(web\)"):
        await gate.execute(plan, Confirmation(typed="prod"))
    outcome = await gate.execute(plan, Confirmation(typed="prod", typed_target="web"))

    assert outcome.ok, outcome
    assert contexts(kube) == {"standin-prod"}
    assert kube.server.wait_idle()
    assert history(kube) == [1]  # staging untouched
    assert history_in_prod(kube) == [2, 3]


def history_in_prod(kube: KubeApiHandle) -> list[int]:
    out = ok(
        kube.kubectl(
            "rollout", "history", "deployment/web", context="standin-prod", namespace=PROD_NS
        )
    )
    return [int(m.group(1)) for m in re.finditer(r"^(\d+)\s", out, re.MULTILINE)]


async def test_delete_pods_by_selector_lists_them_and_their_replacements_come(
    kube: KubeApiHandle, gate: Gate
) -> None:
    server = kube.server
    server.add_pod(NS, "web-debug", labels={"app": "web"})
    pods = server.pod_names(NS, "web-")
    owned = [p for p in pods if p != "web-debug"]
    replica_set = server.list_objects("replicasets", NS)[0]["metadata"]["name"]

    plan, outcome = await run_action(gate, "kill-app", "staging", {"app": "web"})

    assert plan.call.target == "pods app=web" and plan.call.confirm_target == "app=web"
    assert plan.call.touches == (
        *(f"pod {p} goes (Running; its ReplicaSet {replica_set} starts a new one)" for p in owned),
        "pod web-debug goes (Running; no controller: nothing replaces it)",
    )
    assert outcome.ok and outcome.detail == "4 of 4 pods deleted"
    assert outcome.output.splitlines() == [f'pod "{p}" deleted' for p in [*owned, "web-debug"]]
    assert server.wait_idle()
    now = server.pod_names(NS, "web-")
    assert len(now) == 3 and not set(now) & set(pods)
    listed = ok(kube.kubectl("get", "pods", "-l", "app=web", "-o", "name")).split()
    assert sorted(listed) == [f"pod/{p}" for p in now]


async def test_delete_one_pod_and_what_cannot_be_deleted(kube: KubeApiHandle, gate: Gate) -> None:
    victim = kube.server.pod_names(NS, "web-")[0]

    plan, outcome = await run_action(gate, "kill-pod", "staging", {"pod": victim})

    assert plan.call.method == "DELETE" and plan.call.confirm_target == victim
    base = kube.server.url_for("standin-staging")
    assert plan.call.url == f"{base}/api/v1/namespaces/{NS}/pods/{victim}"
    assert outcome.ok and outcome.detail == "1 of 1 pods deleted"
    assert victim not in kube.server.pod_names(NS)
    with pytest.raises(Refused, match=f'HTTP 404 .*pods "{victim}" not found'):
        await gate.prepare("kill-pod", "staging", {"pod": victim})
    with pytest.raises(Refused, match="no pods match app=nothing in namespace shop-staging"):
        await gate.prepare("kill-app", "staging", {"app": "nothing"})


async def test_an_unreachable_api_refuses_the_preview_and_errors_a_run(
    tmp_path: Path, state_store: Store
) -> None:
    server = KubeApiStandin(contexts=list(NAMESPACES)).start()
    try:
        server.add_deployment(NS, "web", 2)
        kubeconfig = write_kubeconfig(tmp_path / "kubeconfig", server)
        gate = action_gate(CONFIG.replace("KUBECONFIG", str(kubeconfig)), tmp_path, state_store)
        plan = await gate.prepare("scale", "staging", {"deployment": "web", "replicas": "4"})
    finally:
        server.close()

    outcome = await gate.execute(plan, Confirmation())

    assert outcome.status == "error"
    assert outcome.detail == (
        "kubernetes API unreachable (context standin-staging): connection refused"
    )
    with pytest.raises(Refused, match=r"unreachable .*connection refused"):
        await gate.prepare("scale", "staging", {"deployment": "web", "replicas": "4"})
    assert [a.outcome for a in recorded(state_store)] == ["error", "refused"]


def test_scale_through_the_command_line(kube: KubeApiHandle, tmp_path: Path) -> None:
    (tmp_path / "c.yaml").write_text(CONFIG.replace("KUBECONFIG", str(kube.kubeconfig)))
    args = ("scale", "--env", "staging", "--param", "deployment=web", "--param", "replicas=6")

    dry = action_cli(tmp_path, *args, "--dry-run")
    done = action_cli(tmp_path, *args)

    assert dry.returncode == 0, dry.stderr
    assert "action scale (dry run) in staging" in dry.stdout
    assert "ok: replicas 3 -> 6 (server dry run)" in dry.stdout
    assert done.returncode == 0, done.stderr
    assert "  context: standin-staging, namespace shop-staging" in done.stdout
    assert "  changes: replicas 3 -> 6" in done.stdout
    assert "| deployment.apps/web scaled" in done.stdout
    assert "ok: replicas 3 -> 6" in done.stdout
    assert ok(kube.kubectl("get", "deploy", "web", "-o", "jsonpath={.spec.replicas}")) == "6"
    assert contexts(kube) == {"standin-staging"}
