"""`cockpit metrics` against this machine (real psutil): table, JSON, exit codes, --watch."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import psutil
import pytest

from tests.support.cockpit_cli import cockpit_argv, cockpit_env, run_cockpit

pytestmark = pytest.mark.integration

CONFIG = """\
environments:
  local: {protection: none}
  prod: {description: Production}
metrics:
  - name: root disk
    environments: [local]
    host: {metric: disk_percent, mount: /}
    warn: 99.9
  - name: used memory
    environments: [local]
    host: {metric: memory_used}
  - name: memory
    environments: [prod]
    host: {metric: memory_percent}
    crit: 0.001
    action: Scale up
"""


def write(tmp_path: Path, text: str = CONFIG) -> Path:
    path = tmp_path / "cockpit.yaml"
    path.write_text(text)
    return path


def test_json_lists_values_units_and_state(tmp_path: Path) -> None:
    config = write(tmp_path)
    done = run_cockpit(
        ["--config", str(config), "metrics", "--env", "local", "--json"], tmp_path, tmp_path
    )
    assert done.returncode == 0, done.stderr
    metrics = {m["name"]: m for m in json.loads(done.stdout)["metrics"]}
    assert set(metrics) == {"root disk", "used memory"}  # never prod's
    disk = metrics["root disk"]
    assert disk["environment"] == "local" and disk["unit"] == "%" and disk["status"] == "ok"
    assert abs(disk["value"] - psutil.disk_usage("/").percent) < 1.0
    assert disk["series"] and disk["series"][-1][1] == disk["value"]
    used = metrics["used memory"]
    assert used["unit"] == "B" and 0 < used["value"] < psutil.virtual_memory().total


def test_a_metric_at_crit_exits_one_and_says_what_to_do(tmp_path: Path) -> None:
    config = write(tmp_path)
    done = run_cockpit(["--config", str(config), "metrics", "--env", "prod"], tmp_path, tmp_path)
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert lines[0].split() == ["STATUS", "METRIC", "VALUE", "HISTORY"]
    assert lines[1].startswith("CRIT    memory") and lines[1].endswith("> 0.001 Scale up")


def test_every_environment_by_default_with_an_environment_column(tmp_path: Path) -> None:
    config = write(tmp_path)
    done = run_cockpit(["--config", str(config), "metrics"], tmp_path, tmp_path)
    assert done.returncode == 1  # prod's memory is at crit
    header, *rows = done.stdout.splitlines()
    assert header.split()[:3] == ["STATUS", "METRIC", "ENV"]
    # Trouble first within each environment, each row naming its environment.
    envs = {" ".join(r.split()[1:3]): r.split()[3] for r in rows if "disk" in r or "used" in r}
    assert envs == {"root disk": "local", "used memory": "local"}
    crit = next(r for r in rows if r.startswith("CRIT"))
    assert crit.split()[1:3] == ["memory", "prod"]


def test_a_metric_that_cannot_be_read_shows_why_and_exits_one(tmp_path: Path) -> None:
    config = write(
        tmp_path,
        "environments: {local: {}}\nmetrics:\n"
        "  - {name: gone, host: {metric: disk_percent, mount: /no/such/mount}}\n",
    )
    done = run_cockpit(["--config", str(config), "metrics", "--json"], tmp_path, tmp_path)
    assert done.returncode == 1
    (gone,) = json.loads(done.stdout)["metrics"]
    assert gone["status"] == "error" and gone["value"] is None
    assert gone["error"] == "disk /no/such/mount: No such file or directory"


def test_unknown_environment_and_bad_config_exit_two(tmp_path: Path) -> None:
    config = write(tmp_path)
    done = run_cockpit(["--config", str(config), "metrics", "--env", "qa"], tmp_path, tmp_path)
    assert done.returncode == 2
    assert "unknown environment 'qa'; known: local, prod" in done.stderr
    bad = write(
        tmp_path, "environments: {local: {}}\nmetrics:\n  - {name: x, host: {metric: cpu}}\n"
    )
    done = run_cockpit(["--config", str(bad), "metrics"], tmp_path, tmp_path)
    assert done.returncode == 2 and "cockpit.yaml:3:" in done.stderr


def test_watch_prints_a_table_per_round_until_stopped(tmp_path: Path) -> None:
    config = write(tmp_path)
    proc = subprocess.Popen(
        cockpit_argv("--config", str(config), "metrics", "--env", "local", "--watch", "--json"),
        cwd=tmp_path,
        env=cockpit_env(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    rounds = []
    deadline = time.monotonic() + 30
    while len(rounds) < 3 and time.monotonic() < deadline:
        rounds.append(json.loads(proc.stdout.readline()))
    proc.terminate()
    proc.wait(10)
    assert len(rounds) == 3
    assert rounds[0]["at"] < rounds[1]["at"] < rounds[2]["at"]
    series = [len(r["metrics"][0]["series"]) for r in rounds]
    assert series[0] < series[2]  # each round adds a reading
