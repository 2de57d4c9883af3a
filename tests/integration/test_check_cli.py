"""`cockpit check` as a user runs it: a subprocess against real local servers."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.health_http import HealthHttpServer, serve


@pytest.fixture
def http() -> Iterator[HealthHttpServer]:
    with serve() as server:
        yield server


@pytest.fixture
def listener() -> Iterator[int]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    try:
        yield sock.getsockname()[1]
    finally:
        sock.close()


def _cockpit(*args: str, timeout: float = 20.0) -> tuple[subprocess.CompletedProcess[str], float]:
    start = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "cockpit", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )
    return proc, time.monotonic() - start


def _contract_config(tmp_path: Path, port: int, port2: int) -> Path:
    path = tmp_path / "cockpit.yaml"
    path.write_text(
        f"""\
environments:
  local: {{protection: none}}
services:
  - name: web
    checks:
      - http: {{url: "http://127.0.0.1:{port}/ok", timeout: 2s, conditions: ["[STATUS] == 200"]}}
  - name: broken
    checks:
      - http: {{url: "http://127.0.0.1:{port}/fail"}}
  - name: hung
    checks:
      - http: {{url: "http://127.0.0.1:{port}/hang", timeout: 1s}}
  - name: db
    checks:
      - tcp: {{host: 127.0.0.1, port: {port2}}}
"""
    )
    return path


def test_contract_json_round(tmp_path: Path, http: HealthHttpServer, listener: int) -> None:
    config = _contract_config(tmp_path, http.port, listener)
    proc, elapsed = _cockpit("--config", str(config), "check", "--json")
    assert proc.returncode == 1, proc.stderr
    assert elapsed < 4.0, f"took {elapsed:.2f}s"
    services = {s["name"]: s for s in json.loads(proc.stdout)["services"]}
    assert {n: s["status"] for n, s in services.items()} == {
        "web": "UP",
        "broken": "DOWN",
        "hung": "DOWN",
        "db": "UP",
    }
    assert "timed out" in services["hung"]["reason"]
    assert "1s" in services["hung"]["reason"]
    assert "500" in services["broken"]["reason"]
    for service in services.values():
        assert set(service) >= {"name", "environment", "status", "latency_ms", "reason", "checks"}
        assert service["environment"] == "local"
    web_check = services["web"]["checks"][0]
    assert web_check["conditions"] == [{"expr": "[STATUS] == 200", "ok": True, "actual": "200"}]
    # Worst first.
    assert [s["status"] for s in json.loads(proc.stdout)["services"]][-1] == "UP"
    # The failing body's escape sequences never reach the output.
    assert "\x1b" not in proc.stdout


def test_all_up_exits_zero_with_a_plain_table(
    tmp_path: Path, http: HealthHttpServer, listener: int
) -> None:
    config = _contract_config(tmp_path, http.port, listener)
    proc, _ = _cockpit("--config", str(config), "check", "--service", "web", "--service", "db")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].split() == ["STATUS", "SERVICE", "LATENCY", "REASON"]
    assert sorted(line.split()[1] for line in lines[1:]) == ["db", "web"]
    assert "\x1b[" not in proc.stdout  # no colour when not on a terminal


def test_env_after_subcommand_and_unknown_names_exit_two(
    tmp_path: Path, http: HealthHttpServer, listener: int
) -> None:
    config = _contract_config(tmp_path, http.port, listener)
    proc, _ = _cockpit("--config", str(config), "check", "--env", "nope")
    assert proc.returncode == 2
    assert "unknown environment 'nope'" in proc.stderr
    proc, _ = _cockpit("--config", str(config), "--env", "local", "check", "--service", "web")
    assert proc.returncode == 0, proc.stderr
    proc, _ = _cockpit("--config", str(config), "check", "--service", "nope")
    assert proc.returncode == 2
    assert "unknown service 'nope'" in proc.stderr


def test_config_error_exits_two_with_position(tmp_path: Path) -> None:
    config = tmp_path / "bad.yaml"
    config.write_text(
        "environments:\n  local: {}\nservices:\n  - name: web\n    checks:\n"
        '      - http: {url: "http://127.0.0.1:1/", conditions: ["[STATUS] =! 200"]}\n'
    )
    proc, _ = _cockpit("--config", str(config), "check")
    assert proc.returncode == 2
    assert f"{config}:6:" in proc.stderr
    assert "[STATUS] =! 200" in proc.stderr


def test_results_are_kept_in_the_state_history(
    tmp_path: Path, http: HealthHttpServer, listener: int
) -> None:
    from cockpit.domain.health import Status
    from cockpit.state.health_history import HealthHistory

    config = _contract_config(tmp_path, http.port, listener)
    state = tmp_path / "state.db"
    for _ in range(2):
        proc, _ = _cockpit("--config", str(config), "--state", str(state), "check", "--json")
        assert proc.returncode == 1
    history = HealthHistory.open(state)
    try:
        assert history.uptime_strip("broken", "local") == [Status.DOWN, Status.DOWN]
        assert history.availability("web", "local") == 100.0
    finally:
        history.close()


def test_watch_prints_changes_as_json_lines(
    tmp_path: Path, http: HealthHttpServer, listener: int
) -> None:
    config = _contract_config(tmp_path, http.port, listener)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "cockpit",
            "--config",
            str(config),
            "check",
            "--watch",
            "--json",
            "--service",
            "web",
            "--service",
            "broken",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert proc.stdout is not None
        lines = [json.loads(proc.stdout.readline()) for _ in range(2)]
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    assert {(s["name"], s["status"]) for s in lines} == {("web", "UP"), ("broken", "DOWN")}
