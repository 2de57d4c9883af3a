"""Run a program under a pseudo-terminal and time how long until a marker is painted."""

from __future__ import annotations

import fcntl
import os
import select
import signal
import struct
import subprocess
import termios
import time
from collections.abc import Sequence


def time_to_marker(
    argv: Sequence[str],
    marker: bytes,
    *,
    cols: int = 160,
    rows: int = 45,
    timeout: float = 20.0,
    env: dict[str, str] | None = None,
) -> float:
    """Seconds from spawn until ``marker`` appears in the program's terminal output.

    The program is then sent ctrl+c and, if needed, killed.
    """
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    full_env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": str(cols), "LINES": str(rows)}
    if env:
        full_env.update(env)
    start = time.perf_counter()
    proc = subprocess.Popen(
        list(argv),
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=full_env,
        start_new_session=True,
        close_fds=True,
    )
    os.close(slave)
    buf = b""
    found_at: float | None = None
    try:
        while time.perf_counter() - start < timeout:
            ready, _, _ = select.select([master], [], [], 0.05)
            if not ready:
                if proc.poll() is not None:
                    break
                continue
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            buf += chunk
            if marker in buf:
                found_at = time.perf_counter() - start
                break
    finally:
        try:
            os.write(master, b"\x03")
            proc.wait(timeout=3)
        except (OSError, subprocess.TimeoutExpired):
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        os.close(master)
    if found_at is None:
        tail = buf[-400:].decode("utf-8", "replace")
        raise RuntimeError(f"marker {marker!r} not seen within {timeout}s; output tail: {tail!r}")
    return found_at
