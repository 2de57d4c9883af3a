"""A checklist item's command: its own ``command:`` or the first command line of its hint.

It runs through the actions' gate (:meth:`cockpit.actions.gate.Gate.prepare_runbook`): one that
only reads runs at once and its sanitized output becomes the tick's evidence; one that changes
things is previewed and confirmed as any action is.
"""

from __future__ import annotations

TIMEOUT = 20.0
OUTPUT_LIMIT = 64 * 1024
EVIDENCE_LINES = 40
_SHELL_SYNTAX = frozenset("|&;<>()$`*?[]{}~")


def command_of(command: str | None, hint: str | None) -> str | None:
    """The item's command: ``command``, else the first line of its hint that is not a comment."""
    if command and command.strip():
        return command.strip()
    for line in (hint or "").splitlines():
        text = line.strip().removeprefix("$ ").strip()
        if text and not text.startswith("#"):
            return text
    return None
