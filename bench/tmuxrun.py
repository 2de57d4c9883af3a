"""Run a program in a tmux pane and watch what tmux shows, through a control-mode client.

``tmux -C`` reports every byte a pane's program writes as ``%output`` notifications the moment
tmux has read it, so a marker's arrival is timed from outside the program's event loop and
after tmux (the terminal most people run the cockpit in) has taken the output.
"""

from __future__ import annotations

import os
import re
import select
import shlex
import subprocess
import time
import uuid
from collections.abc import Sequence

_OCTAL = re.compile(rb"\\([0-7]{3})")


def _unescape(data: bytes) -> bytes:
    # Control mode escapes bytes below 32 and the backslash as \ooo.
    return _OCTAL.sub(lambda m: bytes([int(m.group(1), 8)]), data)


class TmuxSession:
    """A program in its own tmux server and session; keys in, pane output out."""

    def __init__(
        self,
        argv: Sequence[str],
        *,
        cols: int = 160,
        rows: int = 45,
        env: dict[str, str] | None = None,
    ) -> None:
        self.socket = f"bench-{uuid.uuid4().hex[:8]}"
        full_env = {**os.environ, "TERM": "xterm-256color"}
        full_env.pop("TMUX", None)
        exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in (env or {}).items())
        command = f"env {exports} {shlex.join(argv)}" if exports else shlex.join(argv)
        self.started = time.perf_counter()
        self.client = subprocess.Popen(
            [
                "tmux", "-L", self.socket, "-f", "/dev/null", "-C",
                "new-session", "-x", str(cols), "-y", str(rows), command,
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=full_env,
        )  # fmt: skip
        assert self.client.stdout is not None and self.client.stdin is not None
        self._out = self.client.stdout.fileno()
        self._in = self.client.stdin
        self._pending = b""
        self.output = bytearray()

    @property
    def pane_pid(self) -> int:
        """The program's process id."""
        out = subprocess.run(
            ["tmux", "-L", self.socket, "list-panes", "-F", "#{pane_pid}"],
            capture_output=True,
            check=True,
            text=True,
        ).stdout
        return int(out.split()[0])

    def send(self, keys: str) -> None:
        """Type ``keys`` (literally) into the pane."""
        self._in.write(f"send-keys -l {shlex.quote(keys)}\n".encode())
        self._in.flush()

    def press(self, key: str) -> None:
        """Press one named key (``Enter``, ``Escape``, ``Up``) in the pane."""
        self._in.write(f"send-keys {shlex.quote(key)}\n".encode())
        self._in.flush()

    def _read(self, timeout: float) -> bytes:
        ready, _, _ = select.select([self._out], [], [], timeout)
        if not ready:
            return b""
        chunk = os.read(self._out, 1 << 16)
        if not chunk:
            raise RuntimeError("tmux control client ended")
        data = self._pending + chunk
        lines = data.split(b"\n")
        self._pending = lines.pop()
        shown = bytearray()
        for line in lines:
            if line.startswith(b"%output "):
                _tag, _pane, payload = line.split(b" ", 2)
                shown += _unescape(payload)
        self.output += shown
        del self.output[: max(0, len(self.output) - (1 << 20))]
        return bytes(shown)

    def wait_for(self, marker: bytes, timeout: float = 20.0) -> float:
        """Seconds until ``marker`` appears in what the pane's program wrote."""
        start = time.perf_counter()
        seen = bytearray()
        while time.perf_counter() - start < timeout:
            seen += self._read(0.05)
            if marker in seen:
                return time.perf_counter() - start
            del seen[: max(0, len(seen) - 4 * len(marker) - (1 << 16))]
        raise RuntimeError(f"{marker!r} not seen in {timeout}s: {bytes(seen[-300:])!r}")

    def screen(self, *, escapes: bool = False) -> str:
        """What the pane shows now, as text (``tmux capture-pane``): what a person would see.

        With ``escapes``, colours and attributes are kept as escape sequences.
        """
        return subprocess.run(
            ["tmux", "-L", self.socket, "capture-pane", "-p", *(["-e"] if escapes else [])],
            capture_output=True,
            text=True,
            check=False,
        ).stdout

    def wait_visible(self, text: str, timeout: float = 600.0, every: float = 0.02) -> float:
        """Seconds (since the program started) until ``text`` is on the captured screen.

        The control client is kept drained meanwhile: an unread client would slow the pane.
        """
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            self._read(every)
            if text in self.screen():
                return time.perf_counter() - self.started
        raise RuntimeError(f"{text!r} not on screen in {timeout}s:\n{self.screen()}")

    def read_for(self, seconds: float) -> bytes:
        """Collect output for ``seconds``."""
        end = time.perf_counter() + seconds
        got = bytearray()
        while (left := end - time.perf_counter()) > 0:
            got += self._read(min(left, 0.05))
        return bytes(got)

    def drain(self) -> None:
        """Discard output that is already there."""
        while self._read(0):
            pass

    def close(self) -> None:
        """Kill the tmux server (and with it the program)."""
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True)
        try:
            self.client.wait(timeout=3)
        except subprocess.TimeoutExpired:
            self.client.kill()
            self.client.wait()


def cat_into_tmux(path: str, *, cols: int = 160, rows: int = 45, timeout: float = 600.0) -> float:
    """Seconds for ``cat path`` to run to its end in a detached tmux pane of that size."""
    socket = f"bench-{uuid.uuid4().hex[:8]}"
    channel = f"done-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "TERM": "xterm-256color"}
    env.pop("TMUX", None)
    base = ["tmux", "-L", socket, "-f", "/dev/null"]
    script = f"cat {shlex.quote(path)}; tmux -L {socket} wait-for -S {channel}; sleep 30"
    try:
        start = time.perf_counter()
        subprocess.run(
            [*base, "new-session", "-d", "-x", str(cols), "-y", str(rows), script],
            check=True,
            env=env,
        )
        subprocess.run([*base, "wait-for", channel], check=True, timeout=timeout, env=env)
        return time.perf_counter() - start
    finally:
        subprocess.run([*base, "kill-server"], capture_output=True, env=env)
