"""The HTTP, HTTPS and TCP test servers behave as documented, and stop promptly."""

from __future__ import annotations

import datetime as dt
import socket
import ssl
import threading
import time

import httpx
import pytest

from tests.support.fixtures_http import HttpServerFactory
from tests.support.http_servers import HttpServer, Request, Response

pytestmark = pytest.mark.integration


def test_default_routes(http_server: HttpServer) -> None:
    with httpx.Client(base_url=http_server.url, timeout=5.0) as client:
        ok = client.get("/ok", headers={"X-Probe": "1"})
        assert (ok.status_code, ok.json()) == (200, {"status": "UP"})
        assert client.get("/fail").status_code == 500
        assert client.get("/status/503").status_code == 503
        no_content = client.get("/status/204")
        assert (no_content.status_code, no_content.content) == (204, b"")
        assert client.get("/nowhere").status_code == 404
        http_server.json_body = {"status": "DOWN", "reason": "db"}
        http_server.json_status = 503
        degraded = client.get("/json")
        assert (degraded.status_code, degraded.json()["reason"]) == (503, "db")
        assert client.head("/ok").status_code == 200
    probe = http_server.requests_to("/ok")[0]
    assert probe.method == "GET" and probe.headers["x-probe"] == "1"


def test_slow_route_answers_after_the_delay(http_server: HttpServer) -> None:
    started = time.monotonic()
    resp = httpx.get(f"{http_server.url}/slow", params={"ms": "300"}, timeout=5.0)
    elapsed = time.monotonic() - started
    assert resp.json() == {"status": "UP", "slept_ms": 300}
    assert 0.3 <= elapsed < 2.0
    with pytest.raises(httpx.ReadTimeout):
        httpx.get(f"{http_server.url}/slow", params={"ms": "2000"}, timeout=0.2)


def test_hang_never_answers_and_does_not_block_stop(
    http_server_factory: HttpServerFactory,
) -> None:
    server = http_server_factory()
    with pytest.raises(httpx.ReadTimeout):
        httpx.get(f"{server.url}/hang", timeout=0.3)

    outcome: list[BaseException] = []

    def long_wait() -> None:
        try:
            httpx.get(f"{server.url}/hang", timeout=30.0)
        except httpx.HTTPError as exc:
            outcome.append(exc)

    waiter = threading.Thread(target=long_wait)
    waiter.start()
    time.sleep(0.2)
    started = time.monotonic()
    server.stop()
    waiter.join(timeout=5.0)
    assert time.monotonic() - started < 2.0
    assert not waiter.is_alive()
    assert outcome and isinstance(outcome[0], httpx.RemoteProtocolError)


def test_routes_are_configurable(http_server_factory: HttpServerFactory) -> None:
    def echo(request: Request) -> Response:
        return Response.json({"method": request.method, "body": request.json()}, 201)

    def broken(_request: Request) -> Response:
        raise ValueError("boom")

    server = http_server_factory({"/echo": echo, "/api/": lambda r: Response.text(r.path)})
    server.routes["/broken"] = broken
    with httpx.Client(base_url=server.url, timeout=5.0) as client:
        created = client.post("/echo", json={"a": 1})
        assert (created.status_code, created.json()) == (201, {"method": "POST", "body": {"a": 1}})
        assert client.get("/api/v1/things").text == "/api/v1/things"
        assert client.get("/broken").status_code == 500
        assert client.get("/ok").status_code == 200
    assert [type(e) for e in server.errors] == [ValueError]


def test_https_certificate_expires_in_36_hours(https_server: HttpServer) -> None:
    assert https_server.tls is not None
    resp = httpx.get(
        f"{https_server.url}/ok", verify=https_server.tls.client_context(), timeout=5.0
    )
    assert resp.json() == {"status": "UP"}

    ctx = https_server.tls.client_context()
    with (
        socket.create_connection(("127.0.0.1", https_server.port), timeout=5.0) as raw,
        ctx.wrap_socket(raw, server_hostname="127.0.0.1") as tls,
    ):
        peer = tls.getpeercert()
    assert peer is not None
    not_after = dt.datetime.fromtimestamp(ssl.cert_time_to_seconds(str(peer["notAfter"])), dt.UTC)
    left = not_after - dt.datetime.now(dt.UTC)
    assert dt.timedelta(hours=35, minutes=55) < left <= dt.timedelta(hours=36)

    with pytest.raises(httpx.ConnectError):  # not trusted by the system store
        httpx.get(f"{https_server.url}/ok", timeout=5.0)


def test_expired_certificate_and_stalled_handshake(
    http_server_factory: HttpServerFactory,
) -> None:
    expired = http_server_factory(tls_valid_for=dt.timedelta(hours=-1))
    assert expired.tls is not None
    with pytest.raises(httpx.ConnectError, match="expired"):
        httpx.get(f"{expired.url}/ok", verify=expired.tls.client_context(), timeout=5.0)

    # A client that connects but never starts TLS must not hold up other clients.
    with socket.create_connection(("127.0.0.1", expired.port), timeout=5.0):
        ctx = expired.tls.client_context()
        ctx.verify_flags &= ~ssl.VERIFY_X509_STRICT
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        resp = httpx.get(f"{expired.url}/ok", verify=ctx, timeout=2.0)
        assert resp.status_code == 200


def test_tcp_listener_accepts(tcp_listener: int) -> None:
    with socket.create_connection(("127.0.0.1", tcp_listener), timeout=2.0) as conn:
        assert conn.getpeername()[1] == tcp_listener
