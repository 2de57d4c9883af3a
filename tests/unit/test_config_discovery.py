"""Which config file is used: --config, $COCKPIT_CONFIG, ./cockpit.yaml, XDG dir, default."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cockpit.config import ConfigError, discover_config, resolve
from tests.support.config_files import write_config


@pytest.fixture
def candidates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """One config file at every discovery level, each naming its own environment."""
    work = tmp_path / "work"
    xdg = Path(os.environ["XDG_CONFIG_HOME"])  # a temp dir, set by the autouse fixture
    files = {
        "cli": write_config(tmp_path / "cli", "environments: {from-cli: {}}\n", "c.yaml"),
        "env": write_config(tmp_path / "env", "environments: {from-env: {}}\n", "e.yaml"),
        "cwd": write_config(work, "environments: {from-cwd: {}}\n"),
        "xdg": write_config(xdg / "ops-cockpit", "environments: {from-xdg: {}}\n", "config.yaml"),
    }
    monkeypatch.chdir(work)
    return files


def env_name(cli: str | None = None) -> str:
    return next(iter(resolve(cli).config.environments))


def test_cli_beats_everything(candidates: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COCKPIT_CONFIG", str(candidates["env"]))
    assert env_name(str(candidates["cli"])) == "from-cli"
    assert resolve(str(candidates["cli"])).path == candidates["cli"]


def test_env_var_beats_cwd(candidates: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COCKPIT_CONFIG", str(candidates["env"]))
    assert env_name() == "from-env"


def test_cwd_beats_xdg(candidates: dict[str, Path]) -> None:
    assert env_name() == "from-cwd"
    assert resolve(None).base_dir == candidates["cwd"].parent.resolve()


def test_xdg_when_nothing_else(candidates: dict[str, Path]) -> None:
    candidates["cwd"].unlink()
    assert env_name() == "from-xdg"


def test_home_config_when_xdg_unset(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    write_config(home / ".config" / "ops-cockpit", "environments: {from-home: {}}\n", "config.yaml")
    monkeypatch.delenv("XDG_CONFIG_HOME")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(tmp_path)
    assert env_name() == "from-home"


def test_default_when_no_file(candidates: dict[str, Path]) -> None:
    candidates["cwd"].unlink()
    candidates["xdg"].unlink()
    loaded = resolve(None)
    assert loaded.path is None
    assert list(loaded.config.environments) == ["local"]


def test_missing_cli_path_is_an_error(candidates: dict[str, Path]) -> None:
    with pytest.raises(ConfigError) as caught:
        resolve("nope.yaml")
    (issue,) = caught.value.issues
    assert issue.file == str(candidates["cwd"].parent / "nope.yaml")
    assert "no such file (given by --config)" in issue.message


def test_missing_env_path_is_an_error(
    candidates: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COCKPIT_CONFIG", str(candidates["env"].parent / "gone.yaml"))
    with pytest.raises(ConfigError, match=r"given by \$COCKPIT_CONFIG"):
        resolve(None)


def test_relative_paths_resolve_against_given_cwd(tmp_path: Path) -> None:
    path = write_config(tmp_path / "a", "environments: {x: {}}\n", "my.yaml")
    found = discover_config("my.yaml", {}, tmp_path / "a")
    assert found == path
    assert discover_config(None, {"COCKPIT_CONFIG": "my.yaml"}, tmp_path / "a") == path
    assert discover_config(None, {"HOME": str(tmp_path)}, tmp_path) is None


def test_relative_xdg_is_ignored(tmp_path: Path) -> None:
    write_config(tmp_path / "rel" / "ops-cockpit", "environments: {x: {}}\n", "config.yaml")
    environ = {"XDG_CONFIG_HOME": "rel", "HOME": str(tmp_path / "nohome")}
    assert discover_config(None, environ, tmp_path) is None


def test_invalid_discovered_file_is_an_error_not_a_fallback(candidates: dict[str, Path]) -> None:
    candidates["cwd"].write_text("environments: {local: {nope: 1}}\n")
    with pytest.raises(ConfigError, match="unknown key 'nope'"):
        resolve(None)
