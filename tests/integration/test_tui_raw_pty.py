"""The whole cockpit under a real pseudo-terminal, fed the hostile corpus through a followed file.

The raw byte stream the terminal receives is captured and searched: no payload of a hostile line
(clipboard writes, titles, links, device queries, C1 controls) may reach it, while the harmless
parts of those lines are shown.
"""

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

from tests.support.hostile import hostile_log_bytes, hostile_sequences_in_stream, markers_in


def _run_in_pty(argv: list[str], env: dict[str, str], seconds: float, keys: bytes) -> bytes:
    leader, follower = os.openpty()
    # 100x60: the compact layout, so the Logs pane alone shows every corpus line at once.
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 60, 100, 0, 0))
    proc = subprocess.Popen(
        argv,
        stdin=follower,
        stdout=follower,
        stderr=follower,
        env=env,
        start_new_session=True,
        close_fds=True,
    )
    os.close(follower)
    captured = bytearray()
    sent = False
    start = time.monotonic()
    try:
        while time.monotonic() - start < seconds:
            ready, _, _ = select.select([leader], [], [], 0.05)
            if ready:
                try:
                    captured += os.read(leader, 1 << 16)
                except OSError:
                    break
            if not sent and b"Checklists" in captured:
                os.write(leader, keys)
                sent = True
        os.write(leader, b"q")
        end = time.monotonic() + 5
        while proc.poll() is None and time.monotonic() < end:
            ready, _, _ = select.select([leader], [], [], 0.05)
            if ready:
                try:
                    captured += os.read(leader, 1 << 16)
                except OSError:
                    break
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)
        os.close(leader)
    return bytes(captured)


@pytest.mark.integration
def test_hostile_log_lines_never_reach_the_terminal(tmp_path: Path) -> None:
    log = tmp_path / "hostile.log"
    log.write_bytes(hostile_log_bytes() + b"last line\n")
    cfg = tmp_path / "cockpit.yaml"
    cfg.write_text(
        "environments:\n  local: {protection: none}\n"
        "logs:\n  - name: evil\n    file: {path: hostile.log}\n"
    )
    env = {
        **os.environ,
        "TERM": "xterm-256color",
        "XDG_CONFIG_HOME": str(tmp_path / "c"),
        "XDG_DATA_HOME": str(tmp_path / "d"),
        "XDG_STATE_HOME": str(tmp_path / "s"),
    }
    keys = b"2"
    stream = _run_in_pty(
        [sys.executable, "-m", "cockpit", "--config", str(cfg)], env, seconds=10.0, keys=keys
    )
    assert b"after title" in stream, "the hostile lines were never painted"
    assert markers_in(stream) == []
    assert hostile_sequences_in_stream(stream) == []
