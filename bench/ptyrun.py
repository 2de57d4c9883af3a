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


class PtySession:
    """A program under a pseudo-terminal, with key presses timed from outside its event loop."""

    def __init__(
        self,
        argv: Sequence[str],
        *,
        cols: int = 160,
        rows: int = 45,
        env: dict[str, str] | None = None,
    ) -> None:
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        full_env = {**os.environ, "TERM": "xterm-256color"}
        if env:
            full_env.update(env)
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(
            list(argv),
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=full_env,
            start_new_session=True,
            close_fds=True,
        )
        os.close(slave)
        self.output = bytearray()

    def read_for(self, seconds: float) -> bytes:
        """Collect output for ``seconds``."""
        end = time.perf_counter() + seconds
        got = bytearray()
        while (left := end - time.perf_counter()) > 0:
            ready, _, _ = select.select([self.master], [], [], min(left, 0.05))
            if ready:
                try:
                    chunk = os.read(self.master, 1 << 16)
                except OSError:
                    break
                got += chunk
        self.output += got
        # Keep only a tail: a long run must not grow this process's memory.
        del self.output[: max(0, len(self.output) - (1 << 20))]
        return bytes(got)

    def wait_for(self, marker: bytes, timeout: float = 20.0) -> float:
        """Seconds until ``marker`` appears in the output."""
        start = time.perf_counter()
        seen = bytearray()
        while time.perf_counter() - start < timeout:
            ready, _, _ = select.select([self.master], [], [], 0.05)
            if ready:
                try:
                    seen += os.read(self.master, 1 << 16)
                except OSError:
                    break
                if marker in seen:
                    return time.perf_counter() - start
            elif self.proc.poll() is not None:
                break
        raise RuntimeError(f"{marker!r} not seen in {timeout}s: {bytes(seen[-300:])!r}")

    def drain(self) -> None:
        """Discard whatever output is pending right now."""
        while True:
            ready, _, _ = select.select([self.master], [], [], 0)
            if not ready:
                return
            try:
                if not os.read(self.master, 1 << 16):
                    return
            except OSError:
                return

    def key_latency(self, key: bytes, timeout: float = 5.0) -> float:
        """Send ``key`` and time until the program writes any response to the terminal.

        Drains pending output first so a frame already on its way is not mistaken for the
        answer; on a busy screen (a log flood) this measures time to the next repaint, which
        is what a person sees.
        """
        self.drain()
        start = time.perf_counter()
        os.write(self.master, key)
        while time.perf_counter() - start < timeout:
            ready, _, _ = select.select([self.master], [], [], 0.01)
            if ready:
                try:
                    data = os.read(self.master, 1 << 16)
                except OSError:
                    break
                if data:
                    return time.perf_counter() - start
        return timeout

    def close(self) -> None:
        """Ctrl+C, then kill if needed."""
        try:
            os.write(self.master, b"\x03")
            self.proc.wait(timeout=3)
        except (OSError, subprocess.TimeoutExpired):
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        os.close(self.master)


def percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]
