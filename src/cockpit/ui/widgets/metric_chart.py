"""A large chart of one metric's window: value axis, time axis, threshold lines, coloured bars.

Each column is one slice of the window (the worst value in it, so a short spike survives a long
window); a bar's top is drawn in eighths of a cell. Warn and crit limits are dashed lines across
the plot, labelled on the value axis.
"""

from __future__ import annotations

import math
import time
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.widget import Widget

from cockpit.domain.thresholds import Level
from cockpit.feeds.metric_board import MetricRow
from cockpit.text.spark import BARS, resample
from cockpit.text.units import format_value
from cockpit.ui.widgets.metric_table import hold_for

FULL = "█"


def value_range(row: MetricRow, values: list[float]) -> tuple[float, float]:
    """The bottom and top of the value axis: the data and the limits, with some headroom."""
    known = [v for v in values if not math.isnan(v)]
    limits = [x for x in (row.threshold.warn, row.threshold.crit) if x is not None]
    low = min([0.0, *known, *limits])
    top = max([*known, *limits], default=1.0)
    top = top * 1.1 if top > 0 else 1.0
    if row.unit == "%" and top > 100 and max(known + limits, default=0.0) <= 100:
        top = 100.0
    return low, max(top, low + 1e-9)


def time_label(ts: float, span: float) -> str:
    """A time on the axis: seconds for short windows, dates for long ones (UTC)."""
    moment = time.gmtime(ts)
    if span <= 3600:
        return time.strftime("%H:%M:%S", moment)
    if span <= 86400:
        return time.strftime("%H:%M", moment)
    return time.strftime("%a %d %H:%M", moment)


class MetricChart(Widget):
    """Draws one :class:`MetricRow` over a window, filling the widget."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "metric-chart--bar",
        "metric-chart--warn",
        "metric-chart--crit",
        "metric-chart--axis",
    }

    DEFAULT_CSS = """
    MetricChart {
        height: 1fr;
        width: 1fr;
    }
    MetricChart > .metric-chart--bar { color: $primary; }
    MetricChart > .metric-chart--warn { color: $status-degraded; }
    MetricChart > .metric-chart--crit { color: $status-down; }
    MetricChart > .metric-chart--axis { color: $foreground-muted; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.row: MetricRow | None = None
        self.start = 0.0
        self.end = 0.0

    def show(self, row: MetricRow | None, start: float, end: float) -> None:
        """Draw ``row`` from ``start`` to ``end`` (seconds since the epoch)."""
        self.row, self.start, self.end = row, start, end
        self.refresh()

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(f"metric-chart--{name}", partial=True)

    def render(self) -> Text:
        row = self.row
        width, height = self.size.width, self.size.height
        if row is None or width < 20 or height < 5:
            return Text("no data for this metric in the window", style=self._style("axis"))
        plot_rows = height - 2
        probe = [format_value(v, row.unit) for v in (row.low, row.high)]
        limits = [x for x in (row.threshold.warn, row.threshold.crit) if x is not None]
        axis_width = max([len(p) for p in probe] + [len(format_value(x, row.unit)) for x in limits])
        axis_width = max(axis_width, len(format_value(100.0, row.unit))) + 1
        plot_width = width - axis_width - 1
        values = resample(
            row.points,
            self.start,
            self.end,
            plot_width,
            worst="min" if row.threshold.below else "max",
            hold=hold_for(row),
        )
        low, top = value_range(row, values)
        span = top - low

        def line_of(value: float) -> int:
            # Row 0 is the top of the plot.
            frac = (value - low) / span
            return min(plot_rows - 1, max(0, plot_rows - 1 - int(frac * plot_rows)))

        limit_rows: dict[int, tuple[str, float]] = {}
        if row.threshold.warn is not None:
            limit_rows[line_of(row.threshold.warn)] = ("warn", row.threshold.warn)
        if row.threshold.crit is not None:
            limit_rows[line_of(row.threshold.crit)] = ("crit", row.threshold.crit)
        label_rows = {0: top, plot_rows - 1: low, (plot_rows - 1) // 2: low + span / 2}
        # A value label beside a limit's own label would read as one number.
        label_rows = {
            r: v
            for r, v in label_rows.items()
            if r in (0, plot_rows - 1) or all(abs(r - lr) > 1 for lr in limit_rows)
        }
        heights = [
            -1.0 if math.isnan(v) else max(0.0, (v - low) / span * plot_rows) for v in values
        ]
        colours = [self._bar_style(row, v) for v in values]
        lines: list[Text] = []
        for r in range(plot_rows):
            line = Text(no_wrap=True, end="")
            if r in limit_rows:
                kind, limit = limit_rows[r]
                line.append(
                    format_value(limit, row.unit).rjust(axis_width), style=self._style(kind)
                )
            elif r in label_rows:
                text = format_value(label_rows[r], row.unit)
                line.append(text.rjust(axis_width), style=self._style("axis"))
            else:
                line.append(" " * axis_width)
            line.append(
                "┤" if r in label_rows or r in limit_rows else "│", style=self._style("axis")
            )
            level_from_bottom = plot_rows - 1 - r
            for column, filled in enumerate(heights):
                cell = filled - level_from_bottom
                if filled >= 0 and cell >= 1:
                    line.append(FULL, style=colours[column])
                elif filled >= 0 and cell > 0:
                    eighth = min(int(cell * 8), 7)
                    line.append(BARS[eighth] if eighth else " ", style=colours[column])
                elif r in limit_rows:
                    line.append("╌", style=self._style(limit_rows[r][0]))
                else:
                    line.append(" ")
            lines.append(line)
        lines.append(Text(" " * axis_width + "└" + "─" * plot_width, style=self._style("axis")))
        lines.append(self._time_axis(axis_width + 1, plot_width))
        return Text("\n").join(lines)

    def _bar_style(self, row: MetricRow, value: float) -> Style:
        level = row.threshold.level(value)
        if level == Level.CRIT:
            return self._style("crit")
        if level == Level.WARN:
            return self._style("warn")
        return self._style("bar")

    def _time_axis(self, indent: int, width: int) -> Text:
        span = self.end - self.start
        sample = time_label(self.end, span)
        count = max(2, min(6, width // (len(sample) + 4)))
        cells = [" "] * width
        for i in range(count):
            x = round(i * (width - 1) / (count - 1))
            label = time_label(self.start + span * x / max(width - 1, 1), span)
            at = min(max(0, x - len(label) // 2), width - len(label))
            if i == 0:
                at = 0
            if i == count - 1:
                at = width - len(label)
            if all(c == " " for c in cells[max(at - 1, 0) : at + len(label) + 1]):
                cells[at : at + len(label)] = list(label)
        return Text(" " * indent + "".join(cells), style=self._style("axis"), no_wrap=True)
