"""Steps in the making: the commands, notes and reference text gathered for each step."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from cockpit.runbooks.commands import (
    CONSOLE_LANGUAGES,
    SHELL_LANGUAGES,
    Line,
    block_language,
    logical_lines,
    looks_like_commands,
)
from cockpit.runbooks.inline import repair_mojibake
from cockpit.runbooks.model import Command, Step
from cockpit.runbooks.params import assigned, placeholders
from cockpit.runbooks.risk import PROGRAMS, READ_ONLY, mutating, words

_NUMBERED = re.compile(r"(?:step\s*)?\d{1,3}[.):]\s*(.*)", re.IGNORECASE)
_KNOWN = (
    frozenset(PROGRAMS)
    | READ_ONLY
    | words(
        "kubectl helm docker podman az aws gcloud systemctl journalctl terraform ansible "
        "ansible-playbook make npm pip pip3 python python3 node go cargo ssh scp rsync rm mv cp "
        "mkdir "
        "chmod chown kill pkill killall service export source openssl certbot logrotate redis-cli "
        "psql mysql mongo mongosh createdb dropdb pg_restore ab hey wrk k6 kubectx kubens stern "
        "eksctl oc vault consul nomad"
    )
)
_COMMENT_LEAD = re.compile(r"\s*(?:--|//|#|/\*|;)\s*(.*?)\s*(?:\*/)?$")
_MAX_TEXT = 120


@dataclass
class StepDraft:
    """A step being built: its text, commands and the notes that go with it."""

    text: str
    commands: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add_code(self, code: str, info: str) -> None:
        """Take a code block inside the step: shell commands, or reference text."""
        lang = block_language(info)
        if _is_shell(code, lang):
            for line in logical_lines(code, console=lang in CONSOLE_LANGUAGES):
                if line.kind == "command":
                    self.commands.append(line.text)
        else:
            self.add_note(code.strip("\n"))

    def add_note(self, note: str) -> None:
        """Keep text with the step that is not a command."""
        if note.strip():
            self.notes.append(note)


def _is_shell(code: str, lang: str) -> bool:
    return lang in SHELL_LANGUAGES or (not lang and looks_like_commands(code, _KNOWN))


def drafts_from_block(code: str, info: str) -> list[StepDraft]:
    """The steps of a code block standing on its own under a heading.

    A shell block is split at ``# 1. ...`` comments when it has any, else at each comment
    that follows a command or a blank line. Any other block (SQL, KQL, YAML, output) is one
    step of reference text.
    """
    lang = block_language(info)
    if not _is_shell(code, lang):
        if not code.strip():
            return []
        first = next(line for line in code.split("\n") if line.strip())
        m = _COMMENT_LEAD.fullmatch(first)
        return [StepDraft(_short(m.group(1) if m else first), notes=[code.strip("\n")])]
    lines = logical_lines(code, console=lang in CONSOLE_LANGUAGES)
    numbered = any(line.kind == "comment" and _NUMBERED.fullmatch(line.text) for line in lines)
    return _split(lines, numbered)


def _split(lines: list[Line], numbered: bool) -> list[StepDraft]:
    drafts: list[StepDraft] = []
    current: StepDraft | None = None
    fresh = True  # the last line was a command or a blank: a comment here starts a step
    for line in lines:
        if line.kind == "blank":
            fresh = True
        elif line.kind == "command":
            if current is None:
                current = StepDraft("")
                drafts.append(current)
            current.commands.append(line.text)
            fresh = True
        else:
            m = _NUMBERED.fullmatch(line.text) if numbered else None
            if m is not None or (not numbered and (fresh or current is None)):
                current = StepDraft(m.group(1) if m is not None else line.text)
                drafts.append(current)
            elif current is None:
                current = StepDraft(line.text)
                drafts.append(current)
            else:
                current.add_note(line.text)
            fresh = False
    return drafts


def _short(text: str) -> str:
    text = " ".join(repair_mojibake(text).split())
    return text if len(text) <= _MAX_TEXT else text[: _MAX_TEXT - 1] + "…"


def finish_steps(drafts: list[StepDraft]) -> list[Step]:
    """Final steps of one procedure; variables the procedure sets itself are not parameters."""
    local: set[str] = set()
    for draft in drafts:
        for command in draft.commands:
            local |= assigned(command)
    steps = []
    for draft in drafts:
        params: dict[str, None] = {}
        for command in draft.commands:
            for name in placeholders(command):
                if name not in local:
                    params.setdefault(name, None)
        text = draft.text or (_short(draft.commands[0].split("\n", 1)[0]) if draft.commands else "")
        steps.append(
            Step(
                text=text,
                commands=tuple(Command(c, mutating(c)) for c in draft.commands),
                params=tuple(params),
                reference="\n\n".join(draft.notes),
            )
        )
    return steps
