"""HTTP side of the Kubernetes API stand-in: routing, content negotiation, watches, log streams.

Paths follow the apiserver: ``/api/v1/namespaces/{ns}/{resource}[/{name}[/{sub}]]`` and
``/apis/{group}/{version}/...``. Anything not served is answered with a 404 (or 405) meta/v1
Status and recorded as unhandled, so a gap shows up in test output instead of hiding.
"""

from __future__ import annotations

import contextlib
import json
import logging
import select
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from tests.support import kube_api_objects as objects
from tests.support.kube_api_objects import Obj
from tests.support.kube_api_patch import PatchError, json_patch, merge_patch, strategic_merge_patch
from tests.support.kube_api_select import SelectorError, field_selector, label_selector
from tests.support.kube_api_state import CLUSTER_SCOPED, RESOURCES, ApiError, LogRow
from tests.support.kube_api_tables import table

if TYPE_CHECKING:
    from tests.support.kube_api import KubeApiStandin

log = logging.getLogger("tests.kube_api")

CONTEXT_PREFIX = "/ctx/"
AGGREGATED_V2 = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"
_DISCOVERY_FILES = {
    ("api",): "api",
    ("api", "v1"): "api__v1",
    ("apis",): "apis",
    ("apis", "apps", "v1"): "apis__apps__v1",
    ("apis", "autoscaling", "v1"): "apis__autoscaling__v1",
}
_PATCHERS: dict[str, Callable[[Any, Any], Any]] = {
    "application/merge-patch+json": merge_patch,
    "application/strategic-merge-patch+json": strategic_merge_patch,
    "application/json-patch+json": json_patch,
}
# How often idle streams look for a stop, a drop or a vanished client.
_POLL_SECONDS = 0.25


@dataclass
class RecordedRequest:
    """One request as the stand-in received it."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    context: str | None
    status: int = 0
    handled: bool = True

    def param(self, name: str, default: str | None = None) -> str | None:
        """First value of query parameter ``name``."""
        return self.query.get(name, [default])[0]

    @property
    def json(self) -> Any:
        """The request body parsed as JSON."""
        return json.loads(self.body)


@dataclass(eq=False)
class Stream:
    """An open log-follow or watch response (so it can be cut or ended)."""

    kind: str
    connection: socket.socket
    dropped: threading.Event = field(default_factory=threading.Event)


class _Gone(Exception):
    """The client went away or the stream was cut; stop writing."""


def _media_types(accept: str) -> Iterator[dict[str, str]]:
    for entry in accept.split(","):
        parts = [p.strip() for p in entry.split(";")]
        params = dict(p.split("=", 1) for p in parts[1:] if "=" in p)
        params["type"] = parts[0]
        yield params


def wants_table(accept: str) -> bool:
    """Whether an Accept header asks for a meta.k8s.io Table (``kubectl get``)."""
    return any(m.get("as") == "Table" and m.get("g") == "meta.k8s.io" for m in _media_types(accept))


def wants_aggregated(accept: str) -> bool:
    """Whether an Accept header asks for v2 aggregated discovery."""
    return any(
        m.get("as") == "APIGroupDiscoveryList" and m.get("v") == "v2" for m in _media_types(accept)
    )


def _strip_type(obj: Obj) -> Obj:
    # List items carry no kind/apiVersion in apiserver JSON.
    return {k: v for k, v in obj.items() if k not in ("kind", "apiVersion")}


class StandinHTTPServer(ThreadingHTTPServer):
    """Threaded server that can cut every open connection on shutdown."""

    daemon_threads = True
    block_on_close = False

    def __init__(self, address: tuple[str, int], standin: KubeApiStandin) -> None:
        self.standin = standin
        self.connections: set[socket.socket] = set()
        self.handler_threads: set[threading.Thread] = set()
        self.guard = threading.Lock()
        super().__init__(address, Handler)

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        with self.guard:
            self.connections.add(request)
            self.handler_threads.add(threading.current_thread())
        try:
            super().process_request_thread(request, client_address)
        finally:
            with self.guard:
                self.connections.discard(request)
                self.handler_threads.discard(threading.current_thread())

    def cut_connections(self) -> None:
        """Shut down every open client socket (wakes handlers blocked on read or write)."""
        with self.guard:
            conns = list(self.connections)
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)

    def join_handlers(self, timeout: float) -> list[str]:
        """Wait for handler threads to finish; return the names of any still alive."""
        deadline = time.monotonic() + timeout
        with self.guard:
            threads = list(self.handler_threads)
        for t in threads:
            t.join(max(deadline - time.monotonic(), 0))
        return [t.name for t in threads if t.is_alive()]


class Handler(BaseHTTPRequestHandler):
    """One connection; kubectl and the Python client both keep connections alive."""

    protocol_version = "HTTP/1.1"
    server: StandinHTTPServer

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s " + format, self.address_string(), *args)

    def do_GET(self) -> None:
        self._dispatch()

    def do_PATCH(self) -> None:
        self._dispatch()

    def do_PUT(self) -> None:
        self._dispatch()

    def do_DELETE(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    # ------------------------------------------------------------------ plumbing

    @property
    def standin(self) -> KubeApiStandin:
        """The stand-in this server belongs to."""
        return self.server.standin

    def _dispatch(self) -> None:
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        path, context = url.path, None
        if path.startswith(CONTEXT_PREFIX):
            # Each kubeconfig context points at its own base path, so requests show which
            # context they were made with (kubectl sends no credentials over plain HTTP).
            context, _, rest = path[len(CONTEXT_PREFIX) :].partition("/")
            path = "/" + rest
        self.record = RecordedRequest(
            method=self.command,
            path=path,
            query=parse_qs(url.query, keep_blank_values=True),
            headers={k.lower(): v for k, v in self.headers.items()},
            body=body,
            context=context,
        )
        self.standin.record(self.record)
        try:
            if context is not None and context not in self.standin.contexts:
                self._unhandled()
            self._route(path)
        except ApiError as err:
            self._send_json(err.code, err.body)
        except _Gone:
            self.close_connection = True
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        except Exception as err:  # a bug in the stand-in must reach the test as a 500
            log.exception("stand-in failed on %s %s", self.command, self.path)
            self._send_json(500, objects.status(500, "InternalError", f"stand-in error: {err!r}"))

    def _send_json(self, code: int, payload: Any, content_type: str = "application/json") -> None:
        data = json.dumps(payload).encode()
        self.record.status = code
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-cache, private")
        self.send_header("Audit-Id", str(uuid.uuid4()))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _start_chunked(self, content_type: str) -> None:
        self.record.status = 200
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("Cache-Control", "no-cache, private")
        self.send_header("Audit-Id", str(uuid.uuid4()))
        self.end_headers()

    def _chunk(self, data: bytes, stream: Stream | None = None) -> None:
        if not data:
            return
        if stream is not None and stream.dropped.is_set():
            raise _Gone
        try:
            self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        except OSError as err:
            raise _Gone from err

    def _end_chunked(self) -> None:
        with contextlib.suppress(OSError):
            self.wfile.write(b"0\r\n\r\n")

    def _client_gone(self) -> bool:
        # A readable socket with nothing to read means the peer closed its side.
        try:
            readable, _, _ = select.select([self.connection], [], [], 0)
            if not readable:
                return False
            return bool(self.connection.recv(1, socket.MSG_PEEK) == b"")
        except (OSError, ValueError):
            return True

    def _unhandled(self, code: int = 404) -> None:
        self.record.handled = False
        log.warning("Kubernetes API stand-in does not serve %s %s", self.command, self.path)
        if code == 405:
            raise ApiError(
                objects.status(
                    405,
                    "MethodNotAllowed",
                    "the server does not allow this method on the requested resource",
                )
            )
        raise ApiError(
            objects.status(404, "NotFound", "the server could not find the requested resource", {})
        )

    def _q(self, name: str, default: str | None = None) -> str | None:
        return self.record.param(name, default)

    def _flag(self, name: str) -> bool:
        return (self._q(name) or "").lower() in ("true", "1")

    def _dry_run(self) -> bool:
        """Whether the write is a server-side dry run (``dryRun=All``): checked, never stored.

        A DELETE may say it in its DeleteOptions body instead (kubectl does).
        """
        given = self.record.query.get("dryRun", [])
        if not given and self.command == "DELETE" and self.record.body:
            try:
                options = json.loads(self.record.body)
            except json.JSONDecodeError as err:
                raise ApiError(objects.status(400, "BadRequest", str(err))) from err
            given = list(options.get("dryRun") or []) if isinstance(options, dict) else []
        if given and given != ["All"]:
            # The apiserver's own answer to any other value.
            raise ApiError(
                objects.status(
                    400, "BadRequest", f'Unsupported value: "{given[0]}": supported values: "All"'
                )
            )
        return bool(given)

    # ------------------------------------------------------------------ routing

    def _route(self, path: str) -> None:
        parts = tuple(p for p in path.split("/") if p)
        accept = self.headers.get("Accept") or "application/json"
        if self.standin.metrics.serve(self, parts, accept):
            return
        if self.command == "GET" and parts == ("version",):
            self._send_json(200, self.standin.version_info())
            return
        if self.command == "GET" and parts == ("api",) and wants_aggregated(accept):
            self._send_json(200, objects.core_aggregated_discovery(), AGGREGATED_V2)
            return
        if self.command == "GET" and parts == ("apis",) and wants_aggregated(accept):
            self._send_json(200, objects.discovery("aggregated_v2"), AGGREGATED_V2)
            return
        if self.command == "GET" and parts in _DISCOVERY_FILES:
            self._send_json(200, objects.discovery(_DISCOVERY_FILES[parts]))
            return
        if parts[:2] == ("api", "v1"):
            group, version, rest = "", "v1", parts[2:]
        elif len(parts) >= 3 and parts[0] == "apis":
            group, version, rest = parts[1], parts[2], parts[3:]
        else:
            self._unhandled()
            return
        namespace: str | None = None
        if len(rest) >= 3 and rest[0] == "namespaces":
            namespace, rest = rest[1], rest[2:]
        if not rest or rest[0] not in RESOURCES or RESOURCES[rest[0]][:2] != (group, version):
            self._unhandled()
            return
        resource, name, sub = rest[0], (rest[1:2] or [None])[0], (rest[2:3] or [None])[0]
        cluster_scoped = resource in CLUSTER_SCOPED
        if len(rest) > 3 or (name is not None and (namespace is None) != cluster_scoped):
            self._unhandled()
            return
        if name is None:
            if self.command != "GET":
                self._unhandled(405)
            elif self._flag("watch"):
                self._watch(resource, namespace, accept)
            else:
                self._list(resource, namespace, accept)
            return
        handler = self._ROUTES.get((self.command, resource, sub))
        if handler is None:
            self._unhandled(405 if (resource, sub) in self._KNOWN else 404)
            return
        handler(self, resource, namespace or "", name, accept)

    def _send_object(self, resource: str, obj: Obj, accept: str) -> None:
        if wants_table(accept):
            include = self._q("includeObject", "Metadata") or "Metadata"
            self._send_json(
                200, table(resource, [obj], obj["metadata"]["resourceVersion"], include)
            )
        else:
            self._send_json(200, obj)

    def _get(self, resource: str, namespace: str, name: str, accept: str) -> None:
        self._send_object(resource, self.standin.state.require(resource, namespace, name), accept)

    def _selected(self, resource: str, namespace: str | None) -> tuple[list[Obj], str]:
        try:
            labels = label_selector(self._q("labelSelector"))
            fields = field_selector(self._q("fieldSelector"))
        except SelectorError as err:
            raise ApiError(objects.status(400, "BadRequest", str(err))) from err
        state = self.standin.state
        with state.lock:
            items = state.list_objects(resource, namespace)
            rv = state.resource_version
        chosen = [o for o in items if labels(o["metadata"].get("labels", {})) and fields(o)]
        return chosen, rv

    def _list(self, resource: str, namespace: str | None, accept: str) -> None:
        items, rv = self._selected(resource, namespace)
        if wants_table(accept):
            include = self._q("includeObject", "Metadata") or "Metadata"
            self._send_json(200, table(resource, items, rv, include))
            return
        group, version, _, list_kind = RESOURCES[resource]
        self._send_json(
            200,
            {
                "kind": list_kind,
                "apiVersion": f"{group}/{version}" if group else version,
                "metadata": {"resourceVersion": rv},
                "items": [_strip_type(o) for o in items],
            },
        )

    def _delete(self, resource: str, namespace: str, name: str, accept: str) -> None:
        dry_run = self._dry_run()
        self._send_json(200, self.standin.state.delete_pod(namespace, name, dry_run=dry_run))

    def _patched(self, current: Any) -> Any:
        content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip()
        patcher = _PATCHERS.get(content_type)
        if patcher is None:
            raise ApiError(
                objects.status(
                    415,
                    "UnsupportedMediaType",
                    f"the body of the request was in an unknown format - accepted media types "
                    f"include: {', '.join(_PATCHERS)}",
                )
            )
        try:
            return patcher(current, json.loads(self.record.body or b"null"))
        except (PatchError, json.JSONDecodeError) as err:
            code = 422 if isinstance(err, PatchError) else 400
            raise ApiError(
                objects.status(code, "Invalid" if code == 422 else "BadRequest", str(err))
            ) from err

    def _patch_deployment(self, resource: str, namespace: str, name: str, accept: str) -> None:
        state = self.standin.state
        dry_run = self._dry_run()
        with state.lock:
            new = self._patched(state.require(resource, namespace, name))
            updated = state.update_deployment(namespace, name, new, check_rv=True, dry_run=dry_run)
        self._send_json(200, updated)

    def _put_deployment(self, resource: str, namespace: str, name: str, accept: str) -> None:
        state = self.standin.state
        dry_run = self._dry_run()
        try:
            new = json.loads(self.record.body)
        except json.JSONDecodeError as err:
            raise ApiError(objects.status(400, "BadRequest", str(err))) from err
        self._send_json(
            200, state.update_deployment(namespace, name, new, check_rv=True, dry_run=dry_run)
        )

    def _get_scale(self, resource: str, namespace: str, name: str, accept: str) -> None:
        self._send_json(200, objects.scale(self.standin.state.require(resource, namespace, name)))

    def _change_scale(self, resource: str, namespace: str, name: str, accept: str) -> None:
        state = self.standin.state
        dry_run = self._dry_run()
        with state.lock:
            dep = state.require(resource, namespace, name)
            current = objects.scale(dep)
            if self.command == "PATCH":
                wanted = self._patched(current)
            else:
                try:
                    wanted = json.loads(self.record.body)
                except json.JSONDecodeError as err:
                    raise ApiError(objects.status(400, "BadRequest", str(err))) from err
            # A resourceVersion in the body is a precondition (409 when stale), as upstream.
            given_rv = wanted.get("metadata", {}).get("resourceVersion")
            dep["metadata"]["resourceVersion"] = given_rv or current["metadata"]["resourceVersion"]
            dep["spec"]["replicas"] = wanted.get("spec", {}).get("replicas", 0)
            updated = state.update_deployment(namespace, name, dep, check_rv=True, dry_run=dry_run)
        self._send_json(200, objects.scale(updated))

    def _get_status(self, resource: str, namespace: str, name: str, accept: str) -> None:
        self._get(resource, namespace, name, accept)

    _ROUTES: dict[tuple[str, str, str | None], Callable[[Handler, str, str, str, str], None]] = {
        ("GET", "pods", None): _get,
        ("DELETE", "pods", None): _delete,
        ("GET", "pods", "log"): lambda self, r, ns, n, a: self._logs(ns, n),
        ("GET", "events", None): _get,
        ("GET", "namespaces", None): _get,
        ("GET", "replicasets", None): _get,
        ("GET", "deployments", None): _get,
        ("PATCH", "deployments", None): _patch_deployment,
        ("PUT", "deployments", None): _put_deployment,
        ("GET", "deployments", "scale"): _get_scale,
        ("PATCH", "deployments", "scale"): _change_scale,
        ("PUT", "deployments", "scale"): _change_scale,
        ("GET", "deployments", "status"): _get_status,
    }
    _KNOWN = {(r, s) for (_, r, s) in _ROUTES}

    # ------------------------------------------------------------------ watch

    def _watch(self, resource: str, namespace: str | None, accept: str) -> None:
        try:
            labels = label_selector(self._q("labelSelector"))
            fields = field_selector(self._q("fieldSelector"))
        except SelectorError as err:
            raise ApiError(objects.status(400, "BadRequest", str(err))) from err
        as_table = wants_table(accept)
        include = self._q("includeObject", "Metadata") or "Metadata"
        timeout = self._q("timeoutSeconds")
        deadline = time.monotonic() + float(timeout) if timeout else None
        state = self.standin.state

        def wanted(obj: Obj) -> bool:
            meta = obj["metadata"]
            return (namespace is None or meta.get("namespace") == namespace) and bool(
                labels(meta.get("labels", {})) and fields(obj)
            )

        def encode(kind: str, obj: Obj) -> bytes:
            payload = (
                table(resource, [obj], obj["metadata"]["resourceVersion"], include)
                if (as_table)
                else obj
            )
            return json.dumps({"type": kind, "object": payload}).encode() + b"\n"

        given = self._q("resourceVersion") or ""
        with state.lock:
            cursor = int(state.resource_version)
            initial: list[bytes] = []
            if given in ("", "0") or self._flag("sendInitialEvents"):
                initial = [
                    encode("ADDED", o) for o in state.list_objects(resource, namespace) if wanted(o)
                ]
            else:
                cursor = int(given)
        self._start_chunked("application/json")
        stream = self.standin.open_stream("watch", self.connection)
        try:
            for data in initial:
                self._chunk(data, stream)
            if self._flag("sendInitialEvents"):
                bookmark = {
                    "kind": RESOURCES[resource][2],
                    "apiVersion": "v1",
                    "metadata": {
                        "resourceVersion": str(cursor),
                        "annotations": {"k8s.io/initial-events-end": "true"},
                    },
                }
                self._chunk(json.dumps({"type": "BOOKMARK", "object": bookmark}).encode() + b"\n")
            while not self.standin.stopping.is_set():
                if deadline is not None and time.monotonic() >= deadline:
                    break
                with state.changed:
                    changes = state.changes_since(cursor)
                    if not changes:
                        state.changed.wait(_POLL_SECONDS)
                        changes = state.changes_since(cursor)
                if changes:
                    cursor = changes[-1].rv
                out = [
                    encode(c.type, c.obj)
                    for c in changes
                    if c.resource == resource and wanted(c.obj)
                ]
                for data in out:
                    self._chunk(data, stream)
                if not changes and self._client_gone():
                    raise _Gone
            self._end_chunked()
        finally:
            self.standin.close_stream(stream)

    # ------------------------------------------------------------------ logs

    def _logs(self, namespace: str, name: str) -> None:
        state = self.standin.state
        pod = state.require("pods", namespace, name)
        containers = [c["name"] for c in pod["spec"]["containers"]]
        container = self._q("container")
        if not container:
            if len(containers) != 1:
                raise ApiError(
                    objects.status(
                        400,
                        "BadRequest",
                        f"a container name must be specified for pod {name}, choose one of: "
                        f"[{' '.join(containers)}]",
                    )
                )
            container = containers[0]
        if container not in containers:
            raise ApiError(
                objects.status(
                    400, "BadRequest", f"container {container} is not valid for pod {name}"
                )
            )
        cs: Obj = next(
            (c for c in pod["status"].get("containerStatuses", []) if c["name"] == container), {}
        )
        waiting = cs.get("state", {}).get("waiting")
        if waiting and not cs.get("lastState", {}).get("terminated"):
            raise ApiError(
                objects.status(
                    400,
                    "BadRequest",
                    f'container "{container}" in pod "{name}" is waiting to start: '
                    f"{waiting.get('reason', '')}",
                )
            )
        previous = self._flag("previous")
        earlier: list[LogRow] | None = None
        if previous:
            earlier = state.previous_log_lines(namespace, name, container)
            if earlier is None:
                raise ApiError(
                    objects.status(
                        400,
                        "BadRequest",
                        f'previous terminated container "{container}" in pod "{name}" not found',
                    )
                )
        since_ns = self._since_ns()
        tail = self._q("tailLines")
        limit = self._q("limitBytes")
        budget = int(limit) if limit else None
        stamps = self._flag("timestamps")
        # A previous instance has ended: its log is read whole even when following is asked.
        follow = self._flag("follow") and not previous

        def render(lines: list[LogRow]) -> bytes:
            out = b"".join(
                (f"{objects.rfc3339_nano(ln.ts_ns)} ".encode() if stamps else b"") + ln.data + b"\n"
                for ln in lines
                if since_ns is None or ln.ts_ns >= since_ns
            )
            return out

        lines = (
            earlier
            if previous and earlier is not None
            else state.log_lines(namespace, name, container)
        )
        sent = len(lines)
        first = [ln for ln in lines if since_ns is None or ln.ts_ns >= since_ns]
        if tail is not None:
            first = first[-int(tail) :] if int(tail) > 0 else []
        self._start_chunked("text/plain")
        stream = self.standin.open_stream("log", self.connection)
        try:
            budget = self._send_log(render(first), budget, stream)
            while follow and budget != 0 and not self.standin.stopping.is_set():
                with state.changed:
                    lines = state.log_lines(namespace, name, container)
                    if len(lines) == sent:
                        state.changed.wait(_POLL_SECONDS)
                        lines = state.log_lines(namespace, name, container)
                    running = state.container_running(namespace, name, container)
                fresh, sent = lines[sent:], len(lines)
                budget = self._send_log(render(fresh), budget, stream)
                if stream.dropped.is_set():
                    raise _Gone
                if not fresh and (not running or self._client_gone()):
                    break
            self._end_chunked()
        finally:
            self.standin.close_stream(stream)

    def _send_log(self, data: bytes, budget: int | None, stream: Stream) -> int | None:
        if budget is not None:
            data = data[:budget]
            budget -= len(data)
        self._chunk(data, stream)
        return budget

    def _since_ns(self) -> int | None:
        since_time = self._q("sinceTime")
        since_seconds = self._q("sinceSeconds")
        if since_time and since_seconds:
            raise ApiError(
                objects.status(
                    422, "Invalid", "at most one of `sinceTime` or `sinceSeconds` may be specified"
                )
            )
        try:
            if since_time:
                # The apiserver hands sinceTime to the kubelet as a metav1.Time, which keeps
                # whole seconds only; resuming clients therefore see repeats and must dedupe.
                return objects.parse_rfc3339_ns(since_time) // 1_000_000_000 * 1_000_000_000
            if since_seconds:
                delta = timedelta(seconds=int(since_seconds))
                return time.time_ns() - int(delta.total_seconds() * 1_000_000_000)
        except ValueError as err:
            raise ApiError(objects.status(400, "BadRequest", str(err))) from err
        return None
