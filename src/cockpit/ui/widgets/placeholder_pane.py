"""Panes whose backends are not wired yet say so plainly instead of showing fake data."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from cockpit.ui.widgets.pane import Pane


class LogsPane(Pane):
    """Live log tails (sources are configured under `logs:`)."""

    pane_id = "logs"
    title = "Logs"
    key = "2"

    def compose_body(self) -> ComposeResult:
        yield Static("not configured", markup=False)
