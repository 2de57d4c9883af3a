"""The output of a command that streams lines, e.g. ``az containerapp logs show --follow``.

The command runs without a shell, with stdin closed, in its own process group (so stopping it
stops its children too). stdout and stderr are read in 64 KiB chunks and tagged. When it exits:
status 0 is ENDED; a failure is retried with backoff (``restart="on-failure"``, the default) or
reported as ERROR (``"never"``); ``"always"`` restarts after any exit.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shlex
import signal
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol

from cockpit.sources.logs.base import (
    CHUNK_SIZE,
    MAX_LINE_BYTES,
    Backoff,
    LogRow,
    LogSink,
    LogSource,
    NotConfigured,
    SourceState,
    StreamOptions,
)
from cockpit.sources.logs.lines import LineSplitter, StreamDecoder
from cockpit.text.sanitize import strip_sgr

if TYPE_CHECKING:
    from cockpit.config.logs import LogSourceConfig
    from cockpit.sources.logs.factory import BuildContext

Restart = Literal["on-failure", "always", "never"]
ONE_SHOT_TIMEOUT = 30.0
"""A one-shot read (not following) stops a command that is still running after this long."""
STOP_GRACE = 2.0
"""Seconds between SIGTERM and SIGKILL when stopping the command."""
PARTIAL_AFTER = 1.0
"""An unterminated line is shown once the command has been quiet this long (seconds)."""


class Decoder(Protocol):
    """Raw lines of one stream -> log lines (see :class:`StreamDecoder`)."""

    def decode(self, raws: list[bytes], received: float) -> list[LogRow]:
        """Decode a batch of raw lines."""
        ...


class CommandSource(LogSource):
    """Run ``argv`` and stream its output (see the module docstring)."""

    kind = "command"

    def __init__(
        self,
        name: str,
        argv: Sequence[str],
        options: StreamOptions | None = None,
        *,
        cwd: Path | None = None,
        env: Mapping[str, str] | None = None,
        restart: Restart = "on-failure",
        timeout: float | None = None,
        backoff: Backoff | None = None,
        stop_grace: float = STOP_GRACE,
    ) -> None:
        super().__init__(name, options, backoff=backoff)
        if not argv:
            raise ValueError("a command needs at least a program name")
        self.argv = list(argv)
        self.cwd = cwd
        self.env = dict(env) if env else None
        self.restart = restart
        self.timeout = timeout
        self.stop_grace = stop_grace
        self._last_error = ""

    def describe(self) -> str:
        """``command ARGV``."""
        return f"command {shlex.join(self.argv)}"

    def command(self) -> list[str]:
        """The argv of the next run (subclasses may change it between runs)."""
        return self.argv

    def make_decoder(self, stream: str) -> Decoder:
        """The decoder for ``stream`` (stdout/stderr); subclasses parse their own formats."""
        return StreamDecoder(self.name, stream=stream, max_len=self.options.max_len)

    def not_found(self) -> str:
        """What to say when the program does not exist."""
        return f"command not found: {self.argv[0]}"

    async def run(self, sink: LogSink) -> None:
        """Run (and re-run, per ``restart``) the command until it ends or is cancelled."""
        follow = self.options.follow
        while True:
            started = time.monotonic()
            state, reason = await self._run_once(sink)
            retry = follow and (
                self.restart == "always" or (self.restart == "on-failure" and state is not None)
            )
            if not retry:
                self.report(sink, state or SourceState.ENDED, reason)
                return
            self.connection_lasted(time.monotonic() - started)
            await self.retry_later(sink, state or SourceState.RECONNECTING, reason)

    async def _run_once(self, sink: LogSink) -> tuple[SourceState | None, str]:
        """Run once. Returns (None, reason) for a clean end, else the failure state and reason."""
        env = {**os.environ, **self.env} if self.env else None
        if self.cwd is not None and not self.cwd.is_dir():
            return SourceState.ERROR, f"working directory {self.cwd} does not exist"
        try:
            proc = await asyncio.create_subprocess_exec(
                *self.command(),
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
                cwd=self.cwd,
                env=env,
                start_new_session=True,
            )
        except FileNotFoundError:
            return SourceState.ERROR, self.not_found()
        except OSError as exc:
            return SourceState.ERROR, f"cannot run {self.argv[0]}: {exc.strerror or exc}"
        self._last_error = ""
        self.report(sink, SourceState.LIVE)
        limit = (
            self.timeout
            if self.timeout is not None
            else (None if self.options.follow else ONE_SHOT_TIMEOUT)
        )
        assert proc.stdout is not None and proc.stderr is not None
        pumps = [
            asyncio.ensure_future(self._pump(proc.stdout, "stdout", sink)),
            asyncio.ensure_future(self._pump(proc.stderr, "stderr", sink)),
        ]
        try:
            async with asyncio.timeout(limit):
                await asyncio.gather(*pumps)
                code = await proc.wait()
        except TimeoutError:
            return None, f"stopped after {limit:g}s"
        finally:
            for pump in pumps:
                pump.cancel()
            await self._stop(proc)
        if code == 0:
            return None, "exited with status 0"
        why = f"killed by signal {-code}" if code < 0 else f"exited with status {code}"
        if self._last_error:
            why += f": {self._last_error}"
        return SourceState.ERROR, why

    async def _pump(self, stream: asyncio.StreamReader, name: str, sink: LogSink) -> None:
        splitter = LineSplitter(MAX_LINE_BYTES)
        decoder = self.make_decoder(name)
        while True:
            try:
                # Wake up for an unterminated line (a prompt, a progress line) when it stalls.
                async with asyncio.timeout(PARTIAL_AFTER if splitter.pending else None):
                    chunk = await stream.read(CHUNK_SIZE)
            except TimeoutError:
                self._deliver(sink, decoder, splitter.flush(), name)
                continue
            if not chunk:
                break
            self._deliver(sink, decoder, splitter.feed(chunk), name)
        self._deliver(sink, decoder, splitter.flush(), name)

    def _deliver(self, sink: LogSink, decoder: Decoder, raws: list[bytes], name: str) -> None:
        if not raws:
            return
        batch = decoder.decode(raws, time.time())
        if name == "stderr":
            for line in reversed(batch):
                text = strip_sgr(line.text).strip()
                if text:
                    self._last_error = text[:200]
                    break
        self.emit(sink, batch)

    async def _stop(self, proc: asyncio.subprocess.Process) -> None:
        """Stop the command's process group if it is still running (SIGTERM, then SIGKILL)."""
        if proc.returncode is not None:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            await asyncio.wait_for(proc.wait(), self.stop_grace)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGKILL)
            await proc.wait()


def build(cfg: LogSourceConfig, ctx: BuildContext) -> LogSource:
    """A :class:`CommandSource` for a ``command:`` entry."""
    spec = cfg.command
    if spec is None:
        raise NotConfigured(f"log source {cfg.name!r} has no command settings")
    return CommandSource(
        cfg.name,
        spec.argv,
        ctx.options,
        cwd=ctx.path(spec.cwd) if spec.cwd else None,
        env=spec.env,
        restart=spec.restart,
        timeout=spec.timeout,
    )
