"""The cockpit ends when its terminal goes away without a SIGHUP (nohup, setsid, dropped SSH)."""

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

import psutil


def test_exits_when_its_terminal_is_closed(tmp_path: Path) -> None:
    leader, follower = os.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    env = {
        **os.environ,
        "TERM": "xterm-256color",
        "XDG_CONFIG_HOME": str(tmp_path / "c"),
        "XDG_DATA_HOME": str(tmp_path / "d"),
        "XDG_STATE_HOME": str(tmp_path / "s"),
    }
    # A new session without a controlling terminal: closing the terminal sends no SIGHUP.
    proc = subprocess.Popen(
        [sys.executable, "-m", "cockpit"],
        stdin=follower,
        stdout=follower,
        stderr=follower,
        env=env,
        start_new_session=True,
        close_fds=True,
    )
    os.close(follower)
    try:
        seen = b""
        deadline = time.monotonic() + 20
        while b"Checklists" not in seen and time.monotonic() < deadline:
            if select.select([leader], [], [], 0.1)[0]:
                seen += os.read(leader, 1 << 16)
        assert b"Checklists" in seen, "the cockpit never painted"
        time.sleep(1.0)  # let its worker processes start
        children = psutil.Process(proc.pid).children(recursive=True)
        os.close(leader)
        leader = -1
        gone_at = time.monotonic()
        proc.wait(timeout=10)
        assert time.monotonic() - gone_at < 5
        log = (tmp_path / "s" / "ops-cockpit" / "cockpit.log").read_text()
        assert "terminal closed: exiting" in log
        # Its worker processes (health, host sampling, log sources) end with it.
        _gone, alive = psutil.wait_procs(children, timeout=5)
        for child in alive:
            child.kill()
        assert children and not alive
    finally:
        if leader >= 0:
            os.close(leader)
        if proc.poll() is None:
            cpu = psutil.Process(proc.pid).cpu_percent(0.5)
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            raise AssertionError(f"still running after its terminal closed, at {cpu:.0f}% CPU")
