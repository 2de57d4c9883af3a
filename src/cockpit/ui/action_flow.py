"""Actions from the screen: parameters, preview and confirmation, the run, the audit trail.

The screen only asks and shows; :class:`~cockpit.actions.gate.Gate` decides. Every gate call
and every read of the trail runs in a worker thread, never on the screen's own loop.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Mapping
from typing import TYPE_CHECKING, Any

from textual.worker import WorkerCancelled, WorkerFailed

from cockpit.actions.model import Confirmation, Refused
from cockpit.text.sanitize import plain
from cockpit.ui.messages import ActionPrepared, ActionRefused

if TYPE_CHECKING:
    from textual.dom import DOMNode

    from cockpit.actions.gate import Gate
    from cockpit.actions.model import Origin, Outcome, Plan
    from cockpit.state.audit import AuditLog
    from cockpit.ui.app import CockpitApp

RECENT_FROM = 200
"""Attempts read to find the recent actions of an environment."""


def in_thread(
    node: DOMNode, call: Coroutine[Any, Any, None], *, group: str, description: str
) -> None:
    """Run a gate call in a worker thread, on an event loop of its own.

    The gate writes the audit trail to SQLite and a kind may block: none of it on the screen's
    loop. The call posts its result as a message; a failure is the worker's, seen by ``node``.
    """
    node.run_worker(call, thread=True, group=group, description=description, exit_on_error=False)


class ActionFlow:
    """The cockpit's way from an action's name to its outcome, through the one gate.

    Args:
        app: The cockpit (started: its context has the config, the store and the user).
    """

    def __init__(self, app: CockpitApp) -> None:
        self.app = app
        self._gate: Gate | None = None
        self._audit: AuditLog | None = None

    def _open(self) -> tuple[Gate, AuditLog]:
        if self._gate is None or self._audit is None:
            from cockpit.actions.setup import open_gate
            from cockpit.state.store import Store

            context = self.app.context
            # No store at all: one in memory, which the trail reports as unsaved (nothing runs).
            store = context.store if context.store is not None else Store.memory()
            self._gate, self._audit = open_gate(
                context.config,
                store,
                context.user,
                context.base_dir,
                read_only=context.read_only,
                clock=context.now,
            )
        return self._gate, self._audit

    @property
    def gate(self) -> Gate:
        """The gate, opened on first use from the app's context."""
        return self._open()[0]

    @property
    def audit(self) -> AuditLog:
        """The audit log the gate records into."""
        return self._open()[1]

    # ---- from a name to a plan ----------------------------------------------------------------

    def start(self, name: str, params: Mapping[str, str] | None, origin: Origin) -> None:
        """Ask for the parameters (if the action has any), then prepare, preview and confirm."""
        app = self.app
        environment = app.env_name
        given = dict(params or {})
        action = next((a for a in self.gate.actions_for(environment) if a.name == name), None)
        if action is None or not action.params:
            # An unknown name goes to the gate too: it refuses on the record.
            self.prepare(name, environment, given, origin)
            return
        from cockpit.ui.screens.action_form import ActionFormScreen

        def filled(values: dict[str, str] | None) -> None:
            if values is not None:
                self.prepare(name, environment, values, origin)

        app.push_screen(ActionFormScreen(action, app.environment, given), filled)

    def prepare(
        self,
        name: str,
        environment: str,
        given: dict[str, str],
        origin: Origin,
        *,
        dry_run: bool = False,
    ) -> None:
        """Work out the plan in a worker; the app previews it (or says why the gate refused)."""
        app, gate = self.app, self.gate

        async def work() -> None:
            try:
                plan = await gate.prepare(name, environment, given, origin=origin, dry_run=dry_run)
            except Refused as exc:
                app.post_message(ActionRefused(name, str(exc)))
                return
            app.post_message(ActionPrepared(plan))

        in_thread(app, work(), group="action-prepare", description=f"prepare {plain(name, 60)}")

    def refused(self, name: str, reason: str) -> None:
        """Say why the gate refused ``name`` (it is recorded already)."""
        self.app.notify(
            plain(reason, 500),
            title=f"Not run: {plain(name, 60)}",
            severity="error",
            timeout=10,
            markup=False,
        )

    # ---- from a plan to an outcome -------------------------------------------------------------

    def confirm_and_run(
        self, plan: Plan, on_outcome: Callable[[Outcome | None], None] | None = None
    ) -> None:
        """Preview ``plan``, ask for the confirmation its environment wants, then run it.

        Args:
            plan: What to run.
            on_outcome: Called with the outcome when the run screen closes (None when refused
                or not run).
        """
        from cockpit.ui.screens.action_confirm import ConfirmScreen
        from cockpit.ui.screens.action_run import RunScreen

        app, gate = self.app, self.gate
        monotonic = app.context.monotonic
        dialog = ConfirmScreen(plan, gate.why_read_only(plan.environment), monotonic)

        def answered(confirmation: Confirmation | None) -> None:
            if confirmation is not None:
                app.push_screen(RunScreen(gate, plan, confirmation, monotonic), on_outcome)
                return
            if on_outcome is not None:
                on_outcome(None)
            if dialog.dry_run_wanted:
                given = {k: str(v) for k, v in plan.params.items()}
                self.prepare(
                    plan.action.name, plan.environment.name, given, plan.origin, dry_run=True
                )
            elif dialog.preview_only:
                app.notify(
                    f"Preview only: {plain(plan.action.name, 60)} did not run",
                    timeout=4,
                    markup=False,
                )

        app.push_screen(dialog, answered)

    def cancel_runs(self) -> None:
        """Stop every action still running (the cockpit is closing)."""
        from cockpit.ui.screens.action_run import RunScreen

        for screen in self.app.screen_stack:
            if isinstance(screen, RunScreen):
                screen.action_cancel_run()

    # ---- the trail ------------------------------------------------------------------------------

    async def recent(self, environment: str) -> list[str]:
        """The actions tried in ``environment``, most recent first (read in a worker)."""
        audit = self.audit

        def read() -> list[str]:
            from cockpit.actions.trail import attempts

            names: list[str] = []
            for attempt in reversed(attempts(audit, limit=RECENT_FROM)):
                if attempt.environment == environment and attempt.action not in names:
                    names.append(attempt.action)
            return names

        worker = self.app.run_worker(
            read,
            thread=True,
            group="action-recent",
            description="read recent actions",
            exit_on_error=False,
        )
        try:
            return await worker.wait()
        except (WorkerFailed, WorkerCancelled):
            return []

    def open_audit(self) -> None:
        """Show the attempts of the environment in focus."""
        from cockpit.ui.screens.audit import AuditScreen

        self.app.push_screen(AuditScreen(self.audit, self.app.environment))

    def open_palette(self, query: str = "", *, actions_only: bool = False) -> None:
        """Open the palette: every command, or the actions alone; ``query`` already typed."""
        from textual.command import CommandPalette

        from cockpit.ui.commands import CockpitPalette, KeyActionCommands

        app = self.app
        if isinstance(app.screen, CommandPalette):
            return
        if actions_only:
            where = plain(app.env_name, 40)
            palette = CockpitPalette(
                [KeyActionCommands], query=query, placeholder=f"Action in {where}…"
            )
        else:
            palette = CockpitPalette(query=query)
        app.push_screen(palette)
