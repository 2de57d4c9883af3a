"""A unix-socket proxy in front of another unix socket (the Docker Engine API) that tests can cut.

Clients connect to :attr:`UdsProxy.path`; each connection is relayed byte for byte to the
target socket by two threads. :meth:`UdsProxy.cut` shuts every relayed connection down at once,
as a daemon restart or a broken connection would; :meth:`UdsProxy.refuse` makes new connections
fail until :meth:`UdsProxy.accept` (the listening socket is closed, so connects get ENOENT or
ECONNREFUSED, as with a stopped daemon).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import tempfile
import threading
from pathlib import Path
from types import TracebackType


class UdsProxy:
    """Relay ``path`` -> ``target``; see the module docstring.

    Attributes:
        path: The socket clients connect to (in a short private directory under /tmp).
        target: The socket connections are relayed to.
        connections: How many client connections were accepted so far.
    """

    def __init__(self, target: Path | str) -> None:
        self.target = str(target)
        self._dir = Path(tempfile.mkdtemp(prefix="ckp-", dir="/tmp"))
        self.path = self._dir / "proxy.sock"
        self.connections = 0
        self._lock = threading.Lock()
        self._pairs: list[tuple[socket.socket, socket.socket]] = []
        self._threads: list[threading.Thread] = []
        self._server: socket.socket | None = None
        self._acceptor: threading.Thread | None = None
        self._stopping = threading.Event()

    @property
    def host(self) -> str:
        """The ``unix://`` address of the proxy (a ``docker: {host}`` value)."""
        return f"unix://{self.path}"

    def start(self) -> UdsProxy:
        """Listen and relay in background threads; returns self."""
        self.accept()
        return self

    def accept(self) -> None:
        """Start (again) listening for new connections."""
        with self._lock:
            if self._server is not None:
                return
            server = self._listen()
            server.listen(16)
            server.settimeout(0.05)
            self._server = server
            self._stopping.clear()
            self._acceptor = threading.Thread(
                target=self._accept_loop, args=(server,), name="uds-proxy", daemon=True
            )
            self._acceptor.start()

    def _listen(self) -> socket.socket:
        """A bound socket for clients to connect to (the unix socket :attr:`path`)."""
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path)
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        server.bind(str(self.path))
        return server

    def refuse(self) -> None:
        """Stop listening: new connections fail until :meth:`accept`. Open ones stay."""
        with self._lock:
            server, self._server = self._server, None
            acceptor, self._acceptor = self._acceptor, None
        self._stopping.set()
        if acceptor is not None:
            acceptor.join(5.0)
        if server is not None:
            server.close()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path)

    def cut(self) -> int:
        """Shut down every relayed connection (both sides); returns how many were cut."""
        with self._lock:
            pairs, self._pairs = self._pairs, []
        for client, upstream in pairs:
            for sock in (client, upstream):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
        return len(pairs)

    @property
    def open_connections(self) -> int:
        """Relayed connections not cut and not finished yet."""
        with self._lock:
            return len(self._pairs)

    def stop(self) -> None:
        """Stop listening, cut everything, join the threads and remove the directory."""
        self.refuse()
        self.cut()
        with self._lock:
            threads, self._threads = self._threads, []
        for thread in threads:
            thread.join(5.0)
        shutil.rmtree(self._dir, ignore_errors=True)

    def __enter__(self) -> UdsProxy:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _accept_loop(self, server: socket.socket) -> None:
        while not self._stopping.is_set():
            try:
                client, _ = server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            client.settimeout(None)
            upstream = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                upstream.connect(self.target)
            except OSError:
                client.close()
                upstream.close()
                continue
            pair = (client, upstream)
            with self._lock:
                self.connections += 1
                self._pairs.append(pair)
                threads = [
                    threading.Thread(
                        target=self._pump, args=(src, dst, pair), name="uds-relay", daemon=True
                    )
                    for src, dst in ((client, upstream), (upstream, client))
                ]
                self._threads = [t for t in self._threads if t.is_alive()] + threads
            for thread in threads:
                thread.start()

    def _pump(
        self, src: socket.socket, dst: socket.socket, pair: tuple[socket.socket, socket.socket]
    ) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            # One direction ended: end the whole connection, as a proxy restart would.
            for sock in pair:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
            with self._lock:
                if pair in self._pairs:
                    self._pairs.remove(pair)
            for sock in pair:
                with contextlib.suppress(OSError):
                    sock.close()
