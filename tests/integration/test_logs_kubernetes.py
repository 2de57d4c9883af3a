"""kubernetes log source against the Kubernetes API stand-in, through a real kubeconfig.

The kubeconfig's current-context is the other one (``standin-prod``): every request must come
through the context the source was given.
"""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import pytest

from cockpit.sources.logs.base import Backoff, SourceState, StreamOptions
from cockpit.sources.logs.kubernetes import KubernetesSource
from tests.support.fixtures_kube import KubeApiHandle
from tests.support.hostile import CASES, forbidden_in_text
from tests.support.logsink import RecordingSink, running
from tests.support.processes import free_port
from tests.support.stream_checks import assert_cancel_closes_streams

pytestmark = pytest.mark.integration


def _source(kube: KubeApiHandle, **kwargs: object) -> KubernetesSource:
    defaults: dict[str, object] = {
        "context": kube.context,
        "namespace": kube.namespace,
        "kubeconfig": kube.kubeconfig,
        "poll": 0.5,
        "backoff": Backoff(base=0.05, cap=0.3),
        "stream_backoff": Backoff(base=0.05, cap=0.3),
    }
    return KubernetesSource("api", **{**defaults, **kwargs})  # type: ignore[arg-type]


def _by_origin(sink: RecordingSink) -> dict[str | None, list[str]]:
    out: dict[str | None, list[str]] = defaultdict(list)
    for line in sink.all:
        out[line.origin].append(line.text)
    return out


def _only_the_given_context(kube: KubeApiHandle) -> None:
    requests = kube.server.requests
    assert requests
    assert {r.context for r in requests} == {kube.context}
    assert all(f"/namespaces/{kube.namespace}/" in r.path for r in requests)


async def test_deployment_pods_are_merged_with_their_names(kube_api: KubeApiHandle) -> None:
    server, ns = kube_api.server, kube_api.namespace
    server.add_deployment(ns, "web", replicas=2)
    first, second = server.pod_names(ns, "web-")
    server.append_log(ns, first, [f"old {i}" for i in range(5)])
    stored = server.append_log(ns, second, ["2024-05-01T12:00:00Z ERROR boom"])
    sink = RecordingSink()
    async with running(_source(kube_api, deployment="web", tail_default=2), sink):
        await sink.wait_for(lambda: len(sink.all) >= 3)
        server.append_log(ns, first, ["fresh a"])
        server.append_log(ns, second, ["fresh b"])
        await sink.wait_for(lambda: len(sink.all) >= 5)
        assert sink.states[-1] is SourceState.LIVE
    lines = _by_origin(sink)
    assert lines == {
        first: ["old 3", "old 4", "fresh a"],
        second: [stored[0].data.decode(), "fresh b"],
    }
    boom = next(x for x in sink.all if x.origin == second)
    # The kubelet's timestamp is the line's time (not the one in the text), and it is removed.
    assert boom.ts == pytest.approx(stored[0].ts_ns / 1e9)
    assert boom.level == "ERROR"
    _only_the_given_context(kube_api)
    logs = kube_api.server.requests_to("GET", "/log")
    assert {r.param("timestamps") for r in logs} == {"true"}
    assert {r.param("follow") for r in logs} == {"true"}
    assert {r.param("tailLines") for r in logs} == {"2"}


async def test_drop_mid_stream_resumes_without_duplicates_or_loss(
    kube_api: KubeApiHandle,
) -> None:
    server, ns = kube_api.server, kube_api.namespace
    server.add_deployment(ns, "web", replicas=2)
    pods = server.pod_names(ns, "web-")
    written: dict[str, list[str]] = {p: [] for p in pods}

    def write(count: int) -> None:
        for pod in pods:
            new = [f"{pod} line {len(written[pod]) + i}" for i in range(count)]
            server.append_log(ns, pod, new)
            written[pod].extend(new)

    write(3)
    source = _source(kube_api, deployment="web", tail_default=None)
    sink = RecordingSink()
    async with running(source, sink):
        await sink.wait_for(lambda: len(sink.all) == 6)
        for _ in range(3):
            write(4)  # in the same second as the lines already shown: sinceTime repeats them
            await sink.wait_for(lambda: len(sink.all) == sum(map(len, written.values())))
            assert server.drop_log_streams() == 2
            write(2)  # written while no stream is open
            await sink.wait_for(lambda: len(sink.all) == sum(map(len, written.values())))
        await asyncio.sleep(0.3)  # anything repeated would have arrived by now
    assert dict(_by_origin(sink)) == written
    reasons = [r for s, r in sink.statuses if s is SourceState.RECONNECTING]
    assert reasons and all("log stream dropped" in r for r in reasons)
    resumed = [r for r in server.requests_to("GET", "/log") if r.param("sinceTime")]
    assert len(resumed) >= 6
    _only_the_given_context(kube_api)


async def test_deleted_pod_is_reported_and_its_replacement_followed(
    kube_api: KubeApiHandle,
) -> None:
    server, ns = kube_api.server, kube_api.namespace
    server.add_deployment(ns, "web", replicas=2)
    victim, survivor = server.pod_names(ns, "web-")
    source = _source(kube_api, deployment="web")
    sink = RecordingSink()
    async with running(source, sink) as task:
        server.append_log(ns, victim, ["last words"])
        server.append_log(ns, survivor, ["still here"])
        await sink.wait_for(lambda: len(sink.all) == 2)
        server.delete_pod(ns, victim)
        await sink.wait_for(lambda: victim in source.ended)
        note = f"pod {victim} was deleted; 1 other stream(s) still followed"
        await sink.wait_for(lambda: (SourceState.LIVE, note) in sink.statuses)
        assert server.wait_idle()
        (replacement,) = set(server.pod_names(ns, "web-")) - {victim, survivor}
        await sink.wait_for(lambda: replacement in source.followed)
        await asyncio.sleep(0.3)
        server.append_log(ns, replacement, ["newcomer"])
        server.append_log(ns, survivor, ["more"])
        await sink.wait_for(lambda: len(sink.all) == 4)
        assert not task.done()
    assert dict(_by_origin(sink)) == {
        victim: ["last words"],
        survivor: ["still here", "more"],
        replacement: ["newcomer"],
    }
    # The deleted pod was not retried after the API said it was gone.
    victim_logs = [r for r in server.requests_to("GET", "/log") if victim in r.path]
    assert len(victim_logs) == 1  # its stream ended, the pod was looked up: 404, no retry
    assert server.requests_to("GET", f"/pods/{victim}")[-1].status == 404
    _only_the_given_context(kube_api)


async def test_single_pod_ends_when_deleted(kube_api: KubeApiHandle) -> None:
    server, ns = kube_api.server, kube_api.namespace
    server.add_pod(ns, "batch", containers=["main", "sidecar"])
    server.append_log(ns, "batch", ["from main"], container="main")
    server.append_log(ns, "batch", ["from sidecar"], container="sidecar")
    sink = RecordingSink()
    source = _source(kube_api, pod="batch")
    async with running(source, sink) as task:
        await sink.wait_for(lambda: len(sink.all) == 2)
        server.delete_pod(ns, "batch")
        await asyncio.wait_for(task, 10)
    # Several containers and no default one: each is followed, tagged pod/container.
    assert dict(_by_origin(sink)) == {
        "batch/main": ["from main"],
        "batch/sidecar": ["from sidecar"],
    }
    assert sink.statuses[-1] == (SourceState.ENDED, "pod batch was deleted")


async def test_container_choice_and_one_shot_read(kube_api: KubeApiHandle) -> None:
    server, ns = kube_api.server, kube_api.namespace
    server.add_deployment(ns, "web", replicas=2, containers=["app", "proxy"])
    pods = server.pod_names(ns, "web-")
    for pod in pods:
        server.append_log(ns, pod, [f"{pod} app"], container="app")
        server.append_log(ns, pod, [f"{pod} proxy"], container="proxy")
    sink = RecordingSink()
    source = _source(
        kube_api, deployment="web", container="proxy", options=StreamOptions(follow=False)
    )
    await asyncio.wait_for(source.run(sink), 10)
    assert dict(_by_origin(sink)) == {pod: [f"{pod} proxy"] for pod in pods}
    assert sink.statuses[-1] == (SourceState.ENDED, "read 2 pod(s)")
    logs = server.requests_to("GET", "/log")
    assert {r.param("follow") for r in logs} == {None}
    assert {r.param("container") for r in logs} == {"proxy"}


async def test_since_limits_the_first_read(kube_api: KubeApiHandle) -> None:
    server, ns = kube_api.server, kube_api.namespace
    server.add_pod(ns, "solo")
    server.append_log(ns, "solo", ["before"])
    await asyncio.sleep(1.2)
    cut = time.time()
    server.append_log(ns, "solo", ["after"])
    sink = RecordingSink()
    source = _source(kube_api, pod="solo", options=StreamOptions(follow=False, since=cut - 0.1))
    await asyncio.wait_for(source.run(sink), 10)
    assert sink.texts == ["after"]
    (request,) = server.requests_to("GET", "/log")
    assert request.param("sinceTime")


async def test_missing_targets_and_unreachable_api(kube_api: KubeApiHandle, tmp_path: Path) -> None:
    sink = RecordingSink()
    await _source(kube_api, deployment="nope", options=StreamOptions(follow=False)).run(sink)
    assert sink.statuses == [
        (SourceState.ERROR, f"deployment 'nope' not found in namespace {kube_api.namespace}")
    ]

    sink = RecordingSink()
    source = _source(kube_api, context="no-such-context", pod="x", backoff=Backoff(5, 5))
    async with running(source, sink):
        await sink.wait_state(SourceState.ERROR)
    reason = sink.statuses[0][1]
    assert reason.startswith("kubeconfig context 'no-such-context': ")
    assert re.search(r"; retrying in \d+\.\ds$", reason)

    dead = tmp_path / "dead-kubeconfig"
    dead.write_text(
        "apiVersion: v1\nkind: Config\n"
        f"clusters: [{{name: c, cluster: {{server: 'http://127.0.0.1:{free_port()}'}}}}]\n"
        "users: [{name: u, user: {token: t}}]\n"
        "contexts: [{name: dead, context: {cluster: c, user: u}}]\n"
        "current-context: dead\n"
    )
    sink = RecordingSink()
    one_shot = StreamOptions(follow=False)
    source = _source(kube_api, context="dead", kubeconfig=dead, pod="solo", options=one_shot)
    await asyncio.wait_for(source.run(sink), 15)
    assert sink.statuses == [
        (SourceState.ERROR, "kubernetes API unreachable (context dead): connection refused")
    ]


async def test_cancel_is_prompt_while_following(kube_api: KubeApiHandle) -> None:
    server, ns = kube_api.server, kube_api.namespace
    server.add_deployment(ns, "web", replicas=2)
    sink = RecordingSink()
    task = asyncio.create_task(_source(kube_api, deployment="web").run(sink))
    await sink.wait_state(SourceState.LIVE)
    await asyncio.sleep(0.2)
    await assert_cancel_closes_streams(task, lambda: server.open_streams("log"))


def _cli_config(kube: KubeApiHandle, path: Path, extra: str = "") -> Path:
    """A config whose `web` source follows deployment web in the stand-in's namespace."""
    path.write_text(
        "environments:\n"
        f"  staging: {{kubernetes: {{context: {kube.context}, namespace: {kube.namespace}, "
        f"kubeconfig: '{kube.kubeconfig}'}}}}\n"
        "logs:\n  - name: web\n    kubernetes: {deployment: web}\n" + extra
    )
    return path


def test_cli_no_follow_prints_each_pod(kube_api: KubeApiHandle, tmp_path: Path) -> None:
    server, ns = kube_api.server, kube_api.namespace
    server.add_deployment(ns, "web", replicas=2)
    pods = server.pod_names(ns, "web-")
    for pod in pods:
        server.append_log(ns, pod, [f"hello from {pod}"])
    config = _cli_config(kube_api, tmp_path / "cockpit.yaml")
    argv = [sys.executable, "-m", "cockpit", "--config", str(config), "logs", "web", "--no-follow"]
    out = subprocess.run(argv, capture_output=True, timeout=30, check=False)
    assert out.returncode == 0, out.stderr
    assert sorted(out.stdout.decode().splitlines()) == [
        f"web/{pod} │ hello from {pod}" for pod in pods
    ]
    _only_the_given_context(kube_api)


def test_cli_previous_shows_why_a_crash_looping_container_died(
    kube_api: KubeApiHandle, tmp_path: Path
) -> None:
    server, ns = kube_api.server, kube_api.namespace
    server.add_deployment(ns, "web", replicas=2)
    crashing, healthy = server.pod_names(ns, "web-")
    server.append_log(ns, crashing, ["starting", "FATAL cannot reach database"])
    server.set_pod_state(ns, crashing, waiting_reason="CrashLoopBackOff", restart_count=1)
    server.append_log(ns, crashing, ["starting again"])
    server.append_log(ns, healthy, ["serving"])
    config = _cli_config(
        kube_api, tmp_path / "cockpit.yaml", "  - name: app\n    file: {path: app.log}\n"
    )
    cockpit = [sys.executable, "-m", "cockpit", "--config", str(config), "logs"]
    out = subprocess.run([*cockpit, "web", "--previous"], capture_output=True, timeout=30)
    assert out.returncode == 0, out.stderr
    # The instance before the restart, not the current one; the pod that never restarted says
    # so on stderr.
    assert out.stdout.decode().splitlines() == [
        f"web/{crashing} │ starting",
        f"web/{crashing} │ FATAL cannot reach database",
    ]
    assert (
        out.stderr.decode()
        .rstrip()
        .endswith(f'previous terminated container "web" in pod "{healthy}" not found')
    )
    log_reads = [r for r in server.requests if r.path.endswith("/log")]
    assert log_reads and all(
        r.param("previous") == "true" and r.param("follow") is None for r in log_reads
    )
    # Other kinds have no previous instance: a usage error, not a silent current read.
    out = subprocess.run([*cockpit, "app", "--previous"], capture_output=True, timeout=30)
    assert out.returncode == 2
    assert b"--previous reads restarted Kubernetes containers; not for app (file)" in out.stderr


async def test_hostile_pod_output_is_sanitized(kube_api: KubeApiHandle) -> None:
    server, ns = kube_api.server, kube_api.namespace
    server.add_pod(ns, "evil")
    server.append_log(ns, "evil", [case.data for case in CASES])
    sink = RecordingSink()
    await _source(kube_api, pod="evil", options=StreamOptions(follow=False)).run(sink)
    assert len(sink.texts) == len(CASES)
    for case, text in zip(CASES, sink.texts, strict=True):
        assert not forbidden_in_text(text), case.name
        if case.marker:
            assert case.marker not in text, case.name
        if case.visible:
            assert case.visible in text, case.name
