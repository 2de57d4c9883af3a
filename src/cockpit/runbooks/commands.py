"""Commands out of a code block: prompts stripped, continuations joined, output left out."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from cockpit.runbooks.shell import compound_depth, heredoc_ends, mask

SHELL_LANGUAGES = frozenset(
    {"bash", "sh", "shell", "zsh", "ksh", "fish", "console", "terminal", "shell-session",
     "shellsession", "sh-session", "bash-session", "cli", "command", "commands", "cmd"}
)  # fmt: skip
# Blocks that show a session: commands follow a prompt, every other line is output.
CONSOLE_LANGUAGES = frozenset(
    {"console", "terminal", "shell-session", "shellsession", "sh-session", "bash-session"}
)
_PROMPT = re.compile(r"[ \t]*(?:[\w.-]+@[\w.-]+(?::\S*)?)?[$%] ")
_CONTINUES = ("\\", "|", "&&", "||")

Kind = Literal["comment", "command", "blank"]


@dataclass(frozen=True)
class Line:
    """One logical line of a block: a comment, a whole command, or a blank line."""

    kind: Kind
    text: str


def block_language(info: str) -> str:
    """The language of a fenced block's info string (``bash``, ``{.sh}``, ``console title=x``)."""
    word = info.strip().split(maxsplit=1)[0] if info.strip() else ""
    return word.strip("{}.").lower()


def logical_lines(code: str, *, console: bool = False) -> list[Line]:
    """Split a shell block into comments and whole commands.

    A command runs on while a quote is open, the line ends in ``\\``, ``|``, ``&&`` or ``||``,
    a loop or ``if`` is open, or a here-document has not reached its end word. Lines ending in
    ``\\`` are joined with a blank; other lines of one command keep their line break.

    Args:
        code: The block's text.
        console: Take only lines after a ``$ `` prompt as commands (the rest is output). Also
            on when any line of the block starts with a prompt.
    """
    raw = code.split("\n")
    prompted = console or any(_PROMPT.match(r) for r in raw)
    out: list[Line] = []
    buf: list[str] = []
    quote: str | None = None
    depth = 0
    heredocs: list[str] = []
    for line in raw:
        if heredocs:
            buf.append(line)
            if line.strip() == heredocs[0]:
                heredocs.pop(0)
                if not heredocs and quote is None and depth <= 0:
                    out.append(Line("command", _join(buf)))
                    buf = []
            continue
        if not buf:
            stripped = line.strip()
            prompt = _PROMPT.match(line)
            if prompt is not None:
                line = line[prompt.end() :]
                stripped = line.strip()
            if not stripped:
                out.append(Line("blank", ""))
                continue
            if stripped.startswith("#"):
                if not stripped.startswith("#!"):
                    out.append(Line("comment", stripped.lstrip("#").strip()))
                continue
            if prompted and prompt is None:
                continue
        masked, quote = mask(line, quote)
        depth = max(depth + compound_depth(masked), 0) if quote is None else depth
        heredocs.extend(heredoc_ends(line, masked))
        buf.append(line)
        ends = not masked.rstrip().endswith(_CONTINUES)
        if quote is None and depth == 0 and not heredocs and ends:
            out.append(Line("command", _join(buf)))
            buf = []
    if buf:
        out.append(Line("command", _join(buf)))
    return out


def _join(lines: list[str]) -> str:
    joined: list[str] = []
    glue = False
    for line in lines:
        if glue and joined:
            joined[-1] += " " + line.strip()
        else:
            joined.append(line.rstrip())
        glue = joined[-1].endswith("\\") and not joined[-1].endswith("\\\\")
        if glue:
            joined[-1] = joined[-1][:-1].rstrip()
    return "\n".join(joined).strip()


_FIRST_WORD = re.compile(r"(?:[A-Za-z_][A-Za-z0-9_]*=\S*\s+)*(?:sudo\s+)?([\w./-]+)")


def looks_like_commands(code: str, known: frozenset[str]) -> bool:
    """Whether an untagged block reads as shell commands rather than prose or data.

    True when its first line that is not blank or a comment starts with a prompt, a path to
    a program (``./deploy.sh``), or a program in ``known``.
    """
    for line in code.split("\n"):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if _PROMPT.match(line):
            return True
        m = _FIRST_WORD.match(stripped)
        if m is None:
            return False
        word = m.group(1)
        return word.startswith(("./", "/", "~/")) or word.rsplit("/", 1)[-1] in known
    return False
