"""tcp, command, process and host checks against the real machine."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from cockpit.domain.health import Status
from tests.support.health_checks import run_checks
from tests.support.processes import free_port, run_cockpit_check


@pytest.fixture
def listener() -> Iterator[int]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(4)
        yield sock.getsockname()[1]


async def test_tcp_up_and_refused(listener: int) -> None:
    results = await run_checks(
        {
            "db": [{"tcp": {"host": "127.0.0.1", "port": listener}}],
            "redis": [{"tcp": {"host": "127.0.0.1", "port": free_port(), "timeout": "2s"}}],
        }
    )
    assert results["db"].status is Status.UP
    assert results["db"].reason.startswith("connected in")
    assert results["redis"].status is Status.DOWN
    assert results["redis"].reason.endswith("connection refused")


async def test_command_exit_codes_output_and_nagios(tmp_path: Path) -> None:
    py = sys.executable
    results = (
        await run_checks(
            {
                "ok": [{"command": {"argv": [py, "-c", "print('fine')"]}}],
                "fail": [
                    {
                        "command": {
                            "argv": [
                                py,
                                "-c",
                                "import sys; print('a\\nconn \\x1b[31mrefused'); sys.exit(2)",
                            ]
                        }
                    }
                ],
                "warn": [{"command": {"argv": [py, "-c", "raise SystemExit(1)"], "nagios": True}}],
                "cwd-env": [
                    {
                        "command": {
                            "argv": [
                                py,
                                "-c",
                                "import os,sys; sys.exit(0 if os.environ['X'] == "
                                "'1' and os.path.exists('marker') else 3)",
                            ],
                            "cwd": str(tmp_path),
                            "env": {"X": "1"},
                        }
                    }
                ],
                "missing": [{"command": {"argv": ["/nonexistent/psql", "-c", "SELECT 1"]}}],
            },
            base_dir=tmp_path,
        )
        if (tmp_path / "marker").touch() is None
        else {}
    )
    assert results["ok"].status is Status.UP and results["ok"].reason == "exit 0: fine"
    fail = results["fail"]
    assert fail.status is Status.DOWN
    assert fail.reason.startswith("exit 2: conn ") and fail.reason.endswith("refused")
    assert "\x1b" not in fail.reason and "\x1b" not in fail.detail
    # The output's lines read as one sentence in the detail, not joined by visible ␊ marks.
    assert fail.detail == "a conn refused"
    assert results["warn"].status is Status.DEGRADED
    assert results["cwd-env"].status is Status.UP, results["cwd-env"].reason
    assert results["missing"].status is Status.UNKNOWN
    assert "cannot run '/nonexistent/psql'" in results["missing"].reason


async def test_command_timeout_kills_the_whole_process_group(tmp_path: Path) -> None:
    pidfile = tmp_path / "child.pid"
    script = (
        "import subprocess, sys, time\n"
        "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])\n"
        f"open({str(pidfile)!r}, 'w').write(str(child.pid))\n"
        "time.sleep(60)\n"
    )
    start = time.monotonic()
    results = await run_checks(
        {"slow": [{"command": {"argv": [sys.executable, "-c", script], "timeout": "1s"}}]}
    )
    elapsed = time.monotonic() - start
    slow = results["slow"]
    assert slow.status is Status.DOWN
    assert slow.reason == "timed out after 1s; process group killed"
    assert elapsed < 2.0
    child = int(pidfile.read_text())
    deadline = time.monotonic() + 3
    while psutil.pid_exists(child) and time.monotonic() < deadline:
        try:
            if psutil.Process(child).status() == psutil.STATUS_ZOMBIE:
                break
        except psutil.NoSuchProcess:
            break
        time.sleep(0.05)
    alive = psutil.pid_exists(child) and psutil.Process(child).status() != psutil.STATUS_ZOMBIE
    assert not alive, "the grandchild survived the timeout"


def _marked_alive(marker: str) -> list[int]:
    """Processes (not zombies) whose command line holds ``marker``."""
    found = []
    for process in psutil.process_iter(["cmdline", "status"]):
        held = marker in " ".join(process.info["cmdline"] or [])
        if held and process.info["status"] != psutil.STATUS_ZOMBIE:
            found.append(process.pid)
    return found


async def _gone(marker: str, seconds: float = 3.0) -> list[int]:
    deadline = time.monotonic() + seconds
    while (alive := _marked_alive(marker)) and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    return alive


def _spawn(marker: str, *, new_session: bool, keep_stdout: bool) -> str:
    """Python code that starts a 300 s sleeper carrying ``marker``."""
    out = "None" if keep_stdout else "subprocess.DEVNULL"
    return (
        "import subprocess, sys\n"
        "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(300)', "
        f"{marker!r}], start_new_session={new_session}, stdout={out})\n"
    )


async def test_a_child_that_left_the_session_is_killed_at_the_deadline() -> None:
    marker = f"escapee-{uuid.uuid4().hex}"
    script = _spawn(marker, new_session=True, keep_stdout=False) + "import time; time.sleep(60)\n"
    results = await run_checks(
        {"slow": [{"command": {"argv": [sys.executable, "-c", script], "timeout": "1s"}}]}
    )
    assert results["slow"].status is Status.DOWN
    assert await _gone(marker) == [], "a setsid child escaped the deadline"


async def test_a_child_holding_the_output_does_not_make_a_timeout() -> None:
    marker = f"holder-{uuid.uuid4().hex}"
    script = _spawn(marker, new_session=True, keep_stdout=True) + "print('all good')\n"
    start = time.monotonic()
    results = await run_checks(
        {"ok": [{"command": {"argv": [sys.executable, "-c", script], "timeout": "10s"}}]}
    )
    elapsed = time.monotonic() - start
    assert results["ok"].status is Status.UP, results["ok"].reason
    assert results["ok"].reason == "exit 0: all good"
    assert elapsed < 3, elapsed
    assert await _gone(marker) == [], "the child holding the pipe was left running"


async def test_a_daemon_left_behind_by_a_finished_command_is_ended() -> None:
    marker = f"daemon-{uuid.uuid4().hex}"
    script = _spawn(marker, new_session=True, keep_stdout=False)
    results = await run_checks(
        {"ok": [{"command": {"argv": [sys.executable, "-c", script], "timeout": "10s"}}]}
    )
    assert results["ok"].status is Status.UP
    assert await _gone(marker) == []


def test_cockpit_check_with_a_pipe_holder_ends_cleanly(tmp_path: Path) -> None:
    marker = f"cli-holder-{uuid.uuid4().hex}"
    script = _spawn(marker, new_session=True, keep_stdout=True) + "print('fine')\n"
    config = tmp_path / "cockpit.yaml"
    config.write_text(
        "environments:\n  local: {}\nservices:\n  - name: job\n    checks:\n"
        f"      - command: {{argv: [{sys.executable}, -c, {script!r}], timeout: 10s}}\n"
    )
    done = run_cockpit_check(config, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "exit 0: fine" in done.stdout
    assert "Event loop is closed" not in done.stderr and "Exception ignored" not in done.stderr
    assert _marked_alive(marker) == []


async def test_process_by_name_and_cmdline() -> None:
    marker = f"cockpit-health-{uuid.uuid4().hex}"
    proc = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(30)", marker],
        stdin=subprocess.DEVNULL,
    )
    try:
        results = await run_checks(
            {
                "worker": [{"process": {"cmdline": marker}}],
                "two": [{"process": {"cmdline": marker, "min_count": 2}}],
                "gone": [{"process": {"cmdline": f"{marker}-absent"}}],
                "named": [{"process": {"name": psutil.Process(proc.pid).name()}}],
            }
        )
    finally:
        proc.kill()
        proc.wait()
    assert results["worker"].status is Status.UP
    assert results["worker"].reason == f"1 process (pid {proc.pid})"
    assert results["two"].status is Status.DOWN
    assert results["two"].reason.startswith("1 of 2 processes")
    assert results["gone"].status is Status.DOWN
    assert results["gone"].reason.startswith("no process with")
    assert results["named"].status is Status.UP


async def test_host_thresholds_against_real_figures() -> None:
    disk = psutil.disk_usage("/").percent
    memory = psutil.virtual_memory().percent
    results = await run_checks(
        {
            "roomy": [
                {
                    "host": {
                        "disk": {"warn": 100, "crit": 100},
                        "memory": {"crit": 100},
                        "load": {"crit": 1000},
                    }
                }
            ],
            "full": [{"host": {"disk": {"crit": disk / 2 if disk > 0.2 else 0, "mounts": ["/"]}}}],
            "warn": [{"host": {"disk": None, "memory": {"warn": 0, "crit": 100}}}],
            "nomount": [{"host": {"disk": {"crit": 90, "mounts": ["/no/such/mount"]}}}],
        }
    )
    roomy = results["roomy"]
    assert roomy.status is Status.UP, roomy.reason
    assert roomy.reason.startswith("disk / ")
    assert "memory" in roomy.reason and "load/core" in roomy.reason
    full = results["full"]
    assert full.status is Status.DOWN
    assert full.reason.startswith(f"disk / {disk:.1f}% over")
    warn = results["warn"]
    assert warn.status is Status.DEGRADED
    assert warn.reason.startswith("memory ")
    assert abs(float(warn.conditions[0].actual.rstrip("%")) - memory) < 10
    assert results["nomount"].status is Status.UNKNOWN
