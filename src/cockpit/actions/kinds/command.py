"""`command` actions: a program run as an argv list, or a script given values as $1, $2."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from cockpit.actions.context import ActionContext
from cockpit.actions.model import Call, Outcome, Plan, Refused
from cockpit.actions.runner import run_program
from cockpit.actions.scoping import scoped_argv
from cockpit.actions.template import render
from cockpit.config.actions import ActionConfig, CommandAction
from cockpit.config.environments import Environment


def _spec(action: ActionConfig) -> CommandAction:
    spec = action.command
    assert spec is not None
    return spec


async def prepare(
    action: ActionConfig,
    env: Environment,
    values: dict[str, str | int],
    ctx: ActionContext,
    dry_run: bool,
) -> Call:
    """The exact argv, folder and variables the program gets."""
    spec = _spec(action)
    if spec.script is not None:
        args = [render(a, values) for a in spec.args]
        argv = ["sh", "-c", spec.script, f"cockpit-{action.name}", *args]
    else:
        assert spec.argv is not None
        argv = [render(a, values) for a in spec.argv]
    if dry_run:
        if spec.dry_run is None:
            raise Refused(f"{action.name} declares no dry run (`dry_run:` argv); preview only")
        argv = [render(a, values) for a in spec.dry_run]
    argv = scoped_argv(argv, env)
    cwd = ctx.workdir if spec.cwd is None else ctx.base_dir / Path(spec.cwd).expanduser()
    variables = {k: render(v, values) for k, v in spec.env.items()}
    variables["COCKPIT_ENVIRONMENT"] = env.name
    return Call(
        target=argv[0] if spec.script is None else f"script {action.name}",
        argv=tuple(argv),
        cwd=str(cwd),
        env=tuple(sorted(variables.items())),
    )


async def execute(
    plan: Plan, ctx: ActionContext, on_line: Callable[[str], None], cancel: asyncio.Event
) -> Outcome:
    """Run the argv the plan holds."""
    call = plan.call
    assert call.argv is not None
    return await run_program(
        call.argv,
        timeout=plan.action.timeout,
        on_line=on_line,
        cancel=cancel,
        cwd=call.cwd,
        env=dict(call.env),
    )
