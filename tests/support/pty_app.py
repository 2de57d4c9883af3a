"""The cockpit under a real pseudo-terminal: send keys, keep every byte it writes.

The raw stream is what a terminal would interpret, so a test that searches it sees exactly what
would have reached the user's terminal (escape sequences included), not what a widget holds.
"""

from __future__ import annotations

import fcntl
import os
import select
import signal
import struct
import subprocess
import termios
import time
from collections.abc import Mapping, Sequence


class PtyApp:
    """A program running on the follower side of a pty of ``columns`` x ``rows``.

    Args:
        argv: The program and its arguments.
        env: Its environment.
        columns: Terminal width.
        rows: Terminal height.
    """

    def __init__(
        self, argv: Sequence[str], env: Mapping[str, str], *, columns: int, rows: int
    ) -> None:
        self._leader, follower = os.openpty()
        fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        self.proc = subprocess.Popen(
            list(argv),
            stdin=follower,
            stdout=follower,
            stderr=follower,
            env=dict(env),
            start_new_session=True,
            close_fds=True,
        )
        os.close(follower)
        self.stream = bytearray()

    def pump(self, seconds: float) -> None:
        """Read what the program writes for ``seconds``."""
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            ready, _, _ = select.select([self._leader], [], [], min(left, 0.05))
            if ready:
                try:
                    data = os.read(self._leader, 1 << 16)
                except OSError:  # the program closed the terminal
                    return
                if not data:
                    return
                self.stream += data

    def wait_for(self, text: bytes, timeout: float) -> None:
        """Read until ``text`` has been written.

        Raises:
            AssertionError: Not written within ``timeout`` seconds, or the program ended.
        """
        end = time.monotonic() + timeout
        while text not in self.stream:
            if time.monotonic() > end or self.proc.poll() is not None:
                tail = bytes(self.stream[-2000:])
                raise AssertionError(f"{text!r} never written (exit {self.proc.poll()}): {tail!r}")
            self.pump(0.1)

    def keys(self, *keys: bytes, pause: float = 0.3) -> None:
        """Type each key, reading the answer for ``pause`` seconds after each."""
        for key in keys:
            os.write(self._leader, key)
            self.pump(pause)

    def close(
        self, quit_keys: tuple[bytes, ...] = (b"\x03", b"\x03"), timeout: float = 5.0
    ) -> int | None:
        """Ask the program to quit (ctrl+c twice: it quits from any screen, where a `q` could
        close a help screen left open), read its last words, kill it if it lingers.

        Returns:
            Its exit status, or None when it had to be killed.
        """
        status: int | None = None
        try:
            if self.proc.poll() is None:
                # One at a time: the first ctrl+c arms, the second quits.
                self.keys(*quit_keys, pause=0.3)
            end = time.monotonic() + timeout
            while self.proc.poll() is None and time.monotonic() < end:
                self.pump(0.05)
            status = self.proc.poll()
        finally:
            if self.proc.poll() is None:
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=5)
            os.close(self._leader)
        return status
