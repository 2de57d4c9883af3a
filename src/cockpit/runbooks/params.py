"""Placeholders a command needs filled in: ``<container-id>``, ``$VAR``, ``{{ var }}``."""

from __future__ import annotations

import re

from cockpit.runbooks.risk import words
from cockpit.runbooks.shell import mask

_ANGLE = re.compile(r"(?<![<\w])<([A-Za-z][A-Za-z0-9_.:-]*)>(?!>)")
_VAR = re.compile(r"(?<!\\)\$(?:\{([A-Za-z_][A-Za-z0-9_]*)|([A-Za-z_][A-Za-z0-9_]*))")
_MUSTACHE = re.compile(r"\{\{-?\s*([A-Za-z_][A-Za-z0-9_.-]*)\s*-?\}\}")
# Go templates (kubectl -o go-template, docker --format) use dotted fields and keywords.
_GO_TEMPLATE = re.compile(r"\{\{-?\s*(?:\.|\$|range\b|if\b|with\b|end\b|printf\b|index\b|json\b)")
_ASSIGNED = re.compile(
    r"(?:^|(?<=[\s;&|(]))(?:export\s+|local\s+|readonly\s+)?([A-Za-z_][A-Za-z0-9_]*)\+?="
    r"|\bfor\s+([A-Za-z_][A-Za-z0-9_]*)\s+in\b"
    r"|\bread\s+(?:-\w+\s+)*([A-Za-z_][A-Za-z0-9_ ]*)"
)
# Set by the shell or the login: never something the runbook asks for.
_SHELL_VARS = words(
    "HOME PATH USER PWD OLDPWD SHELL HOSTNAME RANDOM LINENO SECONDS UID EUID PPID IFS TERM LANG "
    "TMPDIR BASH_SOURCE FUNCNAME PIPESTATUS REPLY OPTARG OPTIND"
)


def placeholders(command: str) -> list[str]:
    """The placeholders of one command, in order of first appearance, without repeats.

    ``$VAR`` inside single quotes is not expanded by the shell, so it is not one (``awk
    '{print $NF}'``); neither are Go template actions (``{{range .items}}``, ``{{.Name}}``).
    """
    found: dict[str, None] = {}
    for m in _ANGLE.finditer(command):
        found.setdefault(m.group(1), None)
    masked, _ = mask(command)
    for m in _VAR.finditer(command):
        if masked[m.start()] != "_":
            name = m.group(1) or m.group(2)
            if name not in _SHELL_VARS:
                found.setdefault(name, None)
    if _GO_TEMPLATE.search(command) is None:
        for m in _MUSTACHE.finditer(command):
            found.setdefault(m.group(1), None)
    return list(found)


def assigned(command: str) -> set[str]:
    """Shell variables a command sets (``IMAGE=...``, ``for rev in``, ``read secret``)."""
    names: set[str] = set()
    masked, _ = mask(command)
    for m in _ASSIGNED.finditer(masked):
        if m.group(3):
            names.update(m.group(3).split())
        else:
            names.add(m.group(1) or m.group(2))
    return names
