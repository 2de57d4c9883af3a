"""Checklists pane: tick items with who/when/note; every tick is stored before it shows as done."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from cockpit.state.checklists import (
    Checklist,
    ChecklistBook,
    ChecklistItem,
    TickState,
)
from cockpit.ui.widgets.pane import Pane


@dataclass(frozen=True)
class ChecklistView:
    """What the pane shows for one checklist run."""

    checklist: Checklist
    period: str
    states: dict[str, TickState]


class ChecklistLoaded(Message):
    """Fresh tick states read from the store."""

    def __init__(self, view: ChecklistView) -> None:
        super().__init__()
        self.view = view


class ChecklistsPane(Pane):
    """The team's checklists for the environment in focus."""

    pane_id = "checklists"
    title = "Checklists"
    key = "4"
    stale_after = float("inf")  # the store is local: data never goes stale on its own

    DEFAULT_CSS = """
    ChecklistsPane > .checklist--heading {
        text-style: bold;
        width: 1fr;
    }
    ChecklistsPane > OptionList {
        height: 1fr;
        border: none;
        padding: 0;
    }
    ChecklistsPane > .checklist--hint {
        color: $foreground-muted;
        height: auto;
        max-height: 3;
    }
    """

    BINDINGS = [
        Binding("space", "toggle_tick", "Tick", id="checklist_toggle"),
        Binding("n", "note", "Note", id="checklist_note"),
        Binding("x", "export", "Export", id="checklist_export"),
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
        self.pending: set[str] = set()

    def compose_body(self) -> ComposeResult:
        yield Label("", classes="checklist--heading", markup=False)
        yield OptionList(id="checklist-items")
        yield Static("", classes="checklist--hint", markup=False)

    @property
    def checklist(self) -> Checklist | None:
        """The checklist on screen."""
        return self.checklists[self.index] if self.checklists else None

    def bind(self, book: ChecklistBook | None, environment: str, who: str) -> None:
        """Point the pane at a store and environment, then load."""
        self.book = book
        self.environment = environment
        self.who = who
        self.reload()

    def reload(self) -> None:
        """Read tick states for the checklist on screen (in a worker)."""
        if self.checklist is None:
            self.query_one(".checklist--heading", Label).update("No checklists configured")
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
        period = book.current_period(checklist)
        states = book.state(environment, checklist, period)
        self.post_message(ChecklistLoaded(ChecklistView(checklist, period, states)))

    def on_checklist_loaded(self, message: ChecklistLoaded) -> None:
        message.stop()
        self.view = message.view
        self.pending.clear()
        self._render_view()
        self.mark_fresh(f"{self.environment}")

    def _render_view(self) -> None:
        view = self.view
        if view is None:
            return
        done = sum(s.done for s in view.states.values())
        total = len(view.states)
        heading = (
            f"{view.checklist.title} · {view.checklist.cadence} {view.period} · {done}/{total} done"
        )
        if len(self.checklists) > 1:
            heading += f"   ([ ] list {self.index + 1}/{len(self.checklists)})"
        self.query_one(".checklist--heading", Label).update(heading)
        option_list = self.query_one(OptionList)
        highlighted = option_list.highlighted
        option_list.clear_options()
        for item in view.checklist.items:
            state = view.states.get(item.id, TickState(done=False))
            label = Text(no_wrap=False)
            if item.id in self.pending:
                label.append("[…] ", style="bold")
            elif state.done:
                label.append("[✓] ", style="bold green")
            else:
                label.append("[ ] ")
            label.append(item.text)
            if state.who and state.at:
                verb = "" if state.done else "unticked "
                label.append(f"  — {verb}{state.who} {state.at:%H:%M} UTC", style="italic dim")
            if state.note:
                label.append(f"  “{state.note}”", style="dim")
            option_list.add_option(Option(label, id=item.id))
        if view.checklist.items:
            option_list.highlighted = min(highlighted or 0, len(view.checklist.items) - 1)
        self._show_hint()

    def _show_hint(self) -> None:
        item = self._highlighted_item()
        hint = ""
        if item is not None and item.hint:
            hint = f"how: {item.hint}"
        self.query_one(".checklist--hint", Static).update(hint)

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
        self.app.push_screen(NoteScreen(f"Note for: {item.text}", state.note or ""), save)

    def _highlighted_id(self) -> str | None:
        option_list = self.query_one(OptionList)
        if option_list.highlighted is None:
            return None
        return option_list.get_option_at_index(option_list.highlighted).id

    def _change(self, note: str | None, done: bool | None = None) -> None:
        item_id = self._highlighted_id()
        if item_id is None or self.view is None or self.book is None:
            return
        if item_id in self.pending:
            return
        current = self.view.states.get(item_id, TickState(done=False)).done
        target = (not current) if done is None else done
        self.pending.add(item_id)
        self._render_view()
        view = self.view
        self._write(self.book, self.environment, view.checklist, view.period, item_id, target, note)

    @work(thread=True, group="checklists", exit_on_error=False, description="record a tick")
    def _write(
        self,
        book: ChecklistBook,
        env: str,
        checklist: Checklist,
        period: str,
        item_id: str,
        done: bool,
        note: str | None,
    ) -> None:
        # The run on screen, even if midnight passed since it was shown: the operator ticks
        # what they see.
        if done:
            book.tick(env, checklist, item_id, self.who, note, period=period)
        else:
            book.untick(env, checklist, item_id, self.who, note, period=period)
        states = book.state(env, checklist, period)
        self.post_message(ChecklistLoaded(ChecklistView(checklist, period, states)))

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

        period = book.current_period(checklist)
        path = write_report(
            f"{env}-{checklist.id}-{period}.md", book.export_markdown(env, checklist, period)
        )
        self.app.call_from_thread(self.app.notify, f"Checklist exported to {path}", timeout=8)
