"""One metric on one line: label, current value and a sparkline of recent values."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label

from cockpit.ui.widgets.spark import Spark


class MetricRow(Horizontal):
    """A label, the latest value, and the recent history as a sparkline."""

    DEFAULT_CSS = """
    MetricRow {
        height: 1;
        width: 1fr;
    }
    MetricRow > .metric--label {
        width: 12;
        color: $foreground-muted;
    }
    MetricRow > .metric--value {
        width: 14;
        text-align: right;
        margin-right: 1;
        text-style: bold;
    }
    MetricRow.-warn > .metric--value {
        color: $status-degraded;
    }
    MetricRow.-crit > .metric--value {
        color: $status-down;
    }
    MetricRow.-warn > Spark {
        color: $status-degraded;
    }
    MetricRow.-crit > Spark {
        color: $status-down;
    }
    """

    def __init__(self, label: str, *, ceiling: float | None = None, id: str | None = None) -> None:
        super().__init__(id=id)
        self._label = label
        self._ceiling = ceiling

    def compose(self) -> ComposeResult:
        yield Label(self._label, classes="metric--label", markup=False)
        yield Label("–", classes="metric--value", markup=False)
        yield Spark(ceiling=self._ceiling)

    def show(
        self,
        value: str,
        history: list[float],
        level: str | None = None,
    ) -> None:
        """Update value text, history and the warn/crit colour."""
        # Fixed-width cells: no layout pass needed (one per metric per second adds up).
        self.query_one(".metric--value", Label).update(value, layout=False)
        self.query_one(Spark).set_values(history)
        self.set_class(level == "warn", "-warn")
        self.set_class(level == "crit", "-crit")
