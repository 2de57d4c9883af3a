"""The preview of an action and its confirmation, as strong as the environment's protection.

``none``: Enter or ``y`` runs. ``confirm``: ``y`` runs, Cancel has the focus, and every key of
the first half second is ignored (an Enter typed twice to pick the action must not confirm it).
``typed``: the environment's name, and for delete and undo the target's, typed exactly.

The dialog only collects the confirmation: the gate checks it again and records a refusal.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Input, Label, Static

from cockpit.actions.gate import confirmation_problem
from cockpit.actions.model import Confirmation
from cockpit.text.sanitize import plain
from cockpit.ui.screens.dialog import ActionDialog
from cockpit.ui.widgets.env_badge import EnvBadge

if TYPE_CHECKING:
    from cockpit.actions.model import Plan

GUARD_SECONDS = 0.5
"""Keys typed this soon after a ``confirm`` dialog opens are ignored."""
STEP_LINES = 12
"""Steps of a procedure listed in the preview (the rest are counted)."""


def preview_text(plan: Plan, read_only: str | None) -> Text:
    """What will happen, one fact a line; outside text is sanitized, never read as markup."""
    action = plan.action
    text = Text()
    text.append("action  ", style="dim")
    text.append(plain(action.name, 80), style="bold")
    text.append(f"  ({action.kind})")
    if action.description:
        text.append(f"  {plain(action.description, 200)}", style="italic")
    text.append("\n")
    if plan.params:
        values = "  ".join(f"{k}={plain(str(v), 80)}" for k, v in plan.params.items())
        text.append("params  ", style="dim")
        text.append(f"{values}\n")
    for line in plan.call.lines():
        text.append(f"{plain(line, 400)}\n")
    for index, step in enumerate(plan.steps[:STEP_LINES], 1):
        first = step.call.lines()[0] if step.call.lines() else step.action.name
        text.append(f"  {index}. {plain(first, 200)}\n")
    if len(plan.steps) > STEP_LINES:
        text.append(f"  … and {len(plan.steps) - STEP_LINES} more steps\n")
    if plan.dry_run:
        text.append(" DRY RUN ", style="bold reverse")
        text.append(" sent as a dry run: nothing changes\n")
    if read_only is not None:
        text.append(" read-only: will not run ", style="bold reverse")
        text.append(f" {plain(read_only, 300)}\n")
    text.rstrip()
    return text


def offers_dry_run(plan: Plan) -> bool:
    """Whether the plan's action can be sent as a dry run (and is not one already)."""
    action = plan.action
    if plan.dry_run or plan.steps:
        return False
    if action.kubernetes is not None:
        return True
    return action.command is not None and action.command.dry_run is not None


class ConfirmScreen(ActionDialog[Confirmation | None]):
    """Preview ``plan``; returns the confirmation given, or None (cancelled, preview only).

    Args:
        plan: What would run.
        read_only: Why nothing may run now (the gate's ``why_read_only``), or None.
        monotonic: The clock the first half second is measured on (pinned in tests).
    """

    DEFAULT_CSS = """
    ConfirmScreen #confirm-preview {
        height: auto;
        max-height: 12;
        margin: 1 0 0 0;
    }
    ConfirmScreen .confirm--label {
        margin-top: 1;
    }
    ConfirmScreen #confirm-hint {
        color: $foreground-muted;
        margin-top: 1;
    }
    ConfirmScreen.-wrong #confirm-hint {
        color: $status-down;
        text-style: bold;
    }
    ConfirmScreen #confirm-buttons {
        height: auto;
        margin-top: 1;
    }
    ConfirmScreen #confirm-buttons Button {
        margin-right: 2;
        min-width: 12;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="confirm_cancel"),
        Binding("y", "yes", "Run", id="confirm_yes"),
        Binding("p", "preview_only", "Preview only", id="confirm_preview"),
        Binding("d", "dry_run", "Dry run", id="confirm_dry_run"),
    ]

    def __init__(self, plan: Plan, read_only: str | None, monotonic: Callable[[], float]) -> None:
        super().__init__(plan.environment)
        self.plan = plan
        self.read_only = read_only
        self._monotonic = monotonic
        self.mode = "read-only" if read_only is not None else plan.protection
        self.opened_at: float | None = None
        self.done = False
        self.preview_only = False
        self.dry_run_wanted = False
        self.offers_dry_run = offers_dry_run(plan)
        self._insisted: tuple[str, str] | None = None

    def compose(self) -> ComposeResult:
        plan, env = self.plan, self.plan.environment
        with Vertical(id="confirm-dialog", classes="dialog"):
            yield EnvBadge(env, read_only=self.read_only is not None)
            with VerticalScroll(id="confirm-preview"):
                yield Static(preview_text(plan, self.read_only), markup=False)
            if self.mode == "typed":
                yield Label(
                    f"Type {plain(env.name, 60)} to confirm", classes="confirm--label", markup=False
                )
                yield Input(placeholder=plain(env.name, 60), id="typed")
                if plan.call.confirm_target is not None:
                    yield Label(
                        f"Type the target's name, {plain(plan.call.confirm_target, 100)}, too",
                        classes="confirm--label",
                        markup=False,
                    )
                    yield Input(placeholder=plain(plan.call.confirm_target, 100), id="target")
            yield Static(self._hint(), id="confirm-hint", markup=False)
            with Horizontal(id="confirm-buttons"):
                run = "Run (refused: read-only)" if self.read_only else "Run (y)"
                if self.mode == "typed":
                    run = "Run (Enter)"
                yield Button(run, id="run", variant="error" if env.is_production else "primary")
                yield Button("Preview only (p)", id="preview")
                if self.offers_dry_run:
                    yield Button("Dry run (d)", id="dry-run")
                yield Button("Cancel (Esc)", id="cancel")

    def _hint(self) -> str:
        env = plain(self.plan.environment.name, 60)
        hint = {
            "none": "Enter or y runs · p preview only · Esc cancels",
            "confirm": "y runs · Enter or Esc cancels · p preview only",
            "typed": f"type {env} and press Enter to run · Esc cancels",
            "read-only": "nothing runs here: y records the attempt as refused · Esc cancels",
        }[self.mode]
        if self.offers_dry_run:
            hint += " · Tab to Dry run" if self.mode == "typed" else " · d dry run"
        return hint

    def on_mount(self) -> None:
        self.opened_at = self._monotonic()
        if self.mode == "typed":
            self.query_one("#typed", Input).focus()
        elif self.mode == "none":
            self.query_one("#run", Button).focus()
        else:
            self.query_one("#cancel", Button).focus()

    # ---- keys -------------------------------------------------------------------------------

    def guarded(self) -> bool:
        """Keys are still ignored: a ``confirm`` dialog that opened less than 0.5 s ago."""
        if self.mode != "confirm":
            return False
        return self.opened_at is None or self._monotonic() - self.opened_at < GUARD_SECONDS

    def on_key(self, event: events.Key) -> None:
        # Keys bubble here from the focused button before any binding is looked at: stopping
        # them now keeps Enter (the button's) and y (the screen's) from answering too soon.
        if self.guarded():
            event.stop()
            event.prevent_default()

    def _finish(self, confirmation: Confirmation | None) -> None:
        # Once: two keys typed together must not dismiss twice (the second would pop the
        # screen below).
        if not self.done:
            self.done = True
            self.dismiss(confirmation)

    def action_cancel(self) -> None:
        """Close without running anything."""
        if not self.guarded():
            self._finish(None)

    def action_preview_only(self) -> None:
        """Close without running anything: the preview was all that was wanted."""
        if not self.guarded():
            self.preview_only = True
            self._finish(None)

    def action_dry_run(self) -> None:
        """Close and prepare the same action again as a dry run (previewed and confirmed too)."""
        if not self.guarded() and self.offers_dry_run:
            self.dry_run_wanted = True
            self._finish(None)

    def action_yes(self) -> None:
        """``y``: run (not for ``typed``, where y is typed into the field)."""
        if self.guarded() or self.mode == "typed":
            return
        self._finish(Confirmation(yes=True))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if self.guarded():
            return
        if event.button.id == "cancel":
            self._finish(None)
        elif event.button.id == "preview":
            self.action_preview_only()
        elif event.button.id == "dry-run":
            self.action_dry_run()
        elif self.mode == "typed":
            self._submit_typed()
        else:
            self._finish(Confirmation(yes=True))

    # ---- typed ------------------------------------------------------------------------------

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "typed" and self.plan.call.confirm_target is not None:
            target = self.query_one("#target", Input)
            if event.value.strip() == self.plan.environment.name and not target.value.strip():
                target.focus()
                return
        self._submit_typed()

    def _submit_typed(self) -> None:
        typed = self.query_one("#typed", Input).value.strip()
        targets = self.query("#target")
        target = targets.first(Input).value.strip() if targets else ""
        confirmation = Confirmation(typed=typed or None, typed_target=target or None)
        problem = confirmation_problem(self.plan, confirmation)
        given = (typed, target)
        # Wrong text submitted again as it was is handed to the gate, which refuses it on the
        # record; a first wrong Enter (or an empty one) only says what to type.
        if problem is None or (given == self._insisted and any(given)):
            self._finish(confirmation)
            return
        self._insisted = given
        self.add_class("-wrong")
        hint = self.query_one("#confirm-hint", Static)
        again = " (Enter again submits it as typed)" if any(given) else ""
        hint.update(f"{plain(problem, 300)}; nothing ran{again}")
