"""Pytest fixtures for real HTTP(S) servers and a plain TCP listener on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping

import pytest

from tests.support.certs import make_tls_material
from tests.support.http_servers import Handler, HttpServer, TcpListener

HttpServerFactory = Callable[..., HttpServer]


@pytest.fixture
def http_server_factory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HttpServerFactory]:
    """Factory ``(routes=None, *, tls_valid_for=None, defaults=True) -> HttpServer`` (started).

    ``tls_valid_for`` (a timedelta, negative for an expired certificate) makes it HTTPS with a
    fresh test CA; ``server.tls.ca_path`` is what clients should trust. All servers are stopped
    when the test ends.
    """
    servers: list[HttpServer] = []

    def make(
        routes: Mapping[str, Handler] | None = None,
        *,
        tls_valid_for: dt.timedelta | None = None,
        defaults: bool = True,
    ) -> HttpServer:
        tls = None
        if tls_valid_for is not None:
            tls = make_tls_material(tmp_path_factory.mktemp("tls"), valid_for=tls_valid_for)
        server = HttpServer(routes, tls=tls, defaults=defaults).start()
        servers.append(server)
        return server

    try:
        yield make
    finally:
        for server in servers:
            server.stop()


@pytest.fixture
def http_server(http_server_factory: HttpServerFactory) -> HttpServer:
    """A plain HTTP server with the default routes (``/ok``, ``/fail``, ``/hang``, ...)."""
    return http_server_factory()


@pytest.fixture
def https_server(http_server_factory: HttpServerFactory) -> HttpServer:
    """An HTTPS server with the default routes and a certificate that expires in 36 hours."""
    return http_server_factory(tls_valid_for=dt.timedelta(hours=36))


@pytest.fixture
def tcp_listener() -> Iterator[int]:
    """The port of a TCP listener on 127.0.0.1 that accepts and closes connections."""
    listener = TcpListener().start()
    try:
        yield listener.port
    finally:
        listener.stop()
