"""A sparkline with one cell per sample, newest at the right, on a fixed or data scale.

Textual's Sparkline stretches few samples across the width and always scales min..max, so a
flat 2% memory line would fill the cell height; an operator reads that as "full".
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.widget import Widget

from cockpit.text.spark import BARS, spark_text

__all__ = ["BARS", "Spark", "spark_text"]


class Spark(Widget):
    """A one-line sparkline widget."""

    DEFAULT_CSS = """
    Spark {
        height: 1;
        width: 1fr;
        color: $primary;
    }
    """

    def __init__(self, *, ceiling: float | None = None, id: str | None = None) -> None:
        super().__init__(id=id)
        self.ceiling = ceiling
        self._values: list[float] = []

    def set_values(self, values: Sequence[float]) -> None:
        """Replace the samples and redraw."""
        self._values = list(values)
        self.refresh()

    def render(self) -> Text:
        return Text(spark_text(self._values, self.size.width, self.ceiling), no_wrap=True)
