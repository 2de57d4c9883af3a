"""Running a checklist item's read-only command, its sanitized output kept as the tick's evidence.

Only commands the runbook risk rules call read-only run from a checklist (``df -h``, ``curl -f
URL``, ``kubectl get pods``); a mutating one (restart, delete, scale...) is refused here and
belongs to the actions, which preview and confirm it. The command text comes from the config
or the runbook as written, never with values put into it. A plain command runs as an argv list;
one with shell syntax (a pipe into ``grep``) runs through ``sh -c``, the way the runbook shows
it. Every run has a timeout and its whole process group is killed when it is over.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import signal
import subprocess
from dataclasses import dataclass
from pathlib import Path

from cockpit.runbooks.risk import mutating
from cockpit.text.sanitize import plain

TIMEOUT = 20.0
OUTPUT_LIMIT = 64 * 1024
EVIDENCE_LINES = 40
_SHELL_SYNTAX = frozenset("|&;<>()$`*?[]{}~")


class CommandRefused(Exception):
    """The command may not run from a checklist; the message says why and where it can."""


@dataclass(frozen=True, slots=True)
class CheckRun:
    """What running a check command gave.

    Attributes:
        command: The command as written.
        exit_code: Its exit status (None when it was stopped at the timeout).
        output: Its stdout and stderr, sanitized, the last :data:`EVIDENCE_LINES` lines.
    """

    command: str
    exit_code: int | None
    output: str

    @property
    def passed(self) -> bool:
        """Exited 0."""
        return self.exit_code == 0

    @property
    def summary(self) -> str:
        """One line: the command and how it ended."""
        how = "timed out" if self.exit_code is None else f"exit {self.exit_code}"
        return f"ran `{plain(self.command, 200)}` ({how})"


def command_of(command: str | None, hint: str | None) -> str | None:
    """The item's command: ``command``, else the first line of its hint that is not a comment."""
    if command and command.strip():
        return command.strip()
    for line in (hint or "").splitlines():
        text = line.strip().removeprefix("$ ").strip()
        if text and not text.startswith("#"):
            return text
    return None


def argv_for(command: str) -> list[str]:
    """An argv list: the words themselves, or ``sh -c`` for shell syntax."""
    if any(ch in _SHELL_SYNTAX for ch in command):
        return ["sh", "-c", command]
    return shlex.split(command)


def run_check(command: str, cwd: Path | None = None, timeout: float = TIMEOUT) -> CheckRun:
    """Run a read-only command and collect its output.

    Raises:
        CommandRefused: The command is mutating (or cannot be parsed).
    """
    try:
        if mutating(command):
            raise CommandRefused(
                f"`{plain(command, 120)}` changes things: it runs as an action, previewed and "
                "confirmed, not from a checklist"
            )
        argv = argv_for(command)
    except ValueError as exc:
        raise CommandRefused(f"cannot read `{plain(command, 120)}`: {exc}") from None
    try:
        proc = subprocess.Popen(
            argv,
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    except OSError as exc:
        return CheckRun(command, 127, plain(f"{argv[0]}: {exc.strerror or exc}", 300))
    try:
        out, _ = proc.communicate(timeout=timeout)
        code: int | None = proc.returncode
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate()
        code = None
    text = out[-OUTPUT_LIMIT:].decode("utf-8", errors="replace")
    lines = [plain(line, 500) for line in text.splitlines()[-EVIDENCE_LINES:]]
    return CheckRun(command, code, "\n".join(lines))
