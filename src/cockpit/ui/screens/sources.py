"""Pick which log sources the merged view shows."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, SelectionList

from cockpit.text.sanitize import plain


class SourcesScreen(ModalScreen[set[str] | None]):
    """Returns the set of hidden sources, or None when cancelled."""

    DEFAULT_CSS = """
    SourcesScreen {
        align: center middle;
    }
    SourcesScreen > Vertical {
        width: 60;
        max-width: 100%;
        height: auto;
        max-height: 80%;
        border: thick $primary;
        background: $surface;
        padding: 0 1;
    }
    SourcesScreen .hint {
        color: $text-muted;
    }
    SourcesScreen SelectionList {
        height: auto;
        max-height: 20;
    }
    """

    BINDINGS = [
        Binding("escape", "dismiss(None)", "Cancel"),
        # Priority: the list would take Enter as "toggle this one" and the choice never applies.
        Binding("enter", "done", "Apply", priority=True),
    ]

    def __init__(self, names: list[str], hidden: set[str]) -> None:
        super().__init__()
        self._names = names
        self._hidden = hidden

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Sources shown in the merged view")
            yield Label("space toggles · Enter applies · Esc cancels", classes="hint")
            yield SelectionList[str](
                *[(Text(plain(name, 100)), name, name not in self._hidden) for name in self._names]
            )

    def on_mount(self) -> None:
        self.query_one(SelectionList).focus()

    def action_done(self) -> None:
        """Return the unticked sources as hidden."""
        shown = set(self.query_one(SelectionList).selected)
        self.dismiss({n for n in self._names if n not in shown})
