"""The Logs pane's input line: a filter, an exclusion or a search term, each with its history."""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Static

from cockpit.text.sanitize import plain
from cockpit.ui.input_history import InputHistory

PROMPTS = {
    "filter": "show only lines matching (regex; Enter applies, empty clears, Esc cancels)",
    "exclude": "hide lines matching (regex)",
    "search": "search for (text; n / N for next / previous)",
}
"""What the line edits, and the placeholder that says so."""


class LogInputBar(Widget):
    """One line to edit one of :data:`PROMPTS` at a time, and a line above it for a refusal.

    Up and Down bring back what was applied before, as in a shell (each kind its own history).
    Enter posts :class:`Submitted`; Esc closes the line and posts :class:`Closed`. The container
    decides when the bar and its error line are shown.
    """

    DEFAULT_CSS = """
    LogInputBar {
        height: auto;
    }
    LogInputBar > #log-input {
        height: 1;
        border: none;
        padding: 0;
    }
    LogInputBar > #log-input-error {
        display: none;
        height: 1;
        color: $status-down;
    }
    """

    class Submitted(Message):
        """Enter: apply ``value`` to ``what`` (one of :data:`PROMPTS`)."""

        def __init__(self, what: str, value: str) -> None:
            super().__init__()
            self.what = what
            self.value = value

    class Closed(Message):
        """Esc: the line was left without applying it."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.editing: str | None = None
        """What the line edits now (a key of :data:`PROMPTS`), None when closed."""
        self._history = {what: InputHistory() for what in PROMPTS}

    def compose(self) -> ComposeResult:
        yield Static("", id="log-input-error", markup=False)
        yield Input(id="log-input")

    def open(self, what: str, value: str) -> None:
        """Edit ``what``, starting from ``value`` (the one in force), and take the focus."""
        self.editing = what
        field = self.query_one("#log-input", Input)
        field.placeholder = PROMPTS[what]
        field.value = value
        self._history[what].start(value)
        # Now, not after a refresh (`focus()`): keys typed right behind the one that opened the
        # line (or pasted) are already on their way and go wherever the focus is.
        self.screen.set_focus(field)

    def close(self) -> None:
        """Stop editing (the container hides the bar and takes the focus back)."""
        self.editing = None

    def show_error(self, reason: str) -> None:
        """Say why the value was refused (the container shows the error line)."""
        self.query_one("#log-input-error", Static).update(f"✖ {plain(reason, 500)}")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        what = self.editing
        if what is None:
            return
        # Remembered when applied; a refused pattern is remembered too, to be corrected.
        self._history[what].add(event.value)
        self.post_message(self.Submitted(what, event.value))

    def on_key(self, event: events.Key) -> None:
        what = self.editing
        if what is None:
            return
        if event.key == "escape":
            event.stop()
            self.close()
            self.post_message(self.Closed())
        elif event.key in ("up", "down"):
            history = self._history[what]
            value = history.older() if event.key == "up" else history.newer()
            event.stop()
            if value is not None:
                field = self.query_one("#log-input", Input)
                field.value = value
                field.cursor_position = len(value)
