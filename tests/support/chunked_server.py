"""An HTTP server on 127.0.0.1 that answers with a chunked body which stays open, like a log stream.

Every GET to :attr:`ChunkedServer.path` gets ``200`` with ``Transfer-Encoding: chunked``: first
``preamble()`` (what a service sends on connect), then everything passed to
:meth:`ChunkedServer.append` while the stream is open, each call as one chunk. Switches:

* ``authorize(headers)`` returns None to accept, or ``(status, body)`` to refuse;
* :meth:`ChunkedServer.drop` cuts every open stream mid-body (no terminating chunk), as a
  broken connection would; :meth:`ChunkedServer.finish` ends them cleanly.

Every request is recorded in :attr:`ChunkedServer.requests` (path, query, lower-cased headers).
"""

from __future__ import annotations

import contextlib
import select
import socket
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

Refusal = tuple[int, bytes]
_POLL = 0.1


@dataclass(frozen=True)
class StreamRequest:
    """One request as the server saw it."""

    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    status: int


class _Httpd(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, owner: ChunkedServer) -> None:
        self.owner = owner
        super().__init__(("127.0.0.1", 0), _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients that go away mid-stream are normal here."""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Httpd

    def log_message(self, format: str, *args: Any) -> None:
        """Keep test output clean."""

    def do_GET(self) -> None:
        owner = self.server.owner
        url = urlsplit(self.path)
        headers = {k.lower(): v for k, v in self.headers.items()}
        refusal = None if url.path == owner.path else (404, b"no such stream\n")
        if refusal is None and owner.authorize is not None:
            refusal = owner.authorize(headers)
        owner._record(
            StreamRequest(url.path, parse_qs(url.query), headers, refusal[0] if refusal else 200)
        )
        if refusal is not None:
            status, body = refusal
            self.send_response(status)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        self.close_connection = True
        self.send_response(200)
        self.send_header("Content-Type", owner.content_type)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        owner._serve(self)

    def chunk(self, data: bytes) -> bool:
        """Write one chunk; False when the client is gone."""
        if not data:
            return True
        try:
            self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
            self.wfile.flush()
        except OSError:
            return False
        return True

    def client_gone(self) -> bool:
        try:
            readable, _, _ = select.select([self.connection], [], [], 0)
            return bool(readable) and self.connection.recv(1, socket.MSG_PEEK) == b""
        except (OSError, ValueError):
            return True


class ChunkedServer:
    """See the module docstring.

    Args:
        path: The one path served.
        preamble: Bytes sent first on every new stream.
        authorize: Decides on each request's headers: None accepts, ``(status, body)`` refuses.
        content_type: Content-Type of the stream.
    """

    def __init__(
        self,
        path: str = "/",
        *,
        preamble: Callable[[], bytes] | None = None,
        authorize: Callable[[Mapping[str, str]], Refusal | None] | None = None,
        content_type: str = "text/plain; charset=utf-8",
    ) -> None:
        self.path = path
        self.preamble = preamble
        self.authorize = authorize
        self.content_type = content_type
        self.requests: list[StreamRequest] = []
        self._data: list[bytes] = []
        self._generation = 0
        self._finished = 0
        self._cond = threading.Condition()
        self._open: set[_Handler] = set()
        self._stopping = threading.Event()
        self._httpd = _Httpd(self)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """Base URL, e.g. ``http://127.0.0.1:40123``."""
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def start(self) -> ChunkedServer:
        """Serve in a background thread; returns self."""
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="chunked-server",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Cut open streams and stop serving."""
        self._stopping.set()
        self.drop()
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join(5.0)
        self._httpd.server_close()

    def __enter__(self) -> ChunkedServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def open_streams(self) -> int:
        """Streams being served right now."""
        with self._cond:
            return len(self._open)

    def append(self, data: bytes) -> None:
        """Send ``data`` as one chunk to every open stream."""
        with self._cond:
            self._data.append(data)
            self._cond.notify_all()

    def drop(self) -> int:
        """Cut every open stream without its terminating chunk; returns how many."""
        with self._cond:
            victims = list(self._open)
            self._generation += 1
            self._cond.notify_all()
        for handler in victims:
            with contextlib.suppress(OSError):
                handler.connection.shutdown(socket.SHUT_RDWR)
        return len(victims)

    def finish(self) -> None:
        """End every open stream cleanly (terminating chunk)."""
        with self._cond:
            self._finished += 1
            self._cond.notify_all()

    def _record(self, request: StreamRequest) -> None:
        with self._cond:
            self.requests.append(request)

    def _serve(self, handler: _Handler) -> None:
        with self._cond:
            self._open.add(handler)
            sent = len(self._data)
            generation, finished = self._generation, self._finished
        try:
            if self.preamble is not None and not handler.chunk(self.preamble()):
                return
            while not self._stopping.is_set():
                with self._cond:
                    if len(self._data) == sent and self._finished == finished:
                        self._cond.wait(_POLL)
                    fresh, sent = self._data[sent:], len(self._data)
                    dropped = self._generation != generation
                    done = self._finished != finished
                if dropped:
                    return
                for data in fresh:
                    if not handler.chunk(data):
                        return
                if done:
                    handler.chunk(b"")
                    with contextlib.suppress(OSError):
                        handler.wfile.write(b"0\r\n\r\n")
                    return
                if not fresh and handler.client_gone():
                    return
        finally:
            with self._cond:
                self._open.discard(handler)
