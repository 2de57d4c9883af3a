"""`http` actions: one request, e.g. a pipeline job restart (``POST .../jobs/{job}/restart``).

Values are percent-encoded where they land in the URL, so a value never adds a path segment or a
query parameter, and JSON-escaped where they land in a JSON body. Header values may be secrets:
they are sent, never shown in the preview nor recorded. The tail of the response body is the
output, sanitized line by line.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from cockpit.actions.apis import bounded, clients, one_line, plan_values, refuse_dry_run, report
from cockpit.actions.context import ActionContext
from cockpit.actions.model import Call, Outcome, Plan, Refused
from cockpit.actions.runner import TAIL_LINES
from cockpit.actions.template import json_part, render, url_part
from cockpit.config.actions import ActionConfig, HttpAction
from cockpit.config.environments import Environment
from cockpit.sources.health.describe import describe_error
from cockpit.text.sanitize import excerpt

if TYPE_CHECKING:
    import httpx

BODY_TAIL = 64 * 1024
"""Bytes of the response body kept for the output (its end, where the outcome usually is)."""
USER_AGENT = "ops-cockpit-action"


def _spec(action: ActionConfig) -> HttpAction:
    spec = action.http
    assert spec is not None
    return spec


def _header(headers: Mapping[str, str], name: str) -> str | None:
    return next((v for k, v in headers.items() if k.lower() == name), None)


def _headers(spec: HttpAction, values: Mapping[str, str | int]) -> dict[str, str]:
    return {name: render(value, values) for name, value in spec.headers.items()}


def _is_json(spec: HttpAction, headers: Mapping[str, str]) -> bool:
    given = _header(headers, "content-type")
    if given is not None:
        return "json" in given.lower()
    return spec.body is not None and spec.body.lstrip().startswith(("{", "["))


def _body(spec: HttpAction, headers: Mapping[str, str], values: Mapping[str, str | int]) -> str:
    assert spec.body is not None
    if _is_json(spec, headers):
        text = render(spec.body, values, json_part)
        try:
            json.loads(text)
        except ValueError as exc:
            raise Refused(
                f"the body is not JSON once its values are filled in ({exc}); "
                'a text value goes in quotes: "{name}"'
            ) from None
        return text
    if "x-www-form-urlencoded" in (_header(headers, "content-type") or "").lower():
        return render(spec.body, values, url_part)
    return render(spec.body, values)


async def prepare(
    action: ActionConfig,
    env: Environment,
    values: dict[str, str | int],
    ctx: ActionContext,
    dry_run: bool,
) -> Call:
    """The exact method, URL and body (headers are sent but never shown: they may be secrets).

    Raises:
        Refused: A dry run (a plain request has none), a URL with no host, or a JSON body that
            is not JSON once its values are filled in.
    """
    refuse_dry_run(action, dry_run)
    spec = _spec(action)
    url = render(spec.url, values, url_part)
    host = urlsplit(url).netloc
    if not urlsplit(url).hostname:
        raise Refused(f"url {excerpt(url, 120)!r} names no host")
    headers = _headers(spec, values)
    body = None if spec.body is None else _body(spec, headers, values)
    return Call(target=host, method=spec.method, url=url, body=body)


async def execute(
    plan: Plan, ctx: ActionContext, on_line: Callable[[str], None], cancel: asyncio.Event
) -> Outcome:
    """Send the previewed request; its status decides (``expect``, or any 2xx)."""
    return await bounded(plan, cancel, _send(plan, ctx, on_line))


async def _tail(response: httpx.Response) -> bytes:
    kept = bytearray()
    cut = False
    async for chunk in response.aiter_bytes():
        kept += chunk
        if len(kept) > BODY_TAIL:
            del kept[:-BODY_TAIL]
            cut = True
    if cut:
        # The first line kept is only the end of a line.
        del kept[: kept.find(b"\n") + 1]
    return bytes(kept)


async def _send(plan: Plan, ctx: ActionContext, on_line: Callable[[str], None]) -> Outcome:
    import httpx

    spec = _spec(plan.action)
    call = plan.call
    assert call.method is not None and call.url is not None
    headers = _headers(spec, plan_values(plan))
    if call.body is not None and _is_json(spec, headers) and not _header(headers, "content-type"):
        headers["Content-Type"] = "application/json"
    if not _header(headers, "user-agent"):
        headers["User-Agent"] = USER_AGENT
    host = urlsplit(call.url).hostname or ""
    wait = plan.action.timeout
    async with clients(ctx) as probe:
        try:
            async with probe.http_client(True).stream(
                call.method,
                call.url,
                headers=headers,
                content=call.body,
                timeout=httpx.Timeout(wait),
            ) as response:
                tail = await _tail(response)
        except httpx.TimeoutException:
            reason = f"no answer from {host} within {wait:g} s (timeout)"
            return one_line("timeout", reason, on_line)
        except httpx.HTTPError as exc:
            reason = describe_error(exc, host=host, timeout=wait)
            return one_line("error", f"could not reach {host}: {reason}", on_line)
    code = response.status_code
    text = tail.decode(response.encoding or "utf-8", errors="replace")
    output = report(text.splitlines()[-TAIL_LINES:], on_line)
    ok = code in spec.expect if spec.expect else 200 <= code < 300
    detail = f"HTTP {code} {response.reason_phrase}".strip()
    if not ok:
        wanted = ", ".join(str(s) for s in spec.expect) if spec.expect else "2xx"
        detail += f" (expected {wanted})"
    return Outcome("ok" if ok else "failed", http_status=code, output=output, detail=detail)
