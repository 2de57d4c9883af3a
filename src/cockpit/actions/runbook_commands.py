"""A runbook's command as a plan for the gate: values only through environment variables.

A runbook writes ``docker restart <container-id>`` or ``psql $DATABASE_URL``. The command text is
the team's own and runs as written (through ``sh -c`` when it needs a shell); each placeholder
becomes a quoted variable reference (``"${CONTAINER_ID}"``) and its value is passed in the
environment, so no value is ever parsed by the shell. kubectl inside such a script is wrapped
so that it always names the environment's context and namespace.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Mapping

from cockpit.actions.model import Call
from cockpit.actions.scoping import scoped_argv
from cockpit.config.actions import ActionConfig, ParamSpec
from cockpit.config.environments import Environment
from cockpit.runbooks.params import placeholders
from cockpit.runbooks.risk import mutating
from cockpit.text.sanitize import plain

RUNBOOK_VALUE = ParamSpec(type="pattern", pattern=r"[A-Za-z0-9][A-Za-z0-9._:/@=+,-]*")
"""What a runbook placeholder accepts unless the action declares it: one word, no shell syntax."""
_SHELL_SYNTAX = frozenset("|&;<>()$`*?[]{}~\"'\\\n")


def variable(name: str) -> str:
    """The environment variable a placeholder's value is passed in (``container-id`` ->
    ``CONTAINER_ID``; ``$DATABASE_URL`` keeps its name)."""
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        return name if name.isupper() or "$" in name else name.upper()
    cleaned = re.sub(r"[^A-Za-z0-9_]", "_", name).upper()
    return cleaned if not cleaned[:1].isdigit() else f"P_{cleaned}"


def param_specs(
    text: str,
    declared: Mapping[str, ParamSpec] | None = None,
    inherited: Mapping[str, str] | None = None,
) -> dict[str, ParamSpec]:
    """The parameters a runbook command needs, each with its declared spec or the default.

    Args:
        text: The command (or several, one per line).
        declared: Specs the action declares for some placeholders, by placeholder name.
        inherited: The cockpit's own environment: a ``$VAR`` already set there is passed on as
            it is (the runbook expects it from the shell) unless the action declares it.
    """
    declared = declared or {}
    inherited = inherited or {}
    return {
        name: declared.get(name, RUNBOOK_VALUE)
        for name in placeholders(text)
        if name in declared or name not in inherited
    }


def _with_references(text: str, names: list[str]) -> str:
    for name in names:
        ref = f'"${{{variable(name)}}}"'

        def fill(_match: re.Match[str], ref: str = ref) -> str:
            return ref

        text = re.sub(rf"(?<![<\w])<{re.escape(name)}>(?!>)", fill, text)
        text = re.sub(rf"\{{\{{-?\s*{re.escape(name)}\s*-?\}}\}}", fill, text)
        if variable(name) != name:
            # $name written in a runbook in lower case: read it from the upper-case variable.
            text = re.sub(rf"\$\{{?{re.escape(name)}\b\}}?", fill, text)
    return text


def _kubectl_wrapper(env: Environment, text: str) -> str:
    target = env.kubernetes
    if target is None or "kubectl" not in text:
        return ""
    flags = [f"--context={target.context}", f"--namespace={target.namespace}"]
    if target.kubeconfig:
        flags.append(f"--kubeconfig={target.kubeconfig}")
    # Scripts may name a namespace themselves; a later -n wins in kubectl.
    return f'kubectl() {{ command kubectl {shlex.join(flags)} "$@"; }}\n'


def runbook_call(text: str, env: Environment, values: Mapping[str, str | int], cwd: str) -> Call:
    """The exact call for a runbook command with its placeholders' checked ``values``."""
    names = [n for n in placeholders(text) if n in values]
    variables = {variable(n): str(values[n]) for n in names}
    variables["COCKPIT_ENVIRONMENT"] = env.name
    script = _with_references(text, names)
    if not names and not any(ch in _SHELL_SYNTAX for ch in text) and "\n" not in text:
        argv = scoped_argv(shlex.split(text), env)
    else:
        argv = ["sh", "-ec", _kubectl_wrapper(env, text) + script, "runbook-step"]
    first = text.strip().splitlines()[0] if text.strip() else text
    return Call(
        target=first[:80],
        argv=tuple(argv),
        cwd=cwd,
        env=tuple(sorted(variables.items())),
        mutating=mutating(text),
    )


def command_action(name: str, timeout: float = 120.0) -> ActionConfig:
    """The action a runbook command runs as: a ``command`` whose call is built by
    :func:`runbook_call`, under ``name`` in the audit trail."""
    return ActionConfig.model_validate(
        {
            "name": plain(name, 100) or "runbook command",
            "command": {"argv": ["sh"]},
            "timeout": timeout,
        },
        strict=False,
    )
