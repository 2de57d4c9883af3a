"""Real HTTP(S) and TCP servers on 127.0.0.1 for health-check and API tests.

:class:`HttpServer` is a threaded ``http.server`` with routes a test can change at any time
(``server.routes["/x"] = handler``). Default routes:

* ``/ok``: 200 ``{"status":"UP"}``; ``/fail``: 500 ``{"status":"DOWN"}``
* ``/hang``: never answers; released (connection dropped) when the server stops
* ``/slow?ms=N``: answers 200 after N milliseconds
* ``/json``: 200 (or ``server.json_status``) with ``server.json_body``
* ``/status/NNN``: answers with status NNN

A route key ending in ``/`` also matches every path below it; the longest match wins. Every
request is recorded in ``server.requests``; exceptions raised by handlers are kept in
``server.errors`` and answered with 500.
"""

from __future__ import annotations

import contextlib
import json
import socket
import ssl
import sys
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.support.certs import TlsMaterial


@dataclass(frozen=True)
class Request:
    """One request as the server saw it.

    Attributes:
        method: HTTP method.
        path: Path without the query string.
        query: Query parameters (each name maps to all its values).
        headers: Header names lower-cased; the last value wins.
        body: Raw request body.
    """

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes = b""

    def param(self, name: str, default: str | None = None) -> str | None:
        """The first value of query parameter ``name``."""
        values = self.query.get(name)
        return values[0] if values else default

    def json(self) -> Any:
        """The body parsed as JSON."""
        return json.loads(self.body)


@dataclass
class Response:
    """What a handler answers."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(
        cls, data: Any, status: int = 200, headers: Mapping[str, str] | None = None
    ) -> Response:
        """A JSON response."""
        return cls(
            status,
            json.dumps(data).encode(),
            {"Content-Type": "application/json", **(headers or {})},
        )

    @classmethod
    def text(cls, text: str, status: int = 200, content_type: str = "text/plain") -> Response:
        """A text response."""
        return cls(status, text.encode(), {"Content-Type": f"{content_type}; charset=utf-8"})


Handler = Callable[[Request], Response]


class HangUp(Exception):
    """Raised by a handler to drop the connection without any answer."""


class _Httpd(ThreadingHTTPServer):
    daemon_threads = True
    # Tests restart servers quickly; a TIME_WAIT port must not block the next bind.
    allow_reuse_address = True

    def __init__(self, owner: HttpServer, tls: ssl.SSLContext | None) -> None:
        self.owner = owner
        self.tls = tls
        super().__init__(("127.0.0.1", 0), _RequestHandler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients that time out or disconnect mid-answer are normal in health-check tests.
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError, ssl.SSLError)):
            return
        super().handle_error(request, client_address)

    def finish_request(self, request: Any, client_address: Any) -> None:
        # The TLS handshake happens here, in the connection's own thread, so a client that
        # connects and never handshakes cannot block the accept loop.
        conn: socket.socket = request
        self.owner._track(conn, add=True)
        try:
            if self.tls is not None:
                conn.settimeout(10.0)
                try:
                    conn = self.tls.wrap_socket(conn, server_side=True)
                except (ssl.SSLError, OSError):
                    return
                self.owner._track(conn, add=True)
            super().finish_request(conn, client_address)
        finally:
            self.owner._track(conn, add=False)
            self.owner._track(request, add=False)


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 30.0  # idle keep-alive connections
    server: _Httpd

    def log_message(self, format: str, *args: Any) -> None:
        """Keep test output clean."""

    def _handle(self) -> None:
        owner = self.server.owner
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        request = Request(
            method=self.command,
            path=parts.path,
            query=parse_qs(parts.query, keep_blank_values=True),
            headers={k.lower(): v for k, v in self.headers.items()},
            body=body,
        )
        owner._record(request)
        handler = owner.route_for(parts.path)
        if handler is None:
            response = Response.json({"error": "not found", "path": parts.path}, 404)
        else:
            try:
                response = handler(request)
            except HangUp:
                self.close_connection = True
                return
            except Exception as exc:  # reported to the test through server.errors
                owner.errors.append(exc)
                response = Response.json({"error": repr(exc)}, 500)
        self._send(response)

    def _send(self, response: Response) -> None:
        no_body = response.status in (204, 304) or 100 <= response.status < 200
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        if not no_body:
            self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if not no_body and self.command != "HEAD":
            self.wfile.write(response.body)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _handle


class HttpServer:
    """A threaded HTTP(S) server on 127.0.0.1 with configurable routes.

    Args:
        routes: Extra or replacement routes (path -> handler), merged over the defaults.
        tls: Serve HTTPS with this material; None for plain HTTP.
        defaults: Install the default routes listed in the module docstring.
    """

    def __init__(
        self,
        routes: Mapping[str, Handler] | None = None,
        *,
        tls: TlsMaterial | None = None,
        defaults: bool = True,
    ) -> None:
        self.tls = tls
        self.routes: dict[str, Handler] = dict(self._default_routes() if defaults else {})
        self.routes.update(routes or {})
        self.requests: list[Request] = []
        self.errors: list[BaseException] = []
        self.json_body: Any = {"status": "UP", "components": {"db": {"status": "UP"}}}
        self.json_status = 200
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._connections: set[socket.socket] = set()
        self._httpd = _Httpd(self, tls.server_context() if tls else None)
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        """The bound port."""
        port: int = self._httpd.server_address[1]
        return port

    @property
    def url(self) -> str:
        """Base URL without a trailing slash, e.g. ``http://127.0.0.1:40123``."""
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"

    def start(self) -> HttpServer:
        """Serve in a background thread; returns self."""
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"http-server-{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Release hanging handlers, close open connections and stop serving."""
        self.stopping.set()
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join(timeout=5.0)
        with self._lock:
            open_connections = list(self._connections)
        for conn in open_connections:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        self._httpd.server_close()

    def __enter__(self) -> HttpServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def wait(self, seconds: float | None) -> bool:
        """Sleep up to ``seconds`` (None: until stop); True if the server is stopping."""
        return self.stopping.wait(seconds)

    def route_for(self, path: str) -> Handler | None:
        """The handler for ``path``: exact key first, else the longest ``/``-ending prefix."""
        routes = dict(self.routes)  # tests may change routes while requests run
        if path in routes:
            return routes[path]
        prefixes = [k for k in routes if k.endswith("/") and path.startswith(k)]
        return routes[max(prefixes, key=len)] if prefixes else None

    def requests_to(self, path: str) -> list[Request]:
        """Recorded requests for exactly ``path``."""
        with self._lock:
            return [r for r in self.requests if r.path == path]

    def _record(self, request: Request) -> None:
        with self._lock:
            self.requests.append(request)

    def _track(self, conn: socket.socket, *, add: bool) -> None:
        with self._lock:
            if add:
                self._connections.add(conn)
            else:
                self._connections.discard(conn)

    def _default_routes(self) -> Iterator[tuple[str, Handler]]:
        yield "/ok", lambda _r: Response.json({"status": "UP"})
        yield "/fail", lambda _r: Response.json({"status": "DOWN"}, 500)
        yield "/hang", self._hang
        yield "/slow", self._slow
        yield "/json", lambda _r: Response.json(self.json_body, self.json_status)
        yield "/status/", self._status

    def _hang(self, _request: Request) -> Response:
        self.wait(None)
        raise HangUp

    def _slow(self, request: Request) -> Response:
        ms = int(request.param("ms", "1000") or 1000)
        if self.wait(ms / 1000):
            raise HangUp
        return Response.json({"status": "UP", "slept_ms": ms})

    @staticmethod
    def _status(request: Request) -> Response:
        code = int(request.path.rsplit("/", 1)[-1])
        return Response.json({"status": code}, code)


class TcpListener:
    """A plain TCP listener on 127.0.0.1 that accepts and at once closes connections.

    Attributes:
        accepted: How many connections were accepted so far.
    """

    def __init__(self) -> None:
        self._sock = socket.create_server(("127.0.0.1", 0))
        self._sock.settimeout(0.05)
        self.accepted = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="tcp-listener", daemon=True)

    @property
    def port(self) -> int:
        """The bound port."""
        port: int = self._sock.getsockname()[1]
        return port

    def start(self) -> TcpListener:
        """Accept in a background thread; returns self."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop accepting and close the socket."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5.0)
        self._sock.close()

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.accepted += 1
            conn.close()
