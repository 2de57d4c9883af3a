"""Metrics pane: host CPU, memory, load, network and disks as sparklines."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll

from cockpit.sources.metrics.host import HostSample
from cockpit.state.series import Series
from cockpit.text.age import format_bytes
from cockpit.ui.widgets.metric_row import MetricRow
from cockpit.ui.widgets.pane import Pane

# Seed 001's alert thresholds: cpu > 80 warn / > 90 crit, memory > 85 / > 95; seed 003: disk > 90.
THRESHOLDS: dict[str, tuple[float, float]] = {
    "cpu": (80.0, 90.0),
    "mem": (85.0, 95.0),
    "swap": (50.0, 80.0),
    "disk": (80.0, 90.0),
}


def level_for(kind: str, value: float) -> str | None:
    """``warn``/``crit``/None for a percentage against the seed runbooks' thresholds."""
    warn, crit = THRESHOLDS.get(kind, (float("inf"), float("inf")))
    if value > crit:
        return "crit"
    if value > warn:
        return "warn"
    return None


def _row_id(key: str) -> str:
    return "metric-" + "".join(c if c.isalnum() else "-" for c in key)


class MetricsPane(Pane):
    """Live host metrics; one row per metric, history kept in bounded series."""

    pane_id = "metrics"
    title = "Metrics"
    key = "3"
    stale_after = 5.0

    def __init__(self) -> None:
        super().__init__()
        self.series: dict[str, Series] = {}

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="metric-rows"):
            for key, label, ceiling in (
                ("cpu", "CPU", 100.0),
                ("mem", "Memory", 100.0),
                ("swap", "Swap", 100.0),
                ("load", "Load 1m", None),
                ("rx", "Net in", None),
                ("tx", "Net out", None),
            ):
                yield MetricRow(label, ceiling=ceiling, id=_row_id(key))

    def _series(self, key: str) -> Series:
        s = self.series.get(key)
        if s is None:
            s = self.series[key] = Series(key, maxlen=120)
        return s

    def add_host_sample(self, sample: HostSample) -> None:
        """Record a sample and redraw every row."""
        values = {
            "cpu": sample.cpu_pct,
            "mem": sample.mem_pct,
            "swap": sample.swap_pct,
            "load": sample.load1,
            "rx": sample.net_rx_bps,
            "tx": sample.net_tx_bps,
        }
        for mount, pct in sample.disks.items():
            values[f"disk:{mount}"] = pct
        rows = self.query_one("#metric-rows", VerticalScroll)
        for key, value in values.items():
            series = self._series(key)
            series.add(sample.ts, value)
            row_id = _row_id(key)
            matches = rows.query(f"#{row_id}")
            if matches:
                row = matches.first(MetricRow)
            else:
                row = MetricRow(f"Disk {key[5:]}"[:12], ceiling=100.0, id=row_id)
                rows.mount(row)
                continue  # mounted rows compose on the next frame; the next sample fills them
            row.show(
                self._format(key, value, sample),
                series.values(),
                level_for(key.split(":")[0], value),
            )
        self.mark_fresh("host")

    @staticmethod
    def _format(key: str, value: float, sample: HostSample) -> str:
        if key in ("rx", "tx"):
            return f"{format_bytes(value)}/s"
        if key == "load":
            return f"{value:.2f}"
        if key == "mem":
            return f"{value:.0f}% {format_bytes(sample.mem_used)}"
        return f"{value:.1f}%"
