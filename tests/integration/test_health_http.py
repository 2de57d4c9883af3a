"""HTTP checks against real local servers: conditions, timeouts, refused, DNS, TLS."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from cockpit.domain.health import Status
from tests.support.certs import make_tls_material
from tests.support.health_checks import run_checks
from tests.support.health_http import HealthHttpServer, serve
from tests.support.processes import free_port


@pytest.fixture
def http() -> Iterator[HealthHttpServer]:
    with serve() as server:
        yield server


async def test_conditions_on_status_body_and_time(http: HealthHttpServer) -> None:
    results = await run_checks(
        {
            "json": [
                {
                    "http": {
                        "url": http.url("/json"),
                        "conditions": [
                            "[STATUS] == 200",
                            "[BODY].status == UP",
                            "[BODY].checks[0].ok == true",
                            "len([BODY].items) == 3",
                            "[RESPONSE_TIME] < 2000",
                        ],
                    }
                }
            ],
            "wrong": [
                {
                    "http": {
                        "url": http.url("/json"),
                        "conditions": ["[STATUS] == 200", "[BODY].status == DOWN"],
                    }
                }
            ],
            "default-5xx": [{"http": {"url": http.url("/down-json")}}],
            "slow": [
                {
                    "http": {
                        "url": http.url("/slow"),
                        "warn_conditions": ["[RESPONSE_TIME] < 100"],
                    }
                }
            ],
            "post": [{"http": {"url": http.url("/ok"), "method": "POST", "body": "{}"}}],
        }
    )
    ok = results["json"]
    assert ok.status is Status.UP, ok.reason
    assert [c.ok for c in ok.conditions] == [True] * 5
    assert ok.latency_ms is not None and ok.latency_ms > 0
    wrong = results["wrong"]
    assert wrong.status is Status.DOWN
    assert "[BODY].status == DOWN failed (actual UP)" in wrong.reason
    down = results["default-5xx"]
    assert down.status is Status.DOWN
    assert down.reason.startswith("HTTP 503")
    assert down.conditions[0].expr == "[STATUS] == pat(2*)"
    assert '"status": "DOWN"' in down.detail
    slow = results["slow"]
    assert slow.status is Status.DEGRADED, slow.reason
    assert "[RESPONSE_TIME] < 100 failed" in slow.reason
    assert results["post"].status is Status.UP
    assert http.hits["/ok"] == 1


async def test_body_excerpt_is_sanitized(http: HealthHttpServer) -> None:
    result = (await run_checks({"fail": [{"http": {"url": http.url("/fail")}}]}))["fail"]
    assert result.status is Status.DOWN
    assert "internal error" in result.detail and "boom" in result.detail
    assert "\x1b" not in result.detail and "\x07" not in result.detail


async def test_hanging_endpoint_is_down_after_its_timeout_and_blocks_nothing(
    http: HealthHttpServer,
) -> None:
    start = time.monotonic()
    checks = {"hung": [{"http": {"url": http.url("/hang"), "timeout": "1s"}}]}
    checks |= {f"ok{i}": [{"http": {"url": http.url("/ok")}}] for i in range(20)}
    results = await run_checks(checks)
    elapsed = time.monotonic() - start
    hung = results["hung"]
    assert hung.status is Status.DOWN
    assert hung.reason == "timed out after 1s waiting for a reply"
    assert 0.9 < elapsed < 2.0
    assert all(results[f"ok{i}"].status is Status.UP for i in range(20))
    assert all((results[f"ok{i}"].latency_ms or 0) < 900 for i in range(20))


async def test_refused_and_dns_failure_are_down_with_reason() -> None:
    results = await run_checks(
        {
            "refused": [{"http": {"url": f"http://127.0.0.1:{free_port()}/", "timeout": "2s"}}],
            "dns": [{"http": {"url": "http://no-such-host.invalid/", "timeout": "3s"}}],
        }
    )
    assert results["refused"].status is Status.DOWN
    assert results["refused"].reason == "connection refused"
    assert results["dns"].status is Status.DOWN
    assert results["dns"].reason.startswith(
        ("DNS lookup failed for no-such-host.invalid", "timed out")
    ), results["dns"].reason


async def test_tls_untrusted_expiring_and_trusted(tmp_path: Path) -> None:
    tls = make_tls_material(tmp_path / "tls", valid_for=dt.timedelta(hours=36))
    with serve(tls.server_context()) as server:
        url = server.url("/ok")
        results = await run_checks(
            {
                "untrusted": [{"http": {"url": url}}],
                "trusted": [
                    {
                        "http": {
                            "url": url,
                            "verify": str(tls.ca_path),
                            "conditions": [
                                "[STATUS] == 200",
                                "[CERTIFICATE_EXPIRATION] > 24h",
                                "[CERTIFICATE_EXPIRATION] > 48h",
                            ],
                        }
                    }
                ],
                "unverified": [
                    {
                        "http": {
                            "url": url,
                            "verify": False,
                            "conditions": ["[CERTIFICATE_EXPIRATION] > 30h"],
                        }
                    }
                ],
            }
        )
    untrusted = results["untrusted"]
    assert untrusted.status is Status.DOWN
    assert untrusted.reason.startswith("TLS error: certificate verify failed"), untrusted.reason
    trusted = results["trusted"]
    assert trusted.status is Status.DOWN  # 36 h left is less than 48 h
    assert [c.ok for c in trusted.conditions] == [True, True, False]
    hours_left = float(trusted.conditions[1].actual) / 3_600_000
    assert 35.0 < hours_left <= 36.0
    assert results["unverified"].status is Status.UP, results["unverified"].reason
