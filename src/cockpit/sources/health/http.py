"""HTTP(S) checks: one request, judged by Gatus-style conditions (default: status 2xx)."""

from __future__ import annotations

import ssl
import time
from functools import lru_cache
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from cockpit.config.services import HTTP_PLACEHOLDERS, HttpProbe
from cockpit.domain.conditions import (
    Condition,
    evaluate_all,
    failed_summary,
    parse_condition,
)
from cockpit.domain.durations import format_duration
from cockpit.domain.health import Outcome, Status
from cockpit.sources.health.describe import describe_error
from cockpit.text.sanitize import excerpt

if TYPE_CHECKING:
    import httpx

    from cockpit.sources.health.context import ProbeContext
    from cockpit.sources.health.plan import CheckJob

DEFAULT_CONDITION = "[STATUS] == pat(2*)"
MAX_BODY = 1 << 20


@lru_cache(maxsize=1024)
def _parsed(texts: tuple[str, ...]) -> list[Condition]:
    return [parse_condition(t, HTTP_PLACEHOLDERS) for t in texts]


def _cert_expiry_ms(response: httpx.Response) -> float | None:
    stream = response.extensions.get("network_stream")
    ssl_object = stream.get_extra_info("ssl_object") if stream is not None else None
    if ssl_object is None:
        return None
    cert = ssl_object.getpeercert()
    if cert and "notAfter" in cert:
        not_after = float(ssl.cert_time_to_seconds(str(cert["notAfter"])))
    else:
        # Unverified connections only expose the DER bytes.
        der = ssl_object.getpeercert(binary_form=True)
        if not der:
            return None
        from cryptography import x509

        not_after = x509.load_der_x509_certificate(der).not_valid_after_utc.timestamp()
    return (not_after - time.time()) * 1000.0


async def _read_capped(response: httpx.Response) -> bytes:
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        chunks.append(chunk)
        size += len(chunk)
        if size >= MAX_BODY:
            break
    return b"".join(chunks)[:MAX_BODY]


async def probe(job: CheckJob, ctx: ProbeContext) -> Outcome:
    """Send the request and evaluate the conditions against status, time, body, certificate."""
    import httpx

    spec = job.config.http
    assert isinstance(spec, HttpProbe)
    conditions = _parsed(tuple(spec.conditions) or (DEFAULT_CONDITION,))
    warn_conditions = _parsed(tuple(spec.warn_conditions))
    wants_cert = any(
        "[CERTIFICATE_EXPIRATION]" in c for c in (*spec.conditions, *spec.warn_conditions)
    )
    client = ctx.http_client(spec.verify)
    start = time.monotonic()
    try:
        async with client.stream(
            spec.method,
            spec.url,
            headers=spec.headers,
            content=spec.body,
            timeout=httpx.Timeout(spec.timeout),
            follow_redirects=spec.follow_redirects,
        ) as response:
            cert_ms = _cert_expiry_ms(response) if wants_cert else None
            raw = await _read_capped(response)
    except httpx.TimeoutException as exc:
        phase = "connecting" if isinstance(exc, httpx.ConnectTimeout) else "waiting for a reply"
        return Outcome(
            Status.DOWN,
            f"timed out after {format_duration(spec.timeout)} {phase}",
            latency_ms=(time.monotonic() - start) * 1000.0,
        )
    except httpx.HTTPError as exc:
        host = urlsplit(spec.url).hostname or ""
        return Outcome(
            Status.DOWN,
            describe_error(exc, host=host, timeout=spec.timeout),
            latency_ms=(time.monotonic() - start) * 1000.0,
            detail=excerpt(str(exc)),
        )
    latency = (time.monotonic() - start) * 1000.0
    body = raw.decode(response.encoding or "utf-8", errors="replace")
    values: dict[str, object] = {
        "STATUS": response.status_code,
        "RESPONSE_TIME": latency,
        "BODY": body,
    }
    if cert_ms is not None:
        values["CERTIFICATE_EXPIRATION"] = cert_ms
    results = evaluate_all(conditions, values)
    warn_results = evaluate_all(warn_conditions, values)
    head = f"HTTP {response.status_code} in {latency:.0f} ms"
    if not all(r.ok for r in results):
        status, reason = Status.DOWN, f"{head}: {failed_summary(results)}"
    elif not all(r.ok for r in warn_results):
        status, reason = Status.DEGRADED, f"{head}: {failed_summary(warn_results)}"
    else:
        status, reason = Status.UP, head
    return Outcome(
        status,
        reason,
        latency_ms=latency,
        conditions=results + warn_results,
        detail=excerpt(raw[:4096]) if raw else "",
    )
