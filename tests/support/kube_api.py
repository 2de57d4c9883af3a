"""A small stateful Kubernetes API stand-in that real kubectl and the real Python client accept.

No kube-apiserver can run on this machine, so tests talk to this plain-HTTP server on 127.0.0.1.
It serves published discovery documents, objects built from published test data, server-side
Tables for ``kubectl get``, chunked log streams and watches, and plays the deployment and
ReplicaSet controllers so that ``kubectl scale``, ``rollout restart``, ``rollout undo`` and
``rollout status`` behave as they do against a real API server. Writes honour ``dryRun=All``
(server-side dry run): validated and answered with the object as it would be, nothing stored.

Typical use (the ``kube_api`` fixture in ``fixtures_kube.py`` does this and writes a kubeconfig)::

    with KubeApiStandin(contexts=["standin-staging"]) as api:
        api.add_deployment("shop", "web", replicas=2, image="registry.example/web:1.4")
        pod = api.pod_names("shop")[0]
        api.set_pod_state("shop", pod, waiting_reason="CrashLoopBackOff", restart_count=4)
        api.append_log("shop", pod, ["started", "listening on :8080"])
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterable, Mapping, Sequence
from types import TracebackType

from tests.support.kube_api_http import CONTEXT_PREFIX, RecordedRequest, StandinHTTPServer, Stream
from tests.support.kube_api_metrics import KubeMetrics
from tests.support.kube_api_objects import Obj
from tests.support.kube_api_state import KubeState, LogRow

__all__ = ["KubeApiStandin", "RecordedRequest"]

DEFAULT_IMAGE = "registry.example/app:1.0"


class KubeApiStandin:
    """The Kubernetes API stand-in: an HTTP server plus a Python API to set up and inspect state.

    Args:
        host: Address to bind (loopback only, by design).
        port: Port to bind; 0 picks a free one.
        contexts: Context names served under their own base path ``url_for(name)``; each
            recorded request says which one it came through (kubectl sends no bearer token
            over plain HTTP, so the path is what tells contexts apart).
        reconcile_delay: Seconds between a Deployment spec change and the controller acting on
            it (``rollout status`` sees "waiting", then completion).
        server_version: ``(major, minor, gitVersion)`` reported by ``/version``. The kubectl on
            this machine is a dispatcher that picks its client version from this answer.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        contexts: Sequence[str] = (),
        reconcile_delay: float = 0.2,
        server_version: tuple[str, str, str] = ("1", "32", "v1.32.4"),
    ) -> None:
        self.contexts = tuple(contexts)
        self.server_version = server_version
        self.state = KubeState(reconcile_delay)
        self.metrics = KubeMetrics()
        """The metrics API (``kubectl top``), off until ``metrics.enable()``."""
        self.stopping = threading.Event()
        self._requests: list[RecordedRequest] = []
        self._streams: set[Stream] = set()
        self._guard = threading.Lock()
        self._httpd = StandinHTTPServer((host, port), self)
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------ lifecycle

    @property
    def url(self) -> str:
        """Base URL, e.g. ``http://127.0.0.1:41234``."""
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def url_for(self, context: str) -> str:
        """Base URL for one context (what its kubeconfig ``server:`` entry should say)."""
        if context not in self.contexts:
            raise KeyError(context)
        return f"{self.url}{CONTEXT_PREFIX}{context}"

    def start(self) -> KubeApiStandin:
        """Start serving in a background thread."""
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.1},
            name="kube-api-standin",
            daemon=True,
        )
        self._thread.start()
        return self

    def close(self, timeout: float = 5.0) -> list[str]:
        """Stop serving, end open watches and log streams, and join every handler thread.

        Returns:
            Names of handler threads that did not finish within ``timeout`` (empty when clean).
        """
        self.stopping.set()
        with self.state.changed:
            self.state.changed.notify_all()
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join(timeout)
        self._httpd.cut_connections()
        leftover = self._httpd.join_handlers(timeout)
        self._httpd.server_close()
        self.state.close()
        return leftover

    def __enter__(self) -> KubeApiStandin:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def version_info(self) -> Obj:
        """The ``/version`` body."""
        major, minor, git_version = self.server_version
        return {
            "major": major,
            "minor": minor,
            "gitVersion": git_version,
            "gitCommit": "0" * 40,
            "gitTreeState": "clean",
            "buildDate": "2025-04-22T16:02:27Z",
            "goVersion": "go1.23.8",
            "compiler": "gc",
            "platform": "linux/amd64",
        }

    # ------------------------------------------------------------------ requests

    def record(self, request: RecordedRequest) -> None:
        """Remember a request (called by the HTTP handler)."""
        with self._guard:
            self._requests.append(request)

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request received so far, oldest first."""
        with self._guard:
            return list(self._requests)

    @property
    def unhandled(self) -> list[RecordedRequest]:
        """Requests the stand-in does not serve (answered 404/405 by the router)."""
        return [r for r in self.requests if not r.handled]

    def requests_to(self, method: str, path_suffix: str) -> list[RecordedRequest]:
        """Requests with ``method`` whose path ends with ``path_suffix``."""
        return [r for r in self.requests if r.method == method and r.path.endswith(path_suffix)]

    def clear_requests(self) -> None:
        """Forget recorded requests."""
        with self._guard:
            self._requests.clear()

    # ------------------------------------------------------------------ streams

    def open_stream(self, kind: str, connection: socket.socket) -> Stream:
        """Register an open watch or log stream (called by the HTTP handler)."""
        stream = Stream(kind, connection)
        with self._guard:
            self._streams.add(stream)
        return stream

    def close_stream(self, stream: Stream) -> None:
        """Forget a finished stream (called by the HTTP handler)."""
        with self._guard:
            self._streams.discard(stream)

    def open_streams(self, kind: str | None = None) -> int:
        """How many watch/log streams are open (``kind``: ``"log"`` or ``"watch"``)."""
        with self._guard:
            return sum(1 for s in self._streams if kind is None or s.kind == kind)

    def drop_log_streams(self) -> int:
        """Cut every open log stream mid-response, as a broken connection would.

        The socket is shut down without the terminating chunk, so clients see an incomplete
        chunked body and must resume (e.g. with ``sinceTime``).

        Returns:
            How many streams were cut.
        """
        with self._guard:
            victims = [s for s in self._streams if s.kind == "log"]
        for stream in victims:
            stream.dropped.set()
            with contextlib.suppress(OSError):
                stream.connection.shutdown(socket.SHUT_RDWR)
        with self.state.changed:
            self.state.changed.notify_all()
        return len(victims)

    # ------------------------------------------------------------------ state

    def add_deployment(
        self,
        namespace: str,
        name: str,
        replicas: int = 1,
        image: str = DEFAULT_IMAGE,
        labels: Mapping[str, str] | None = None,
        *,
        containers: Sequence[str] | None = None,
    ) -> Obj:
        """Create a Deployment, its revision-1 ReplicaSet and ``replicas`` running pods.

        Args:
            namespace: Namespace of all created objects.
            name: Deployment name (ReplicaSet ``name-<hash>``, pods ``name-<hash>-<suffix>``).
            replicas: Desired pods.
            image: Image of every container.
            labels: Template labels and selector (default ``{"app": name}``).
            containers: Container names (default ``[name]``).

        Returns:
            The stored Deployment.
        """
        pairs = [(c, image) for c in (containers or [name])]
        return self.state.add_deployment(
            namespace, name, replicas, pairs, dict(labels or {"app": name})
        )

    def add_namespace(self, name: str) -> Obj:
        """Create an Active Namespace (adding objects creates their namespace implicitly)."""
        return self.state.ensure_namespace(name)

    def add_pod(
        self,
        namespace: str,
        name: str,
        image: str = DEFAULT_IMAGE,
        labels: Mapping[str, str] | None = None,
        *,
        containers: Sequence[str] | None = None,
    ) -> Obj:
        """Create a running, ready pod that no controller owns."""
        pairs = [(c, image) for c in (containers or [name])]
        return self.state.add_pod(namespace, name, pairs, dict(labels or {"app": name}))

    def set_pod_state(
        self,
        namespace: str,
        pod: str,
        *,
        phase: str | None = None,
        ready: bool | None = None,
        waiting_reason: str | None = None,
        restart_count: int | None = None,
        container: str | None = None,
        message: str | None = None,
    ) -> Obj:
        """Change a pod's status as the kubelet reports it; owners' status follows at once.

        Args:
            namespace: Pod namespace.
            pod: Pod name.
            phase: New ``status.phase``; ``Succeeded``/``Failed`` also terminate containers.
            ready: Running container readiness (``False`` = running but failing readiness).
            waiting_reason: Put containers in ``waiting`` (e.g. ``"CrashLoopBackOff"``,
                ``"ImagePullBackOff"``); not ready, last state terminated once restarted.
            restart_count: New ``restartCount`` (CrashLoopBackOff implies at least 1).
            container: Limit the change to one container (default: all).
            message: Waiting message (default: kubelet's back-off text).

        Returns:
            The stored pod.
        """
        return self.state.set_pod_state(
            namespace,
            pod,
            phase=phase,
            ready=ready,
            waiting_reason=waiting_reason,
            restart_count=restart_count,
            container=container,
            message=message,
        )

    def append_log(
        self,
        namespace: str,
        pod: str,
        lines: str | bytes | Iterable[str | bytes],
        container: str | None = None,
    ) -> list[LogRow]:
        """Append log lines (a str/bytes is split on newlines); open follows see them at once.

        Raw bytes are kept as given, so tests can feed escape sequences or invalid UTF-8.

        Returns:
            The stored lines with their timestamps.
        """
        items: Iterable[str | bytes] = [lines] if isinstance(lines, str | bytes) else lines
        return self.state.append_log(namespace, pod, items, container)

    def delete_pod(self, namespace: str, pod: str) -> Obj:
        """Delete a pod as ``kubectl delete pod`` would (its ReplicaSet replaces it shortly).

        Open log follows of the pod end cleanly.
        """
        return self.state.delete_pod(namespace, pod)

    def record_event(
        self,
        namespace: str,
        resource: str,
        name: str,
        reason: str,
        message: str,
        *,
        kind: str = "Normal",
        component: str = "standin-controller",
    ) -> Obj:
        """Store a core/v1 Event about an existing object (``resource`` e.g. ``"pods"``)."""
        involved = self.state.require(resource, namespace, name)
        return self.state.record_event(involved, reason, message, kind=kind, component=component)

    def wait_idle(self, timeout: float = 5.0) -> bool:
        """Wait until the controllers have no pending work (rollouts settled)."""
        return self.state.wait_idle(timeout)

    # ------------------------------------------------------------------ inspection

    def get(self, resource: str, namespace: str, name: str) -> Obj | None:
        """A copy of a stored object (``resource``: pods, deployments, replicasets, events)."""
        return self.state.get(resource, namespace, name)

    def list_objects(self, resource: str, namespace: str | None = None) -> list[Obj]:
        """Copies of stored objects, sorted by namespace and name."""
        return self.state.list_objects(resource, namespace)

    def pod_names(self, namespace: str, prefix: str = "") -> list[str]:
        """Names of pods in ``namespace`` starting with ``prefix``, sorted."""
        return [
            p["metadata"]["name"]
            for p in self.state.list_objects("pods", namespace)
            if p["metadata"]["name"].startswith(prefix)
        ]

    def deployment(self, namespace: str, name: str) -> Obj:
        """A copy of a stored Deployment (raises ``ApiError`` 404 if missing)."""
        return self.state.require("deployments", namespace, name)
