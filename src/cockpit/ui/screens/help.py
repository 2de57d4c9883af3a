"""`?`: what every key does, and what the banner colours mean."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static


class HelpScreen(ModalScreen[None]):
    """A modal listing the cockpit's keys, section by section."""

    DEFAULT_CSS = """
    HelpScreen {
        align: center middle;
    }
    HelpScreen > VerticalScroll {
        width: 80;
        max-width: 100%;
        height: auto;
        max-height: 90%;
        border: thick $primary;
        background: $surface;
        padding: 1 2;
    }
    """

    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss", "Close", show=True),
    ]

    def __init__(self, sections: list[tuple[str, list[tuple[str, str]]]]) -> None:
        super().__init__()
        self.sections = sections

    @property
    def keys(self) -> list[tuple[str, str]]:
        """Every (key, description) shown, in order."""
        return [pair for _, keys in self.sections for pair in keys]

    def compose(self) -> ComposeResult:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold")
        table.add_column()
        for title, keys in self.sections:
            table.add_row(Text(f"\n{title}", style="bold underline"), Text(""))
            for key, description in keys:
                table.add_row(Text(key), Text(description))
        intro = Text.assemble(
            ("ops-cockpit help\n\n", "bold"),
            "The top bar names the environment every action targets. Production is painted red "
            "and marked ▲ PRODUCTION; protection says how an action must be confirmed "
            "(none, confirm, or typed: type the environment's name).\n\n",
            "a lists the actions of the environment in focus (ctrl+p finds them too, beside panes, "
            "services, log sources and checklists). Each one shows its exact call before it runs "
            "and asks for the confirmation its environment's protection wants; p only previews. "
            "A running action streams its output (c cancels it and everything it started); A "
            "lists every attempt, refusals included (the audit trail).\n\n",
            "Each pane's bottom edge says how fresh its data is; 'stale' means no update arrived "
            "in time, and a red border means its backend failed (r retries).\n",
        )
        with VerticalScroll():
            yield Static(intro)
            yield Static(table)
            yield Static(Text("\nEsc closes this help.", style="italic"))
