"""`kubernetes` metrics: the real client on the stand-in's metrics API, and real `kubectl top`."""

from __future__ import annotations

from typing import Any

import pytest

from cockpit.sources.metrics.kinds.kubernetes import quantity
from cockpit.sources.metrics.poller import PollResult
from tests.support.fixtures_kube import KubeApiHandle
from tests.support.metric_reads import read_metric

pytestmark = pytest.mark.integration

MiB = 2**20


def read(kube: KubeApiHandle, spec: dict[str, Any], environment: str = "staging") -> PollResult:
    target = {
        "context": kube.context,
        "namespace": kube.namespace,
        "kubeconfig": str(kube.kubeconfig),
    }
    config = {
        "environments": {environment: {"kubernetes": target}, "bare": {}},
        "metrics": [{"name": "m", "kubernetes": spec}],
    }
    return read_metric(config, environment)


def values(result: PollResult) -> dict[str, float]:
    assert result.error is None, result.error
    return {series: value for series, _, value in result.points}


@pytest.fixture
def usage(kube_api: KubeApiHandle) -> KubeApiHandle:
    metrics, ns = kube_api.server.metrics, kube_api.namespace
    metrics.set_pod(
        ns, "api-7f9c", {"app": (0.25, 128 * MiB), "proxy": (0.005, 16 * MiB)}, {"app": "api"}
    )
    metrics.set_pod(ns, "api-b2d1", {"app": (1.5, 512 * MiB)}, {"app": "api"})
    metrics.set_pod(ns, "worker-1", {"worker": (0.1, 64 * MiB)}, {"app": "worker"})
    metrics.set_pod(kube_api.other_namespace, "api-prod", {"app": (3.0, MiB)}, {"app": "api"})
    metrics.set_node("node-a", 2.75, 6 * 1024 * MiB)
    metrics.set_node("node-b", 0.5, 3 * 1024 * MiB)
    return kube_api


def test_pods_by_selector_one_row_each_or_summed(usage: KubeApiHandle) -> None:
    assert values(read(usage, {"selector": "app=api", "metric": "cpu"})) == {
        "pod=api-7f9c": pytest.approx(0.255),
        "pod=api-b2d1": pytest.approx(1.5),
    }  # never the other namespace's pod
    assert values(read(usage, {"selector": "app=api", "metric": "memory", "sum": True})) == {
        "": 656 * MiB
    }
    assert values(read(usage, {"pod": "worker-1", "metric": "memory"})) == {"": 64 * MiB}


def test_nodes(usage: KubeApiHandle) -> None:
    assert values(read(usage, {"nodes": True, "metric": "cpu"})) == {
        "node=node-a": 2.75,
        "node=node-b": 0.5,
    }
    assert values(read(usage, {"node": "node-b", "metric": "memory"})) == {"": 3 * 1024 * MiB}


def test_the_same_figures_as_kubectl_top(usage: KubeApiHandle) -> None:
    done = usage.kubectl("top", "pod", "-l", "app=api", "--no-headers")
    assert done.returncode == 0, done.stderr
    shown = {line.split()[0]: line.split()[1:] for line in done.stdout.splitlines()}
    assert shown == {"api-7f9c": ["255m", "144Mi"], "api-b2d1": ["1500m", "512Mi"]}
    cpu = values(read(usage, {"selector": "app=api", "metric": "cpu"}))
    memory = values(read(usage, {"selector": "app=api", "metric": "memory"}))
    for pod, (kubectl_cpu, kubectl_memory) in shown.items():
        assert cpu[f"pod={pod}"] == pytest.approx(quantity(kubectl_cpu))
        assert memory[f"pod={pod}"] == quantity(kubectl_memory)


def test_missing_api_object_and_context_are_reasons(usage: KubeApiHandle) -> None:
    assert (
        read(usage, {"pod": "ghost", "metric": "cpu"}).error == "no metrics for 'ghost' (not found)"
    )
    assert read(usage, {"selector": "app=none"}).error == "no pods match 'app=none'"
    assert read(usage, {"nodes": True}, environment="bare").error == (
        "environment 'bare' has no kubernetes: add `kubernetes: {context: ...}` to it"
    )
    usage.server.metrics.enabled = False
    assert read(usage, {"nodes": True}).error == (
        f"metrics API not available in context {usage.context} (is metrics-server installed?)"
    )
    done = usage.kubectl("top", "pod")
    assert done.returncode != 0 and "Metrics API not available" in done.stderr


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("250m", 0.25),
        ("1", 1.0),
        ("123456789n", 0.123456789),
        ("1500u", 0.0015),
        ("128Mi", 128 * MiB),
        ("4Gi", 4 * 1024 * MiB),
        ("1k", 1000.0),
        ("2M", 2e6),
        ("1.5", 1.5),
        ("1e3", 1000.0),
    ],
)
def test_quantities(text: str, number: float) -> None:
    assert quantity(text) == pytest.approx(number)


def test_a_bad_quantity_is_refused() -> None:
    with pytest.raises(ValueError, match="not a quantity"):
        quantity("12 cores")
