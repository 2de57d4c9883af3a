"""`cockpit action` and `cockpit audit` through the installed command, each call its own process."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from tests.support.cockpit_cli import cockpit_argv, cockpit_env
from tests.support.cockpit_cli import cockpit_in as cockpit

SEED_000 = Path(__file__).parents[1] / "fixtures" / "seeds" / "000_03bb805b86b7230a.txt"

CONTRACT = """\
environments:
  local: {protection: none}
  prod: {protection: typed}
actions:
  - name: touch-marker
    environments: [local, prod]
    command: {argv: [touch, "{path}"]}
    params:
      path: {type: pattern, pattern: "^[a-z0-9-]+$"}
"""

MORE = """\
environments:
  local: {protection: none}
  stage: {protection: confirm}
  prod: {protection: typed}
  frozen: {read_only: true}
actions:
  - name: echo-args

    command:
      script: 'printf "%s|" "$1" "$2"; echo; echo "token=$SECRET_TOKEN"'
      args: ["{word}", "{count}"]
      env: {SECRET_TOKEN: "abc{count}defghij"}
    params:
      word: {type: name}
      count: {type: int, min: 1, max: 10}
  - name: sleepy
    command: {argv: [sleep, "30"]}
    timeout: 1s
  - name: failing
    command: {argv: ["false"]}
"""


@pytest.fixture
def home(tmp_path: Path) -> Path:
    (tmp_path / "c.yaml").write_text(CONTRACT)
    return tmp_path


def _echo(home: Path, env: str, *extra: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return cockpit(
        home,
        "--config",
        "c.yaml",
        "action",
        "run",
        "echo-args",
        "--env",
        env,
        "--param",
        "word=web",
        "--param",
        "count=3",
        *extra,
        stdin=stdin,
    )


def _run(home: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return cockpit(home, "--config", "c.yaml", "action", "run", "touch-marker", *extra)


def test_the_contract(home: Path) -> None:
    bare = _run(home, "--env", "prod", "--param", "path=m1")
    assert bare.returncode != 0 and not (home / "m1").exists()
    assert "type its name" in bare.stderr
    done = _run(home, "--env", "prod", "--param", "path=m1", "--confirm", "prod")
    assert done.returncode == 0, done.stderr
    assert (home / "m1").is_file()
    assert "argv: touch m1" in done.stdout
    ro = _run(home, "--env", "prod", "--param", "path=m3", "--confirm", "prod", "--read-only")
    assert ro.returncode != 0 and not (home / "m3").exists()
    inject = _run(home, "--env", "prod", "--param", "path=m2; rm -rf /", "--confirm", "prod")
    option = _run(home, "--env", "prod", "--param", "path=--help", "--confirm", "prod")
    assert inject.returncode != 0 and option.returncode != 0
    assert sorted(p.name for p in home.iterdir() if p.name != "xdg") == ["c.yaml", "m1", "state.db"]

    audit = cockpit(home, "--config", "c.yaml", "audit", "--json")
    assert audit.returncode == 0, audit.stderr
    rows = json.loads(audit.stdout)
    assert [(r["params"]["path"], r["outcome"]) for r in rows] == [
        ("m1", "refused"),
        ("m1", "ok"),
        ("m3", "refused"),
        ("m2; rm -rf /", "refused"),
        ("--help", "refused"),
    ]
    for row in rows:
        assert {"time", "user", "environment", "action", "params", "outcome", "exit_code"} <= set(
            row
        )
        assert row["user"].startswith("alice") and row["environment"] == "prod"
        assert row["action"] == "touch-marker"
    assert rows[1]["exit_code"] == 0 and rows[1]["call"]["argv"] == ["touch", "m1"]
    assert "read-only" in rows[2]["reason"]


def test_no_protection_runs_on_one_word_and_confirm_needs_yes(home: Path) -> None:
    (home / "c.yaml").write_text(MORE)
    local = _echo(home, "local")
    assert local.returncode == 0, local.stderr
    # Values arrive as $1 and $2, the token-like output is redacted before it is shown.
    assert "| web|3|" in local.stdout
    assert "abc3defghij" not in local.stdout and "token=<redacted>" in local.stdout
    no = _echo(home, "stage", stdin="y\n")
    assert no.returncode == 3 and "asks for a yes" in no.stderr
    yes = _echo(home, "stage", "--yes")
    assert yes.returncode == 0, yes.stderr
    frozen = _echo(home, "frozen")
    assert frozen.returncode == 3 and "frozen is read-only" in frozen.stderr
    rows = json.loads(cockpit(home, "--config", "c.yaml", "audit", "--json").stdout)
    assert [r["outcome"] for r in rows] == ["ok", "refused", "ok", "refused"]
    assert "abc3defghij" not in json.dumps(rows)


@pytest.mark.parametrize(
    ("word", "count", "problem"),
    [
        ("pod; rm -rf /", "3", "not a DNS-1123 name"),
        ("$(id)", "3", "not a DNS-1123 name"),
        ("--all", "3", "starts with `-`"),
        ("web", "-1", "starts with `-`"),
        ("web", "3 --force", "not a whole number"),
        ("web", "11", "out of range"),
    ],
)
def test_adversarial_values_are_refused_and_recorded(
    home: Path, word: str, count: str, problem: str
) -> None:
    (home / "c.yaml").write_text(MORE)
    done = cockpit(
        home,
        "--config",
        "c.yaml",
        "action",
        "run",
        "echo-args",
        "--env",
        "local",
        f"--param=word={word}",
        f"--param=count={count}",
    )
    assert done.returncode == 3 and problem in done.stderr
    assert "|" not in done.stdout
    rows = json.loads(cockpit(home, "--config", "c.yaml", "audit", "--json").stdout)
    assert [r["outcome"] for r in rows] == ["refused"]
    assert rows[0]["params"] == {"word": word, "count": count}


def test_timeout_and_failure_exit_1_with_their_outcome(home: Path) -> None:
    (home / "c.yaml").write_text(MORE)
    slow = cockpit(home, "--config", "c.yaml", "action", "run", "sleepy", "--env", "local")
    assert slow.returncode == 1 and "timeout" in slow.stdout
    bad = cockpit(home, "--config", "c.yaml", "action", "run", "failing", "--env", "local")
    assert bad.returncode == 1 and "exit 1" in bad.stdout
    rows = json.loads(cockpit(home, "--config", "c.yaml", "audit", "--json").stdout)
    assert [(r["action"], r["outcome"], r["exit_code"]) for r in rows] == [
        ("sleepy", "timeout", None),
        ("failing", "failed", 1),
    ]


def test_list_and_preview(home: Path) -> None:
    listed = cockpit(home, "--config", "c.yaml", "action", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    envs = [(a["environment"], a["protection"]) for a in json.loads(listed.stdout)["actions"]]
    assert envs == [("local", "none"), ("prod", "typed")]
    preview = _run(home, "--env", "prod", "--param", "path=m9", "--preview")
    assert preview.returncode == 0 and "argv: touch m9" in preview.stdout
    assert not (home / "m9").exists()
    unknown = cockpit(home, "--config", "c.yaml", "action", "run", "nope", "--env", "prod")
    assert unknown.returncode == 3 and "touch-marker" in unknown.stderr


SECRETS = """\
environments:
  local: {protection: none}
  prod: {protection: typed}
actions:
  - name: leak
    command:
      script: 'echo "db password is $DB_PASS"; echo "Authorization: Bearer abcdef0123456789"'
      env: {DB_PASS: "${LEAKY_SECRET:-unset-secret}"}
  - name: sleepy
    command: {argv: [sleep, "60"]}
  - name: backend-down
    environments: [prod]
    procedure: {runbook: seed-000.md, procedure: Backend Service Down}
"""


def test_secrets_never_reach_the_screen_or_the_trail(home: Path) -> None:
    (home / "c.yaml").write_text(SECRETS)
    env_secret = "s3cr3t-value-42"
    done = subprocess.run(
        cockpit_argv("--config", "c.yaml", "action", "run", "leak", "--env", "local"),
        cwd=home,
        env=cockpit_env(home)
        | {"COCKPIT_STATE": str(home / "state.db"), "LEAKY_SECRET": env_secret},
        input="",
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert env_secret not in done.stdout and "abcdef0123456789" not in done.stdout
    assert "db password is <redacted>" in done.stdout
    rows = cockpit(home, "--config", "c.yaml", "audit", "--json").stdout
    assert env_secret not in rows and "abcdef0123456789" not in rows
    with sqlite3.connect(home / "state.db") as conn:
        stored = "\n".join(str(r) for r in conn.execute("SELECT summary, details FROM audit"))
    assert env_secret not in stored and "abcdef0123456789" not in stored


def test_a_run_killed_midway_is_outcome_unknown_and_never_rerun(home: Path) -> None:
    (home / "c.yaml").write_text(SECRETS)
    env = cockpit_env(home) | {"COCKPIT_STATE": str(home / "state.db")}
    proc = subprocess.Popen(
        cockpit_argv("--config", "c.yaml", "action", "run", "sleepy", "--env", "local"),
        cwd=home,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            if b"argv: sleep 60" in line:
                break
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            rows = json.loads(cockpit(home, "--config", "c.yaml", "audit", "--json").stdout)
            if rows:
                break
            time.sleep(0.1)
        assert [r["outcome"] for r in rows] == ["running"]
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    rows = json.loads(cockpit(home, "--config", "c.yaml", "audit", "--json").stdout)
    assert [r["outcome"] for r in rows] == ["outcome unknown"]
    # Nothing picks the run up again: a later look still shows the one unknown attempt.
    time.sleep(0.5)
    again = json.loads(cockpit(home, "--config", "c.yaml", "audit", "--json").stdout)
    assert again == rows


def test_the_seed_procedure_previews_its_steps_with_their_risk(home: Path) -> None:
    (home / "c.yaml").write_text(SECRETS)
    (home / "seed-000.md").write_text(SEED_000.read_text())
    done = cockpit(
        home, "--config", "c.yaml", "action", "run", "backend-down", "--env", "prod", "--preview"
    )
    assert done.returncode == 0, done.stderr
    steps = [line.strip() for line in done.stdout.splitlines() if line.strip().startswith("step")]
    assert len(steps) == 5
    assert [("[mutating" in s) for s in steps] == [False, False, True, False, False]
    assert "az webapp restart --name wine-quality-backend" in steps[2]
    # Without the typed confirmation nothing runs, not even the read-only first step.
    refused = cockpit(home, "--config", "c.yaml", "action", "run", "backend-down", "--env", "prod")
    assert refused.returncode == 3 and "type its name" in refused.stderr


def test_the_example_configs_procedures_preview_from_their_runbook(home: Path) -> None:
    example = Path(__file__).parents[2] / "config.example.yaml"
    done = cockpit(
        home,
        "--config",
        str(example),
        "action",
        "run",
        "scale-out-plan",
        "--env",
        "azure-prod",
        "--param",
        "workers=3",
        "--preview",
    )
    assert done.returncode == 0, done.stderr
    assert "  params: workers=3" in done.stdout
    steps = [line.strip() for line in done.stdout.splitlines() if line.strip().startswith("step")]
    assert [("[mutating" in s) for s in steps] == [False, True]
    too_many = cockpit(
        home, "--config", str(example), "action", "run", "scale-out-plan", "--env", "azure-prod",
        "--param", "workers=50", "--preview",
    )  # fmt: skip
    assert too_many.returncode == 3 and "out of range" in too_many.stderr
