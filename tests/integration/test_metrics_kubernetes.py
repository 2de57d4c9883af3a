"""kubernetes metrics: the real client against the stand-in's metrics API, and `kubectl top`.

The usage values are written in the forms metrics-server and kubelets use (nanocores,
kibibytes, plain cores) so the sums come out round; the real kubectl reads the same objects
and must print the same numbers (``250m``, ``128Mi``) the metric reads as cores and bytes.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from cockpit.sources.metrics.kinds.kubernetes import NO_API
from cockpit.sources.metrics.quantity import parse_quantity
from tests.support.fixtures_kube import KubeApiHandle
from tests.support.metric_reads import read_metrics, values
from tests.support.processes import free_port

pytestmark = pytest.mark.integration

MI = 2**20
GI = 2**30


def _env(kube: KubeApiHandle, **extra: str) -> dict[str, Any]:
    target = {"context": kube.context, "namespace": kube.namespace,
              "kubeconfig": str(kube.kubeconfig), **extra}  # fmt: skip
    return {"kubernetes": target}


def _populate(kube: KubeApiHandle, scraped: float) -> None:
    metrics = kube.server.metrics.enable()
    ns = kube.namespace
    # 150m + 100m cores and 100Mi + 28Mi: kubectl top prints the pod as 250m / 128Mi.
    metrics.set_pod(
        ns,
        "api-7f9c",
        {"app": ("150000000n", "100Mi"), "proxy": ("100m", "28672Ki")},
        {"app": "api"},
        at=scraped,
    )
    metrics.set_pod(ns, "api-k2x8", {"app": ("0.5", "256Mi")}, {"app": "api"}, at=scraped)
    metrics.set_pod(ns, "worker-1", {"worker": ("1", "1Gi")}, {"app": "worker"}, at=scraped)
    # The same pod name in the kubeconfig's current-context namespace: reading it would
    # mean the context or namespace was not passed.
    other = kube.other_namespace
    metrics.set_pod(other, "api-7f9c", {"app": ("9", "9Gi")}, {"app": "api"}, at=scraped)
    metrics.set_node("node-a", "1500m", "2Gi", allocatable=("4", "16Gi"), at=scraped)
    metrics.set_node("node-b", "250000000n", "3145728Ki", allocatable=("2", "8Gi"), at=scraped)


def _top(kube: KubeApiHandle, *args: str) -> dict[str, tuple[float, float]]:
    """``kubectl top`` rows by name: (cores, bytes) read back from what it printed."""
    done = kube.kubectl("top", *args)
    assert done.returncode == 0, done.stderr
    header, *rows = done.stdout.splitlines()
    columns = header.split()
    cpu, memory = columns.index("CPU(cores)"), columns.index("MEMORY(bytes)")
    return {
        row.split()[0]: (parse_quantity(row.split()[cpu]), parse_quantity(row.split()[memory]))
        for row in rows
    }


async def test_pods_and_nodes_match_kubectl_top(kube_api: KubeApiHandle) -> None:
    scraped = float(int(time.time()) - 7)
    _populate(kube_api, scraped)
    kube_api.server.clear_requests()
    got = await read_metrics(
        [
            {"name": "pod-cpu", "kubernetes": {"pod": "api-7f9c"}},
            {"name": "pod-mem", "kubernetes": {"pod": "api-7f9c", "metric": "memory"}},
            {"name": "api-cpu", "kubernetes": {"selector": "app=api"}},
            {"name": "api-mem", "kubernetes": {"selector": "app=api", "metric": "memory"}},
            {"name": "api-sum", "kubernetes": {"selector": "app=api", "sum": True}},
            {"name": "node-cpu", "kubernetes": {"node": "node-a"}},
            {"name": "node-mem", "kubernetes": {"node": "node-a", "metric": "memory"}},
            {"name": "nodes-mem", "kubernetes": {"nodes": True, "metric": "memory"}},
            {"name": "nodes-cpu", "kubernetes": {"nodes": True}},
            {"name": "nodes-sum", "kubernetes": {"nodes": True, "sum": True}},
        ],
        _env(kube_api),
    )
    assert values(got["pod-cpu"]) == {"": pytest.approx(0.25)}
    assert values(got["pod-mem"]) == {"": 128 * MI}
    assert values(got["api-cpu"]) == {"pod=api-7f9c": pytest.approx(0.25), "pod=api-k2x8": 0.5}
    assert values(got["api-mem"]) == {"pod=api-7f9c": 128 * MI, "pod=api-k2x8": 256 * MI}
    assert values(got["api-sum"]) == {"": pytest.approx(0.75)}
    assert values(got["node-cpu"]) == {"": 1.5}
    assert values(got["node-mem"]) == {"": 2 * GI}
    assert values(got["nodes-mem"]) == {"node=node-a": 2 * GI, "node=node-b": 3 * GI}
    assert values(got["nodes-cpu"]) == {"node=node-a": 1.5, "node=node-b": pytest.approx(0.25)}
    assert values(got["nodes-sum"]) == {"": pytest.approx(1.75)}
    # Each point is dated by the scrape, not by when it was asked for.
    assert {ts for _, ts, _ in got["api-cpu"].points} == {scraped}
    # Every request went through the environment's context, none through the current one.
    asked = kube_api.server.requests_to("GET", "")
    assert asked and {r.context for r in asked} == {kube_api.context}
    assert all(r.handled for r in asked)

    # The real kubectl, explicit context and namespace, reads the same numbers.
    assert _top(kube_api, "pod", "api-7f9c") == {"api-7f9c": (0.25, 128 * MI)}
    assert _top(kube_api, "pod", "-l", "app=api") == {
        "api-7f9c": (0.25, 128 * MI),
        "api-k2x8": (0.5, 256 * MI),
    }
    assert _top(kube_api, "node", "node-a") == {"node-a": (1.5, 2 * GI)}
    assert _top(kube_api, "node") == {"node-a": (1.5, 2 * GI), "node-b": (0.25, 3 * GI)}
    assert not kube_api.server.unhandled


async def test_missing_objects_and_missing_metrics_api(kube_api: KubeApiHandle) -> None:
    entries = [
        {"name": "pod", "kubernetes": {"pod": "api-7f9c"}},
        {"name": "nodes", "kubernetes": {"nodes": True}},
    ]
    # No metrics-server: the apiserver does not know the group at all.
    bare = await read_metrics(entries, _env(kube_api))
    assert bare["pod"].error == NO_API == "metrics API not available (is metrics-server installed?)"
    assert bare["nodes"].error == NO_API
    done = kube_api.kubectl("top", "pod", "api-7f9c")
    assert done.returncode != 0 and "Metrics API not available" in done.stderr

    _populate(kube_api, time.time())
    ns = kube_api.namespace
    got = await read_metrics(
        [
            {"name": "ghost", "kubernetes": {"pod": "ghost"}},
            {"name": "ghost-node", "kubernetes": {"node": "ghost", "metric": "memory"}},
            {"name": "none", "kubernetes": {"selector": "app=none", "sum": True}},
        ],
        _env(kube_api),
    )
    assert got["ghost"].error == (
        f"no metrics for pod 'ghost' in {ns} (no such object, or not measured yet)"
    )
    assert got["ghost-node"].error == (
        "no metrics for node 'ghost' (no such object, or not measured yet)"
    )
    assert got["none"].error == (
        f"no metrics for pods matching app=none in {ns} (none match, or not measured yet)"
    )
    done = kube_api.kubectl("top", "pod", "ghost")
    missing = f'podmetrics.metrics.k8s.io "{ns}/ghost" not found'
    assert done.returncode != 0 and missing in done.stderr, done.stderr

    no_section = await read_metrics(entries[:1], {})
    assert no_section["pod"].error == "environment 'local' has no kubernetes: section"


async def test_unreachable_api_and_unknown_context(kube_api: KubeApiHandle, tmp_path: Any) -> None:
    dead = tmp_path / "dead-kubeconfig"
    dead.write_text(
        kube_api.kubeconfig.read_text().replace(
            kube_api.server.url, f"http://127.0.0.1:{free_port()}"
        )
    )
    entry = [{"name": "pod", "kubernetes": {"pod": "api-7f9c", "timeout": "2s"}}]
    started = time.monotonic()
    gone = await read_metrics(entry, _env(kube_api, kubeconfig=str(dead)))
    error = gone["pod"].error or ""
    assert error.startswith(f"kubernetes API unreachable (context {kube_api.context})"), error
    assert time.monotonic() - started < 3.0
    lost = await read_metrics(entry, _env(kube_api, context="no-such-context"))
    error = lost["pod"].error or ""
    assert error.startswith("kubeconfig: ") and "no-such-context" in error, error
