"""The key footer, with `? Help` always first: a narrow screen cuts the footer from the right."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer


class CockpitFooter(Footer):
    """Textual's footer, the help key moved to the front."""

    def compose(self) -> ComposeResult:
        widgets = list(super().compose())
        # Stable: every other key keeps its place (the focused pane's first).
        widgets.sort(key=lambda widget: getattr(widget, "action", None) != "help")
        yield from widgets
