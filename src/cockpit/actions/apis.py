"""What the kinds that call an API share (kubernetes, docker, azure_webapp, http).

Clients and credentials live for one prepare or one execute and are closed after it; a run is
bounded by the action's timeout and stopped by cancel; output reaches the operator line by line,
sanitized and with secrets removed.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from dataclasses import replace

from cockpit.actions.context import ActionContext, environment_values
from cockpit.actions.model import Outcome, Plan, Refused, Status
from cockpit.actions.runner import TAIL_LINES, clean
from cockpit.config.actions import ActionConfig
from cockpit.sources.health.context import ProbeContext

MAY_STILL_HAPPEN = "a request already sent may still take effect"


@contextlib.asynccontextmanager
async def clients(ctx: ActionContext) -> AsyncIterator[ProbeContext]:
    """Clients and credentials for one prepare or execute (the checks' own), closed at the end.

    Relative paths (a kubeconfig) resolve against the config's folder.
    """
    probe = ProbeContext(base_dir=ctx.base_dir, concurrency=1)
    try:
        yield probe
    finally:
        await probe.aclose()


def plan_values(plan: Plan) -> dict[str, str | int]:
    """The values the plan's templates were filled with: the environment's and the parameters."""
    return {**environment_values(plan.environment), **plan.params}


def refuse_dry_run(action: ActionConfig, dry_run: bool) -> None:
    """Refuse a dry run for a kind whose backend has none.

    Raises:
        Refused: ``dry_run`` is set.
    """
    if dry_run:
        raise Refused(
            f"{action.kind} actions have no dry run; --preview shows the exact call "
            "without sending it"
        )


def report(lines: Iterable[str], on_line: Callable[[str], None]) -> str:
    """Hand each line on cleaned (sanitized, secrets removed); returns the tail for the outcome."""
    shown = [clean(line) for line in lines]
    for line in shown:
        on_line(line)
    return "\n".join(shown[-TAIL_LINES:])


def one_line(
    status: Status, line: str, on_line: Callable[[str], None], *, http_status: int | None = None
) -> Outcome:
    """An outcome told in one line: its detail, shown to the operator as its output too."""
    shown = report([line], on_line)
    return Outcome(status, http_status=http_status, output=shown, detail=shown)


async def bounded(plan: Plan, cancel: asyncio.Event, work: Awaitable[Outcome]) -> Outcome:
    """``work``'s outcome with its duration, unless the action's timeout or ``cancel`` comes first.

    A request in flight when time runs out or the operator cancels is abandoned, not undone: the
    outcome says that it may still take effect.
    """
    started = time.monotonic()
    task = asyncio.ensure_future(work)
    stopper = asyncio.ensure_future(cancel.wait())
    try:
        done, _ = await asyncio.wait(
            {task, stopper}, timeout=plan.action.timeout, return_when=asyncio.FIRST_COMPLETED
        )
    finally:
        stopper.cancel()
        if not task.done():
            task.cancel()
            # Let the work close its clients before the outcome is recorded.
            await asyncio.wait({task})
    seconds = time.monotonic() - started
    if task in done:
        return replace(task.result(), seconds=seconds)
    if cancel.is_set():
        return Outcome("cancelled", seconds=seconds, detail=f"cancelled: {MAY_STILL_HAPPEN}")
    return Outcome(
        "timeout",
        seconds=seconds,
        detail=f"stopped after {plan.action.timeout:g} s (timeout): {MAY_STILL_HAPPEN}",
    )
