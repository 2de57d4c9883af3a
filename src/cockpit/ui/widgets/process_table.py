"""ProcessTable: the busiest local processes as plain rows, cheap to repaint every second.

A DataTable repaints every row when one cell changes and caches every rendered cell (its memory
grows for minutes); CPU percentages change every second, so this widget draws its few rows
straight from the samples instead.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.segment import Segment
from textual.strip import Strip
from textual.widget import Widget

from cockpit.sources.metrics.processes import ProcessInfo
from cockpit.text.sanitize import sanitize

COLUMNS = (("PID", 8), ("CPU%", 7), ("MEM%", 7), ("USER", 10), ("COMMAND", 0))


def _cells(p: ProcessInfo) -> tuple[str, ...]:
    user = sanitize(p.user, max_len=8, keep_sgr=False)
    command = sanitize(p.cmdline or p.name, max_len=300, keep_sgr=False)
    return (str(p.pid), f"{p.cpu_pct:.1f}", f"{p.mem_pct:.1f}", user, command)


def _line(cells: Sequence[str]) -> str:
    parts = []
    for (_title, width), cell in zip(COLUMNS, cells, strict=True):
        parts.append(cell[: width - 1].ljust(width) if width else cell)
    return " " + "".join(parts)


class ProcessTable(Widget):
    """A header and one row per process, busiest first; rows past the bottom are not shown."""

    COMPONENT_CLASSES = {"process-table--header", "process-table--odd"}

    DEFAULT_CSS = """
    ProcessTable {
        height: 1fr;
        min-height: 4;
        background: $surface;
        color: $foreground;
    }
    ProcessTable > .process-table--header {
        color: $foreground-muted;
        text-style: bold;
    }
    ProcessTable > .process-table--odd {
        background: $boost;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._lines: list[str] = []

    @property
    def lines(self) -> list[str]:
        """The rows as shown (without the header)."""
        return list(self._lines)

    def show(self, processes: Sequence[ProcessInfo]) -> None:
        """Replace the rows."""
        lines = [_line(_cells(p)) for p in processes]
        if lines != self._lines:
            self._lines = lines
            self.refresh()

    def render_line(self, y: int) -> Strip:
        """Paint row ``y`` (0 is the header)."""
        width = self.size.width
        base = self.rich_style
        if y == 0:
            text = _line([title for title, _width in COLUMNS])
            style = base + self.get_component_rich_style("process-table--header", partial=True)
        elif y <= len(self._lines):
            text = self._lines[y - 1]
            style = base
            if y % 2 == 0:
                style = base + self.get_component_rich_style("process-table--odd", partial=True)
        else:
            return Strip.blank(width, base)
        strip = Strip([Segment(text, style)], len(text) if text.isascii() else None)
        return strip.crop_extend(0, width, style)
