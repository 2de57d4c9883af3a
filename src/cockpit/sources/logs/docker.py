"""A container's output through the Docker Engine API, like ``docker logs --follow``.

``GET /containers/{id}/logs?follow=1&stdout=1&stderr=1&timestamps=1`` over the environment's
``docker: {host}`` (a unix socket, or ``tcp://host:port``), read as it arrives (httpx reads at
most 64 KiB at a time), split into stdout and stderr (see :mod:`.docker_stream`), with Docker's
timestamp as each line's time. After a dropped connection the stream is asked again with
``since=`` the last time shown, and the lines repeated at that time are skipped.

States: a follow ends when the container stops; a stopped container is STALE until it runs
again; a removed one is ENDED; an unreachable daemon is ERROR (never connected) or RECONNECTING,
retried with backoff. A container that does not exist (yet) is an ERROR retried with backoff.
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from cockpit.sources.health.describe import describe_error
from cockpit.sources.logs.base import (
    TAIL_ALL,
    Backoff,
    LogSink,
    LogSource,
    NotConfigured,
    SourceState,
    StreamOptions,
)
from cockpit.sources.logs.docker_stream import DockerLines, Line
from cockpit.sources.logs.http_stream import body_chunks, error_text, stream_timeout
from cockpit.sources.logs.resume_stream import StampedDecoder, first_since, unix_nano

if TYPE_CHECKING:
    import httpx

    from cockpit.config.logs import LogSourceConfig
    from cockpit.sources.logs.factory import BuildContext

DEFAULT_HOST = "unix:///var/run/docker.sock"
MULTIPLEXED = "application/vnd.docker.multiplexed-stream"
RAW_STREAM = "application/vnd.docker.raw-stream"


class EngineError(Exception):
    """The Engine API answered with an error status; the message says what it said."""


class _Gone(Exception):
    """The container disappeared between two calls."""


def engine_client(host: str, timeout: float) -> tuple[httpx.AsyncClient, str]:
    """An httpx client for ``unix:///path`` or ``tcp://host:port``, and the base URL to use.

    Raises:
        ValueError: any other kind of address.
    """
    import httpx

    if host.startswith("unix://"):
        transport = httpx.AsyncHTTPTransport(uds=host.removeprefix("unix://"))
        base = "http://docker"
    elif host.startswith("tcp://"):
        transport = httpx.AsyncHTTPTransport()
        base = "http://" + host.removeprefix("tcp://").rstrip("/")
    else:
        raise ValueError(f"unsupported docker host {host!r}: use unix:///path or tcp://host:port")
    client = httpx.AsyncClient(transport=transport, timeout=timeout, trust_env=False)
    return client, base


class DockerSource(LogSource):
    """Follow one container's stdout and stderr (see the module docstring).

    Args:
        name: Name of the configured source.
        container: Container name or id.
        options: How to read (follow, tail, since).
        host: Engine API address.
        tail_default: Lines shown at start when ``options.tail`` is None.
        since_default: Seconds back from the start to show (the entry's ``since``), or None.
        poll: Seconds between looks at a stopped container.
        timeout: Connect timeout, and the whole timeout of inspect calls.
        backoff: Reconnect delays.
    """

    kind = "docker"

    def __init__(
        self,
        name: str,
        container: str,
        options: StreamOptions | None = None,
        *,
        host: str = DEFAULT_HOST,
        tail_default: int = 100,
        since_default: float | None = None,
        poll: float = 2.0,
        timeout: float = 10.0,
        backoff: Backoff | None = None,
    ) -> None:
        super().__init__(name, options, backoff=backoff)
        self.container = container
        self.host = host
        self.tail_default = tail_default
        self.since_default = since_default
        self.poll = poll
        self.timeout = timeout
        self._decoder = StampedDecoder(name, max_len=self.options.max_len)
        self.resume = self._decoder.resume
        self._path = f"/containers/{quote(container, safe='')}"
        self._found = False
        self._connected = False

    def describe(self) -> str:
        """``docker CONTAINER``."""
        return f"docker {self.container}"

    async def run(self, sink: LogSink) -> None:
        """Follow the container until it is removed or the task is cancelled."""
        try:
            client, base = engine_client(self.host, self.timeout)
        except ValueError as exc:
            self.report(sink, SourceState.ERROR, str(exc))
            return
        started = time.time()
        async with client:
            await self._loop(client, base, sink, started)

    async def _loop(
        self, client: httpx.AsyncClient, base: str, sink: LogSink, started: float
    ) -> None:
        import httpx

        follow = self.options.follow
        streamed = False
        ended = False
        last_run: object = None
        while True:
            try:
                info = await self._inspect(client, base)
            except (httpx.HTTPError, EngineError) as exc:
                why = self._why(exc)
                if not follow:
                    self.report(sink, SourceState.ERROR, why)
                    return
                state = SourceState.RECONNECTING if self._connected else SourceState.ERROR
                await self.retry_later(sink, state, why)
                continue
            if info is None:
                if self._found:
                    self.report(sink, SourceState.ENDED, f"container {self.container} was removed")
                    return
                why = f"no container {self.container!r}"
                if not follow:
                    self.report(sink, SourceState.ERROR, why)
                    return
                await self.retry_later(sink, SourceState.ERROR, why)
                continue
            self._found = True
            status = info.get("State") or {}
            running = bool(status.get("Running"))
            run_id = status.get("StartedAt")
            if streamed and not running and run_id == last_run:
                # Its follow ended because it stopped: wait for a restart rather than re-read
                # (a run that began and ended between two looks has a new StartedAt).
                self.report(sink, SourceState.STALE, f"container {_stopped(status)}; waiting")
                ended = False
                await asyncio.sleep(self.poll)
                continue
            if ended:
                # The follow of a running container ended (a daemon restart?): not in a loop.
                ended = False
                await self.retry_later(sink, SourceState.RECONNECTING, "log stream ended")
            opened = time.monotonic()
            last_run = run_id
            tty = bool((info.get("Config") or {}).get("Tty"))
            try:
                await self._stream(client, base, sink, tty, started)
            except _Gone:
                continue
            except (httpx.HTTPError, EngineError) as exc:
                why = self._why(exc, reading=True)
                if not follow:
                    self.report(sink, SourceState.ERROR, why)
                    return
                self.connection_lasted(time.monotonic() - opened)
                await self.retry_later(sink, SourceState.RECONNECTING, why)
                continue
            if not follow:
                self.report(sink, SourceState.ENDED, "end of the container's log")
                return
            self.connection_lasted(time.monotonic() - opened)
            streamed = ended = True

    async def _inspect(self, client: httpx.AsyncClient, base: str) -> dict[str, Any] | None:
        response = await client.get(f"{base}{self._path}/json")
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise EngineError(f"docker HTTP {response.status_code}: {await error_text(response)}")
        try:
            body = response.json()
        except ValueError:
            raise EngineError("docker engine sent an inspect answer that is not JSON") from None
        return body if isinstance(body, dict) else {}

    def _params(self, started: float) -> dict[str, str]:
        params = {
            "follow": "1" if self.options.follow else "0",
            "stdout": "1",
            "stderr": "1",
            "timestamps": "1",
        }
        last = self.resume.last_ns
        if last is not None:
            # Carry on from the last line shown: `since` includes that instant.
            params["since"] = unix_nano(last)
            params["tail"] = "all"
            self.resume.resume()
            return params
        tail = self.options.tail if self.options.tail is not None else self.tail_default
        params["tail"] = "all" if tail == TAIL_ALL or tail < 0 else str(tail)
        since = first_since(self.options.since, self.since_default, started)
        if since is not None:
            params["since"] = f"{since:.9f}"
        return params

    async def _stream(
        self, client: httpx.AsyncClient, base: str, sink: LogSink, tty: bool, started: float
    ) -> None:
        params = self._params(started)
        async with client.stream(
            "GET",
            f"{base}{self._path}/logs",
            params=params,
            timeout=stream_timeout(self.timeout),
        ) as response:
            if response.status_code == 404:
                raise _Gone
            if response.status_code != 200:
                message = await error_text(response)
                raise EngineError(f"docker HTTP {response.status_code}: {message}")
            kind = response.headers.get("content-type", "")
            multiplexed = MULTIPLEXED in kind or (RAW_STREAM not in kind and not tty)
            self._connected = True
            self.report(sink, SourceState.LIVE)
            lines = DockerLines(multiplexed=multiplexed)
            async with body_chunks(response) as chunks:
                async for chunk in chunks:
                    self._deliver(sink, lines.feed(chunk))
            self._deliver(sink, lines.flush())

    def _deliver(self, sink: LogSink, lines: list[Line]) -> None:
        if lines:
            self.emit(sink, self._decoder.decode(lines, time.time()))

    def _why(self, exc: Exception, *, reading: bool = False) -> str:
        if isinstance(exc, EngineError):
            return str(exc)
        reason = describe_error(exc, timeout=self.timeout)
        if reading and self._connected:
            return f"log stream dropped: {reason}"
        return f"docker engine unreachable at {self.host}: {reason}"


def _stopped(state: dict[str, Any]) -> str:
    status = str(state.get("Status") or "stopped")
    if status in ("exited", "dead"):
        return f"{status} (code {state.get('ExitCode')})"
    return status


def build(cfg: LogSourceConfig, ctx: BuildContext) -> LogSource:
    """A :class:`DockerSource` for a ``docker:`` entry, on the environment's Engine API."""
    spec = cfg.docker
    if spec is None:
        raise NotConfigured(f"log source {cfg.name!r} has no docker settings")
    target = ctx.environment.docker if ctx.environment is not None else None
    return DockerSource(
        cfg.name,
        spec.container,
        ctx.options,
        host=target.host if target is not None else DEFAULT_HOST,
        tail_default=spec.tail,
        since_default=spec.since,
    )
