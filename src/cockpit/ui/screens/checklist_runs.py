"""Past runs of a checklist (progress, and the chosen run's report), and one item's history."""

from __future__ import annotations

from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from cockpit.state.checklists import Checklist, ChecklistBook, RunSummary, TickEvent
from cockpit.text.sanitize import plain
from cockpit.ui.widgets.lists import Choices


class RunsRead(Message):
    """The runs of the checklist, newest first, with their progress."""

    def __init__(self, runs: list[RunSummary]) -> None:
        super().__init__()
        self.runs = runs


class ReportRead(Message):
    """One run's report (Markdown, as ``x`` exports it)."""

    def __init__(self, period: str, text: str) -> None:
        super().__init__()
        self.period = period
        self.text = text


class ChecklistRunsScreen(ModalScreen[None]):
    """Every run of a checklist in an environment; the highlighted run's report beside them."""

    DEFAULT_CSS = """
    ChecklistRunsScreen {
        align: center middle;
    }
    ChecklistRunsScreen > Vertical {
        width: 100%;
        height: 100%;
        margin-top: 1;
        border: round $primary;
        background: $surface;
        padding: 0 1;
    }
    ChecklistRunsScreen Horizontal {
        height: 1fr;
    }
    ChecklistRunsScreen #runs {
        width: 30;
        height: 1fr;
    }
    ChecklistRunsScreen #report-scroll {
        width: 1fr;
        height: 1fr;
        padding-left: 1;
    }
    ChecklistRunsScreen .runs--hint {
        color: $foreground-muted;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,R", "dismiss(None)", "Back", id="runs_back"),
    ]

    def __init__(self, book: ChecklistBook, environment: str, checklist: Checklist) -> None:
        super().__init__()
        self.book = book
        self.environment = environment
        self.checklist = checklist
        self.runs: list[RunSummary] = []
        self.report = ""

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(
                plain(f"{self.checklist.title} · {self.environment} · past runs", 200),
                markup=False,
            )
            with Horizontal():
                yield Choices(id="runs")
                with VerticalScroll(id="report-scroll"):
                    yield Static("", id="report", markup=False)
            yield Label("j/k: run · Esc: back · x in the pane exports a run", classes="runs--hint")

    def on_mount(self) -> None:
        self._read_runs()

    @work(thread=True, exclusive=True, exit_on_error=False, description="read checklist runs")
    def _read_runs(self) -> None:
        book, env, checklist = self.book, self.environment, self.checklist
        runs = [book.summary(env, checklist, period) for period in book.periods(env, checklist)]
        self.post_message(RunsRead(runs))

    def on_runs_read(self, message: RunsRead) -> None:
        self.runs = message.runs
        choices = self.query_one("#runs", OptionList)
        choices.clear_options()
        if not self.runs:
            self.query_one("#report", Static).update("No run of this checklist has a tick yet.")
            return
        choices.add_options(
            Option(plain(f"{run.period}  {run.done}/{run.total}", 60), id=str(index))
            for index, run in enumerate(self.runs)
        )
        choices.highlighted = 0
        choices.focus()

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id is not None and self.runs:
            self._read_report(self.runs[int(event.option.id)].period)

    @work(thread=True, exclusive=True, group="report", exit_on_error=False, description="report")
    def _read_report(self, period: str) -> None:
        text = self.book.export_markdown(self.environment, self.checklist, period)
        self.post_message(ReportRead(period, text))

    def on_report_read(self, message: ReportRead) -> None:
        self.report = message.text
        # The report quotes notes and names typed by people: shown as text, never as markup.
        self.query_one("#report", Static).update(message.text)


class HistoryRead(Message):
    """Every tick and untick of one item, oldest first."""

    def __init__(self, events: list[TickEvent]) -> None:
        super().__init__()
        self.events = events


class ItemHistoryScreen(ModalScreen[None]):
    """Every tick and untick of one item across runs, newest first, with notes and evidence."""

    DEFAULT_CSS = """
    ItemHistoryScreen {
        align: center middle;
    }
    ItemHistoryScreen > VerticalScroll {
        width: 90%;
        height: 80%;
        border: round $primary;
        background: $surface;
        padding: 0 1;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,h", "dismiss(None)", "Back", id="history_back"),
    ]

    def __init__(
        self, book: ChecklistBook, environment: str, checklist: Checklist, item_id: str
    ) -> None:
        super().__init__()
        self.book = book
        self.environment = environment
        self.checklist = checklist
        self.item_id = item_id
        self.text = ""

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static("reading…", id="history", markup=False)

    def on_mount(self) -> None:
        item = self.checklist.item(self.item_id)
        self.query_one(VerticalScroll).border_title = plain(f"{item.text} · history", 120)
        self._read()

    @work(thread=True, exclusive=True, exit_on_error=False, description="read an item's history")
    def _read(self) -> None:
        events = self.book.history(self.environment, self.checklist, item_id=self.item_id)
        self.post_message(HistoryRead(events))

    def on_history_read(self, message: HistoryRead) -> None:
        lines = []
        for event in reversed(message.events):
            verb = "✓ ticked" if event.done else "✗ unticked"
            line = (
                f"{plain(event.period, 60)}  {verb} by {plain(event.who, 60)} "
                f"at {event.at:%Y-%m-%d %H:%M} UTC"
            )
            if event.note:
                line += f"  “{plain(event.note, 300)}”"
            lines.append(line)
            if event.evidence:
                lines.extend(f"    {plain(row, 200)}" for row in event.evidence.splitlines()[-3:])
        self.text = "\n".join(lines) or "Never ticked."
        self.query_one("#history", Static).update(self.text)
