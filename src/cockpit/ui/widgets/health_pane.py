"""Health pane: services of the environment in focus, worst first; local processes below."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import DataTable, Label

from cockpit.sources.metrics.processes import ProcessInfo
from cockpit.text.sanitize import sanitize
from cockpit.ui.widgets.pane import Pane


class HealthPane(Pane):
    """Service health (when configured) and the busiest local processes."""

    pane_id = "health"
    title = "Health"
    key = "1"
    stale_after = 10.0

    DEFAULT_CSS = """
    HealthPane > .health--heading {
        color: $foreground-muted;
        text-style: bold;
    }
    HealthPane > #processes {
        height: 1fr;
    }
    """

    def compose_body(self) -> ComposeResult:
        yield Label("Local processes (busiest first)", classes="health--heading")
        table: DataTable[str | Text] = DataTable(
            id="processes", cursor_type="row", zebra_stripes=True
        )
        yield table

    def on_mount(self) -> None:
        table = self.query_one("#processes", DataTable)
        table.add_column("PID", key="pid", width=7)
        table.add_column("CPU%", key="cpu", width=6)
        table.add_column("MEM%", key="mem", width=6)
        table.add_column("USER", key="user", width=8)
        table.add_column("COMMAND", key="cmd")

    def show_processes(self, processes: list[ProcessInfo]) -> None:
        """Replace the process table, keeping the cursor row when possible."""
        table: DataTable[str | Text] = self.query_one("#processes", DataTable)
        cursor = table.cursor_row
        table.clear()
        for p in processes:
            cmd = sanitize(p.cmdline, max_len=200, keep_sgr=False)
            table.add_row(
                str(p.pid),
                f"{p.cpu_pct:.1f}",
                f"{p.mem_pct:.1f}",
                sanitize(p.user, max_len=8, keep_sgr=False),
                Text(cmd, no_wrap=True),
                key=str(p.pid),
            )
        if processes:
            table.move_cursor(row=min(cursor, len(processes) - 1), animate=False)
        self.mark_fresh("processes")
