"""The one executor gate: every action, from every entry point, runs through :class:`Gate`.

Read-only mode (the ``--read-only`` flag or an environment's ``read_only``), the environment's
protection and parameter validation are checked here and nowhere else. Every refusal is recorded;
every run is recorded as an intent before it starts and an outcome after it ends.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import replace

from cockpit.actions.context import ActionContext, environment_values
from cockpit.actions.kinds import kind_module
from cockpit.actions.model import Confirmation, Origin, Outcome, Plan, Refused
from cockpit.actions.params import ParamError, check_params
from cockpit.actions.runbook_commands import command_action, param_specs, runbook_call
from cockpit.actions.trail import ActionTrail
from cockpit.config.actions import ActionConfig, ParamSpec
from cockpit.config.environments import Environment, Protection
from cockpit.config.models import CockpitConfig
from cockpit.text.sanitize import plain

Verifier = Callable[[Plan, Callable[[str], None]], Awaitable[str | None]]
"""Watches the action's health checks after a run; answers ``recovered`` or why not."""

StepConfirmer = Callable[[Plan], Awaitable[Confirmation | None]]
"""Asks for one procedure step's confirmation; None stops the procedure before that step."""


def _ignore(_line: str) -> None:
    return None


class Gate:
    """Prepares, confirms and runs actions; the only caller of the action kinds.

    Args:
        config: The validated config.
        trail: Where intents, outcomes and refusals are recorded.
        ctx: Folders and timeouts for the kinds.
        read_only: The cockpit was started with ``--read-only``: nothing runs.
        verifier: Watches health after a successful run (``recovered`` / ``not recovered``).
    """

    def __init__(
        self,
        config: CockpitConfig,
        trail: ActionTrail,
        ctx: ActionContext,
        *,
        read_only: bool = False,
        verifier: Verifier | None = None,
    ) -> None:
        self.config = config
        self.trail = trail
        self.ctx = ctx
        self.read_only = read_only
        self._verifier = verifier

    def actions_for(self, environment: str) -> list[ActionConfig]:
        """The actions that exist in ``environment``."""
        return self.config.actions_for(environment)

    def _refuse(
        self,
        action: str,
        environment: str | None,
        params: Mapping[str, object],
        reason: str,
        origin: str,
    ) -> Refused:
        self.trail.refused(action, environment, params, reason, origin)
        return Refused(reason)

    def why_read_only(self, env: Environment) -> str | None:
        """Why nothing may run against ``env`` now, or None."""
        if self.read_only:
            return "the cockpit runs read-only (--read-only): no action runs"
        if env.read_only:
            return f"environment {env.name} is read-only (read_only: true): no action runs"
        return None

    async def prepare(
        self,
        name: str,
        environment: str,
        given: Mapping[str, str],
        *,
        origin: Origin = "cli",
        dry_run: bool = False,
    ) -> Plan:
        """Check the parameters and work out the exact call (the preview), running nothing.

        Raises:
            Refused: Unknown action or environment, the action does not exist there, or a
                parameter is refused. The attempt is recorded.
        """
        env = self.config.environments.get(environment)
        if env is None:
            known = ", ".join(self.config.environments)
            raise self._refuse(
                name, None, given, f"unknown environment {environment!r}; known: {known}", origin
            )
        action = next((a for a in self.config.actions if a.name == name), None)
        if action is None:
            known = ", ".join(a.name for a in self.config.actions_for(environment)) or "none"
            raise self._refuse(
                name,
                environment,
                given,
                f"no action named {name!r} (actions here: {known})",
                origin,
            )
        if action not in self.config.actions_for(environment):
            where = ", ".join(self.config.environment_names_for(action.environments))
            raise self._refuse(
                name,
                environment,
                given,
                f"{name} does not exist in {environment} (only {where})",
                origin,
            )
        module = kind_module(action.kind)
        try:
            specs = self._param_specs(action)
            values = check_params(specs, given)
            merged: dict[str, str | int] = {**environment_values(env), **values}
            call = await module.prepare(action, env, merged, self.ctx, dry_run)
            plan = Plan(action, env, values, call, dry_run=dry_run, origin=origin)
            if hasattr(module, "step_plans"):
                plan = replace(plan, steps=module.step_plans(plan, self.ctx))
        except (Refused, ParamError) as exc:
            raise self._refuse(name, environment, given, str(exc), origin) from None
        except KeyError as exc:
            reason = f"environment {environment} has no value for {{{exc.args[0]}}}"
            raise self._refuse(name, environment, given, reason, origin) from None
        return plan

    def _param_specs(self, action: ActionConfig) -> dict[str, ParamSpec]:
        module = kind_module(action.kind)
        if hasattr(module, "param_specs_of"):
            specs: dict[str, ParamSpec] = module.param_specs_of(action, self.ctx)
            return specs
        return dict(action.params)

    def param_specs(self, name: str) -> dict[str, ParamSpec]:
        """The parameters an action asks for (a procedure's come from its runbook).

        Raises:
            Refused: The action's runbook cannot be read (not recorded: nothing was attempted).
        """
        action = next(a for a in self.config.actions if a.name == name)
        return self._param_specs(action)

    async def prepare_runbook(
        self,
        command: str,
        environment: str,
        given: Mapping[str, str],
        *,
        label: str,
        origin: Origin = "checklist",
        timeout: float = 120.0,
    ) -> Plan:
        """A plan for a command written in a runbook or a checklist item, as written.

        Its placeholders (``<container-id>``, ``$VAR``) are parameters whose values reach the
        command only as environment variables; its risk comes from the runbook rules. It is
        stopped (with its process group) after ``timeout`` seconds.

        Raises:
            Refused: Unknown environment or a refused value (recorded).
        """
        env = self.config.environments.get(environment)
        if env is None:
            raise self._refuse(label, None, given, f"unknown environment {environment!r}", origin)
        try:
            values = check_params(param_specs(command, None, os.environ), given)
        except ParamError as exc:
            raise self._refuse(label, environment, given, str(exc), origin) from None
        call = runbook_call(command, env, values, str(self.ctx.workdir))
        return Plan(command_action(label, timeout), env, values, call, origin=origin)

    def check(self, plan: Plan, confirmation: Confirmation) -> None:
        """Refuse unless ``plan`` may run now with ``confirmation``.

        Raises:
            Refused: Read-only, or the confirmation does not meet the environment's protection.
                The attempt is recorded.
        """
        env = plan.environment
        reason = None
        # A call that only reads (a checklist's `df -h`) needs neither write access nor a
        # confirmation; everything else needs both.
        if plan.call.mutating or plan.dry_run:
            reason = self.why_read_only(env) or confirmation_problem(plan, confirmation)
        if reason is not None:
            raise self._refuse(plan.action.name, env.name, plan.params, reason, plan.origin)

    async def execute(
        self,
        plan: Plan,
        confirmation: Confirmation,
        *,
        on_line: Callable[[str], None] = _ignore,
        cancel: asyncio.Event | None = None,
        confirm_step: StepConfirmer | None = None,
    ) -> Outcome:
        """Run a prepared plan: check it, record the intent, run, record the outcome, verify.

        A procedure runs its steps in order, each through this same check with its own
        intent and outcome: a step that changes things is confirmed on its own through
        ``confirm_step`` (``confirmation`` is used for every step when it is None); a refused,
        skipped or failed step stops the procedure.

        Raises:
            Refused: See :meth:`check`; also when the intent cannot be recorded.
        """
        self.check(plan, confirmation)
        if plan.steps:
            return await self._run_steps(plan, confirmation, on_line, cancel, confirm_step)
        intent = self._intent(plan)
        stop = cancel or asyncio.Event()
        started = time.monotonic()
        try:
            outcome: Outcome = await kind_module(plan.action.kind).execute(
                plan, self.ctx, on_line, stop
            )
        except asyncio.CancelledError:
            outcome = Outcome("cancelled", seconds=time.monotonic() - started, detail="cancelled")
            self._outcome(intent, plan, outcome)
            raise
        except Exception as exc:  # a kind's failure is an outcome, not a crash
            outcome = Outcome(
                "error",
                seconds=time.monotonic() - started,
                detail=plain(f"{type(exc).__name__}: {exc}", 300),
            )
        if outcome.ok and plan.action.verify is not None and not plan.dry_run:
            verdict = await self._verify(plan, on_line, stop)
            if verdict is not None:
                outcome = replace(outcome, verification=verdict)
        self._outcome(intent, plan, outcome)
        return outcome

    def _intent(self, plan: Plan) -> int | None:
        """Record the intent; None when a call that only reads could not be recorded.

        Raises:
            Refused: A call that changes things (or a dry run) could not be recorded: it may
                not run unrecorded.
        """
        try:
            return self.trail.intent(plan)
        except Exception as exc:  # any store failure means: do not run
            if plan.call.mutating or plan.dry_run:
                reason = f"the audit trail cannot record this run ({plain(str(exc), 200)})"
                raise Refused(f"{reason}: not run") from None
            # Reading (a checklist's `df -h`) changes nothing: it runs, unrecorded.
            return None

    def _outcome(self, intent: int | None, plan: Plan, outcome: Outcome) -> None:
        if intent is not None:
            self.trail.outcome(intent, plan, outcome)

    async def _run_steps(
        self,
        plan: Plan,
        confirmation: Confirmation,
        on_line: Callable[[str], None],
        cancel: asyncio.Event | None,
        confirm_step: StepConfirmer | None,
    ) -> Outcome:
        intent = self._intent(plan)
        started = time.monotonic()
        stop = cancel or asyncio.Event()
        outcome = Outcome("ok", detail=f"{len(plan.steps)} steps done")
        for index, step in enumerate(plan.steps, start=1):
            on_line(f"── {step.call.target}")
            given = confirmation
            if step.call.mutating and confirm_step is not None:
                answer = await confirm_step(step)
                if answer is None:
                    outcome = Outcome("cancelled", detail=f"stopped before step {index}")
                    break
                given = answer
            try:
                result = await self.execute(step, given, on_line=on_line, cancel=stop)
            except Refused as exc:
                outcome = Outcome("failed", detail=f"step {index} refused: {exc}")
                break
            if not result.ok:
                outcome = replace(result, detail=f"step {index}: {result.detail}")
                break
        outcome = replace(outcome, seconds=time.monotonic() - started)
        if outcome.ok and plan.action.verify is not None:
            verdict = await self._verify(plan, on_line, stop)
            if verdict is not None:
                outcome = replace(outcome, verification=verdict)
        self._outcome(intent, plan, outcome)
        return outcome

    async def _verify(
        self, plan: Plan, on_line: Callable[[str], None], stop: asyncio.Event
    ) -> str | None:
        if self._verifier is None:
            return None
        watch = asyncio.ensure_future(self._verifier(plan, on_line))
        cancelled = asyncio.ensure_future(stop.wait())
        try:
            await asyncio.wait({watch, cancelled}, return_when=asyncio.FIRST_COMPLETED)
            if not watch.done():
                # Cancel after the run: the change is made; only the watching stops.
                watch.cancel()
                return "not verified: cancelled while watching"
            return watch.result()
        except Exception as exc:  # a failed watch is a verdict, not a crash
            return f"not verified: {plain(str(exc), 200)}"
        finally:
            cancelled.cancel()


def confirmation_problem(plan: Plan, confirmation: Confirmation) -> str | None:
    """Why ``confirmation`` is not enough for ``plan``'s environment, or None."""
    env = plan.environment
    guard = env.guard
    if guard is Protection.NONE:
        return None
    if guard is Protection.CONFIRM:
        return None if confirmation.yes else f"{env.name} asks for a yes (y, or --yes)"
    if confirmation.typed != env.name:
        given = "nothing" if not confirmation.typed else repr(plain(confirmation.typed, 60))
        return f"{env.name} is protected: type its name to confirm (got {given})"
    wanted = plan.call.confirm_target
    if wanted is not None and confirmation.typed_target != wanted:
        return f"type the target's name ({wanted}) as well to confirm this in {env.name}"
    return None
