"""Health pane: services of the environment in focus, worst first, with the detail of one."""

from __future__ import annotations

import time
from collections.abc import Callable

from rich.console import Group
from rich.padding import Padding
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Label, Static

from cockpit.domain.health import ServiceStatus, Status
from cockpit.domain.trouble import by_environment
from cockpit.sources.metrics.processes import ProcessInfo
from cockpit.text.age import format_latency, format_span
from cockpit.text.fit import middle_cut
from cockpit.text.sanitize import plain as _plain
from cockpit.ui.messages import CheckNowRequested, LogsForService
from cockpit.ui.widgets.lists import Table
from cockpit.ui.widgets.pane import Pane
from cockpit.ui.widgets.process_table import ProcessTable
from cockpit.ui.widgets.uptime import status_style, status_text, uptime_strip

UPTIME_WIDTH = 12
SERVICE_WIDTH = 18
NARROW_SERVICE_WIDTH = 14
NARROW_TABLE = 100
"""Inner widths below this drop the uptime strip (the detail below still has the history)."""
ENV_WIDTH = 12
MIN_REASON_WIDTH = 16
Row = tuple[str, str, str, str, tuple[Status, ...], str]


class HealthPane(Pane):
    """Service health (worst first) and, for the local host, the busiest processes."""

    pane_id = "health"
    title = "Health"
    key = "1"
    stale_after = 30.0

    DEFAULT_CSS = """
    HealthPane > .health--heading {
        color: $foreground-muted;
        text-style: bold;
    }
    HealthPane > #services {
        height: auto;
        max-height: 60%;
    }
    HealthPane.-no-processes > #services {
        height: 2fr;
        max-height: 100%;
    }
    HealthPane > #service-detail {
        height: auto;
        max-height: 12;
        border-top: solid $secondary;
    }
    HealthPane.-no-processes > #service-detail {
        height: 1fr;
    }
    HealthPane > #processes {
        height: 1fr;
        min-height: 4;
    }
    HealthPane.-no-services > #services, HealthPane.-no-services > #service-detail {
        display: none;
    }
    HealthPane.-no-processes > #processes, HealthPane.-no-processes > .health--processes {
        display: none;
    }
    """

    BINDINGS = [
        # Not `a`: that key starts actions everywhere.
        Binding("E", "toggle_all_envs", "All envs", id="health_all_envs"),
        Binding("p", "toggle_processes", "Processes", id="health_processes"),
        Binding("c", "check_now", "Check now", id="health_check_now"),
        Binding("L", "service_logs", "Its logs", id="health_logs"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.statuses: list[ServiceStatus] = []
        self.environment = ""
        self.all_envs = False
        self._rows: dict[int, Row] = {}
        self._variables: dict[str, str] | None = None
        self._detail_shown: list[tuple[int, Text]] = []
        self._order: list[str] = []
        self._by_key: dict[str, ServiceStatus] = {}
        self.has_services = False
        self.detail_plain = ""
        self.clock: Callable[[], float] = time.time
        self._laid_out_for = -1
        self.follow_worst = True
        """The cursor stays on the worst row until the operator moves it."""
        self._cursor_placed: int | None = None

    def compose_body(self) -> ComposeResult:
        services = Table(id="services", cursor_type="row", zebra_stripes=True)
        # The selected row keeps its status colours: a DOWN under the cursor stays red.
        services.cursor_foreground_priority = "renderable"
        yield services
        with VerticalScroll(id="service-detail"):
            yield Static("", id="detail-text", markup=False)
        yield Label("Local processes (busiest first)", classes="health--heading health--processes")
        yield ProcessTable(id="processes")

    def on_mount(self) -> None:
        self._add_service_columns()
        self._apply_visibility()

    def theme_changed(self) -> None:
        """Status colours are drawn into the rows: redraw them in the new theme's."""
        self._variables = None
        if self.is_mounted:
            self._render_services()
            self._show_detail()

    # ---- services -----------------------------------------------------------------------------

    def _columns(self) -> list[tuple[str, str, int]]:
        # Narrow (a pane of an 80-column screen, or half of a 160-column one): the uptime
        # strip gives way and names get less room, so the reason still reads.
        narrow = self._table_width() < NARROW_TABLE
        columns: list[tuple[str, str, int]] = [
            ("STATUS", "status", 10),
            ("SERVICE", "service", self._name_width()),
        ]
        if self.all_envs:
            columns.append(("ENV", "env", ENV_WIDTH))
        columns.append(("LATENCY", "latency", 7))
        if not narrow:
            columns.append(("UPTIME", "uptime", UPTIME_WIDTH))
        columns.append(("FOR", "changed", 7))
        # REASON takes what is left of the row: it is what the operator came to read.
        used = sum(width + 2 for _, _, width in columns)
        columns.append(("REASON", "reason", max(MIN_REASON_WIDTH, self._table_width() - used - 2)))
        return columns

    def _name_width(self) -> int:
        return NARROW_SERVICE_WIDTH if self._table_width() < NARROW_TABLE else SERVICE_WIDTH

    def _table_width(self) -> int:
        # The pane's content width, one column kept for a scrollbar.
        return max(0, self.size.width - 1)

    def on_resize(self) -> None:
        if self.is_mounted and self._laid_out_for != self._table_width():
            self._add_service_columns()
            self._render_services()

    def _add_service_columns(self) -> None:
        services = self.query_one("#services", DataTable)
        self._laid_out_for = self._table_width()
        services.clear(columns=True)
        for label, key, width in self._columns():
            services.add_column(label, key=key, width=width)
        self._order = []
        self._rows.clear()

    def configure(self, environment: str, has_services: bool, local: bool = False) -> None:
        """Follow the environment in focus.

        Args:
            environment: The environment's name.
            has_services: Whether it has any services configured.
            local: Whether it is this machine (no remote targets): then local processes show too.
        """
        self.environment = environment
        self.has_services = has_services
        self._show_processes = local
        self._apply_visibility()
        self._render_services()

    def _apply_visibility(self) -> None:
        self.set_class(not self.has_services, "-no-services")
        self.set_class(
            self.has_services and not getattr(self, "_show_processes", False), "-no-processes"
        )

    def show_statuses(self, statuses: list[ServiceStatus]) -> None:
        """Take a new snapshot from the monitor (already sorted worst first)."""
        self.statuses = statuses
        self._render_services()
        self.mark_fresh(self._summary())

    def _visible(self) -> list[ServiceStatus]:
        shown = (
            self.statuses
            if self.all_envs
            else [s for s in self.statuses if s.environment == self.environment]
        )
        # Worst first, then by name: rows must not jump around as latencies jitter.
        return sorted(shown, key=lambda s: (-s.status.severity, s.name, s.environment))

    def _summary(self) -> str:
        visible = self._visible()
        if not visible:
            return "no services here"
        if self.all_envs:
            # Which environment the trouble is in matters more than the total.
            per = by_environment(visible)
            return " · ".join(f"{_plain(env, 30)}: {per[env].label()}" for env in sorted(per))
        counts: dict[Status, int] = {}
        for s in visible:
            counts[s.status] = counts.get(s.status, 0) + 1
        parts = [f"{counts[s]} {s.value.lower()}" for s in Status if s in counts]
        return ", ".join(parts)

    def _render_services(self) -> None:
        table: DataTable[str | Text] = self.query_one("#services", DataTable)
        visible = self._visible()
        variables = self.variables
        now = self.clock()
        keys = [f"{s.environment}\x00{s.name}" for s in visible]
        # Rows out of view are not redrawn for their FOR column alone (it moves every second):
        # they catch up at the next tick after they scroll into view.
        first_shown = int(table.scroll_y)
        last_shown = first_shown + max(table.size.height, 1)
        self._by_key = dict(zip(keys, visible, strict=True))
        cursor_key = (
            self._order[table.cursor_row] if 0 <= table.cursor_row < len(self._order) else None
        )
        # Rows are positions, not services: a re-sort rewrites only the positions whose content
        # changed, instead of rebuilding hundreds of rows several times a second.
        columns = [key for _, key, _ in self._columns()]
        while table.row_count > len(visible):
            position = table.row_count - 1
            table.remove_row(f"p{position}")
            self._rows.pop(position, None)
        for position, status in enumerate(visible):
            signature = self._row_signature(status, now)
            kept = self._rows.get(position)
            in_view = first_shown - 1 <= position <= last_shown
            if not in_view and kept is not None and kept[:-1] == signature[:-1]:
                continue
            if position >= table.row_count:
                cells = self._cell_map(status, variables, now)
                table.add_row(*(cells[c] for c in columns), key=f"p{position}")
            elif kept == signature:
                continue
            else:
                cells = self._cell_map(status, variables, now)
                for column in columns:
                    table.update_cell(f"p{position}", column, cells[column])
            self._rows[position] = signature
        self._order = keys
        if self.follow_worst and keys:
            self._place_cursor(table, 0)
        elif cursor_key in keys and keys.index(cursor_key) != table.cursor_row:
            # The service under the cursor moved: the cursor follows it.
            self._place_cursor(table, keys.index(cursor_key))
        self._show_detail()

    def _place_cursor(self, table: DataTable[str | Text], row: int) -> None:
        self._cursor_placed = row
        if table.cursor_row != row:
            table.move_cursor(row=row, animate=False)

    def refresh_freshness(self) -> None:
        """The 1 Hz tick: also redraw how long each service has been in its state."""
        super().refresh_freshness()
        # Hidden behind a tab or a zoomed pane: nothing to redraw until it shows again.
        if self.statuses and self.is_mounted and self.display:
            self._render_services()

    @staticmethod
    def _row_signature(s: ServiceStatus, now: float) -> Row:
        # What is drawn, times included: the 1 Hz tick rewrites only rows whose text moved.
        strip = tuple(s.checks[0].uptime[-UPTIME_WIDTH:]) if s.checks else ()
        return (
            s.status.value + ("*" if s.stale else ""),
            _reason(s, now),
            s.name + "\x00" + s.environment,
            format_latency(s.latency_ms),
            strip,
            _lasted(s, now),
        )

    def _cell_map(
        self, s: ServiceStatus, variables: dict[str, str], now: float
    ) -> dict[str, str | Text]:
        name_width = self._name_width()
        strip_source = s.checks[0].uptime if len(s.checks) == 1 else _merge_uptime(s)
        reason_style = status_style(s.status, variables) if s.status is not Status.UP else ""
        status = status_text(s.status, variables)
        if s.stale:
            status.append(" ◌", style=status_style(Status.STALE, variables))
        return {
            "status": status,
            # Text, not str: a str cell is parsed as markup.
            "service": Text(middle_cut(_plain(s.name, 200), name_width)),
            "env": Text(middle_cut(_plain(s.environment, 200), ENV_WIDTH)),
            "latency": format_latency(s.latency_ms),
            "uptime": uptime_strip(strip_source, variables, UPTIME_WIDTH),
            "changed": _lasted(s, now),
            "reason": Text(_reason(s, now), style=reason_style),
        }

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == "services":
            if event.cursor_row != self._cursor_placed:
                self.follow_worst = False  # the operator chose a row: keep to it
            self._show_detail()

    def select_service(self, name: str) -> bool:
        """Put the cursor on the service ``name`` of the environment in focus; False if absent."""
        key = f"{self.environment}\x00{name}"
        if key not in self._order:
            return False
        self.follow_worst = False
        self._place_cursor(self.query_one("#services", DataTable), self._order.index(key))
        self._show_detail()
        return True

    def selected(self) -> ServiceStatus | None:
        """The service under the cursor."""
        table = self.query_one("#services", DataTable)
        if not self._order or not 0 <= table.cursor_row < len(self._order):
            return None
        return self._by_key.get(self._order[table.cursor_row])

    @property
    def variables(self) -> dict[str, str]:
        """The theme's CSS variables (read once per theme: building them is not cheap)."""
        if self._variables is None:
            self._variables = self.app.get_css_variables()
        return self._variables

    def _show_detail(self) -> None:
        detail = self.query_one("#detail-text", Static)
        status = self.selected()
        if status is None:
            self.detail_plain = ""
            self._detail_shown = []
            detail.update("")
            return
        variables = self.variables
        # (indent, text): wrapped lines keep their block's indent instead of starting at the edge.
        parts: list[tuple[int, Text]] = []
        head = Text.assemble(
            (f"{_plain(status.name, 60)} ", "bold"),
            (f"[{_plain(status.environment, 30)}]  ", "dim"),
            status_text(status.status, variables),
        )
        parts.append((0, head))
        for check in status.checks:
            line = Text()
            line.append_text(status_text(check.status, variables))
            line.append(f"  {_plain(check.name, 40)} ({check.kind})  ", style="bold")
            line.append(_plain(check.reason))
            parts.append((2, line))
            last = check.last
            if last is not None:
                for cond in last.conditions:
                    mark = ("✓", "status-up") if cond.ok else ("✗", "status-down")
                    parts.append(
                        (
                            6,
                            Text.assemble(
                                (mark[0], variables.get(mark[1], "")),
                                f" {_plain(cond.expr, 120)}",
                                ("  → ", "dim"),
                                _plain(cond.actual, 120),
                            ),
                        )
                    )
                if last.detail:
                    parts.append((6, Text(_plain(last.detail, 400), style="dim")))
        self.detail_plain = "\n".join(" " * indent + text.plain for indent, text in parts)
        # The 1 Hz tick lands here: an unchanged detail is not laid out and drawn again.
        if parts == self._detail_shown:
            return
        self._detail_shown = parts
        detail.update(Group(*(Padding(text, (0, 0, 0, indent)) for indent, text in parts)))

    def action_toggle_all_envs(self) -> None:
        """Show every environment's services, or only the environment in focus."""
        self.all_envs = not self.all_envs
        self._add_service_columns()
        self._render_services()
        self.mark_fresh(self._summary())

    def action_toggle_processes(self) -> None:
        """Show or hide the local process list."""
        self._show_processes = not getattr(self, "_show_processes", False)
        self._apply_visibility()

    def action_service_logs(self) -> None:
        """Show Logs narrowed to the selected service's sources."""
        status = self.selected()
        if status is not None:
            self.post_message(LogsForService(status.name))

    def action_check_now(self) -> None:
        """Ask the monitor to run the selected service's checks now."""
        status = self.selected()
        self.post_message(CheckNowRequested(status.name if status else None))

    # ---- processes ----------------------------------------------------------------------------

    def show_processes(self, processes: list[ProcessInfo]) -> None:
        """Show the busiest processes (not while they are out of sight)."""
        if self.display and not self.has_class("-no-processes"):
            self.query_one(ProcessTable).show(processes)
        if not self.has_services:
            self.mark_fresh("processes")


def _merge_uptime(s: ServiceStatus) -> list[Status]:
    """A service strip from several checks: per position, the worst of the checks' results."""
    strips = [c.uptime for c in s.checks if c.uptime]
    if not strips:
        return []
    length = min(len(x) for x in strips)
    merged: list[Status] = []
    for i in range(-length, 0):
        merged.append(max((x[i] for x in strips), key=lambda st: st.severity))
    return merged


def _lasted(s: ServiceStatus, now: float) -> str:
    """How long the service has been in its status (``4m12s``), or ``–`` before any change."""
    return "–" if s.last_change is None else format_span(now - s.last_change)


def _reason(s: ServiceStatus, now: float) -> str:
    """The reason, after what is true right now: a run in flight, or no fresh result."""
    reason = _plain(s.reason)
    if s.checking_since is not None:
        return f"checking… {format_span(now - s.checking_since)} · {reason}"
    if s.stale:
        seen = [c.last.ts for c in s.checks if c.last is not None]
        if seen:
            return f"stale {format_span(now - max(seen))} · {reason}"
    return reason
