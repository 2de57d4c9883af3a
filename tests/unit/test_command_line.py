"""Parsing the `:` command line."""

from __future__ import annotations

import pytest

from cockpit.ui.command_line import Command, CommandError, parse


@pytest.mark.parametrize(
    ("line", "command"),
    [
        (":env prod", Command("env", "prod")),
        ("e  staging ", Command("env", "staging")),
        (":theme war-room", Command("theme", "war-room")),
        (":q", Command("q")),
        (":quit", Command("q")),
        (":logs api", Command("logs", "api")),
        (":logs", Command("logs")),
        ("HEALTH", Command("health")),
    ],
)
def test_commands(line: str, command: Command) -> None:
    assert parse(line) == command


@pytest.mark.parametrize(
    ("line", "message"),
    [(":", "type a command"), (":deploy now", "unknown command 'deploy'"), (":env", "env NAME")],
)
def test_errors_say_what_to_type(line: str, message: str) -> None:
    with pytest.raises(CommandError, match=message):
        parse(line)
