"""One metric's window as a large chart, with its state, limits and action; follows live data."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import ModalScreen
from textual.widgets import Static

from cockpit.domain.thresholds import Level
from cockpit.text.sanitize import plain
from cockpit.text.units import format_value
from cockpit.ui.widgets.metric_chart import MetricChart

if TYPE_CHECKING:
    from cockpit.feeds.metric_board import MetricRow
    from cockpit.ui.widgets.metrics_pane import MetricsPane


class MetricChartScreen(ModalScreen[None]):
    """The chart of the row ``key`` of the Metrics pane."""

    DEFAULT_CSS = """
    MetricChartScreen {
        /* The environment banner behind stays in sight: production must stay unmistakable. */
        background: $background 0%;
    }
    MetricChartScreen > #chart-frame {
        width: 100%;
        height: 1fr;
        margin-top: 1;
        background: $background;
        border: round $primary;
        padding: 0 1;
    }
    MetricChartScreen .chart--title {
        height: auto;
        text-style: bold;
    }
    MetricChartScreen .chart--title.-warn { color: $status-degraded; }
    MetricChartScreen .chart--title.-crit { color: $status-down; }
    MetricChartScreen .chart--hint {
        height: 1;
        color: $foreground-muted;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,enter,z", "dismiss_chart", "Back", id="chart_back"),
        Binding("w", "next_window", "Window", id="chart_window"),
        Binding("j,down", "step(1)", "Next metric", show=False, id="chart_next"),
        Binding("k,up", "step(-1)", "Previous metric", show=False, id="chart_previous"),
    ]

    def __init__(self, pane: MetricsPane, key: str) -> None:
        super().__init__()
        self.pane = pane
        self.key = key

    def compose(self) -> ComposeResult:
        from textual.containers import Vertical

        with Vertical(id="chart-frame"):
            yield Static("", classes="chart--title", markup=False)
            yield MetricChart(id="chart")
            yield Static(
                "w: window (5m 1h 24h 7d) · j/k: next/previous metric · Esc: back",
                classes="chart--hint",
                markup=False,
            )

    def on_mount(self) -> None:
        self.paint()
        self.set_interval(1.0, self.paint)

    def _row(self, rows: list[MetricRow]) -> MetricRow | None:
        return next((r for r in rows if r.key == self.key), None)

    def paint(self) -> None:
        """Redraw from the pane's latest rows."""
        pane = self.pane
        rows = pane.rows()
        row = self._row(rows)
        now = pane.app_now()
        self.query_one(MetricChart).show(row, now - pane.window, now)
        title = self.query_one(".chart--title", Static)
        frame = self.query_one("#chart-frame")
        frame.border_title = plain(f"{pane.environment} · last {pane.window_name}", 80)
        if row is None:
            title.update("this metric has no data now")
            return
        unit = row.unit
        parts = [f"{plain(row.title, 80)}  {format_value(row.value, unit)}"]
        if row.error is not None:
            parts.append(f"✖ {plain(row.error, 300)}")
        elif row.stale:
            parts.append("stale")
        if row.low is not None and row.mean is not None and row.high is not None:
            parts.append(
                f"min {format_value(row.low, unit)} · avg {format_value(row.mean, unit)} · "
                f"max {format_value(row.high, unit)}"
            )
        limits = []
        if row.threshold.warn is not None:
            limits.append(f"warn {row.threshold.describe(Level.WARN)}")
        if row.threshold.crit is not None:
            limits.append(f"crit {row.threshold.describe(Level.CRIT)}")
        if limits:
            parts.append(", ".join(limits))
        if row.action:
            parts.append(f"→ {plain(row.action, 80)}")
        title.update("   ".join(parts))
        title.set_class(row.level == Level.WARN, "-warn")
        title.set_class(row.level == Level.CRIT or row.error is not None, "-crit")

    def action_dismiss_chart(self) -> None:
        """Back to the cockpit."""
        self.dismiss(None)

    def action_next_window(self) -> None:
        """Cycle the window (the pane's too, so both agree)."""
        self.pane.action_next_window()
        self.paint()

    def action_step(self, delta: int) -> None:
        """Chart the next or previous row of the pane."""
        rows = self.pane.rows()
        keys = [r.key for r in rows]
        if not keys:
            return
        index = keys.index(self.key) if self.key in keys else 0
        self.key = keys[(index + delta) % len(keys)]
        self.paint()
