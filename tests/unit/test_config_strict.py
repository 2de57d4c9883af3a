"""Config values taken as written or refused at FILE:LINE, never converted or guessed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.support.config_files import issues_of, load_ok, only_issue, write_config

HOST = """
environments:
  local: {}
services:
  - name: h
    checks:
      - host: {disk: {warn: %s}}
"""


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ('"80"', "remove the quotes: 80"),
        ("9_0", "write 90 (no underscores in a number)"),
        (".nan", "finite number"),
        (".inf", "finite number"),
        ("-5", "must be at least 0"),
        ("150", "over 100%"),
    ],
)
def test_thresholds_are_numbers_as_written(tmp_path: Path, value: str, says: str) -> None:
    issue = only_issue(write_config(tmp_path, HOST % value))
    assert issue.line == 6 and "services[0].checks[0].host.disk.warn" in issue.message
    assert says in issue.message


def test_thresholds_in_order_and_whole_numbers_accepted(tmp_path: Path) -> None:
    issue = only_issue(write_config(tmp_path, HOST % "90, crit: 80"))
    assert "swap them" in issue.message
    loaded = load_ok(write_config(tmp_path, HOST % "85"))
    disk = loaded.config.services[0].checks[0].host.disk  # type: ignore[union-attr]
    assert disk is not None and disk.warn == 85.0


def test_colour_empty_environments_and_bad_ports(tmp_path: Path) -> None:
    text = """
    environments:
      local: {colour: "not-a-colour"}
      prod: {colour: "#A40E26"}
      staging: {colour: crimson}
    services:
      - name: a
        environments: []
        checks:
          - http: {url: "http://127.0.0.1:99999/health"}
          - http: {url: "http://127.0.0.1:0/health"}
          - http: {url: "http:///health"}
    logs:
      - name: b
        environments: []
        file: {path: x.log}
    """
    issues = {issue.line: issue.message for issue in issues_of(write_config(tmp_path, text))}
    assert sorted(issues) == [2, 7, 9, 10, 11, 14]
    assert "not a colour" in issues[2] and "#A40E26" in issues[2]
    assert "empty list would mean nowhere" in issues[7] and issues[14].startswith("logs[0]")
    assert "Port out of range" in issues[9] and "1-65535" in issues[9]
    assert "port 0" in issues[10]
    assert "no host" in issues[11]


def test_a_config_that_is_not_a_regular_file_says_what_it_is(tmp_path: Path) -> None:
    from cockpit.config import ConfigError
    from cockpit.config.loader import read_config_text

    fifo = tmp_path / "fifo.yaml"
    os.mkfifo(fifo)
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    (tmp_path / "dangling.yaml").symlink_to(tmp_path / "gone.yaml")
    cases = {
        fifo: "named pipe (FIFO)",  # and the read does not block
        Path("/dev/zero"): "is a device",
        tmp_path / "a": "loop of symbolic links",
        tmp_path / "dangling.yaml": "which does not exist",
        tmp_path: "is a directory",
        tmp_path / "none.yaml": "no such file",
    }
    for path, says in cases.items():
        with pytest.raises(ConfigError) as caught:
            read_config_text(path)
        assert says in str(caught.value), path
