"""`cockpit validate` and `cockpit config` as a user runs them: a real process, real files."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from tests.support.config_files import CONTRACT, write_config

REPO = Path(__file__).resolve().parents[2]


def cockpit(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    environ = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "cockpit", *args],
        cwd=cwd,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_validate_contract_ok(tmp_path: Path) -> None:
    path = write_config(tmp_path, CONTRACT, "contract.yaml")
    done = cockpit("validate", str(path), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"{path}: ok (2 environments)"
    assert done.stderr == ""


def test_validate_contract_unknown_key(tmp_path: Path) -> None:
    path = write_config(tmp_path, CONTRACT + "    colour_scheme: x\n", "contract.yaml")
    done = cockpit("validate", str(path), cwd=tmp_path)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    first = done.stderr.splitlines()[0]
    assert first.startswith(f"{path}:9:")
    assert "colour_scheme" in first
    assert done.stdout == ""


def test_validate_relative_path_is_named_as_given(tmp_path: Path) -> None:
    write_config(tmp_path, "environments:\n  local:\n    read_only: no\n", "c.yaml")
    done = cockpit("validate", "c.yaml", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.startswith("c.yaml:3:16: environments.local.read_only: no is ambiguous")
    assert done.stderr.splitlines()[-1] == "c.yaml: 1 problem, config not valid"


def test_validate_reports_every_problem(tmp_path: Path) -> None:
    text = "environments:\n  a: {protection: x}\n  b: {badge: 010}\n  c: {nope: 1}\n"
    write_config(tmp_path, text, "c.yaml")
    done = cockpit("validate", "c.yaml", cwd=tmp_path)
    assert done.returncode == 2
    lines = done.stderr.splitlines()
    assert [line.split(": ")[0] for line in lines] == [
        "c.yaml:2:19",
        "c.yaml:3:14",
        "c.yaml:4:7",
        "c.yaml",
    ]
    assert "Traceback" not in done.stderr


def test_validate_yaml_syntax_error_and_missing_file(tmp_path: Path) -> None:
    write_config(tmp_path, "environments: [\n", "broken.yaml")
    done = cockpit("validate", "broken.yaml", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.startswith("broken.yaml:2:1: invalid YAML")
    done = cockpit("validate", "absent.yaml", cwd=tmp_path)
    assert done.returncode == 2
    assert "absent.yaml: no such file (given by --config)" in done.stderr
    assert "Traceback" not in done.stderr


def test_validate_uses_discovery_and_global_option(tmp_path: Path) -> None:
    write_config(tmp_path, CONTRACT)  # ./cockpit.yaml
    env = {"XDG_CONFIG_HOME": str(tmp_path / "xdg")}
    done = cockpit("validate", cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"{tmp_path / 'cockpit.yaml'}: ok (2 environments)"
    other = write_config(tmp_path, "environments: {solo: {}}\n", "other.yaml")
    done = cockpit("--config", str(other), "validate", cwd=tmp_path, env=env)
    assert done.stdout.strip() == f"{other}: ok (1 environment)"
    # After the command's name too, as people type it (argparse refused this before).
    done = cockpit("validate", "--config", str(other), cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"{other}: ok (1 environment)"


def test_validate_without_any_file_checks_the_default(tmp_path: Path) -> None:
    done = cockpit("validate", cwd=tmp_path, env={"XDG_CONFIG_HOME": str(tmp_path / "xdg")})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().startswith("built-in default (no config file): ok (1 environment")


def test_example_config_validates() -> None:
    env = {"AZURE_SUBSCRIPTION_ID": "", "PROMETHEUS_TOKEN": ""}
    done = cockpit("validate", str(REPO / "config.example.yaml"), cwd=REPO, env=env)
    assert done.returncode == 0, done.stderr
    assert "ok (6 environments" in done.stdout


def test_config_schema(tmp_path: Path) -> None:
    done = cockpit("config", "schema", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    schema = json.loads(done.stdout)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["title"] == "ops-cockpit configuration"
    assert "environments" in schema["required"]
    env = schema["$defs"]["Environment"]
    assert env["additionalProperties"] is False
    assert "name" not in env["properties"]
    assert (
        env["properties"]["read_only"]["description"]
        == "Refuse every action against this environment."
    )
    assert schema["$defs"]["Protection"]["enum"] == ["none", "confirm", "typed"]
    # A due time is offered as it is written (10h), on a checklist and on each inline item.
    for model in ("ChecklistConfig", "ChecklistItemConfig"):
        (due, _none) = schema["$defs"][model]["properties"]["due"]["anyOf"]
        assert due["type"] == "string" and "10h" in due["examples"]
        assert re.fullmatch(due["pattern"], "10h") and not re.fullmatch(due["pattern"], "10:00")


def test_config_path(tmp_path: Path) -> None:
    env = {"XDG_CONFIG_HOME": str(tmp_path / "xdg")}
    done = cockpit("config", "path", cwd=tmp_path, env=env)
    assert done.returncode == 0
    assert "built-in local default" in done.stdout
    write_config(tmp_path, CONTRACT)
    done = cockpit("config", "path", cwd=tmp_path, env=env)
    assert done.stdout.strip() == str(tmp_path / "cockpit.yaml")
