"""An App Service's log stream, like ``az webapp log tail``.

``GET https://NAME.scm.azurewebsites.net/api/logstream`` (or the entry's ``scm_url``) with a
bearer token for the environment's ARM endpoint from a non-interactive credential chain (the
health checks' :func:`~cockpit.sources.health.azure_webapp.make_credential`, honouring the
environment's authority, tenant and instance discovery), streamed with httpx.

Kudu's own messages are dropped (see :mod:`.kudu_stream`). After a reconnect the ends of the
log files that Kudu replays are compared with the last line shown and only new lines pass;
the Windows log stream replays nothing, so lines written while disconnected are not shown.
A rejected token (401) is an ERROR "credentials rejected", retried with backoff and a new
credential. Without ``follow`` the source reads what Kudu replays on connect, then ends.
"""

from __future__ import annotations

import asyncio
import collections
import time
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from cockpit.sources.health.describe import describe_error
from cockpit.sources.logs.base import (
    TAIL_ALL,
    Backoff,
    LogRow,
    LogSink,
    LogSource,
    SourceState,
    StreamOptions,
)
from cockpit.sources.logs.http_stream import (
    body_chunks,
    error_text,
    keepalive_options,
    settings_for,
    stream_timeout,
)
from cockpit.sources.logs.kudu_stream import Kind, KuduLines
from cockpit.sources.logs.lines import LineSplitter
from cockpit.sources.logs.resume_stream import StampedDecoder, parse_stamp
from cockpit.text.sanitize import excerpt

if TYPE_CHECKING:
    import httpx

    from cockpit.config.environments import AzureTarget
    from cockpit.config.logs import LogSourceConfig
    from cockpit.sources.logs.factory import BuildContext

ONE_SHOT_IDLE = 2.0
"""Without ``follow``: stop once the stream has been quiet this long (seconds)."""
ONE_SHOT_LIMIT = 30.0
"""Without ``follow``: stop after this long whatever comes."""


class _Refused(Exception):
    """The log stream answered with an error status."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status


class AzureWebappSource(LogSource):
    """Follow one web app's log stream (see the module docstring).

    Args:
        name: Name of the configured source.
        app: Web app name.
        target: The environment's Azure settings (ARM endpoint, authority, tenant).
        options: How to read (follow, tail, since).
        scm_url: Kudu base URL (default ``https://APP.scm.azurewebsites.net``).
        timeout: Connect and token timeout (seconds).
        backoff: Reconnect delays.
    """

    kind = "azure_webapp"

    def __init__(
        self,
        name: str,
        app: str,
        target: AzureTarget,
        options: StreamOptions | None = None,
        *,
        scm_url: str | None = None,
        timeout: float = 10.0,
        backoff: Backoff | None = None,
    ) -> None:
        super().__init__(name, options, backoff=backoff)
        self.app = app
        self.target = target
        self.timeout = timeout
        base = (scm_url or f"https://{app}.scm.azurewebsites.net").rstrip("/")
        self.url = f"{base}/api/logstream"
        self.host = urlsplit(self.url).netloc
        self.decoder = StampedDecoder(name, max_len=self.options.max_len)
        self.resume = self.decoder.resume
        self._credential: Any = None
        self._connected = False

    def describe(self) -> str:
        """``azure_webapp APP``."""
        return f"azure_webapp {self.app}"

    async def run(self, sink: LogSink) -> None:
        """Stream until cancelled (or, without ``follow``, until the replay is read)."""
        import httpx

        transport = httpx.AsyncHTTPTransport(socket_options=keepalive_options())
        async with httpx.AsyncClient(
            transport=transport, timeout=self.timeout, trust_env=False
        ) as client:
            await self._loop(client, sink)

    async def _loop(self, client: httpx.AsyncClient, sink: LogSink) -> None:
        import httpx

        follow = self.options.follow
        while True:
            try:
                token = await self._token()
            except Exception as exc:  # every credential failure: say why, retry
                if isinstance(exc, TimeoutError):
                    why = f"no Azure credential: timed out after {self.timeout:g}s"
                else:
                    why = f"no Azure credential: {_first_line(exc)}"
                self._credential = None
                if not follow:
                    self.report(sink, SourceState.ERROR, why)
                    return
                await self.retry_later(sink, SourceState.ERROR, why)
                continue
            opened = time.monotonic()
            try:
                ended = await self._stream(client, token, sink)
            except _Refused as exc:
                if exc.status == 401:
                    self._credential = None  # the next attempt asks for a new token
                if not follow:
                    self.report(sink, SourceState.ERROR, str(exc))
                    return
                await self.retry_later(sink, SourceState.ERROR, str(exc))
                continue
            except httpx.HTTPError as exc:
                reason = describe_error(exc, host=self.host, timeout=self.timeout)
                if self._connected:
                    why = f"log stream dropped: {reason}"
                else:
                    why = f"log stream unreachable at {self.host}: {reason}"
                if not follow:
                    self.report(sink, SourceState.ERROR, why)
                    return
                self.connection_lasted(time.monotonic() - opened)
                state = SourceState.RECONNECTING if self._connected else SourceState.ERROR
                await self.retry_later(sink, state, why)
                continue
            if not follow:
                self.report(sink, SourceState.ENDED, "read what the log stream replays")
                return
            # Kudu closes streams after a timeout or a long silence: open it again.
            self.connection_lasted(time.monotonic() - opened)
            await self.retry_later(sink, SourceState.RECONNECTING, f"log stream ended: {ended}")

    async def _token(self) -> str:
        from cockpit.sources.health.azure_webapp import make_credential
        from cockpit.sources.health.context import ProbeContext

        target, timeout = self.target, self.timeout
        scope = f"{target.arm_endpoint.rstrip('/')}/.default"

        def fetch() -> str:
            if self._credential is None:
                self._credential = make_credential(target, timeout)
            kwargs = {"tenant_id": target.tenant} if target.tenant else {}
            return str(self._credential.get_token(scope, **kwargs).token)

        # In a daemon thread with a deadline: a credential that hangs never blocks the loop.
        return await asyncio.wait_for(ProbeContext().run_blocking(fetch), timeout + 1.0)

    async def _stream(self, client: httpx.AsyncClient, token: str, sink: LogSink) -> str:
        """Read one connection; returns Kudu's last message when it ends cleanly."""
        async with client.stream(
            "GET",
            self.url,
            headers={"Authorization": f"Bearer {token}", "User-Agent": "ops-cockpit"},
            timeout=stream_timeout(self.timeout),
        ) as response:
            if response.status_code != 200:
                raise _Refused(response.status_code, await self._refusal(response))
            self._connected = True
            self.report(sink, SourceState.LIVE)
            reader = _Connection(self, sink, resumed=self.resume.last_ns is not None)
            async with body_chunks(response) as chunks:
                if self.options.follow:
                    async for chunk in chunks:
                        reader.feed(chunk)
                else:
                    await reader.read_replay(chunks)
            reader.close()
            return reader.kudu.message or "closed by the server"

    async def _refusal(self, response: httpx.Response) -> str:
        status = response.status_code
        if status == 401:
            return f"credentials rejected by {self.host} (HTTP 401)"
        if status == 403:
            return f"access to the log stream of {self.app} denied (HTTP 403)"
        if status == 404:
            return f"no log stream at {self.url} (HTTP 404)"
        return f"log stream HTTP {status}: {await error_text(response)}"


class _Connection:
    """The lines of one connection: Kudu's messages dropped, the replayed tail compared."""

    def __init__(self, source: AzureWebappSource, sink: LogSink, *, resumed: bool) -> None:
        self.source = source
        self.sink = sink
        self.resumed = resumed
        self.kudu = KuduLines()
        self.splitter = LineSplitter()
        self.replay_over = False
        tail = source.options.tail
        self._tail: collections.deque[LogRow] | None = None
        self._tail_max = None if tail is None or tail == TAIL_ALL else max(tail, 0)

    def feed(self, chunk: bytes) -> None:
        """Handle a chunk of the body."""
        self._lines(self.splitter.feed(chunk))

    def close(self) -> None:
        """The body ended: whatever is held is shown."""
        self._lines(self.splitter.flush())
        self._end_tail()

    async def read_replay(self, chunks: AsyncIterator[bytes]) -> None:
        """Read until the replayed tail is over, the stream is quiet, or a time limit."""
        loop = asyncio.get_running_loop()
        limit = loop.time() + ONE_SHOT_LIMIT
        iterator = aiter(chunks)
        while not self.replay_over:
            wait = min(ONE_SHOT_IDLE, limit - loop.time())
            if wait <= 0:
                return
            try:
                chunk = await asyncio.wait_for(anext(iterator), wait)
            except (TimeoutError, StopAsyncIteration):
                return
            self.feed(chunk)

    def _lines(self, raws: list[bytes]) -> None:
        received = time.time()
        batch: list[LogRow] = []
        resume = self.source.resume
        for raw in raws:
            kind = self.kudu.classify(raw)
            if kind is Kind.TAIL_START:
                self._tail = collections.deque(maxlen=self._tail_max)
                if self.resumed:
                    resume.resume(until_done=True)
            elif kind is Kind.TAIL_END:
                self.source.emit(self.sink, batch)
                batch = []
                self._end_tail()
            elif kind in (Kind.TAIL, Kind.LIVE):
                found = parse_stamp(raw)
                lines = self.source.decoder.decode(
                    [(None, found[0] if found else None, raw)], received
                )
                if kind is Kind.TAIL and self._tail is not None and not self.resumed:
                    self._tail.extend(lines)
                else:
                    batch.extend(lines)
        self.source.emit(self.sink, batch)

    def _end_tail(self) -> None:
        if self._tail is not None:
            self.source.emit(self.sink, list(self._tail))
            self._tail = None
        self.source.resume.done()
        self.replay_over = True


def _first_line(exc: BaseException) -> str:
    lines = [ln.strip() for ln in str(exc).splitlines() if ln.strip()]
    return excerpt(lines[0] if lines else type(exc).__name__, 200)


def build(cfg: LogSourceConfig, ctx: BuildContext) -> LogSource:
    """An :class:`AzureWebappSource` for an ``azure_webapp:`` entry, with the environment's
    Azure settings."""
    target = settings_for(cfg, ctx, "azure", "subscription and endpoints")
    spec = cfg.azure_webapp
    assert spec is not None
    return AzureWebappSource(
        cfg.name, spec.name, target, ctx.options, scm_url=spec.scm_url, timeout=spec.timeout
    )
