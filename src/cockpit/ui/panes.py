"""The four panes, imported together once the shell is on screen.

Importing them (and what they import: tables, log view, checklist state) takes longer than
painting the shell, so the shell paints placeholders first (see ``CockpitShell``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cockpit.ui.widgets.checklists_pane import ChecklistsPane
from cockpit.ui.widgets.health_pane import HealthPane
from cockpit.ui.widgets.logs_pane import LogsPane
from cockpit.ui.widgets.metrics_pane import MetricsPane

if TYPE_CHECKING:
    from textual.app import App

    from cockpit.ui.widgets.pane import Pane


PANE_CLASSES = (HealthPane, LogsPane, MetricsPane, ChecklistsPane)
"""The pane types in screen order."""


def build_panes() -> list[Pane]:
    """New panes in screen order (wide layout: left to right, top to bottom)."""
    # The checklists come with the environment in focus (see ChecklistsPane.bind).
    return [HealthPane(), LogsPane(), MetricsPane(), ChecklistsPane([])]


class Panes:
    """Typed access to an app's mounted panes."""

    def __init__(self, app: App[int]) -> None:
        self._app = app

    @property
    def health(self) -> HealthPane:
        """The health pane."""
        return self._app.query_one(HealthPane)

    @property
    def logs(self) -> LogsPane:
        """The logs pane."""
        return self._app.query_one(LogsPane)

    @property
    def metrics(self) -> MetricsPane:
        """The metrics pane."""
        return self._app.query_one(MetricsPane)

    @property
    def checklists(self) -> ChecklistsPane:
        """The checklists pane."""
        return self._app.query_one(ChecklistsPane)
