"""kubernetes checks: the real client against the Kubernetes API stand-in, explicit context."""

from __future__ import annotations

import time
from typing import Any

import pytest

from cockpit.domain.health import Status
from cockpit.sources.health.context import ProbeContext
from cockpit.sources.health.runner import run_round
from tests.support.fixtures_kube import KubeApiHandle
from tests.support.health_checks import jobs_for, run_checks
from tests.support.processes import free_port

pytestmark = pytest.mark.integration


def _env(kube: KubeApiHandle, **extra: Any) -> dict[str, Any]:
    target = {"context": kube.context, "namespace": kube.namespace,
              "kubeconfig": str(kube.kubeconfig), **extra}  # fmt: skip
    return {"staging": {"kubernetes": target}}


async def test_deployment_replicas_and_pod_states(kube_api: KubeApiHandle) -> None:
    server, ns = kube_api.server, kube_api.namespace
    server.add_deployment(ns, "api", replicas=3)
    server.add_deployment(ns, "worker", replicas=2)
    server.add_deployment(ns, "cron", replicas=1)
    # The same names in the other context's namespace are healthy: a check that used the
    # current-context would wrongly see these.
    server.add_deployment(kube_api.other_namespace, "worker", replicas=2)
    worker_pods = server.pod_names(ns, "worker-")
    server.set_pod_state(ns, worker_pods[0], waiting_reason="CrashLoopBackOff", restart_count=4)
    server.set_pod_state(ns, server.pod_names(ns, "cron-")[0], waiting_reason="ImagePullBackOff")
    server.add_pod(ns, "batch-1", labels={"role": "batch"})
    server.add_pod(ns, "batch-2", labels={"role": "batch"})
    server.set_pod_state(ns, "batch-2", phase="Pending")
    server.clear_requests()

    results = await run_checks(
        {
            "api": [{"kubernetes": {"deployment": "api"}}],
            "worker": [{"kubernetes": {"deployment": "worker"}}],
            "cron": [{"kubernetes": {"deployment": "cron"}}],
            "batch": [{"kubernetes": {"selector": "role=batch"}}],
            "ghost": [{"kubernetes": {"deployment": "ghost"}}],
            "none": [{"kubernetes": {"selector": "role=none"}}],
        },
        environments=_env(kube_api),
    )
    assert results["api"].status is Status.UP, results["api"].reason
    assert results["api"].reason == "3/3 ready"
    worker = results["worker"]
    assert worker.status is Status.DEGRADED
    assert worker.reason == f"1/2 ready; pod {worker_pods[0]}: CrashLoopBackOff"
    assert "back-off" in worker.detail.lower()
    cron = results["cron"]
    assert cron.status is Status.DOWN
    assert cron.reason.startswith("0/1 available; pod cron-") and "ImagePullBackOff" in cron.reason
    assert results["batch"].status is Status.DEGRADED
    assert results["batch"].reason == "1/2 pods healthy; pod batch-2 Pending"
    assert results["ghost"].status is Status.DOWN
    assert results["ghost"].reason == f"deployment 'ghost' not found in {ns}"
    assert results["none"].status is Status.DOWN
    assert results["none"].reason == "no pods match role=none"
    contexts = {r.context for r in server.requests}
    assert contexts == {kube_api.context}
    assert all(f"/namespaces/{ns}/" in r.path for r in server.requests)


async def test_rising_restarts_degrade(kube_api: KubeApiHandle) -> None:
    server, ns = kube_api.server, kube_api.namespace
    server.add_deployment(ns, "api", replicas=1)
    pod = server.pod_names(ns, "api-")[0]
    server.set_pod_state(ns, pod, restart_count=1)
    jobs = jobs_for({"api": [{"kubernetes": {"deployment": "api"}}]}, _env(kube_api))
    ctx = ProbeContext()
    try:
        first = (await run_round(jobs, ctx))[0]
        server.set_pod_state(ns, pod, restart_count=3, ready=True)
        second = (await run_round(jobs, ctx))[0]
        third = (await run_round(jobs, ctx))[0]
    finally:
        await ctx.aclose()
    assert first.status is Status.UP, first.reason
    assert second.status is Status.DEGRADED
    assert second.reason == f"1/1 ready; restarts rising: {pod} +2"
    assert third.status is Status.UP


async def test_unreachable_api_and_bad_context_are_unknown_without_hanging(
    kube_api: KubeApiHandle, tmp_path: Any
) -> None:
    dead = tmp_path / "dead-kubeconfig"
    dead.write_text(
        kube_api.kubeconfig.read_text().replace(
            kube_api.server.url, f"http://127.0.0.1:{free_port()}"
        )
    )
    start = time.monotonic()
    results = await run_checks(
        {
            "dead": [{"kubernetes": {"deployment": "api", "timeout": "2s"}}],
        },
        environments=_env(kube_api, kubeconfig=str(dead)),
    )
    assert results["dead"].status is Status.UNKNOWN
    assert results["dead"].reason.startswith(
        f"kubernetes API unreachable (context {kube_api.context})"
    ), results["dead"].reason
    assert time.monotonic() - start < 3.0
    results = await run_checks(
        {"api": [{"kubernetes": {"deployment": "api"}}]},
        environments=_env(kube_api, context="no-such-context"),
    )
    assert results["api"].status is Status.UNKNOWN
    assert results["api"].reason.startswith("kubeconfig: ")
    assert "no-such-context" in results["api"].reason
