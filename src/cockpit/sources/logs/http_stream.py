"""What the HTTP log sources (docker, kubernetes, azure_webapp) share: timeouts and error bodies.

httpx is imported inside the functions, so importing this module costs nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
from collections.abc import AsyncGenerator, AsyncIterator
from typing import TYPE_CHECKING, Any

from cockpit.sources.logs.base import CHUNK_SIZE, NotConfigured
from cockpit.text.sanitize import excerpt

if TYPE_CHECKING:
    import httpx

    from cockpit.config.logs import LogSourceConfig
    from cockpit.sources.logs.factory import BuildContext

ERROR_BODY_LIMIT = 4096
"""Bytes of an error response read to explain it."""


def keepalive_options() -> list[tuple[int, int, int]]:
    """TCP keepalive socket options: a silently dead peer is noticed in about a minute.

    A followed log stream can be idle for hours, so a read timeout cannot tell a quiet stream
    from a dead connection; keepalive probes can.
    """
    options = [(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)]
    for name, value in (("TCP_KEEPIDLE", 30), ("TCP_KEEPINTVL", 10), ("TCP_KEEPCNT", 3)):
        if hasattr(socket, name):
            options.append((socket.IPPROTO_TCP, getattr(socket, name), value))
    return options


async def coalesced(
    pieces: AsyncIterator[bytes], limit: int = CHUNK_SIZE
) -> AsyncGenerator[bytes, None]:
    """The pieces of a body joined into chunks of what arrived together (about ``limit`` at most).

    httpx hands out one piece per HTTP chunk, and the Engine API and the Kubernetes API send a
    chunk per log line: taken one by one, a burst of lines would cost one sink call (and one
    screen update) per line. A reader task takes pieces as fast as they come; each turn of the
    loop this hands out everything that piled up meanwhile, so a chunk is what one network read
    brought (httpx reads at most 64 KiB). The reader pauses once ``limit`` bytes wait. Use it
    with ``contextlib.aclosing`` so the reader stops with the consumer.

    Raises:
        Exception: whatever reading ``pieces`` raised, after the pieces read before it.
    """
    held: list[bytes] = []
    size = 0
    finished = False
    failure: Exception | None = None
    ready = asyncio.Event()
    room = asyncio.Event()

    async def read() -> None:
        nonlocal size, finished, failure
        try:
            async for piece in pieces:
                held.append(piece)
                size += len(piece)
                ready.set()
                if size >= limit:
                    room.clear()
                    await room.wait()
        except Exception as exc:  # handed to the consumer, in order
            failure = exc
        finally:
            finished = True
            ready.set()

    reader = asyncio.create_task(read())
    try:
        while True:
            if not held and not finished:
                ready.clear()
                await ready.wait()
            if held:
                data = b"".join(held)
                held.clear()
                size = 0
                room.set()
                yield data
            elif finished:
                if failure is not None:
                    raise failure
                return
    finally:
        reader.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await reader


@contextlib.asynccontextmanager
async def body_chunks(response: httpx.Response) -> AsyncIterator[AsyncIterator[bytes]]:
    """A streamed response's body as :func:`coalesced` chunks, its reader stopped on exit."""
    async with contextlib.aclosing(coalesced(response.aiter_bytes())) as chunks:
        yield chunks


def stream_timeout(connect: float) -> httpx.Timeout:
    """Bounded connect, write and pool waits; no read timeout (a stream may be quiet for long)."""
    import httpx

    return httpx.Timeout(connect, read=None)


async def error_text(response: httpx.Response, limit: int = ERROR_BODY_LIMIT) -> str:
    """A one-line excerpt of an error response: a JSON ``message`` when there is one."""
    data = b""
    async for chunk in response.aiter_bytes():
        data += chunk
        if len(data) >= limit:
            break
    return body_message(data[:limit])


def body_message(data: bytes) -> str:
    """The ``message`` of a JSON error body (Kubernetes Status, ARM error), else the text."""
    try:
        body = json.loads(data)
    except ValueError:
        body = None
    if isinstance(body, dict):
        inner = body.get("error")
        if isinstance(inner, dict):
            body = inner
        for key in ("message", "Message"):
            if isinstance(body.get(key), str):
                return excerpt(body[key], 200)
    return excerpt(data, 200)


def settings_for(cfg: LogSourceConfig, ctx: BuildContext, section: str, needs: str) -> Any:
    """The environment's ``section`` (``kubernetes``, ``azure``) that a remote kind needs.

    Raises:
        NotConfigured: the entry has no settings of its kind, or the environment lacks the
            section (``needs`` says what it holds).
    """
    if getattr(cfg, cfg.kind, None) is None:
        raise NotConfigured(f"log source {cfg.name!r} has no {cfg.kind} settings")
    target = getattr(ctx.environment, section, None) if ctx.environment is not None else None
    if target is None:
        raise NotConfigured(
            f"log source {cfg.name!r}: environment {ctx.env_name!r} has no {section}: section "
            f"({needs})"
        )
    return target
