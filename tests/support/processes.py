"""Process and polling helpers shared by the real-backend harnesses."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


class WaitAborted(RuntimeError):
    """Raised by a :func:`wait_until` probe to stop waiting at once (e.g. the process died)."""


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now.

    The kernel picks it; there is a small window before the caller binds it, which is acceptable
    for tests because the kernel does not hand the same ephemeral port out again at once.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def wait_until(
    probe: Callable[[], T | None],
    *,
    timeout: float,
    interval: float = 0.05,
    what: str | Callable[[], str] = "condition",
) -> T:
    """Poll ``probe`` until it returns something truthy and return that value.

    Args:
        probe: Called repeatedly; exceptions count as "not yet", except :class:`WaitAborted`,
            which propagates at once.
        timeout: Seconds (monotonic clock) before giving up.
        interval: Seconds between polls.
        what: Description for the error, or a callable producing it (e.g. a log tail), evaluated
            only on failure.

    Raises:
        TimeoutError: ``probe`` never returned a truthy value in time.
        WaitAborted: The probe gave up.
    """
    deadline = time.monotonic() + timeout
    last_error: BaseException | None = None
    while True:
        try:
            value = probe()
        except WaitAborted:
            raise
        except Exception as exc:  # a backend that is still starting refuses connections
            last_error = exc
        else:
            if value:
                return value
        if time.monotonic() >= deadline:
            detail = what() if callable(what) else what
            suffix = f" (last error: {last_error!r})" if last_error else ""
            raise TimeoutError(f"timed out after {timeout:.1f}s waiting for {detail}{suffix}")
        time.sleep(interval)


def stop_process(proc: subprocess.Popen[bytes], *, timeout: float = 10.0) -> int | None:
    """Stop a child politely (SIGTERM), then forcefully (SIGKILL) if it does not exit in time.

    Returns:
        The exit status, or None if the process could not be reaped.
    """
    if proc.poll() is not None:
        return proc.returncode
    with contextlib.suppress(ProcessLookupError):
        proc.send_signal(signal.SIGTERM)
    try:
        return proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
        try:
            return proc.wait(timeout=5.0)
        except subprocess.TimeoutExpired:
            return None


def kill_pidfile(pidfile: Path, *, must_mention: str, timeout: float = 5.0) -> None:
    """Terminate the process named in ``pidfile`` if it is alive and really is ours.

    ``must_mention`` must occur in the process's command line, so a recycled PID belonging to an
    unrelated process is never signalled.
    """
    try:
        pid = int(pidfile.read_text().strip())
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except (OSError, ValueError):
        return
    if must_mention not in cmdline:
        return
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not Path(f"/proc/{pid}").exists():
            return
        time.sleep(0.05)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def run_cockpit_check(
    config: Path, home: Path, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """``cockpit --config CONFIG check`` in a fresh home (its state there), as a user runs it."""
    import sys

    env = {**os.environ, "XDG_DATA_HOME": str(home / "d"), "HOME": str(home)}
    env.pop("COCKPIT_STATE", None)
    return subprocess.run(
        [sys.executable, "-m", "cockpit", "--config", str(config), "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
