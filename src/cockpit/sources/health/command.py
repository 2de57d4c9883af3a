"""Command checks: an argv list (no shell) whose exit code decides; killed as a group on timeout."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import time
import uuid
from typing import TYPE_CHECKING

from cockpit.config.services import CommandProbe
from cockpit.domain.durations import format_duration
from cockpit.domain.health import Outcome, Status
from cockpit.sources.leftovers import kill_marked
from cockpit.text.sanitize import excerpt

if TYPE_CHECKING:
    from cockpit.sources.health.context import ProbeContext
    from cockpit.sources.health.plan import CheckJob

OUTPUT_CAP = 64 * 1024
_NAGIOS = {0: Status.UP, 1: Status.DEGRADED, 2: Status.DOWN}


RUN_MARKER = "COCKPIT_RUN_ID"
"""Set in a command's environment: what it starts carries it, even out of its session."""
PIPE_GRACE = 0.5
"""Seconds the output may take to end after the command exits (a child may hold the pipe)."""


async def _read_capped(stream: asyncio.StreamReader, kept: bytearray) -> None:
    while chunk := await stream.read(65536):
        # Keep the tail: the last lines usually say why a command failed.
        kept += chunk
        if len(kept) > OUTPUT_CAP:
            del kept[: len(kept) - OUTPUT_CAP]


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

    Whatever the command started is ended with it, at the deadline or once it exits: its
    process group, and every process carrying its run marker (children that left the group).
    A child still holding the output pipe after the command exited does not turn a finished
    command into a timeout: the output read so far is the command's.

    Raises:
        OSError: when the program cannot be started.
    """
    marker = uuid.uuid4().hex
    proc = await asyncio.create_subprocess_exec(
        *argv,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        cwd=cwd,
        env={**os.environ, **(env or {}), RUN_MARKER: marker},
        start_new_session=True,
    )
    assert proc.stdout is not None
    kept = bytearray()
    reader = asyncio.create_task(_read_capped(proc.stdout, kept))
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    try:
        # The return code, not proc.wait(): on Python 3.11 wait() also waits for the pipes,
        # which a left-behind child may hold for ever.
        pause = 0.005
        while proc.returncode is None:
            if loop.time() >= deadline:
                return None, b""
            await asyncio.sleep(pause)
            pause = min(pause * 2, 0.05)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.shield(reader), PIPE_GRACE)
        return proc.returncode, bytes(kept)
    finally:
        _kill_group(proc)
        with contextlib.suppress(Exception):
            await asyncio.shield(asyncio.to_thread(kill_marked, RUN_MARKER, marker))
        reader.cancel()
        with contextlib.suppress(BaseException):
            await reader
        # Close the pipes now: left to the garbage collector, an open transport complains
        # about a closed event loop when a one-shot `cockpit check` ends.
        transport = getattr(proc, "_transport", None)
        if transport is not None:
            transport.close()


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
