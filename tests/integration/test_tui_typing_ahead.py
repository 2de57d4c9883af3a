"""Keys typed (or pasted) faster than the screen opens the filter line go into the filter."""

from __future__ import annotations

import fcntl
import os
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest


def _read_until(fd: int, marker: bytes, seconds: float) -> bytes:
    seen = b""
    deadline = time.monotonic() + seconds
    while marker not in seen and time.monotonic() < deadline:
        if select.select([fd], [], [], 0.1)[0]:
            try:
                seen += os.read(fd, 1 << 16)
            except OSError:
                break
    return seen


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        (b"/request q\r", b"filter:request q"),  # `q` quits, `r` retries, `e` switches: not here
        (b"/qx\x7f\r", b"filter:q"),
        (b"/path=/api s\\d\r", b"filter:path=/api s\\d"),  # `/`, `s`, `\\` open lines elsewhere
    ],
    ids=["word", "backspace", "keys-that-open-the-line"],
)
def test_filter_typed_in_one_burst(tmp_path: Path, keys: bytes, expected: bytes) -> None:
    (tmp_path / "app.log").write_text("INFO request served\nINFO quiet line\n")
    config = tmp_path / "cockpit.yaml"
    config.write_text(
        "environments:\n  local: {protection: none}\n"
        "logs:\n  - name: app\n    file: {path: app.log}\n"
    )
    leader, follower = os.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 45, 160, 0, 0))
    env = {
        **os.environ,
        "TERM": "xterm-256color",
        "XDG_CONFIG_HOME": str(tmp_path / "c"),
        "XDG_DATA_HOME": str(tmp_path / "d"),
        "XDG_STATE_HOME": str(tmp_path / "s"),
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "cockpit", "--config", str(config)],
        stdin=follower,
        stdout=follower,
        stderr=follower,
        env=env,
        start_new_session=True,
        close_fds=True,
    )
    os.close(follower)
    try:
        assert b"quiet line" in _read_until(leader, b"quiet line", 20)
        os.write(leader, b"2")
        time.sleep(0.5)
        os.write(leader, keys)  # one write: the keys arrive together
        shown = _read_until(leader, expected, 5)
        assert proc.poll() is None, "a key meant for the filter reached the app (q quits)"
        assert expected in shown
    finally:
        os.close(leader)
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
