"""A sparkline with one cell per sample, newest at the right, on a fixed or data scale.

Textual's Sparkline stretches few samples across the width and always scales min..max, so a
flat 2% memory line would fill the cell height; an operator reads that as "full".
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.widget import Widget

BARS = "▁▂▃▄▅▆▇█"


def spark_text(values: Sequence[float], width: int, ceiling: float | None = None) -> str:
    """Render the last ``width`` values as block characters, right-aligned.

    Args:
        values: samples, oldest first.
        width: cells available.
        ceiling: the value drawn as a full block (e.g. 100 for percentages); None scales to the
            largest value shown.
    """
    if width <= 0:
        return ""
    shown = list(values)[-width:]
    if not shown:
        return " " * width
    top = ceiling if ceiling is not None else max(max(shown), 1e-9)
    cells = []
    for v in shown:
        frac = 0.0 if top <= 0 else min(max(v / top, 0.0), 1.0)
        cells.append(BARS[min(int(frac * (len(BARS) - 1) + 0.5), len(BARS) - 1)])
    return " " * (width - len(cells)) + "".join(cells)


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
