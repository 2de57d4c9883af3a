"""Running a program for an action: streamed, sanitized output, a timeout, and cancel.

The program starts in its own process group, so the timeout and cancel stop everything it
started (``sh -c`` and its children), not just the first process.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence

from cockpit.actions.model import Outcome
from cockpit.text.sanitize import plain
from cockpit.text.tokens import redact_tokens

CHUNK = 64 * 1024
TAIL_LINES = 60
LINE_LIMIT = 1000
GRACE = 2.0
"""Seconds between SIGTERM and SIGKILL of the process group."""


def clean(line: str) -> str:
    """One line of output as it may be shown and recorded: sanitized, secrets removed."""
    return plain(redact_tokens(line), LINE_LIMIT)


class _Lines:
    """Splits chunks into lines, hands each clean line on and keeps the tail."""

    def __init__(self, emit: Callable[[str], None]) -> None:
        self._emit = emit
        self._partial = b""
        self.tail: deque[str] = deque(maxlen=TAIL_LINES)

    def feed(self, chunk: bytes) -> None:
        data = self._partial + chunk
        *whole, self._partial = data.split(b"\n")
        if len(self._partial) > CHUNK:
            whole.append(self._partial)
            self._partial = b""
        for raw in whole:
            self._line(raw)

    def close(self) -> None:
        if self._partial:
            self._line(self._partial)
            self._partial = b""

    def _line(self, raw: bytes) -> None:
        line = clean(raw.decode("utf-8", errors="replace").rstrip("\r"))
        self.tail.append(line)
        self._emit(line)


def _signal_group(proc: asyncio.subprocess.Process, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, sig)


async def _stop(proc: asyncio.subprocess.Process) -> None:
    _signal_group(proc, signal.SIGTERM)
    try:
        await asyncio.wait_for(proc.wait(), GRACE)
    except TimeoutError:
        _signal_group(proc, signal.SIGKILL)
        await proc.wait()
    # Children that ignored SIGTERM may outlive the leader: the group goes either way.
    _signal_group(proc, signal.SIGKILL)


async def run_program(
    argv: Sequence[str],
    *,
    timeout: float,
    on_line: Callable[[str], None],
    cancel: asyncio.Event | None = None,
    cwd: str | None = None,
    env: Mapping[str, str] | None = None,
) -> Outcome:
    """Run ``argv`` (never through a shell unless argv says ``sh -c``) and report how it ended.

    Args:
        argv: The program and its arguments.
        timeout: Seconds before the process group is stopped (status ``timeout``).
        on_line: Called with each clean output line (stdout and stderr together) as it comes.
        cancel: Set it to stop the process group (status ``cancelled``).
        cwd: Working folder.
        env: Extra environment variables.
    """
    started = time.monotonic()
    lines = _Lines(on_line)
    environ = {**os.environ, **(env or {})}
    try:
        proc = await asyncio.create_subprocess_exec(
            *argv,
            cwd=cwd,
            env=environ,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            start_new_session=True,
        )
    except OSError as exc:
        reason = plain(f"{argv[0]}: {exc.strerror or exc}", 300)
        return Outcome("error", exit_code=127, output=reason, detail=f"could not start: {reason}")
    assert proc.stdout is not None

    async def pump() -> None:
        assert proc.stdout is not None
        while chunk := await proc.stdout.read(CHUNK):
            lines.feed(chunk)
        lines.close()

    reader = asyncio.ensure_future(pump())
    waiter = asyncio.ensure_future(proc.wait())
    stopper = asyncio.ensure_future(cancel.wait()) if cancel is not None else None
    waiting = {waiter} | ({stopper} if stopper else set())
    done, _ = await asyncio.wait(waiting, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
    status: str
    if waiter in done:
        status = "ok" if proc.returncode == 0 else "failed"
    else:
        status = "cancelled" if stopper is not None and stopper in done else "timeout"
        await _stop(proc)
    if stopper is not None:
        stopper.cancel()
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(reader, GRACE)
    reader.cancel()
    code = proc.returncode if status in ("ok", "failed") else None
    seconds = time.monotonic() - started
    detail = {
        "ok": "exit 0",
        "failed": f"exit {code}",
        "timeout": f"stopped after {timeout:g} s (timeout)",
        "cancelled": "cancelled: process group stopped",
    }[status]
    return Outcome(
        status,  # type: ignore[arg-type]
        exit_code=code,
        seconds=seconds,
        output="\n".join(lines.tail),
        detail=detail,
    )
