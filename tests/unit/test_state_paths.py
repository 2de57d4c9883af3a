"""Where state lives and who the operator is."""

from __future__ import annotations

import os
import pwd
from pathlib import Path

import pytest

from cockpit.domain.paths import current_user, default_state_path, operator_id


def test_cockpit_state_wins_over_xdg() -> None:
    env = {"COCKPIT_STATE": "/srv/cockpit/s.db", "XDG_DATA_HOME": "/x", "HOME": "/home/a"}
    assert default_state_path(env) == Path("/srv/cockpit/s.db")


def test_cockpit_state_expands_tilde() -> None:
    assert default_state_path({"COCKPIT_STATE": "~/s.db"}) == Path("~/s.db").expanduser()


def test_xdg_data_home_is_used() -> None:
    env = {"XDG_DATA_HOME": "/data", "HOME": "/home/a"}
    assert default_state_path(env) == Path("/data/ops-cockpit/state.db")


@pytest.mark.parametrize("xdg", [None, "", "relative/dir"])
def test_missing_or_relative_xdg_falls_back_to_local_share(xdg: str | None) -> None:
    env = {"HOME": "/home/a"}
    if xdg is not None:
        env["XDG_DATA_HOME"] = xdg
    assert default_state_path(env) == Path("/home/a/.local/share/ops-cockpit/state.db")


def test_process_environment_is_read_when_no_mapping(tmp_path: Path) -> None:
    # conftest points XDG_DATA_HOME at a temp dir and removes COCKPIT_STATE.
    expected = Path(os.environ["XDG_DATA_HOME"]) / "ops-cockpit" / "state.db"
    assert default_state_path() == expected


def test_cockpit_user_wins() -> None:
    assert current_user({"COCKPIT_USER": "alice", "USER": "ops"}) == "alice"


def test_blank_cockpit_user_is_ignored() -> None:
    assert current_user({"COCKPIT_USER": "  ", "LOGNAME": "bob", "USER": "ops"}) == "bob"


def test_login_variables_in_getpass_order() -> None:
    assert current_user({"USER": "ops", "USERNAME": "win"}) == "ops"
    assert current_user({"USERNAME": "win"}) == "win"


def test_without_variables_the_account_name_is_used() -> None:
    assert current_user({}) == pwd.getpwuid(os.getuid()).pw_name


def test_process_environment_user(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COCKPIT_USER", "carol")
    assert current_user() == "carol"
    monkeypatch.delenv("COCKPIT_USER")
    monkeypatch.setenv("LOGNAME", "dave")
    assert current_user() == "dave"


def test_operator_is_user_at_host() -> None:
    import socket

    host = socket.gethostname().split(".")[0]
    assert operator_id({"COCKPIT_USER": "alice"}) == f"alice@{host}"
    # A name that already says where it comes from is kept.
    assert operator_id({"COCKPIT_USER": "alice@jump1"}) == "alice@jump1"
