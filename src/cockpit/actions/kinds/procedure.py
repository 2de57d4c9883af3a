"""`procedure` actions: a runbook procedure's steps in order, each mutating step confirmed on
its own. The gate runs the steps one by one (see :meth:`cockpit.actions.gate.Gate.execute`);
each step is a runbook command plan (:mod:`cockpit.actions.runbook_commands`)."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from cockpit.actions.context import ActionContext
from cockpit.actions.model import Call, Outcome, Plan, Refused
from cockpit.actions.runbook_commands import command_action, param_specs, runbook_call
from cockpit.config.actions import ActionConfig, ParamSpec, ProcedureAction
from cockpit.config.environments import Environment
from cockpit.runbooks.model import Procedure


def _spec(action: ActionConfig) -> ProcedureAction:
    spec = action.procedure
    assert spec is not None
    return spec


@lru_cache(maxsize=16)
def _procedures(path: Path, mtime_ns: int, size: int) -> tuple[Procedure, ...]:
    # Keyed by mtime and size: an edited runbook is read again, an unchanged one not.
    from cockpit.runbooks.parse import import_runbook

    return import_runbook(path.read_bytes().decode("utf-8", errors="replace")).procedures


def procedure_of(action: ActionConfig, ctx: ActionContext) -> Procedure:
    """The runbook procedure an action names.

    Raises:
        Refused: The runbook cannot be read, or has no procedure of that name.
    """
    spec = _spec(action)
    path = Path(spec.runbook).expanduser()
    if not path.is_absolute():
        path = ctx.base_dir / path
    try:
        info = path.stat()
        found = _procedures(path, info.st_mtime_ns, info.st_size)
    except OSError as exc:
        raise Refused(f"cannot read runbook {path}: {exc.strerror or exc}") from None
    wanted = spec.procedure.strip().casefold()
    for procedure in found:
        if procedure.name.strip().casefold() == wanted:
            return procedure
    names = ", ".join(repr(p.name) for p in found) or "none"
    raise Refused(f"runbook {path} has no procedure {spec.procedure!r}; its procedures: {names}")


def param_specs_of(action: ActionConfig, ctx: ActionContext) -> dict[str, ParamSpec]:
    """Every placeholder of the procedure's commands, with the spec the action declares or
    the default one-word spec."""
    specs: dict[str, ParamSpec] = {}
    for step in procedure_of(action, ctx).steps:
        if step.command:
            specs.update(param_specs(step.command, action.params, os.environ))
    return specs


def step_plans(plan: Plan, ctx: ActionContext) -> tuple[Plan, ...]:
    """One plan per step that has commands, in order."""
    procedure = procedure_of(plan.action, ctx)
    values = {**plan.params}
    # Each step runs as a command under the procedure's name, with the procedure's timeout.
    runner = command_action(plan.action.name, plan.action.timeout)
    steps: list[Plan] = []
    numbered = [s for s in procedure.steps if s.command]
    for index, step in enumerate(numbered, start=1):
        assert step.command is not None
        call = runbook_call(step.command, plan.environment, values, str(ctx.workdir))
        label = f"step {index}/{len(numbered)}: {step.text}"
        steps.append(
            replace(
                plan,
                action=runner,
                call=replace(call, target=label[:120]),
                steps=(),
                origin="procedure",
            )
        )
    return tuple(steps)


async def prepare(
    action: ActionConfig,
    env: Environment,
    values: dict[str, str | int],
    ctx: ActionContext,
    dry_run: bool,
) -> Call:
    """A summary of the steps: which read and which change things."""
    if dry_run:
        raise Refused(f"{action.name} is a runbook procedure: it has no dry run; preview only")
    procedure = procedure_of(action, ctx)
    lines: list[str] = []
    numbered = [s for s in procedure.steps if s.command]
    if not numbered:
        raise Refused(f"procedure {procedure.name!r} has no commands to run")
    for index, step in enumerate(numbered, start=1):
        assert step.command is not None
        risk = "mutating, confirmed on its own" if step.mutating else "read-only"
        first = step.command.splitlines()[0]
        lines.append(f"step {index} [{risk}]: {first}")
    return Call(
        target=f"procedure {procedure.name} ({len(numbered)} steps)",
        outline=tuple(lines),
        mutating=any(s.mutating for s in numbered),
    )


async def execute(
    plan: Plan, ctx: ActionContext, on_line: Callable[[str], None], cancel: asyncio.Event
) -> Outcome:
    """Never reached: the gate runs a procedure step by step, each step on its own."""
    raise Refused("a procedure runs step by step through the gate")
