"""Small modal prompts: the quit question and the `:` command line."""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from cockpit.ui.command_line import Command, CommandError, parse


class QuitScreen(ModalScreen[bool]):
    """``Quit ops-cockpit? y / n``: only ``y`` quits (the app's binding), any other key stays."""

    DEFAULT_CSS = """
    QuitScreen {
        align: center middle;
    }
    QuitScreen > Label {
        border: thick $status-down;
        background: $surface;
        padding: 1 2;
    }
    """

    answered = False

    def compose(self) -> ComposeResult:
        yield Label("Quit ops-cockpit?  y: quit   any other key: stay")

    def on_key(self, event: events.Key) -> None:
        # `y` is the app's (its binding quits while the question is open, even when the `y`
        # was typed before this screen was up); any other key answers no.
        if event.key == "y":
            return
        event.stop()
        event.prevent_default()
        if not self.answered:
            # Once: two keys typed together would dismiss twice, and the second one would pop
            # the cockpit's own screen (ScreenStackError, the cockpit ends).
            self.answered = True
            self.dismiss(False)


class CommandLineScreen(ModalScreen[Command | None]):
    """A one-line prompt at the bottom; Enter runs, Esc cancels, mistakes are said in place."""

    DEFAULT_CSS = """
    CommandLineScreen {
        align: left bottom;
        background: $background 0%;
    }
    CommandLineScreen > Vertical {
        height: auto;
        background: $surface;
        border-top: solid $primary;
    }
    CommandLineScreen #command-error {
        color: $status-down;
        display: none;
    }
    CommandLineScreen.-error #command-error {
        display: block;
    }
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel", show=False)]
    done = False

    def action_cancel(self) -> None:
        """Close without running anything (once, however fast Esc is pressed again)."""
        self._finish(None)

    def _finish(self, command: Command | None) -> None:
        if not self.done:
            self.done = True
            self.dismiss(command)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("", id="command-error", markup=False)
            yield Input(placeholder=":env NAME  :logs [SOURCE]  :theme NAME  :q", id="command")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            command = parse(event.value)
        except CommandError as exc:
            self.query_one("#command-error", Label).update(str(exc))
            self.add_class("-error")
            return
        self._finish(command)
