"""``${VAR}`` references in config strings, so secrets stay in the environment, not in the file.

Forms: ``${VAR}`` (must be set), ``${VAR:-default}`` (the default when VAR is unset or empty) and
``$$`` for a literal dollar. A ``$`` followed by anything else is kept as written, so shell-like
text such as ``$HOME`` or ``cost: $5`` needs no escaping.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True, slots=True)
class ExpansionProblem:
    """A reference that could not be expanded; ``token`` is its text as written."""

    token: str
    message: str


@dataclass(frozen=True, slots=True)
class Expansion:
    """The expanded text, the variable names it used, and any problems."""

    value: str
    names: tuple[str, ...] = ()
    problems: tuple[ExpansionProblem, ...] = field(default=())


def expand(text: str, environ: Mapping[str, str]) -> Expansion:
    """Expand every ``${...}`` reference and ``$$`` escape in ``text``.

    A missing variable (or a malformed reference) becomes an empty string in ``value`` and an
    entry in ``problems`` whose message says what to do about it.
    """
    out: list[str] = []
    names: list[str] = []
    problems: list[ExpansionProblem] = []
    i = 0
    while True:
        j = text.find("$", i)
        if j < 0 or j + 1 >= len(text):
            out.append(text[i:])
            break
        out.append(text[i:j])
        after = text[j + 1]
        if after == "$":
            out.append("$")
            i = j + 2
            continue
        if after != "{":
            out.append("$")
            i = j + 1
            continue
        close = text.find("}", j + 2)
        if close < 0:
            problems.append(
                ExpansionProblem(
                    text[j : j + 2],
                    "unclosed ${ (write ${NAME}, or $$ for a literal dollar sign)",
                )
            )
            break
        token = text[j : close + 1]
        name, sep, default = text[j + 2 : close].partition(":-")
        i = close + 1
        if not _NAME.fullmatch(name):
            problems.append(
                ExpansionProblem(
                    token,
                    f"{token} is not a variable reference: a name is letters, digits and _ "
                    "(write $${...} for literal text)",
                )
            )
            continue
        names.append(name)
        value = environ.get(name)
        if sep:
            out.append(value if value else default)
        elif value is None:
            problems.append(
                ExpansionProblem(
                    token,
                    f"environment variable {name} is not set: export it, or give a default "
                    f"with ${{{name}:-default}}",
                )
            )
        else:
            out.append(value)
    return Expansion("".join(out), tuple(names), tuple(problems))
