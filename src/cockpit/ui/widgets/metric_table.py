"""The rows of the Metrics pane: state, name, value, a sparkline as wide as the row, min/avg/max.

One widget draws every row (a widget per cell would cost a layout pass per metric per second);
rows in trouble come first, as :class:`~cockpit.feeds.metric_board.MetricBoard` orders them.
"""

from __future__ import annotations

from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from cockpit.domain.thresholds import Level
from cockpit.feeds.metric_board import MetricRow
from cockpit.text.age import format_age
from cockpit.text.fit import middle_cut
from cockpit.text.sanitize import plain
from cockpit.text.spark import resample, spark_text
from cockpit.text.units import format_value

MARKS = {Level.OK: "●", Level.WARN: "▲", Level.CRIT: "✖", Level.UNKNOWN: "?"}
VALUE_WIDTH = 11
STATS_FROM = 96
"""Row width from which min/avg/max are shown beside the sparkline."""


def spark_cells(row: MetricRow, start: float, end: float, width: int) -> str:
    """The row's window as ``width`` block characters, percentages on a 0-100 scale."""
    values = resample(
        row.points,
        start,
        end,
        width,
        worst="min" if row.threshold.below else "max",
        hold=hold_for(row),
    )
    return spark_text(values, width, scale_top(row, values))


def scale_top(row: MetricRow, values: list[float]) -> float | None:
    """The value drawn as a full cell: a little over the highest limit (so a bar near the top
    means near the limit), else 100 for percentages, else the window's largest value."""
    known = [v for v in values if v == v]
    limits = [x for x in (row.threshold.warn, row.threshold.crit) if x is not None]
    if limits and not row.threshold.below:
        top = max([*known, *limits]) * 1.1
        return min(top, 100.0) if row.unit == "%" and max(known, default=0.0) <= 100 else top
    if row.unit == "%":
        return 100.0
    return None


def hold_for(row: MetricRow) -> float:
    """How long a value is drawn on after it was read: two reads, or two points' spacing."""
    spacing = row.interval
    if len(row.points) >= 2:
        spacing = max(spacing, (row.points[-1][0] - row.points[0][0]) / (len(row.points) - 1))
    return 2 * spacing


class MetricTable(Widget, can_focus=True):
    """Every metric row of the environment in focus, with a cursor.

    Posts :class:`MetricTable.Chosen` when Enter is pressed on a row.
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "metric-table--ok",
        "metric-table--warn",
        "metric-table--crit",
        "metric-table--unknown",
        "metric-table--stale",
        "metric-table--muted",
        "metric-table--cursor",
        "metric-table--spark",
    }

    DEFAULT_CSS = """
    MetricTable {
        height: auto;
        width: 1fr;
    }
    MetricTable > .metric-table--ok { color: $status-up; }
    MetricTable > .metric-table--warn { color: $status-degraded; text-style: bold; }
    MetricTable > .metric-table--crit { color: $status-down; text-style: bold; }
    MetricTable > .metric-table--unknown { color: $status-unknown; }
    MetricTable > .metric-table--stale { color: $status-stale; }
    MetricTable > .metric-table--muted { color: $foreground-muted; }
    MetricTable > .metric-table--spark { color: $primary; }
    MetricTable > .metric-table--cursor { background: $boost; }
    MetricTable:focus > .metric-table--cursor { background: $primary 30%; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down,j", "move(1)", "Down", show=False, id="move_down"),
        Binding("up,k", "move(-1)", "Up", show=False, id="move_up"),
        Binding("home,g", "move_to(0)", "First", show=False, id="move_first"),
        Binding("end,G", "move_to(-1)", "Last", show=False, id="move_last"),
        Binding("enter", "choose", "Chart", id="metric_chart"),
    ]

    class Chosen(Message):
        """Enter on a row: show its chart."""

        def __init__(self, key: str) -> None:
            super().__init__()
            self.key = key

    cursor: reactive[int] = reactive(0)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows: list[MetricRow] = []
        self.window = 300.0
        self.now = 0.0
        self.monotonic = 0.0
        self._cursor_key: str | None = None

    def show(self, rows: list[MetricRow], window: float, now: float, monotonic: float) -> None:
        """Replace the rows; the cursor stays on the same metric when it moves."""
        self.rows = rows
        self.window = window
        self.now = now
        self.monotonic = monotonic
        keys = [r.key for r in rows]
        if self._cursor_key in keys:
            self.set_reactive(MetricTable.cursor, keys.index(self._cursor_key))
        else:
            self.set_reactive(MetricTable.cursor, min(self.cursor, max(len(rows) - 1, 0)))
        self.styles.height = max(len(rows), 1)
        self.refresh()

    @property
    def selected(self) -> MetricRow | None:
        """The row under the cursor."""
        return self.rows[self.cursor] if 0 <= self.cursor < len(self.rows) else None

    def watch_cursor(self, cursor: int) -> None:
        row = self.selected
        self._cursor_key = row.key if row is not None else None
        self.scroll_to_region_visible(cursor)
        self.refresh()

    def scroll_to_region_visible(self, line: int) -> None:
        """Keep the cursor's line on screen inside the pane's scroller."""
        from textual.geometry import Region
        from textual.widget import Widget as Scroller

        parent = self.parent
        if self.is_mounted and isinstance(parent, Scroller):
            top = self.virtual_region.y
            parent.scroll_to_region(Region(0, top + line, 1, 1), animate=False)

    def action_move(self, delta: int) -> None:
        """Move the cursor by ``delta`` rows."""
        if self.rows:
            self.cursor = max(0, min(len(self.rows) - 1, self.cursor + delta))

    def action_move_to(self, index: int) -> None:
        """Move the cursor to a row (-1: the last)."""
        if self.rows:
            self.cursor = len(self.rows) - 1 if index < 0 else index

    def action_choose(self) -> None:
        """Show the chart of the row under the cursor."""
        row = self.selected
        if row is not None:
            self.post_message(self.Chosen(row.key))

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(f"metric-table--{name}", partial=True)

    def level_style(self, row: MetricRow) -> Style:
        """The colour of the row's state."""
        if row.error is not None:
            return self._style("crit")
        if row.stale:
            return self._style("stale")
        return self._style(row.level.label)

    def render(self) -> Text:
        width = self.size.width
        if not self.rows:
            return Text("waiting for the first readings…", style=self._style("muted"))
        # Names before sparklines: a cut name is a guess, a shorter sparkline is still a trend.
        room = max(10, (width - VALUE_WIDTH - 4) // 2)
        name_width = min(max(len(r.title) for r in self.rows), 28, room)
        rest = width - 2 - name_width - 1 - VALUE_WIDTH - 1
        wide = rest >= STATS_FROM - VALUE_WIDTH - name_width
        notes = [self._note(row, wide) for row in self.rows]
        # One note column for every row, so the sparklines start and end at the same place.
        note_width = min(max((len(n) for n in notes), default=0), max(rest - 12, 0))
        lines = []
        for index, row in enumerate(self.rows):
            line = self._line(row, width, name_width, notes[index], note_width)
            if index == self.cursor:
                line.stylize(self._style("cursor"))
            lines.append(line)
        return Text("\n").join(lines)

    def _line(
        self, row: MetricRow, width: int, name_width: int, note: str, note_width: int
    ) -> Text:
        mark = "◌" if row.stale and row.error is None else MARKS[row.level]
        if row.error is not None:
            mark = "✖"
        state = self.level_style(row)
        line = Text(no_wrap=True, overflow="crop", end="")
        line.append(f"{mark} ", style=state)
        line.append(middle_cut(plain(row.title, 200), name_width).ljust(name_width))
        value = format_value(row.value, row.unit) if row.error is None or row.value else "–"
        trouble = row.level in (Level.WARN, Level.CRIT)
        line.append(" " + value.rjust(VALUE_WIDTH), style=state if trouble else Style(bold=True))
        line.append(" ")
        rest = width - line.cell_len
        if row.error is not None:
            line.append(plain(f"✖ {row.error}", 300)[: max(rest, 0)], style=self._style("crit"))
            return line
        spark_width = max(rest - note_width - (1 if note_width else 0), 0)
        if spark_width < 6:
            note_width, spark_width = 0, rest
        line.append(
            spark_cells(row, self.now - self.window, self.now, spark_width),
            style=state if trouble else self._style("spark"),
        )
        if note_width:
            line.append(" ")
            shown = middle_cut(note, note_width) if len(note) > note_width else note
            line.append(shown, style=state if (trouble or row.stale) else self._style("muted"))
        return line

    def _note(self, row: MetricRow, wide: bool) -> str:
        if row.stale:
            age = "" if row.ts is None else f" {format_age(max(self.now - row.ts, 0))}"
            return f"stale{age}"
        if row.level in (Level.WARN, Level.CRIT):
            text = row.limit
            if row.action:
                text = f"{text} · {plain(row.action, 60)}"
            return text
        if wide and row.low is not None and row.mean is not None and row.high is not None:
            unit = row.unit
            return (
                f"min {format_value(row.low, unit)}  avg {format_value(row.mean, unit)}  "
                f"max {format_value(row.high, unit)}"
            )
        return ""
