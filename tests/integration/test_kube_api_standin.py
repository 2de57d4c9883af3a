"""The Kubernetes API stand-in is accepted by the real kubectl and the real Python client.

Each test drives real kubectl (``--kubeconfig F --context C -n NS``) or the real ``kubernetes``
client built with ``new_client_from_config(config_file=F, context=C)`` against the stand-in,
and checks both what the tool reports and what the stand-in recorded.
"""

from __future__ import annotations

import json
import queue
import re
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.support.backends import require_binary
from tests.support.fixtures_kube import KubeApiHandle
from tests.support.kube_api import KubeApiStandin
from tests.support.kube_api_objects import RESTARTED_AT, REVISION, REVISION_HISTORY

pytestmark = pytest.mark.integration

NS = "shop-staging"
_STAMP = re.compile(rb"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?Z) (.*)$")


def wait_until(predicate: Callable[[], bool], timeout: float = 10.0) -> None:
    """Poll ``predicate`` until true; fail the test after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            pytest.fail(f"condition not met within {timeout}s")
        time.sleep(0.02)


def ok(result: subprocess.CompletedProcess[str]) -> str:
    """stdout of a kubectl run that must have succeeded."""
    assert result.returncode == 0, f"kubectl failed ({result.returncode}): {result.stderr}"
    return result.stdout


def table_rows(output: str) -> dict[str, list[str]]:
    """kubectl's table output as {NAME: [cells...]}, cells split on 2+ spaces."""
    lines = [ln for ln in output.splitlines() if ln.strip()]
    return {cells[0]: cells for cells in (re.split(r"\s{2,}", ln.strip()) for ln in lines[1:])}


@pytest.fixture
def kubectl(kube_api: KubeApiHandle) -> KubeApiHandle:
    """``kube_api``, for tests that also need the kubectl binary."""
    require_binary("kubectl")
    return kube_api


@pytest.fixture
def web(kube_api: KubeApiHandle) -> list[str]:
    """Deployment ``web`` (3 replicas) in the staging namespace; returns its pod names."""
    kube_api.server.add_deployment(NS, "web", 3, "registry.example/web:1.4", {"app": "web"})
    return kube_api.server.pod_names(NS, "web-")


class LineReader:
    """Reads a child's stdout lines on a thread so tests can wait with a deadline."""

    def __init__(self, proc: subprocess.Popen[bytes]) -> None:
        self.lines: queue.Queue[bytes] = queue.Queue()
        assert proc.stdout is not None
        stdout = proc.stdout
        threading.Thread(target=lambda: [self.lines.put(ln) for ln in stdout], daemon=True).start()

    def take(self, count: int, timeout: float = 10.0) -> list[bytes]:
        """The next ``count`` lines (fails the test on timeout)."""
        deadline = time.monotonic() + timeout
        out = []
        while len(out) < count:
            try:
                out.append(self.lines.get(timeout=max(deadline - time.monotonic(), 0.01)))
            except queue.Empty:
                pytest.fail(f"got only {out!r} within {timeout}s")
        return out


# --------------------------------------------------------------------------- kubectl


def test_kubectl_get_pods_shows_ready_and_crashloop(kubectl: KubeApiHandle, web: list[str]) -> None:
    crashing = web[0]
    kubectl.server.set_pod_state(NS, crashing, waiting_reason="CrashLoopBackOff", restart_count=4)

    out = ok(kubectl.kubectl("get", "pods"))

    assert out.splitlines()[0].split() == ["NAME", "READY", "STATUS", "RESTARTS", "AGE"]
    rows = table_rows(out)
    assert sorted(rows) == sorted(web)
    assert rows[crashing][1:3] == ["0/1", "CrashLoopBackOff"]
    assert re.fullmatch(r"4 \(\d+s ago\)", rows[crashing][3])
    for pod in web[1:]:
        assert rows[pod][1:4] == ["1/1", "Running", "0"]
    listed = kubectl.server.requests_to("GET", f"/api/v1/namespaces/{NS}/pods")
    assert listed and "as=Table" in listed[-1].headers["accept"]
    assert {r.context for r in kubectl.server.requests} == {kubectl.context}
    assert not kubectl.server.unhandled


def test_kubectl_get_deploy_reports_readiness(kubectl: KubeApiHandle, web: list[str]) -> None:
    kubectl.server.set_pod_state(NS, web[1], waiting_reason="CrashLoopBackOff")

    rows = table_rows(ok(kubectl.kubectl("get", "deploy")))

    # NAME READY UP-TO-DATE AVAILABLE AGE
    assert rows["web"][1:4] == ["2/3", "3", "2"]
    wide = table_rows(ok(kubectl.kubectl("get", "deploy", "web", "-o", "wide")))
    assert wide["web"][5:8] == ["web", "registry.example/web:1.4", "app=web"]


def test_kubectl_honours_the_context_it_is_given(kubectl: KubeApiHandle) -> None:
    kubectl.server.add_deployment(kubectl.other_namespace, "api", 1)

    ok(
        kubectl.kubectl(
            "get", "deploy", context=kubectl.other_context, namespace=kubectl.other_namespace
        )
    )
    ok(kubectl.kubectl("get", "pods"))

    contexts = [r.context for r in kubectl.server.requests if "/namespaces/" in r.path]
    assert contexts == [kubectl.other_context, kubectl.context]


def test_kubectl_logs_follow_streams_lines_appended_later(
    kubectl: KubeApiHandle, web: list[str]
) -> None:
    pod, server = web[0], kubectl.server
    server.append_log(NS, pod, ["before-1", "before-2"])
    proc = kubectl.kubectl_popen("logs", "-f", pod)
    try:
        reader = LineReader(proc)
        assert reader.take(2) == [b"before-1\n", b"before-2\n"]
        wait_until(lambda: server.open_streams("log") == 1)
        server.append_log(NS, pod, ["after-1"])
        assert reader.take(1) == [b"after-1\n"]
        server.append_log(NS, pod, ["after-2", "after-3"])
        assert reader.take(2) == [b"after-2\n", b"after-3\n"]
        assert proc.poll() is None, "kubectl logs -f ended while the container still runs"
    finally:
        proc.kill()
        proc.wait(timeout=10)
    (log_request,) = server.requests_to("GET", f"/pods/{pod}/log")
    assert log_request.param("follow") == "true"
    wait_until(lambda: server.open_streams("log") == 0)


def test_kubectl_logs_follow_reports_a_cut_stream(kubectl: KubeApiHandle, web: list[str]) -> None:
    pod, server = web[0], kubectl.server
    server.append_log(NS, pod, ["only line"])
    proc = kubectl.kubectl_popen("logs", "-f", pod)
    try:
        assert LineReader(proc).take(1) == [b"only line\n"]
        wait_until(lambda: server.open_streams("log") == 1)
        assert server.drop_log_streams() == 1
        assert proc.wait(timeout=10) != 0
    finally:
        proc.kill()
        proc.wait(timeout=10)
    assert proc.stderr is not None
    assert b"unexpected EOF" in proc.stderr.read()


def test_kubectl_rollout_restart_starts_a_new_revision(
    kubectl: KubeApiHandle, web: list[str]
) -> None:
    server = kubectl.server

    assert "restarted" in ok(kubectl.kubectl("rollout", "restart", "deployment/web"))

    (patch,) = server.requests_to("PATCH", f"/namespaces/{NS}/deployments/web")
    assert patch.headers["content-type"] == "application/strategic-merge-patch+json"
    assert RESTARTED_AT in patch.json["spec"]["template"]["metadata"]["annotations"]
    assert server.wait_idle()
    dep = server.deployment(NS, "web")
    assert dep["metadata"]["generation"] == 2
    assert dep["status"]["observedGeneration"] == 2
    assert dep["metadata"]["annotations"][REVISION] == "2"
    replica_sets = {
        rs["metadata"]["annotations"][REVISION]: rs for rs in server.list_objects("replicasets", NS)
    }
    assert sorted(replica_sets) == ["1", "2"]
    assert replica_sets["1"]["spec"]["replicas"] == 0
    assert replica_sets["2"]["spec"]["replicas"] == 3
    new_pods = server.pod_names(NS, replica_sets["2"]["metadata"]["name"])
    assert len(new_pods) == 3 and not set(new_pods) & set(web)


def test_kubectl_scale_is_seen_by_kubectl_and_python_client(
    kubectl: KubeApiHandle, web: list[str]
) -> None:
    from kubernetes import client

    assert "scaled" in ok(kubectl.kubectl("scale", "deployment/web", "--replicas=5"))

    (patch,) = kubectl.server.requests_to("PATCH", "/deployments/web/scale")
    assert patch.headers["content-type"] == "application/merge-patch+json"
    assert patch.json == {"spec": {"replicas": 5}}
    assert ok(kubectl.kubectl("get", "deploy", "web", "-o", "jsonpath={.spec.replicas}")) == "5"
    apps = client.AppsV1Api(kubectl.api_client())
    assert apps.read_namespaced_deployment("web", NS, _request_timeout=10).spec.replicas == 5
    assert kubectl.server.wait_idle()
    assert len(kubectl.server.pod_names(NS, "web-")) == 5
    scale = apps.read_namespaced_deployment_scale("web", NS, _request_timeout=10)
    assert (scale.spec.replicas, scale.status.replicas, scale.status.selector) == (5, 5, "app=web")


def test_kubectl_rollout_undo_returns_to_the_previous_template(
    kubectl: KubeApiHandle, web: list[str]
) -> None:
    server = kubectl.server
    original = server.deployment(NS, "web")["spec"]["template"]
    ok(kubectl.kubectl("rollout", "restart", "deployment/web"))
    assert server.wait_idle()
    restarted = server.deployment(NS, "web")["spec"]["template"]
    assert RESTARTED_AT in restarted["metadata"]["annotations"]

    assert "rolled back" in ok(kubectl.kubectl("rollout", "undo", "deployment/web"))

    (undo,) = [
        r
        for r in server.requests_to("PATCH", "/deployments/web")
        if r.headers["content-type"] == "application/json-patch+json"
    ]
    assert [op["path"] for op in undo.json] == ["/spec/template", "/metadata/annotations"]
    assert server.wait_idle()
    template = server.deployment(NS, "web")["spec"]["template"]
    assert "annotations" not in template["metadata"]
    assert template["spec"]["containers"][0]["image"] == original["spec"]["containers"][0]["image"]
    # The original ReplicaSet is reused as revision 3, as the deployment controller does.
    replica_sets = server.list_objects("replicasets", NS)
    assert len(replica_sets) == 2
    back = next(rs for rs in replica_sets if rs["spec"]["replicas"] == 3)
    assert back["metadata"]["annotations"][REVISION] == "3"
    assert back["metadata"]["annotations"][REVISION_HISTORY] == "1"
    assert all(p.startswith(back["metadata"]["name"]) for p in server.pod_names(NS, "web-"))


def test_kubectl_server_dry_run_validates_and_stores_nothing(
    kubectl: KubeApiHandle, web: list[str]
) -> None:
    from kubernetes import client
    from kubernetes.client.exceptions import ApiException

    server = kubectl.server
    before = server.deployment(NS, "web")

    scaled = ok(kubectl.kubectl("scale", "deployment/web", "--replicas=5", "--dry-run=server"))
    image = "web=registry.example/web:2.0"
    updated = ok(kubectl.kubectl("set", "image", "deployment/web", image, "--dry-run=server"))
    deleted = ok(kubectl.kubectl("delete", "pod", web[0], "--dry-run=server"))

    assert "scaled (server dry run)" in scaled and "updated (server dry run)" in updated
    assert "deleted (server dry run)" in deleted
    patches = server.requests_to("PATCH", "/deployments/web/scale") + server.requests_to(
        "PATCH", "/deployments/web"
    )
    assert [r.param("dryRun") for r in patches] == ["All", "All"]
    (delete,) = server.requests_to("DELETE", f"/pods/{web[0]}")
    assert delete.json["dryRun"] == ["All"]  # kubectl says it in the DeleteOptions body
    assert server.wait_idle()
    after = server.deployment(NS, "web")
    assert (after["spec"], after["metadata"]) == (before["spec"], before["metadata"])
    assert server.pod_names(NS, "web-") == sorted(web)
    apps = client.AppsV1Api(kubectl.api_client())
    with pytest.raises(ApiException) as refused:
        apps.patch_namespaced_deployment_scale(
            "web", NS, {"spec": {"replicas": -1}}, dry_run="All", _request_timeout=10
        )
    assert refused.value.status == 422
    with pytest.raises(ApiException) as unknown:
        apps.patch_namespaced_deployment_scale(
            "web", NS, {"spec": {"replicas": 2}}, dry_run="Some", _request_timeout=10
        )
    assert unknown.value.status == 400
    assert server.deployment(NS, "web")["spec"]["replicas"] == 3


def test_kubectl_rollout_status_waits_for_the_rollout(
    kubectl: KubeApiHandle, web: list[str]
) -> None:
    ok(kubectl.kubectl("rollout", "restart", "deployment/web"))

    out = ok(kubectl.kubectl("rollout", "status", "deployment/web", "--timeout=10s"))

    assert 'deployment "web" successfully rolled out' in out
    watches = [r for r in kubectl.server.requests_to("GET", "/deployments") if r.param("watch")]
    assert watches and watches[0].param("fieldSelector") == "metadata.name=web"


def test_kubectl_rollout_status_times_out_while_a_pod_crashloops(
    kubectl: KubeApiHandle, web: list[str]
) -> None:
    kubectl.server.set_pod_state(NS, web[0], waiting_reason="CrashLoopBackOff")
    started = time.monotonic()

    result = kubectl.kubectl("rollout", "status", "deployment/web", "--timeout=2s")

    assert result.returncode != 0
    assert "2 of 3 updated replicas are available" in result.stdout
    assert "timed out" in result.stderr
    assert time.monotonic() - started < 10


# --------------------------------------------------------------------------- Python client


def test_python_client_lists_pods_and_filters_by_label(
    kube_api: KubeApiHandle, web: list[str]
) -> None:
    from kubernetes import client

    kube_api.server.add_deployment(NS, "worker", 2, "registry.example/worker:7", {"app": "worker"})
    kube_api.server.set_pod_state(NS, web[2], waiting_reason="CrashLoopBackOff", restart_count=2)
    core = client.CoreV1Api(kube_api.api_client())

    everything = core.list_namespaced_pod(NS, _request_timeout=10)
    only_web = core.list_namespaced_pod(NS, label_selector="app=web", _request_timeout=10)
    not_web = core.list_namespaced_pod(NS, label_selector="app!=web", _request_timeout=10)

    assert len(everything.items) == 5
    assert sorted(p.metadata.name for p in only_web.items) == sorted(web)
    assert {p.metadata.labels["app"] for p in not_web.items} == {"worker"}
    crashing = next(p for p in only_web.items if p.metadata.name == web[2])
    status = crashing.status.container_statuses[0]
    assert (status.state.waiting.reason, status.restart_count, status.ready) == (
        "CrashLoopBackOff",
        2,
        False,
    )
    assert crashing.metadata.owner_references[0].kind == "ReplicaSet"
    assert {r.context for r in kube_api.server.requests} == {kube_api.context}


def test_python_client_parses_deployment_replicasets_and_events(
    kube_api: KubeApiHandle, web: list[str]
) -> None:
    from kubernetes import client

    api_client = kube_api.api_client()
    apps, core = client.AppsV1Api(api_client), client.CoreV1Api(api_client)

    dep = apps.read_namespaced_deployment("web", NS, _request_timeout=10)
    replica_sets = apps.list_namespaced_replica_set(
        NS, label_selector="app=web", _request_timeout=10
    )
    events = core.list_namespaced_event(NS, _request_timeout=10)

    assert isinstance(dep, client.V1Deployment)
    assert (dep.spec.replicas, dep.status.ready_replicas, dep.status.observed_generation) == (
        3,
        3,
        1,
    )
    assert {c.type: c.status for c in dep.status.conditions} == {
        "Available": "True",
        "Progressing": "True",
    }
    assert [rs.metadata.annotations[REVISION] for rs in replica_sets.items] == ["1"]
    assert replica_sets.items[0].metadata.owner_references[0].uid == dep.metadata.uid
    reasons = {e.reason for e in events.items}
    assert {"ScalingReplicaSet", "SuccessfulCreate", "Scheduled"} <= reasons


def test_python_client_sees_api_errors_as_status(kube_api: KubeApiHandle) -> None:
    from kubernetes import client
    from kubernetes.client.exceptions import ApiException

    core = client.CoreV1Api(kube_api.api_client())

    with pytest.raises(ApiException) as missing:
        core.read_namespaced_pod("nope", NS, _request_timeout=10)

    assert missing.value.status == 404
    body = json.loads(missing.value.body)
    assert (body["kind"], body["reason"], body["message"]) == (
        "Status",
        "NotFound",
        'pods "nope" not found',
    )
    assert not kube_api.server.unhandled
    with pytest.raises(ApiException) as unknown:
        client.BatchV1Api(kube_api.api_client()).list_namespaced_job(NS, _request_timeout=10)
    assert unknown.value.status == 404
    assert [r.path for r in kube_api.server.unhandled] == [f"/apis/batch/v1/namespaces/{NS}/jobs"]


def _stream_lines(resp: Any, sink: list[bytes], errors: list[BaseException]) -> threading.Thread:
    def run() -> None:
        buffer = b""
        try:
            for chunk in resp.stream(4096):
                buffer += chunk
                *complete, buffer = buffer.split(b"\n")
                sink.extend(complete)
        except Exception as err:
            errors.append(err)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def _follow_since(api_client: Any, pod: str, since: str) -> Any:
    # The Python client has no since_time argument; the API has sinceTime, so call it directly.
    params = api_client.param_serialize(
        method="GET",
        resource_path="/api/v1/namespaces/{namespace}/pods/{name}/log",
        path_params={"namespace": NS, "name": pod},
        query_params=[("follow", True), ("timestamps", True), ("sinceTime", since)],
        header_params={"Accept": "*/*"},
        auth_settings=["BearerToken"],
    )
    return api_client.call_api(*params, _request_timeout=(5, 30)).response


def _parse(lines: list[bytes]) -> list[tuple[bytes, bytes]]:
    parsed = []
    for line in lines:
        match = _STAMP.match(line)
        assert match, f"line without RFC3339Nano stamp: {line!r}"
        parsed.append((match.group(1), match.group(2)))
    return parsed


def test_python_client_follows_logs_and_resumes_after_a_cut(
    kube_api: KubeApiHandle, web: list[str]
) -> None:
    from kubernetes import client
    from urllib3.exceptions import ProtocolError

    pod, server = web[0], kube_api.server
    api_client = kube_api.api_client()
    core = client.CoreV1Api(api_client)
    server.append_log(NS, pod, ["one", "two"])
    first: list[bytes] = []
    errors: list[BaseException] = []
    resp = core.read_namespaced_pod_log(
        pod, NS, follow=True, timestamps=True, _preload_content=False, _request_timeout=(5, 30)
    )
    reader = _stream_lines(resp, first, errors)
    wait_until(lambda: len(first) == 2)
    server.append_log(NS, pod, ["three"])
    wait_until(lambda: len(first) == 3)

    assert server.drop_log_streams() == 1
    reader.join(timeout=10)
    assert not reader.is_alive()
    assert errors and isinstance(errors[0], ProtocolError)
    server.append_log(NS, pod, ["four"])  # written while no one was following

    last_stamp = _parse(first)[-1][0]
    second: list[bytes] = []
    resumed = _stream_lines(_follow_since(api_client, pod, last_stamp.decode()), second, errors)
    wait_until(lambda: any(line.endswith(b" four") for line in second))
    server.append_log(NS, pod, ["five"])
    wait_until(lambda: any(line.endswith(b" five") for line in second))

    # sinceTime has whole-second precision at the API, so repeats arrive; stamps dedupe them.
    fresh = [text for stamp, text in _parse(second) if stamp > last_stamp]
    assert [text for _, text in _parse(first)] == [b"one", b"two", b"three"]
    assert fresh == [b"four", b"five"]
    server.drop_log_streams()
    resumed.join(timeout=10)


def test_python_client_log_options(kube_api: KubeApiHandle) -> None:
    from kubernetes import client

    server = kube_api.server
    server.add_pod(NS, "multi", containers=["app", "sidecar"])
    server.append_log(NS, "multi", [f"app {i}" for i in range(5)], container="app")
    server.append_log(NS, "multi", b"sidecar \x1b[31mred\x1b[0m \xff", container="sidecar")
    core = client.CoreV1Api(kube_api.api_client())

    def read(**kwargs: Any) -> bytes:
        resp = core.read_namespaced_pod_log(
            "multi", NS, _preload_content=False, _request_timeout=10, **kwargs
        )
        return bytes(resp.data)

    assert read(container="app", tail_lines=2) == b"app 3\napp 4\n"
    assert read(container="sidecar") == b"sidecar \x1b[31mred\x1b[0m \xff\n"
    assert read(container="app", since_seconds=60).count(b"\n") == 5
    assert read(container="app", limit_bytes=8) == b"app 0\nap"
    stamped = read(container="app", timestamps=True, tail_lines=1)
    assert _parse(stamped.splitlines()) and stamped.endswith(b" app 4\n")
    with pytest.raises(client.exceptions.ApiException) as no_container:
        read()
    assert no_container.value.status == 400
    assert "a container name must be specified" in no_container.value.body


def test_python_client_watch_sees_rollout(kube_api: KubeApiHandle, web: list[str]) -> None:
    from kubernetes import client, watch

    server = kube_api.server
    apps = client.AppsV1Api(kube_api.api_client())
    listed = apps.list_namespaced_deployment(NS, _request_timeout=10)
    apps.patch_namespaced_deployment_scale(
        "web", NS, {"spec": {"replicas": 4}}, _request_timeout=10
    )

    seen: list[tuple[str, int, int]] = []
    for event in watch.Watch().stream(
        apps.list_namespaced_deployment,
        NS,
        resource_version=listed.metadata.resource_version,
        timeout_seconds=10,
        _request_timeout=15,
    ):
        dep = event["object"]
        seen.append((event["type"], dep.spec.replicas, dep.status.available_replicas or 0))
        if dep.status.available_replicas == 4:
            break
    assert seen[0][:2] == ("MODIFIED", 4)
    assert seen[-1] == ("MODIFIED", 4, 4)
    assert server.wait_idle()


# --------------------------------------------------------------------------- server


def test_close_ends_open_watches_and_log_streams_quickly() -> None:
    import urllib.request

    server = KubeApiStandin().start()
    server.add_deployment("ns", "web", 1)
    pod = server.pod_names("ns")[0]
    responses = [
        urllib.request.urlopen(f"{server.url}{path}", timeout=10)
        for path in (
            f"/api/v1/namespaces/ns/pods/{pod}/log?follow=true",
            "/apis/apps/v1/namespaces/ns/deployments?watch=true",
        )
    ]
    try:
        wait_until(lambda: server.open_streams() == 2)
        started = time.monotonic()
        leftover = server.close()
        elapsed = time.monotonic() - started
    finally:
        for resp in responses:
            resp.close()
    assert leftover == []
    assert elapsed < 2.0


@pytest.fixture
def bare_server() -> Iterator[KubeApiStandin]:
    """A stand-in without contexts, for raw HTTP checks."""
    server = KubeApiStandin().start()
    yield server
    server.close()


def test_discovery_and_unknown_paths(bare_server: KubeApiStandin) -> None:
    import urllib.error
    import urllib.request

    def get(path: str, accept: str = "application/json") -> tuple[int, str, Any]:
        req = urllib.request.Request(f"{bare_server.url}{path}", headers={"Accept": accept})
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                return resp.status, resp.headers["Content-Type"], json.load(resp)
        except urllib.error.HTTPError as err:
            return err.code, err.headers["Content-Type"], json.load(err)

    aggregated = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"
    status, ctype, body = get("/apis", aggregated + ",application/json")
    assert (status, ctype, body["kind"]) == (200, aggregated, "APIGroupDiscoveryList")
    status, ctype, body = get("/api", aggregated)
    assert (ctype, body["items"][0]["metadata"]["name"]) == (aggregated, "")
    assert get("/apis")[2]["kind"] == "APIGroupList"
    assert get("/api/v1")[2]["kind"] == "APIResourceList"
    assert get("/version")[2]["gitVersion"] == "v1.32.4"
    status, _, body = get("/apis/batch/v1/namespaces/x/cronjobs")
    assert (status, body["kind"], body["reason"]) == (404, "Status", "NotFound")
    assert [r.path for r in bare_server.unhandled] == ["/apis/batch/v1/namespaces/x/cronjobs"]
