"""`A`: every action attempt in the environment in focus, newest first, with what it called."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import DataTable, Label, Static

from cockpit.text.sanitize import plain
from cockpit.ui.screens.dialog import ActionDialog
from cockpit.ui.widgets.env_badge import EnvBadge
from cockpit.ui.widgets.lists import Table

if TYPE_CHECKING:
    from cockpit.actions.model import Attempt
    from cockpit.config.environments import Environment
    from cockpit.state.audit import AuditLog

READ_AT_MOST = 500
"""Attempts read for the screen (the newest)."""
COLUMNS = (("TIME (UTC)", 14), ("WHO", 12), ("ACTION", 16), ("PARAMS", 14))
"""Fixed columns; OUTCOME takes the rest of the width."""
OUTCOME_VARIABLE = {
    "ok": "status-up",
    "refused": "status-down",
    "failed": "status-down",
    "timeout": "status-down",
    "error": "status-down",
    "cancelled": "status-degraded",
    "running": "status-degraded",
}


class AttemptsRead(Message):
    """The attempts of one environment, newest first."""

    def __init__(self, attempts: list[Attempt]) -> None:
        super().__init__()
        self.attempts = attempts


def when(attempt: Attempt, form: str = "%Y-%m-%d %H:%M:%S") -> str:
    """``2026-11-22 09:46:40`` (UTC), from the record's time."""
    try:
        return datetime.fromisoformat(attempt.time).strftime(form)
    except ValueError:
        return plain(attempt.time, 30)


def outcome_text(attempt: Attempt) -> str:
    """What became of it: ``refused: why``, ``ok (exit 0)``, ``outcome unknown``."""
    if attempt.outcome == "refused":
        return f"refused: {plain(attempt.reason or '', 300)}"
    words = [attempt.outcome]
    if attempt.exit_code is not None:
        words.append(f"(exit {attempt.exit_code})")
    if attempt.http_status is not None:
        words.append(f"(HTTP {attempt.http_status})")
    if attempt.reason:
        words.append(f"· {plain(attempt.reason, 200)}")
    text = " ".join(words)
    return f"dry run · {text}" if attempt.dry_run else text


def params_text(params: dict[str, object]) -> str:
    """``replicas=10 path=x``."""
    return " ".join(f"{plain(str(k), 40)}={plain(str(v), 80)}" for k, v in params.items())


def detail_text(attempt: Attempt) -> Text:
    """The attempt in full: who, where from, the exact call, the reason and the output."""
    text = Text()
    origin = f" · from {plain(attempt.origin, 20)}" if attempt.origin else ""
    text.append(f"{when(attempt)} UTC · {plain(attempt.user, 80)}{origin}\n", style="bold")
    text.append(f"{plain(attempt.action, 80)}  {params_text(attempt.params)}\n")
    seconds = f" · {attempt.seconds:.1f} s" if attempt.seconds is not None else ""
    text.append(f"outcome: {outcome_text(attempt)}{seconds}\n")
    call = attempt.call
    if call:
        text.append("call:\n", style="dim")
        for key, value in call.items():
            if isinstance(value, list):
                shown = " ".join(plain(str(v), 200) for v in value)
            elif isinstance(value, dict):
                shown = " ".join(plain(str(v), 300) for v in value.values() if v)
            else:
                shown = plain(str(value), 300)
            text.append(f"  {plain(key, 20)}: {shown}\n")
    if attempt.output:
        text.append("output:\n", style="dim")
        for line in attempt.output.splitlines()[-40:]:
            text.append(f"  {plain(line, 500)}\n")
    return text


class AuditScreen(ActionDialog[None]):
    """The action attempts of ``environment``, newest first; the highlighted one in full.

    Args:
        audit: Where the attempts are read from (in a worker).
        environment: The environment in focus.
    """

    DEFAULT_CSS = """
    AuditScreen #audit-attempts {
        height: 1fr;
        min-height: 4;
    }
    AuditScreen #audit-detail-scroll {
        height: 1fr;
        border-top: solid $secondary;
    }
    AuditScreen .audit--hint {
        height: 1;
        color: $foreground-muted;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,A", "dismiss(None)", "Back", id="audit_back"),
    ]

    def __init__(self, audit: AuditLog, environment: Environment) -> None:
        super().__init__(environment)
        self.audit = audit
        self.environment = environment
        self.attempts: list[Attempt] = []
        self.detail_plain = ""

    def compose(self) -> ComposeResult:
        with Vertical(id="audit-dialog", classes="dialog -full"):
            yield EnvBadge(self.environment)
            yield Label(
                plain(f"Audit trail · {self.environment.name} · newest first", 200),
                markup=False,
            )
            yield Table(id="audit-attempts", cursor_type="row", zebra_stripes=True)
            with VerticalScroll(id="audit-detail-scroll"):
                yield Static("reading…", id="audit-detail", markup=False)
            yield Label("j/k: attempt · Esc: back", classes="audit--hint")

    def on_mount(self) -> None:
        table = self.query_one("#audit-attempts", DataTable)
        # The dialog's border and padding, and each cell's padding.
        rest = self.size.width - 4 - sum(w for _, w in COLUMNS) - 2 * (len(COLUMNS) + 1) - 1
        for label, width in (*COLUMNS, ("OUTCOME", max(rest, 12))):
            table.add_column(label, key=label, width=width)
        table.focus()
        self._read(self.audit, self.environment.name)

    @work(thread=True, exclusive=True, group="audit", exit_on_error=False,
          description="read the audit trail")  # fmt: skip
    def _read(self, audit: AuditLog, environment: str) -> None:
        from cockpit.actions.trail import attempts

        found = [a for a in attempts(audit, limit=READ_AT_MOST) if a.environment == environment]
        self.post_message(AttemptsRead(list(reversed(found))))

    def on_attempts_read(self, message: AttemptsRead) -> None:
        message.stop()
        self.attempts = message.attempts
        table = self.query_one("#audit-attempts", DataTable)
        table.clear()
        if not self.attempts:
            self._show_detail_text(
                Text(f"No action was tried in {plain(self.environment.name, 60)} yet.")
            )
            return
        variables = self.app.get_css_variables()
        for index, attempt in enumerate(self.attempts):
            colour = variables.get(OUTCOME_VARIABLE.get(attempt.outcome, "status-unknown"), "")
            table.add_row(
                when(attempt, "%m-%d %H:%M:%S"),
                Text(plain(attempt.user, 60)),
                Text(plain(attempt.action, 80)),
                Text(params_text(attempt.params)),
                Text(outcome_text(attempt), style=colour),
                key=str(index),
            )
        table.move_cursor(row=0)
        self._show(0)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show(event.cursor_row)

    def _show(self, row: int) -> None:
        if 0 <= row < len(self.attempts):
            self._show_detail_text(detail_text(self.attempts[row]))

    def _show_detail_text(self, text: Text) -> None:
        self.detail_plain = text.plain
        self.query_one("#audit-detail", Static).update(text)
