"""A tiny real HTTP server for health-check tests: fixed routes, one that never answers."""

from __future__ import annotations

import json
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ROUTES: dict[str, tuple[int, str, bytes]] = {
    "/ok": (200, "text/plain", b"ok"),
    "/fail": (500, "text/plain", b"internal error\x1b[2J\x07 boom"),
    "/json": (
        200,
        "application/json",
        json.dumps(
            {"status": "UP", "checks": [{"name": "db", "ok": True}], "items": [1, 2, 3]}
        ).encode(),
    ),
    "/down-json": (503, "application/json", b'{"status": "DOWN"}'),
}


@dataclass
class HealthHttpServer:
    """Where the server listens and how to reach it."""

    port: int
    scheme: str
    hits: dict[str, int]

    def url(self, path: str) -> str:
        """Full URL of ``path`` on this server."""
        return f"{self.scheme}://127.0.0.1:{self.port}{path}"


@contextmanager
def serve(tls: ssl.SSLContext | None = None) -> Iterator[HealthHttpServer]:
    """Serve :data:`ROUTES` plus ``/hang`` (never answers) and ``/slow`` (answers after 0.3 s)."""
    release = threading.Event()
    hits: dict[str, int] = {}

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def _answer(self) -> None:
            path = self.path.split("?")[0]
            hits[path] = hits.get(path, 0) + 1
            if path == "/hang":
                release.wait()
                return
            if path == "/slow":
                release.wait(0.3)
                path = "/ok"
            status, ctype, body = ROUTES.get(path, (404, "text/plain", b"not found"))
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = _answer
        do_POST = _answer
        do_HEAD = _answer

    class Server(ThreadingHTTPServer):
        # The default backlog of 5 makes concurrent connects wait for a SYN retry (1 s).
        request_queue_size = 128
        daemon_threads = True

    server = Server(("127.0.0.1", 0), Handler)
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield HealthHttpServer(server.server_address[1], "https" if tls else "http", hits)
    finally:
        release.set()
        server.shutdown()
        server.server_close()
