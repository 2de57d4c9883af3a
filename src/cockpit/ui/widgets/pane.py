"""The frame every cockpit pane shares: title, freshness, and an error state with a retry."""

from __future__ import annotations

import time

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.markup import escape
from textual.reactive import reactive
from textual.widgets import Static
from textual.worker import Worker, WorkerState

from cockpit.text.age import format_age, format_freshness
from cockpit.text.sanitize import plain


class Pane(Vertical, can_focus=False):
    """A titled pane. Subclasses compose their body in :meth:`compose_body`.

    The border subtitle always says how fresh the data is; when the backend fails the pane shows
    the reason and how to retry instead of freezing on old data.
    """

    DEFAULT_CSS = """
    Pane {
        border: round $secondary;
        border-title-color: $foreground;
        border-title-style: bold;
        border-subtitle-color: $foreground-muted;
        height: 1fr;
        width: 1fr;
        padding: 0 1;
    }
    Pane:focus-within {
        border: round $primary;
    }
    Pane.-stale {
        border-subtitle-color: $status-stale;
    }
    Pane.-error {
        border: round $status-down;
        border-subtitle-color: $status-down;
    }
    Pane > .pane--error {
        display: none;
        color: $status-down;
        background: $status-down 15%;
        padding: 0 1;
        margin-bottom: 1;
    }
    Pane.-error > .pane--error {
        display: block;
    }
    """

    ALLOW_MAXIMIZE = True

    pane_id: str = "pane"
    title: str = "Pane"
    key: str = ""
    stale_after: float = 10.0
    """Seconds without fresh data before the subtitle turns stale."""

    error: reactive[str | None] = reactive(None)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id or self.pane_id)
        self.updated_at: float | None = None
        self.note: str = ""
        self.border_title = f"{self.key} {self.title}" if self.key else self.title

    def on_mount(self) -> None:
        # Colours drawn into text (statuses, log sources) come from theme variables, which
        # stylesheets alone do not refresh.
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self.theme_changed())
        self.theme_changed()

    def theme_changed(self) -> None:
        """Redraw what carries theme colours in its text (called at mount and on each theme)."""

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # Only this widget hears about its workers: pass failures up to the app's handler.
        if event.state is WorkerState.ERROR:
            from cockpit.ui.messages import WorkerFailed

            self.post_message(WorkerFailed(event.worker))

    def compose(self) -> ComposeResult:
        yield Static("", classes="pane--error", markup=False)
        yield from self.compose_body()

    def compose_body(self) -> ComposeResult:
        """The pane's own widgets."""
        yield from ()

    def mark_fresh(self, note: str = "") -> None:
        """Record that new data arrived now; clears an error state."""
        self.updated_at = time.monotonic()
        self.note = note
        if self.error is not None:
            self.error = None
        self.refresh_freshness()

    def watch_error(self, error: str | None) -> None:
        self.set_class(error is not None, "-error")
        if error is not None:
            self.query_one(".pane--error", Static).update(f"✖ {plain(error, 1000)}   (r: retry)")
        self.refresh_freshness()

    def refresh_freshness(self) -> None:
        """Rewrite the subtitle; called on data arrival and by the app's 1 Hz tick."""
        parts: list[str] = []
        if self.note:
            parts.append(plain(self.note, 200))
        if self.error is not None:
            parts.append("error")
        if self.updated_at is None:
            parts.append("waiting for data")
            stale = False
        else:
            age = time.monotonic() - self.updated_at
            stale = age > self.stale_after
            # Stale: the exact age, it is the point; fresh: in steps (see format_freshness).
            parts.append(f"stale {format_age(age)}" if stale else format_freshness(age))
        self.set_class(stale, "-stale")
        # Border text is markup: a note quoting outside text must not style or link anything.
        subtitle = escape(" · ".join(parts))
        if subtitle != self.border_subtitle:  # the 1 Hz tick: redraw the border only on change
            self.border_subtitle = subtitle
