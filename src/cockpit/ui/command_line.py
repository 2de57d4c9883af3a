"""The `:` command line, the way k9s has it: `:env prod`, `:logs`, `:theme war-room`, `:q`."""

from __future__ import annotations

from dataclasses import dataclass

PANES = ("health", "logs", "metrics", "checklists")
COMMANDS = {
    "env": "env NAME: focus another environment",
    "theme": "theme NAME: switch theme",
    "health": "health: show the Health pane",
    "logs": "logs [SOURCE]: show Logs (only SOURCE when given)",
    "metrics": "metrics: show the Metrics pane",
    "checklists": "checklists: show the Checklists pane",
    "help": "help: show every key",
    "q": "q, quit: quit (no confirmation: you typed it)",
}
ALIASES = {"e": "env", "environment": "env", "quit": "q", "q!": "q", "log": "logs", "h": "help"}


@dataclass(frozen=True, slots=True)
class Command:
    """A parsed command line: its verb and what follows it."""

    verb: str
    argument: str = ""


class CommandError(ValueError):
    """What is wrong with a command line, in a sentence for the operator."""


def parse(line: str) -> Command:
    """Parse ``line`` (with or without its leading ``:``).

    Raises:
        CommandError: an unknown verb, or one missing its argument.
    """
    words = line.strip().removeprefix(":").split(maxsplit=1)
    if not words:
        raise CommandError("type a command: " + ", ".join(sorted(COMMANDS)))
    verb = ALIASES.get(words[0].lower(), words[0].lower())
    argument = words[1].strip() if len(words) > 1 else ""
    if verb not in COMMANDS:
        raise CommandError(f"unknown command {words[0]!r}; try: {', '.join(sorted(COMMANDS))}")
    if verb in ("env", "theme") and not argument:
        raise CommandError(f"{COMMANDS[verb]}")
    return Command(verb, argument)
