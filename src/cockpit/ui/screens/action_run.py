"""An action running: its output as it comes, the time it has taken, cancel, and the outcome.

The gate runs in a worker thread with its own event loop; output lines cross to the screen
through a queue that is written out once per tick, however fast the program prints.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Log, Static
from textual.worker import Worker, WorkerState

from cockpit.actions.model import Outcome, Refused
from cockpit.actions.runner import clean
from cockpit.text.sanitize import plain
from cockpit.ui.screens.dialog import ActionDialog
from cockpit.ui.widgets.env_badge import EnvBadge

if TYPE_CHECKING:
    from cockpit.actions.gate import Gate
    from cockpit.actions.model import Confirmation, Plan

FLUSH_EVERY = 0.1
"""Seconds between two writes of the queued output lines."""
MOST_PER_FLUSH = 2000
"""Lines written in one tick at most (a flood is shown over a few ticks, not in one frame)."""
KEPT_LINES = 5000
STATUS_CLASS = {
    "ok": "-ok",
    "failed": "-bad",
    "timeout": "-bad",
    "error": "-bad",
    "cancelled": "-warn",
    "refused": "-bad",
}


class RunFinished(Message):
    """The gate is done: an outcome, or a refusal (already recorded)."""

    def __init__(self, outcome: Outcome | None, refused: str | None = None) -> None:
        super().__init__()
        self.outcome = outcome
        self.refused = refused


def outcome_line(outcome: Outcome, seconds: float) -> str:
    """``ok · exit 0 · 3 s``: the status, the exit code or HTTP status, the detail."""
    parts: list[str] = [outcome.status]
    if outcome.exit_code is not None:
        parts.append(f"exit {outcome.exit_code}")
    if outcome.http_status is not None:
        parts.append(f"HTTP {outcome.http_status}")
    detail = plain(outcome.detail, 300)
    if detail and detail not in parts:
        parts.append(detail)
    parts.append(f"{seconds:.0f} s")
    return " · ".join(parts)


class RunScreen(ActionDialog[Outcome | None]):
    """Runs ``plan`` with ``confirmation`` through ``gate`` and shows how it goes.

    Args:
        gate: The gate (it checks the confirmation again and records everything).
        plan: What to run.
        confirmation: What the operator gave.
        monotonic: The clock of the elapsed time (pinned in tests).
    """

    DEFAULT_CSS = """
    RunScreen #run-title {
        height: auto;
        text-style: bold;
    }
    RunScreen #run-output {
        height: 1fr;
        border: round $secondary;
        overflow: auto auto;
    }
    RunScreen #run-status {
        height: auto;
        text-style: bold;
    }
    RunScreen #run-status.-ok, RunScreen #run-verify.-ok { color: $status-up; }
    RunScreen #run-status.-bad, RunScreen #run-verify.-bad { color: $status-down; }
    RunScreen #run-status.-warn { color: $status-degraded; }
    RunScreen #run-verify {
        height: auto;
        display: none;
    }
    RunScreen #run-verify.-shown {
        display: block;
    }
    RunScreen #run-hint {
        height: 1;
        color: $foreground-muted;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "cancel_run", "Cancel run", id="run_cancel"),
        # Priority, and the app's ctrl+c steps aside while this runs: ctrl+c stops the action
        # here, as it would stop a program in a shell.
        Binding("ctrl+c", "cancel_run", "Cancel run", priority=True, show=False),
        Binding("escape", "close", "Close", id="run_close"),
    ]

    def __init__(
        self,
        gate: Gate,
        plan: Plan,
        confirmation: Confirmation,
        monotonic: Callable[[], float],
    ) -> None:
        super().__init__(plan.environment)
        self.gate = gate
        self.plan = plan
        self.confirmation = confirmation
        self._monotonic = monotonic
        self.started_at = monotonic()
        self.finished_at: float | None = None
        self.outcome: Outcome | None = None
        self.refused: str | None = None
        self.running = True
        self.cancel_requested = False
        self._handle: tuple[asyncio.AbstractEventLoop, asyncio.Event] | None = None
        self._pending: deque[str] = deque()
        self.lines_shown = 0
        self._status = ""

    @property
    def claims_ctrl_c(self) -> bool:
        """While the action runs, ctrl+c cancels it instead of asking to quit."""
        return self.running

    def compose(self) -> ComposeResult:
        plan = self.plan
        with Vertical(id="run-dialog", classes="dialog -full"):
            yield EnvBadge(plan.environment)
            mode = " (dry run)" if plan.dry_run else ""
            yield Static(
                f"{plain(plan.action.name, 80)}{mode} → {plain(plan.call.target, 200)}",
                id="run-title",
                markup=False,
            )
            yield Log(max_lines=KEPT_LINES, id="run-output")
            yield Static("", id="run-status", markup=False)
            yield Static("", id="run-verify", markup=False)
            yield Static("c or ctrl+c: cancel (stops every process it started)", id="run-hint")

    def on_mount(self) -> None:
        self.started_at = self._monotonic()
        self._show_status()
        self.set_interval(FLUSH_EVERY, self._tick)
        self._run()

    def _run(self) -> None:
        gate, plan, confirmation = self.gate, self.plan, self.confirmation
        pending = self._pending

        async def work() -> None:
            cancel = asyncio.Event()
            self._handle = (asyncio.get_running_loop(), cancel)
            if self.cancel_requested:
                cancel.set()
            try:
                outcome = await gate.execute(
                    plan,
                    confirmation,
                    on_line=pending.append,
                    cancel=cancel,
                    confirm_step=self._confirm_step if plan.steps else None,
                )
            except Refused as exc:
                self.post_message(RunFinished(None, str(exc)))
                return
            self.post_message(RunFinished(outcome))

        from cockpit.ui.action_flow import in_thread

        in_thread(
            self, work(), group="action-run", description=f"run {plain(plan.action.name, 60)}"
        )

    async def _confirm_step(self, step: Plan) -> Confirmation | None:
        """Ask for one procedure step on the screen (from the run's own thread) and wait."""
        from cockpit.ui.screens.action_confirm import ConfirmScreen

        answer: concurrent.futures.Future[Confirmation | None] = concurrent.futures.Future()
        reason = self.gate.why_read_only(step.environment)

        def ask() -> None:
            dialog = ConfirmScreen(step, reason, self._monotonic)
            self.app.push_screen(dialog, answer.set_result)

        self.app.call_from_thread(ask)
        return await asyncio.wrap_future(answer)

    # ---- output and time --------------------------------------------------------------------

    def _tick(self) -> None:
        self._flush()
        self._show_status()

    def _flush(self) -> None:
        pending = self._pending
        if not pending:
            return
        count = min(len(pending), MOST_PER_FLUSH)
        # The kinds clean their lines already; once more here, since this is where they show.
        lines = [clean(pending.popleft()) for _ in range(count)]
        self.query_one(Log).write_lines(lines)
        self.lines_shown += count

    def elapsed(self) -> float:
        """Seconds since the run started (until it ended)."""
        end = self.finished_at if self.finished_at is not None else self._monotonic()
        return max(0.0, end - self.started_at)

    def _show_status(self) -> None:
        status = self.query_one("#run-status", Static)
        if self.running:
            word = "cancelling…" if self.cancel_requested else "running…"
            text = f"{word} {self.elapsed():.0f} s"
        elif self.refused is not None:
            text = f"refused: {plain(self.refused, 500)} (nothing ran)"
        elif self.outcome is not None:
            text = outcome_line(self.outcome, self.elapsed())
        else:
            text = "ended without an outcome"
        if text != self._status:
            self._status = text
            status.update(text)

    # ---- the end ----------------------------------------------------------------------------

    def on_run_finished(self, message: RunFinished) -> None:
        message.stop()
        self._finish(message.outcome, message.refused)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # The gate turns a kind's failure into an outcome; what is left (the trail failing to
        # record the outcome) ends the run here, in words.
        if event.worker.group == "action-run" and event.state is WorkerState.ERROR:
            error = event.worker.error
            self._finish(
                Outcome("error", detail=plain(f"{type(error).__name__}: {error}", 300)), None
            )

    def _finish(self, outcome: Outcome | None, refused: str | None) -> None:
        if not self.running:
            return
        self._flush()
        self.running = False
        self.finished_at = self._monotonic()
        self.outcome = outcome
        self.refused = refused
        status = self.query_one("#run-status", Static)
        key = "refused" if refused is not None else (outcome.status if outcome else "error")
        for cls in set(STATUS_CLASS.values()):
            status.remove_class(cls)
        status.add_class(STATUS_CLASS.get(key, "-bad"))
        self._show_status()
        verdict = outcome.verification if outcome is not None else None
        if verdict:
            verify = self.query_one("#run-verify", Static)
            verify.update(Text(f"verification: {plain(verdict, 300)}"))
            verify.add_class("-shown", "-ok" if verdict.startswith("recovered") else "-bad")
        self.query_one("#run-hint", Static).update("Esc: close")

    # ---- keys -------------------------------------------------------------------------------

    def action_cancel_run(self) -> None:
        """Stop the run: its whole process group is killed, the outcome is ``cancelled``."""
        if self.running and not self.cancel_requested:
            self._request_cancel()
            self._show_status()

    def _request_cancel(self) -> None:
        self.cancel_requested = True
        handle = self._handle
        if handle is not None:
            loop, event = handle
            # The loop may have closed between the check and now: the run is over anyway.
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(event.set)

    def action_close(self) -> None:
        """Close once the run is over."""
        if self.running:
            self.notify("Still running: c cancels it", timeout=3)
            return
        self.dismiss(self.outcome)

    def on_unmount(self) -> None:
        # The cockpit is closing under a running action: stop it, so its outcome is recorded.
        if self.running and not self.cancel_requested:
            self._request_cancel()
