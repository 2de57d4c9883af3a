"""Checklists pane: tick items with who/when/note; every tick is stored before it shows as done."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from cockpit.feeds.checklist_due import RunDue, assess, due_at, format_due, missed_runs
from cockpit.runbooks.check_command import EVIDENCE_LINES
from cockpit.runbooks.check_command import TIMEOUT as CHECK_TIMEOUT
from cockpit.state.checklists import (
    CALENDAR_CADENCES,
    Checklist,
    ChecklistBook,
    ChecklistItem,
    RunSummary,
    TickState,
)
from cockpit.state.store import StoreError
from cockpit.text.sanitize import plain
from cockpit.ui.messages import StateWriteFailed
from cockpit.ui.widgets.lists import Choices
from cockpit.ui.widgets.pane import Pane

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime

    from cockpit.actions.model import Outcome
    from cockpit.domain.health import ServiceStatus
    from cockpit.feeds.metric_board import MetricRow

AUTO_TICK_EVERY = 15.0
"""Seconds between looks at the items bound to a service or a metric."""
POLL_EVERY = 1.0
"""Seconds between reads of the run on screen: ticks from another cockpit show within this."""

WRITE_ERRORS = (StoreError, sqlite3.Error, OSError)
"""What a full disk, a locked or read-only database or a vanished state dir raise on a write."""

FailureKey = tuple[str, str, str]
"""(environment, checklist id, item id)."""
MissedKey = tuple[str, str]
"""(environment, period): the run that missed counts were read before."""


@dataclass(frozen=True)
class ChecklistView:
    """What the pane shows for one checklist run."""

    checklist: Checklist
    period: str
    states: dict[str, TickState]


@dataclass(frozen=True)
class WriteFailure:
    """A tick or untick the store refused: what the operator wanted, and why it failed."""

    period: str
    done: bool
    note: str | None
    reason: str


class TickNotSaved(Message):
    """A write failed; the item keeps the operator's intent until a retry saves it."""

    def __init__(self, key: FailureKey, failure: WriteFailure) -> None:
        super().__init__()
        self.key = key
        self.failure = failure


class TickSaved(Message):
    """A write reached the store; fresh states follow in the view."""

    def __init__(self, key: FailureKey, view: ChecklistView) -> None:
        super().__init__()
        self.key = key
        self.view = view


class ChecklistLoaded(Message):
    """Fresh tick states read from the store."""

    def __init__(self, view: ChecklistView, writes: int | None = None) -> None:
        super().__init__()
        self.view = view
        self.writes = writes
        """For a poll: how many writes the pane had sent when it read (None: not a poll)."""


class OverdueRead(Message):
    """What stands out from the earlier runs of a calendar checklist.

    ``summary`` is the previous run when it ended with items left (else None); ``missed`` the
    run it was read for (environment, period) with how many runs in a row before it each item
    was missed in (None for a list without calendar runs).
    """

    def __init__(
        self,
        checklist_id: str,
        summary: RunSummary | None,
        missed: tuple[MissedKey, dict[str, int]] | None = None,
    ) -> None:
        super().__init__()
        self.checklist_id = checklist_id
        self.summary = summary
        self.missed = missed


def _read_overdue(
    book: ChecklistBook, environment: str, checklist: Checklist, period: str | None
) -> OverdueRead:
    """What :class:`OverdueRead` carries, read from the store (call from a worker thread)."""
    missed = None
    if period and checklist.cadence in CALENDAR_CADENCES:
        missed = ((environment, period), missed_runs(book, environment, checklist, period))
    return OverdueRead(checklist.id, book.overdue(environment, checklist), missed)


@dataclass(frozen=True, slots=True)
class _CheckRun:
    """An item's command on its way through the gate, and where its tick goes."""

    book: ChecklistBook
    checklist: Checklist
    key: FailureKey
    period: str
    command: str


class ChecklistsPane(Pane):
    """The team's checklists for the environment in focus."""

    pane_id = "checklists"
    title = "Checklists"
    key = "4"
    stale_after = float("inf")  # the store is local: data never goes stale on its own

    COMPONENT_CLASSES = {
        "checklist--done",
        "checklist--failed",
        "checklist--overdue",
        "checklist--missed",
    }

    DEFAULT_CSS = """
    ChecklistsPane > .checklist--done {
        color: $status-up;
        text-style: bold;
    }
    ChecklistsPane > .checklist--failed, ChecklistsPane > .checklist--overdue {
        color: $status-down;
        text-style: bold;
    }
    ChecklistsPane > .checklist--heading {
        text-style: bold;
        width: 1fr;
    }
    ChecklistsPane > OptionList {
        height: 1fr;
        border: none;
        padding: 0;
    }
    ChecklistsPane > .checklist--heading.-overdue, ChecklistsPane > .checklist--missed {
        color: $status-degraded;
        text-style: bold;
    }
    ChecklistsPane > .checklist--hint {
        color: $foreground-muted;
        height: auto;
        max-height: 6;
    }
    """

    BINDINGS = [
        Binding("space", "toggle_tick", "Tick", id="checklist_toggle"),
        Binding("n", "note", "Note", id="checklist_note"),
        Binding("x", "export", "Export", id="checklist_export"),
        Binding("o", "open_run", "Open run", id="checklist_open_run"),
        Binding("r", "run_check", "Run check", id="checklist_run_check"),
        Binding("R", "past_runs", "Past runs", id="checklist_runs"),
        Binding("h", "item_history", "History", id="checklist_item_history"),
        Binding("right_square_bracket", "next_checklist", "Next list", show=False),
        Binding("left_square_bracket", "previous_checklist", "Prev list", show=False),
    ]

    def __init__(self, checklists: list[Checklist]) -> None:
        super().__init__()
        self.checklists = checklists
        self.index = 0
        self.environment = ""
        self.who = "unknown"
        self.book: ChecklistBook | None = None
        self.view: ChecklistView | None = None
        self.pending: set[FailureKey] = set()
        """Writes on their way to the store (shown as […])."""
        self.failed: dict[FailureKey, WriteFailure] = {}
        """Writes the store refused, kept across list and environment switches until saved."""
        self.statuses: list[ServiceStatus] = []
        """The latest health roll-ups (bound items tick themselves when their service is UP)."""
        self.metric_rows: Callable[[], list[MetricRow]] = list
        """The metric rows of the environment in focus, read when bound items are looked at."""
        self._writes = 0
        self._overdue: dict[str, RunSummary | None] = {}
        self._missed: dict[str, tuple[MissedKey, dict[str, int]]] = {}
        """Per checklist: the run its missed counts were read for, and the counts."""
        self._shown_marks: object = None
        """The overdue and missed marks on screen, to redraw when the clock changes them."""

    def on_mount(self) -> None:
        super().on_mount()
        self.set_interval(AUTO_TICK_EVERY, self.auto_tick)
        self.set_interval(POLL_EVERY, self.poll)

    def poll(self) -> None:
        """Read the run on screen again, so ticks made elsewhere (another cockpit, the CLI) show.

        Skipped while a tick of this pane is on its way, and for a pane not on screen. Marks
        the clock changed since they were drawn (an item turning overdue, or an hour more
        overdue) are redrawn first.
        """
        view, book, checklist = self.view, self.book, self.checklist
        if view is None or book is None or checklist is None or self.pending or not self.display:
            return
        if self._marks(self._run_due(view)) != self._shown_marks:
            self._render_view()
        if view.checklist.id != checklist.id:
            return
        self._poll(book, self.environment, checklist, view, self._writes)

    @work(thread=True, exclusive=True, group="checklist-poll", exit_on_error=False,
          description="read ticks made elsewhere")  # fmt: skip
    def _poll(
        self,
        book: ChecklistBook,
        environment: str,
        checklist: Checklist,
        view: ChecklistView,
        writes: int,
    ) -> None:
        from cockpit.state.checklists import CALENDAR_CADENCES

        # A calendar list follows the clock (a new day opens a new run); an opened deploy or
        # incident run stays on screen until another one is opened.
        if checklist.cadence in CALENDAR_CADENCES or not view.period:
            period = book.active_period(environment, checklist)
        else:
            period = view.period
        if period is None:
            return
        if period != view.period:  # a new day or shift: yesterday's run may be left unfinished
            self.post_message(_read_overdue(book, environment, checklist, period))
        states = book.state(environment, checklist, period)
        if period != view.period or states != view.states:
            self.post_message(ChecklistLoaded(ChecklistView(checklist, period, states), writes))

    def compose_body(self) -> ComposeResult:
        yield Label("", classes="checklist--heading", markup=False)
        yield Choices(id="checklist-items")
        yield Static("", classes="checklist--hint", markup=False)

    @property
    def checklist(self) -> Checklist | None:
        """The checklist on screen."""
        return self.checklists[self.index] if self.checklists else None

    def bind(
        self,
        book: ChecklistBook | None,
        environment: str,
        who: str,
        checklists: list[Checklist] | None = None,
    ) -> None:
        """Point the pane at a store, an environment and its checklists, then load.

        Args:
            book: The tick store, or None when state is unavailable.
            environment: The environment in focus.
            who: Recorded with every tick (user@host).
            checklists: The environment's checklists; None keeps the ones shown.
        """
        if checklists is not None:
            shown = self.checklist.id if self.checklist else None
            self.checklists = checklists
            ids = [c.id for c in checklists]
            self.index = ids.index(shown) if shown in ids else 0
        self.book = book
        self.environment = environment
        self.who = who
        self.reload()

    def reload(self) -> None:
        """Read tick states for the checklist on screen (in a worker)."""
        if self.checklist is None:
            self.view = None
            self.query_one(".checklist--heading", Label).update(
                f"No checklists for {plain(self.environment, 40)}: add them under `checklists:`"
            )
            self.query_one(OptionList).clear_options()
            self.query_one(".checklist--hint", Static).update("")
            return
        if self.book is None:
            self.error = "state store unavailable: ticks cannot be recorded"
            return
        self._load(self.book, self.environment, self.checklist)

    @work(
        thread=True,
        exclusive=True,
        group="checklists",
        exit_on_error=False,
        description="read checklist ticks",
    )
    def _load(self, book: ChecklistBook, environment: str, checklist: Checklist) -> None:
        period = book.active_period(environment, checklist)
        self.post_message(_read_overdue(book, environment, checklist, period))
        if period is None:
            # A deploy or incident list before its first run: items show, unticked.
            states = {item.id: TickState(done=False) for item in checklist.items}
            self.post_message(ChecklistLoaded(ChecklistView(checklist, "", states)))
            return
        states = book.state(environment, checklist, period)
        self.post_message(ChecklistLoaded(ChecklistView(checklist, period, states)))

    def on_overdue_read(self, message: OverdueRead) -> None:
        message.stop()
        missed = message.missed
        changed = self._overdue.get(message.checklist_id) != message.summary
        changed |= missed is not None and self._missed.get(message.checklist_id) != missed
        self._overdue[message.checklist_id] = message.summary
        if missed is not None:
            self._missed[message.checklist_id] = missed
        if changed:
            self._render_view()

    def on_checklist_loaded(self, message: ChecklistLoaded) -> None:
        message.stop()
        if message.writes is not None and (message.writes != self._writes or self.pending):
            return  # read before this pane's own tick landed: the next poll is newer
        self.view = message.view
        self._render_view()
        self._show_failures()

    def on_tick_saved(self, message: TickSaved) -> None:
        message.stop()
        self.pending.discard(message.key)
        self.failed.pop(message.key, None)
        if message.key[:2] == (self.environment, message.view.checklist.id):
            self.view = message.view
        self._render_view()
        self._show_failures()

    def on_tick_not_saved(self, message: TickNotSaved) -> None:
        message.stop()
        self.pending.discard(message.key)
        self.failed[message.key] = message.failure
        self._render_view()
        self._show_failures()

    def _key(self, item_id: str) -> FailureKey:
        checklist = self.checklist
        return (self.environment, checklist.id if checklist else "", item_id)

    def _show_failures(self) -> None:
        """Border, pane message and banner say how many writes are not saved, or clear."""
        if not self.failed:
            self.post_message(StateWriteFailed(None))
            self.mark_fresh(self.environment)
            return
        latest = list(self.failed.values())[-1].reason
        count = len(self.failed)
        what = "1 tick" if count == 1 else f"{count} ticks"
        self.error = f"{what} NOT SAVED: {latest}; space on the item retries it"
        self.post_message(StateWriteFailed(f"{what}: {latest}"))

    def retry_failed(self) -> None:
        """Try every unsaved write again, in the order they were made."""
        if self.book is None:
            return
        for key, failure in list(self.failed.items()):
            self._send(key, failure.period, failure.done, failure.note)

    def theme_changed(self) -> None:
        """Ticked and unsaved items carry theme colours."""
        self._render_view()

    def _run_due(self, view: ChecklistView) -> tuple[RunDue, datetime] | None:
        """Where the items on screen stand against their due time and earlier runs, and when."""
        if self.book is None:
            return None
        key, missed = self._missed.get(view.checklist.id, (("", ""), {}))
        if key != (self.environment, view.period):
            missed = {}  # read for another run: the next read brings this one's
        now = self.book.now()
        return assess(view.checklist, view.period, view.states, missed, now), now

    @staticmethod
    def _marks(run: tuple[RunDue, datetime] | None) -> object:
        if run is None:
            return None
        due, now = run
        return tuple(item.marks(now) for item in due.items.values())

    def _heading(self, view: ChecklistView, due: RunDue | None) -> Text:
        done = sum(s.done for s in view.states.values())
        run = view.period or "(no run yet)"
        heading = Text(
            f"{plain(view.checklist.title, 120)} · {view.checklist.cadence} {run}"
            f" · {done}/{len(view.states)} done"
        )
        if due is not None and due.due is not None:
            heading.append(f" · due {format_due(view.checklist, view.period, due.due)}")
        if due is not None and due.overdue:
            heading.append(" · ")
            style = self.get_component_rich_style("checklist--overdue", partial=True)
            heading.append(f"{due.overdue} overdue", style=style)
        if due is not None and due.missed:
            heading.append(" · ")
            style = self.get_component_rich_style("checklist--missed", partial=True)
            heading.append(f"{due.missed} missed", style=style)
        overdue = self._overdue.get(view.checklist.id)
        if overdue is not None:
            heading.append(f"   ▲ OVERDUE: {overdue.period} left at {overdue.done}/{overdue.total}")
        if len(self.checklists) > 1:
            heading.append(f"   ([ ] list {self.index + 1}/{len(self.checklists)})")
        return heading

    def _render_view(self) -> None:
        view = self.view
        if view is None:
            return
        run = self._run_due(view)
        self._shown_marks = self._marks(run)
        due = None if run is None else run[0]
        heading = self.query_one(".checklist--heading", Label)
        heading.update(self._heading(view, due))
        heading.set_class(self._overdue.get(view.checklist.id) is not None, "-overdue")
        # With the pane's background, as the done box has: readable on the highlighted row too.
        overdue_style = self.get_component_rich_style("checklist--overdue")
        missed_style = self.get_component_rich_style("checklist--missed")
        option_list = self.query_one(OptionList)
        highlighted = option_list.highlighted
        option_list.clear_options()
        for item in view.checklist.items:
            state = view.states.get(item.id, TickState(done=False))
            label = Text(no_wrap=False)
            failure = self.failed.get(self._key(item.id))
            late, missed = ("", "") if run is None else run[0].items[item.id].marks(run[1])
            if self._key(item.id) in self.pending:
                label.append("[…] ", style="bold")
            elif failure is not None:
                style = self.get_component_rich_style("checklist--failed", partial=True)
                want = "tick" if failure.done else "untick"
                label.append("[!] ", style=style)
                label.append(plain(item.text, 500))
                label.append(f"  — {want} NOT SAVED: {plain(failure.reason)}", style=style)
                option_list.add_option(Option(label, id=item.id))
                continue
            elif state.done:
                label.append("[✓] ", style=self.get_component_rich_style("checklist--done"))
            else:
                # The box of an item that stands out takes its colour: seen down the left edge.
                label.append(
                    "[ ] ", style=overdue_style if late else missed_style if missed else ""
                )
            label.append(plain(item.text, 500))
            if late:
                label.append(f"  {late}", style=overdue_style)
            if missed:
                label.append(f"  {missed}", style=missed_style)
            if state.who and state.at:
                verb = "" if state.done else "unticked "
                label.append(
                    f"  — {verb}{plain(state.who, 40)} {state.at:%H:%M} UTC", style="italic dim"
                )
            if state.note:
                label.append(f"  “{plain(state.note, 500)}”", style="dim")
            option_list.add_option(Option(label, id=item.id))
        if view.checklist.items:
            option_list.highlighted = min(highlighted or 0, len(view.checklist.items) - 1)
        self._show_hint()

    def _show_hint(self) -> None:
        item = self._highlighted_item()
        lines = []
        if item is not None and item.hint:
            lines.append(f"how: {plain(item.hint, 1000)}")
        view = self.view
        if item is not None and item.due is not None and view is not None and view.period:
            # Its own due time: the heading shows only the checklist's.
            due = due_at(view.checklist, view.period, item)
            if due is not None:
                lines.append(f"due: {format_due(view.checklist, view.period, due)}")
        state = self.view.states.get(item.id) if item is not None and self.view else None
        if state is not None and state.done and state.evidence:
            # The output that ticked it, last lines only: the report holds the rest.
            shown = [plain(line, 300) for line in state.evidence.splitlines()[-4:]]
            lines.append("evidence: " + "\n          ".join(shown))
        self.query_one(".checklist--hint", Static).update("\n".join(lines))

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._show_hint()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_toggle_tick()

    def _highlighted_item(self) -> ChecklistItem | None:
        item_id = self._highlighted_id()
        if item_id is None or self.view is None:
            return None
        return self.view.checklist.item(item_id)

    def action_toggle_tick(self) -> None:
        """Tick or untick the highlighted item."""
        self._change(note=None)

    def action_note(self) -> None:
        """Tick the highlighted item with a note (or change the note of a ticked one)."""
        from cockpit.ui.screens.note import NoteScreen

        item_id = self._highlighted_id()
        if item_id is None or self.view is None:
            return
        state = self.view.states.get(item_id, TickState(done=False))

        def save(note: str | None) -> None:
            if note is not None:
                self._change(note=note, done=True)

        item = self.view.checklist.item(item_id)
        self.app.push_screen(
            NoteScreen(f"Note for: {plain(item.text, 200)}", plain(state.note or "", 0)), save
        )

    def _highlighted_id(self) -> str | None:
        option_list = self.query_one(OptionList)
        if option_list.highlighted is None:
            return None
        return option_list.get_option_at_index(option_list.highlighted).id

    def _change(self, note: str | None, done: bool | None = None) -> None:
        item_id = self._highlighted_id()
        if item_id is None or self.view is None or self.book is None:
            return
        key = self._key(item_id)
        if key in self.pending:
            return
        failure = self.failed.get(key)
        if failure is not None and done is None and note is None:
            # Space on an unsaved item retries what the operator asked for, not its opposite.
            self._send(key, failure.period, failure.done, failure.note)
            return
        if not self.view.period:
            self.app.notify(
                f"No {self.view.checklist.cadence} run yet: press o to open one "
                "(its id: the release or incident)",
                timeout=8,
                markup=False,
            )
            return
        current = self.view.states.get(item_id, TickState(done=False)).done
        target = (not current) if done is None else done
        self._send(key, self.view.period, target, note)

    def _send(self, key: FailureKey, period: str, done: bool, note: str | None) -> None:
        checklist = next((c for c in self.checklists if c.id == key[1]), None)
        if self.book is None or checklist is None:
            return
        self.pending.add(key)
        self._writes += 1
        self._render_view()
        book = self.book
        self.run_worker(
            lambda: self._write_now(book, checklist, key, period, done, note),
            thread=True,
            group="checklists",
            exit_on_error=False,
            description="record a tick",
        )

    def _write_now(
        self,
        book: ChecklistBook,
        checklist: Checklist,
        key: FailureKey,
        period: str,
        done: bool,
        note: str | None,
        evidence: str | None = None,
    ) -> None:
        """Record a tick and post how it went (call from a worker thread)."""
        env, _, item_id = key
        # The run on screen, even if midnight passed since it was shown: the operator ticks
        # what they see.
        try:
            if done:
                book.tick(env, checklist, item_id, self.who, note, period=period, evidence=evidence)
            else:
                book.untick(env, checklist, item_id, self.who, note, period=period)
        except WRITE_ERRORS as exc:
            reason = str(exc) or type(exc).__name__
            self.post_message(TickNotSaved(key, WriteFailure(period, done, note, reason)))
            return
        try:
            states = book.state(env, checklist, period)
        except WRITE_ERRORS:
            # Saved; only the re-read failed: keep the tick visible as the operator made it.
            states = dict(self.view.states) if self.view else {}
            states[item_id] = TickState(done=done, who=self.who, note=note)
        self.post_message(TickSaved(key, ChecklistView(checklist, period, states)))

    def auto_tick(self) -> None:
        """Tick, as the cockpit, the bound items whose service is UP or metric within limits.

        Runs every :data:`AUTO_TICK_EVERY` seconds; the store is read and written in a worker.
        """
        from cockpit.feeds.checklist_conditions import satisfied

        book = self.book
        if book is None or not any(i.when for c in self.checklists for i in c.items):
            return
        found = satisfied(self.checklists, self.environment, self.statuses, self.metric_rows())
        if found:
            self._auto_tick(book, self.environment, found, self.checklist)

    @work(thread=True, exclusive=True, group="checklist-auto", exit_on_error=False,
          description="tick the items whose check holds")  # fmt: skip
    def _auto_tick(
        self,
        book: ChecklistBook,
        environment: str,
        found: list[tuple[Checklist, str, str]],
        shown: Checklist | None,
    ) -> None:
        host = self.who.partition("@")[2] or "localhost"
        ticked = False
        for checklist, item_id, evidence in found:
            period = book.active_period(environment, checklist)
            if period is None or book.state(environment, checklist, period)[item_id].done:
                continue
            note = "ticked by the cockpit: its check holds"
            book.tick(
                environment, checklist, item_id, f"cockpit@{host}", note,
                period=period, evidence=evidence,
            )  # fmt: skip
            ticked = True
        if ticked and shown is not None:
            period = book.active_period(environment, shown)
            if period is not None:
                states = book.state(environment, shown, period)
                self.post_message(ChecklistLoaded(ChecklistView(shown, period, states)))

    def action_run_check(self) -> None:
        """Run the highlighted item's command through the gate; its output ticks the item.

        A command that only reads runs at once (in read-only mode too); one that changes
        things is previewed and confirmed as its environment demands, as any action is. A
        command with placeholders (``<container-id>``) asks for their values first. With ticks
        waiting to be saved, ``r`` retries them first (as everywhere else).
        """
        import os

        from cockpit.actions.runbook_commands import command_action, param_specs
        from cockpit.runbooks.check_command import command_of

        if self.failed:
            self.retry_failed()
            return
        item = self._highlighted_item()
        checklist, book = self.checklist, self.book
        if item is None or checklist is None or book is None or self.view is None:
            return
        command = command_of(item.command, item.hint)
        if command is None:
            self.app.notify(
                "This item has no command to run: give it a `hint:` such as `df -h`",
                timeout=5,
                markup=False,
            )
            return
        if not self.view.period:
            self._change(note=None)  # explains how to open a run
            return
        run = _CheckRun(book, checklist, self._key(item.id), self.view.period, command)
        label = f"{checklist.title}: {item.text}"
        specs = param_specs(command, None, os.environ)
        if not specs:
            self._prepare_check(run, label, {})
            return
        from cockpit.ui.app import CockpitApp
        from cockpit.ui.screens.action_form import ActionFormScreen

        app = self.app
        assert isinstance(app, CockpitApp)

        def filled(values: dict[str, str] | None) -> None:
            if values is not None:
                self._prepare_check(run, label, values)

        form = ActionFormScreen(command_action(label), app.environment, {}, params=specs)
        app.push_screen(form, filled)

    def _prepare_check(self, run: _CheckRun, label: str, values: dict[str, str]) -> None:
        from cockpit.ui.action_flow import in_thread
        from cockpit.ui.app import CockpitApp

        app = self.app
        assert isinstance(app, CockpitApp)
        gate, environment = app.gate, self.environment

        async def work() -> None:
            from cockpit.actions.model import Confirmation, Refused

            try:
                plan = await gate.prepare_runbook(
                    run.command,
                    environment,
                    values,
                    label=label,
                    origin="checklist",
                    timeout=CHECK_TIMEOUT,
                )
            except Refused as exc:
                app.call_from_thread(self._say_refused, str(exc))
                return
            if plan.call.mutating:
                app.call_from_thread(app.confirm_and_run, plan, partial(self._check_ran, run))
                return
            app.call_from_thread(
                app.notify, f"Running {plain(run.command, 120)} …", timeout=3, markup=False
            )
            try:
                outcome = await gate.execute(plan, Confirmation())
            except Refused as exc:
                app.call_from_thread(self._say_refused, str(exc))
                return
            self._record_check(run, outcome)

        in_thread(self, work(), group="checklist-check", description="run a check")

    def _say_refused(self, reason: str) -> None:
        self.app.notify(plain(reason, 500), severity="warning", timeout=8, markup=False)

    def _check_ran(self, run: _CheckRun, outcome: Outcome | None) -> None:
        if outcome is not None:
            self._record_in_thread(run, outcome)

    @work(thread=True, group="checklist-check", exit_on_error=False, description="tick a check")
    def _record_in_thread(self, run: _CheckRun, outcome: Outcome) -> None:
        self._record_check(run, outcome)

    def _record_check(self, run: _CheckRun, outcome: Outcome) -> None:
        """Tick the item with the output as evidence when the command succeeded (worker)."""
        how = outcome.detail or outcome.status
        summary = f"ran `{plain(run.command, 200)}` ({how})"
        if not outcome.ok:
            tail = "\n".join(outcome.output.splitlines()[-5:])
            self.app.call_from_thread(
                self.app.notify,
                f"{summary}: not ticked\n{tail}",
                severity="error",
                timeout=10,
                markup=False,
            )
            return
        evidence = "\n".join(outcome.output.splitlines()[-EVIDENCE_LINES:])
        self._write_now(run.book, run.checklist, run.key, run.period, True, summary, evidence)

    def action_open_run(self) -> None:
        """Open (or go back to) a deploy or incident run by its id, e.g. the release."""
        from cockpit.state.checklists import CALENDAR_CADENCES, resolve_period
        from cockpit.ui.screens.note import NoteScreen

        checklist, book = self.checklist, self.book
        if checklist is None or book is None:
            return
        if checklist.cadence in CALENDAR_CADENCES:
            self.app.notify(
                f"{checklist.cadence} runs open by themselves each period", timeout=4, markup=False
            )
            return

        def opened(answer: str | None) -> None:
            if not answer or not answer.strip():
                return
            try:
                period = resolve_period(checklist, answer, book.now())
            except ValueError as exc:
                self.app.notify(plain(str(exc), 200), severity="error", markup=False)
                return
            self._load_run(book, self.environment, checklist, period)

        self.app.push_screen(
            NoteScreen(
                f"Open a {checklist.cadence} run of {plain(checklist.title, 80)}: its id "
                "(release, incident)"
            ),
            opened,
        )

    @work(thread=True, exclusive=True, group="checklists", exit_on_error=False, description="open")
    def _load_run(
        self, book: ChecklistBook, environment: str, checklist: Checklist, period: str
    ) -> None:
        states = book.state(environment, checklist, period)
        self.post_message(ChecklistLoaded(ChecklistView(checklist, period, states)))

    def action_item_history(self) -> None:
        """Show every tick and untick of the highlighted item, with notes and evidence."""
        from cockpit.ui.screens.checklist_runs import ItemHistoryScreen

        item = self._highlighted_item()
        if item is not None and self.checklist is not None and self.book is not None:
            self.app.push_screen(
                ItemHistoryScreen(self.book, self.environment, self.checklist, item.id)
            )

    def action_past_runs(self) -> None:
        """Show every run of this checklist with its progress and report."""
        from cockpit.ui.screens.checklist_runs import ChecklistRunsScreen

        if self.checklist is not None and self.book is not None:
            self.app.push_screen(ChecklistRunsScreen(self.book, self.environment, self.checklist))

    def show_checklist(self, checklist_id: str) -> bool:
        """Show the checklist ``checklist_id``; False when it is not one of this environment's."""
        ids = [c.id for c in self.checklists]
        if checklist_id not in ids:
            return False
        self.index = ids.index(checklist_id)
        self.reload()
        return True

    def action_next_checklist(self) -> None:
        """Show the next checklist."""
        if self.checklists:
            self.index = (self.index + 1) % len(self.checklists)
            self.reload()

    def action_previous_checklist(self) -> None:
        """Show the previous checklist."""
        if self.checklists:
            self.index = (self.index - 1) % len(self.checklists)
            self.reload()

    def action_export(self) -> None:
        """Write the run as a Markdown report under the data dir."""
        if self.book is None or self.checklist is None:
            return
        self._export(self.book, self.environment, self.checklist)

    @work(thread=True, group="checklists", exit_on_error=False, description="export a checklist")
    def _export(self, book: ChecklistBook, env: str, checklist: Checklist) -> None:
        from cockpit.state.reports import write_report

        period = book.active_period(env, checklist)
        if period is None:
            self.app.call_from_thread(self.app.notify, "Nothing to export: no run yet", timeout=5)
            return
        path = write_report(
            f"{env}-{checklist.id}-{period}.md", book.export_markdown(env, checklist, period)
        )
        self.app.call_from_thread(self.app.notify, f"Checklist exported to {path}", timeout=8)
