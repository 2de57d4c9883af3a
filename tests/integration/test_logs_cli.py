"""`cockpit logs` as a user runs it: a real subprocess, real files, pipes and a pty."""

from __future__ import annotations

import json
import os
import pty
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support.hostile import CASES, forbidden_in_text, hostile_log_bytes, markers_in

COCKPIT = [sys.executable, "-m", "cockpit"]
CONFIG = """\
environments:
  local: {protection: none}
  prod: {}
logs:
  - name: app
    file: {path: app.log}
  - name: api
    kubernetes: {deployment: api}
  - name: echo
    command: {argv: [PYTHON, "-c", "print('from a command')"]}
  - name: split
    file: {path: local.log}
    environments: [local]
  - name: split
    file: {path: prod.log}
    environments: [prod]
""".replace("PYTHON", sys.executable)


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    (tmp_path / "cockpit.yaml").write_text(CONFIG)
    (tmp_path / "app.log").write_text(
        "2024-05-01T12:00:00Z INFO started\n"
        "2024-05-01T12:00:01Z ERROR db down\n"
        "2024-05-01T12:00:02Z WARN retrying\n"
    )
    (tmp_path / "local.log").write_text("local line\n")
    (tmp_path / "prod.log").write_text("prod line\n")
    return tmp_path


def _logs(
    workdir: Path, *args: str, cwd: Path | None = None, timeout: float = 30
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [*COCKPIT, "--config", str(workdir / "cockpit.yaml"), "logs", *args],
        capture_output=True,
        cwd=cwd or Path("/"),
        timeout=timeout,
        check=False,
    )


def test_no_follow_prints_sanitized_prefixed_lines(workdir: Path) -> None:
    out = _logs(workdir, "app", "--no-follow")  # run from / : the path resolves beside the config
    assert out.returncode == 0, out.stderr
    assert out.stdout.decode().splitlines() == [
        "app │ 2024-05-01T12:00:00Z INFO started",
        "app │ 2024-05-01T12:00:01Z ERROR db down",
        "app │ 2024-05-01T12:00:02Z WARN retrying",
    ]
    assert out.stderr == b""
    # The common options also go after the command, as in `cockpit logs app --config FILE`.
    after = subprocess.run(
        [*COCKPIT, "logs", "app", "--no-follow", "--config", str(workdir / "cockpit.yaml")],
        capture_output=True,
        cwd="/",
        timeout=30,
        check=False,
    )
    assert after.returncode == 0, after.stderr
    assert after.stdout == out.stdout


def test_filters_and_level(workdir: Path) -> None:
    def lines(*args: str) -> list[str]:
        out = _logs(workdir, "app", "--no-follow", *args)
        assert out.returncode == 0, out.stderr
        return [line.split(" │ ", 1)[1][21:] for line in out.stdout.decode().splitlines()]

    assert lines("--filter", "db|retry") == ["ERROR db down", "WARN retrying"]
    assert lines("--filter", "db|retry", "--exclude", "down") == ["WARN retrying"]
    assert lines("--filter", "db|retry", "--exclude", "DOWN") == lines("--filter", "db|retry")
    assert lines("--level", "warn") == ["ERROR db down", "WARN retrying"]
    assert lines("--tail", "1") == ["WARN retrying"]


def test_timestamps_and_json_output(workdir: Path) -> None:
    out = _logs(workdir, "app", "--no-follow", "--timestamps", "--level", "warn")
    assert out.returncode == 0, out.stderr
    assert out.stdout.decode().splitlines() == [
        "2024-05-01T12:00:01.000Z app │ 2024-05-01T12:00:01Z ERROR db down",
        "2024-05-01T12:00:02.000Z app │ 2024-05-01T12:00:02Z WARN retrying",
    ]
    out = _logs(workdir, "app", "--no-follow", "--json", "--filter", "db")
    assert out.returncode == 0, out.stderr
    records = [json.loads(line) for line in out.stdout.decode().splitlines()]
    assert records == [
        {
            "source": "app",
            "origin": None,
            "time": "2024-05-01T12:00:01.000Z",
            "level": "ERROR",
            "stream": None,
            "text": "2024-05-01T12:00:01Z ERROR db down",
        }
    ]


def test_several_sources_merged_by_time(workdir: Path) -> None:
    (workdir / "local.log").write_text(
        "2024-05-01T12:00:00.500Z INFO local between\n2024-05-01T12:00:03Z ERROR local last\n"
    )
    out = _logs(workdir, "app", "split", "--env", "local", "--no-follow")
    assert out.returncode == 0, out.stderr
    assert out.stdout.decode().splitlines() == [
        "app   │ 2024-05-01T12:00:00Z INFO started",
        "split │ 2024-05-01T12:00:00.500Z INFO local between",
        "app   │ 2024-05-01T12:00:01Z ERROR db down",
        "app   │ 2024-05-01T12:00:02Z WARN retrying",
        "split │ 2024-05-01T12:00:03Z ERROR local last",
    ]
    # Filters apply to each; one failing source is reported by name and fails the run, while
    # the others are still printed.
    (workdir / "local.log").unlink()
    out = _logs(workdir, "app", "split", "--env", "local", "--no-follow", "--level", "error")
    assert out.returncode == 1
    assert out.stdout.decode().splitlines() == ["app   │ 2024-05-01T12:00:01Z ERROR db down"]
    assert out.stderr.decode().startswith("cockpit logs split: error: ")


def test_since_uses_the_line_times(workdir: Path) -> None:
    now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    with (workdir / "app.log").open("a") as f:
        f.write(f"{now} INFO just now\n")
    out = _logs(workdir, "app", "--no-follow", "--since", "10m")
    assert out.stdout.decode().splitlines() == [f"app │ {now} INFO just now"]


def test_refused_pattern_and_bad_duration_are_usage_errors(workdir: Path) -> None:
    out = _logs(workdir, "app", "--no-follow", "--filter", r"(a)\1")
    assert out.returncode == 2
    assert b"invalid pattern" in out.stderr
    out = _logs(workdir, "app", "--no-follow", "--since", "soon")
    assert out.returncode == 2 and b"not a duration" in out.stderr


def test_unknown_source_lists_the_configured_ones(workdir: Path) -> None:
    out = _logs(workdir, "nope")
    assert out.returncode == 2
    assert out.stderr.decode().strip() == (
        "cockpit logs: unknown log source 'nope'; configured: api, app, echo, split"
    )
    listing = _logs(workdir)
    assert listing.returncode == 0
    assert listing.stdout.decode().splitlines()[0].split() == ["app", "file", "local,", "prod"]


def test_same_name_in_two_environments(workdir: Path) -> None:
    out = _logs(workdir, "split", "--no-follow")
    assert out.returncode == 2 and b"pick one with --env" in out.stderr
    out = _logs(workdir, "split", "--no-follow", "--env", "prod")
    assert out.stdout.decode() == "split │ prod line\n"
    root_env = subprocess.run(
        [
            *COCKPIT,
            "--config",
            str(workdir / "cockpit.yaml"),
            "--env",
            "local",
            "logs",
            "split",
            "--no-follow",
        ],
        capture_output=True,
        timeout=30,
        check=False,
    )
    assert root_env.stdout.decode() == "split │ local line\n"


def test_kind_without_environment_settings(workdir: Path) -> None:
    out = _logs(workdir, "api")
    assert out.returncode == 2
    assert b"environment 'local' has no kubernetes: section" in out.stderr


def test_command_source(workdir: Path) -> None:
    out = _logs(workdir, "echo", "--no-follow")
    assert out.returncode == 0, out.stderr
    assert out.stdout.decode() == "echo │ from a command\n"


def test_missing_file_fails_with_a_message(workdir: Path) -> None:
    (workdir / "app.log").unlink()
    out = _logs(workdir, "app", "--no-follow")
    assert out.returncode == 1
    assert b"app.log does not exist" in out.stderr


def test_config_error_is_reported_with_position(tmp_path: Path) -> None:
    (tmp_path / "cockpit.yaml").write_text(
        "environments:\n  local: {}\nlogs:\n  - name: app\n    file: {paht: x}\n"
    )
    out = _logs(tmp_path, "app")
    assert out.returncode == 2
    assert f"{tmp_path / 'cockpit.yaml'}:5:".encode() in out.stderr


def test_hostile_file_in_a_pipe_is_plain_and_safe(workdir: Path) -> None:
    (workdir / "app.log").write_bytes(hostile_log_bytes())
    out = _logs(workdir, "app", "--no-follow")
    assert out.returncode == 0
    text = out.stdout.decode()
    assert len(text.splitlines()) == len(CASES)
    assert "\x1b" not in text  # not a terminal: not even colours
    assert forbidden_in_text(text) == [] and markers_in(text) == []


def test_closed_pipe_exits_quietly(workdir: Path) -> None:
    with (workdir / "app.log").open("w") as f:
        for i in range(200_000):
            f.write(f"line {i} " + "x" * 80 + "\n")
    proc = subprocess.Popen(
        [*COCKPIT, "--config", str(workdir / "cockpit.yaml"), "logs", "app", "--no-follow"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    first = proc.stdout.readline()
    proc.stdout.close()  # like `| head -1`
    assert proc.wait(timeout=30) == 0
    assert first.startswith(b"app \xe2\x94\x82 line 0 ")
    assert proc.stderr.read() == b""
    proc.stderr.close()


def _read_until(fd: int, needle: bytes, timeout: float = 15.0) -> bytes:
    data = b""
    deadline = time.monotonic() + timeout
    while needle not in data:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise AssertionError(f"{needle!r} not seen; got {data[-500:]!r}")
        ready, _, _ = select.select([fd], [], [], remaining)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            data += chunk
    return data


def test_follow_on_a_terminal_is_coloured_and_stops_on_ctrl_c(workdir: Path) -> None:
    (workdir / "app.log").write_text(
        "\x1b[32mgreen\x1b[0m \x1b]0;COCKPIT-PWNED-TITLE\x07"
        " \x1b[5;31mblink\x1b[8mgone\x1b[0m start\n"
    )
    leader, follower = pty.openpty()
    env = {**os.environ, "TERM": "xterm-256color"}
    env.pop("NO_COLOR", None)
    # A terminal's foreground job takes Ctrl-C. When pytest itself runs as a background job of a
    # non-interactive shell, SIGINT is ignored and a child would inherit that; a handled signal
    # is reset to the default in the child instead.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        proc = subprocess.Popen(
            [*COCKPIT, "--config", str(workdir / "cockpit.yaml"), "logs", "app"],
            stdin=follower,
            stdout=follower,
            stderr=follower,
            env=env,
            start_new_session=True,
        )
    finally:
        signal.signal(signal.SIGINT, previous)
    os.close(follower)
    try:
        seen = _read_until(leader, b"start")
        with (workdir / "app.log").open("a") as f:
            f.write("appended \x1b[2J later\n")
        seen += _read_until(leader, b"later")
        os.killpg(proc.pid, signal.SIGINT)
        assert proc.wait(timeout=15) == 130
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(leader)
    assert b"\x1b[32mgreen\x1b[0m" in seen  # the log's own colour is kept on a terminal
    assert b"\x1b[36mapp \xe2\x94\x82 \x1b[0m" in seen  # and the prefix is coloured
    assert b"COCKPIT-PWNED-TITLE" not in seen and b"\x1b[2J" not in seen
    # Colours stay; blink and conceal (everything after it invisible) go, as in the TUI.
    assert b"\x1b[31mblinkgone\x1b[0m" in seen
    assert b"\x1b[5" not in seen and b"\x1b[8m" not in seen and b"\x1b[5;" not in seen
    assert b"Traceback" not in seen
