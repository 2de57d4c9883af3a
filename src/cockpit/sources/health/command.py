"""Command checks: an argv list (no shell) whose exit code decides; killed as a group on timeout."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import time
from typing import TYPE_CHECKING

from cockpit.config.base import format_duration
from cockpit.config.services import CommandProbe
from cockpit.sources.health.describe import excerpt
from cockpit.sources.health.model import Outcome, Status

if TYPE_CHECKING:
    from cockpit.sources.health.context import ProbeContext
    from cockpit.sources.health.plan import CheckJob

OUTPUT_CAP = 64 * 1024
_NAGIOS = {0: Status.UP, 1: Status.DEGRADED, 2: Status.DOWN}


async def _read_capped(stream: asyncio.StreamReader) -> bytes:
    kept = bytearray()
    while chunk := await stream.read(65536):
        # Keep the tail: the last lines usually say why a command failed.
        kept += chunk
        if len(kept) > OUTPUT_CAP:
            del kept[: len(kept) - OUTPUT_CAP]
    return bytes(kept)


def _kill_group(proc: asyncio.subprocess.Process) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)


def _last_line(output: bytes) -> str:
    lines = [ln for ln in output.decode("utf-8", errors="replace").splitlines() if ln.strip()]
    return excerpt(lines[-1], 160) if lines else ""


async def run_command(
    argv: list[str], timeout: float, cwd: str | None = None, env: dict[str, str] | None = None
) -> tuple[int | None, bytes]:
    """Run ``argv`` in its own session; return (exit code or None on timeout, output tail).

    Raises:
        OSError: when the program cannot be started.
    """
    proc = await asyncio.create_subprocess_exec(
        *argv,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        cwd=cwd,
        env={**os.environ, **env} if env else None,
        start_new_session=True,
    )
    assert proc.stdout is not None
    try:
        output = await asyncio.wait_for(_read_capped(proc.stdout), timeout)
        code = await asyncio.wait_for(proc.wait(), timeout)
    except (TimeoutError, asyncio.CancelledError) as exc:
        _kill_group(proc)
        with contextlib.suppress(ProcessLookupError):
            await asyncio.shield(proc.wait())
        if isinstance(exc, asyncio.CancelledError):
            raise
        return None, b""
    return code, output


async def probe(job: CheckJob, ctx: ProbeContext) -> Outcome:
    """Run the command; 0 is UP (or the Nagios mapping when ``nagios: true``)."""
    spec = job.config.command
    assert isinstance(spec, CommandProbe)
    cwd = str(ctx.resolve_path(spec.cwd)) if spec.cwd else None
    start = time.monotonic()
    try:
        code, output = await run_command(spec.argv, spec.timeout, cwd, spec.env)
    except OSError as exc:
        return Outcome(Status.UNKNOWN, f"cannot run {spec.argv[0]!r}: {exc.strerror or exc}")
    latency = (time.monotonic() - start) * 1000.0
    if code is None:
        return Outcome(
            Status.DOWN,
            f"timed out after {format_duration(spec.timeout)}; process group killed",
            latency_ms=latency,
        )
    if spec.nagios:
        status = _NAGIOS.get(code, Status.UNKNOWN)
    else:
        status = Status.UP if code == 0 else Status.DOWN
    last = _last_line(output)
    reason = f"exit {code}" + (f": {last}" if last else "")
    return Outcome(status, reason, latency_ms=latency, detail=excerpt(output[-4096:]))
