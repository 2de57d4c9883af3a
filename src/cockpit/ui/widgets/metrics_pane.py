"""Metrics pane: the metrics of the environment in focus, trouble first, as wide sparklines.

Readings arrive in batches from the metrics process; the pane folds them into its
:class:`~cockpit.feeds.metric_board.MetricBoard` and repaints at most twice a second.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, ClassVar

from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Static

from cockpit.domain.thresholds import Level
from cockpit.state.metric_ring import WINDOWS
from cockpit.text.sanitize import plain
from cockpit.ui.messages import ActionWanted
from cockpit.ui.widgets.metric_table import MetricTable
from cockpit.ui.widgets.pane import Pane

if TYPE_CHECKING:
    from cockpit.config.models import CockpitConfig
    from cockpit.feeds.metric_board import MetricBoard, MetricRow

WINDOW_NAMES = tuple(WINDOWS)


class MetricsPane(Pane):
    """The environment's metrics, one row per series."""

    DEFAULT_CSS = """
    MetricsPane > .metrics--header {
        height: 1;
        color: $foreground-muted;
    }
    MetricsPane > #metric-scroll {
        height: 1fr;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("w", "next_window", "Window", id="metric_window"),
        # Only on a row whose metric names an action; elsewhere `a` is the app's (actions).
        Binding("a", "row_action", "Row's action", id="metric_action"),
    ]

    pane_id = "metrics"
    title = "Metrics"
    key = "3"
    stale_after = 30.0

    class WindowChanged(Message):
        """The operator picked another window; backends that keep history should fill it."""

        def __init__(self, window: float) -> None:
            super().__init__()
            self.window = window

    class ChartWanted(Message):
        """Show the chart of one row."""

        def __init__(self, key: str) -> None:
            super().__init__()
            self.key = key

    def __init__(self) -> None:
        super().__init__()
        self.board: MetricBoard | None = None
        self.environment = ""
        self.window_name = "5m"
        self.empty_reason = "waiting for the metrics of the environment in focus"
        self._dirty = False
        self._painting = False
        self._ticks = 0
        self._header_text = ""
        self.action_names: set[str] = set()
        """The actions of the environment in focus (a metric's `action:` may name one)."""
        self._row_has_action = False

    @property
    def window(self) -> float:
        """Seconds shown."""
        return WINDOWS[self.window_name]

    def compose_body(self) -> ComposeResult:
        yield Static("", classes="metrics--header", markup=False)
        with VerticalScroll(id="metric-scroll", can_focus=False):
            yield MetricTable(id="metric-table")

    def on_mount(self) -> None:
        super().on_mount()
        self._paint_header()
        self.watch(self.table, "cursor", self._cursor_moved, init=False)

    @property
    def table(self) -> MetricTable:
        """The rows."""
        return self.query_one(MetricTable)

    def configure(self, environment: str, config: CockpitConfig) -> None:
        """Show the metrics of ``environment`` (none yet read), or say there are none."""
        from cockpit.feeds.metric_board import MetricBoard

        entries = config.metrics_for(environment)
        self.action_names = {a.name for a in config.actions_for(environment)}
        if not entries:
            self.attach(
                None, environment, f"no metrics for {environment}: add them under `metrics:`"
            )
            return
        self.attach(MetricBoard(entries, environment, self.app_monotonic()), environment)

    def attach(self, board: MetricBoard | None, environment: str, reason: str = "") -> None:
        """Show ``board`` (None: nothing to show, for ``reason``)."""
        self.board = board
        self.environment = environment
        self.empty_reason = reason
        self.error = None
        self.updated_at = None
        self.note = ""
        self.table.display = board is not None
        self.paint()

    def take(self, record: object) -> None:
        """Fold a ``MetricResults`` or ``MetricStored`` record into the board."""
        from cockpit.sources.messages import MetricResults, MetricStored

        board = self.board
        if board is None:
            return
        now = self.app_monotonic()
        match record:
            case MetricResults(results):
                for result in results:
                    board.apply(result, now)
                if any(not r.backfill and r.error is None for r in results):
                    self.updated_at = time.monotonic()
            case MetricStored(metric, points):
                board.fill_stored(metric, points)
        self._dirty = True

    def app_monotonic(self) -> float:
        """The app's monotonic clock (pinned in tests)."""
        return float(self.app.context.monotonic())  # type: ignore[attr-defined]

    def app_now(self) -> float:
        """The app's wall clock (pinned in tests)."""
        return float(self.app.context.clock())  # type: ignore[attr-defined]

    def refresh_freshness(self) -> None:
        """The app's 1 Hz tick: repaint with what arrived since, in the tick's one frame.

        A pane behind a tab is not drawn at all (readings still go into the board); with no
        new readings it repaints every few ticks, so windows, ages and staleness move on.
        """
        self._ticks += 1
        due = self._dirty or self._ticks % 4 == 0
        if self.board is not None and self.display and due and not self._painting:
            self.paint()
        else:
            self._subtitle()

    def rows(self) -> list[MetricRow]:
        """The rows as shown now."""
        if self.board is None:
            return []
        return self.board.rows(self.app_now(), self.window, self.app_monotonic())

    def paint(self) -> None:
        """Redraw the rows, the header and the border from the board."""
        self._dirty = False
        self._painting = True
        try:
            self._paint()
        finally:
            self._painting = False

    def _paint(self) -> None:
        rows = self.rows()
        self.table.show(rows, self.window, self.app_now(), self.app_monotonic())
        failing = {r.metric for r in rows if r.error is not None}
        names = {r.metric for r in rows}
        if rows and failing == names:
            first = next(r for r in rows if r.error is not None)
            self.error = f"every metric failing: {first.metric}: {first.error}"
        elif self.error is not None and len(failing) < len(names):
            self.error = None
        self._paint_header(rows)
        self._subtitle()
        self._offer_row_action()

    def _paint_header(self, rows: list[MetricRow] | None = None) -> None:
        header = self.query_one(".metrics--header", Static)
        if self.board is None:
            self._set_header(header, plain(self.empty_reason, 300))
            return
        rows = rows or []
        crit = sum(1 for r in rows if r.level == Level.CRIT)
        warn = sum(1 for r in rows if r.level == Level.WARN)
        failing = len({r.metric for r in rows if r.error is not None})
        stale = sum(1 for r in rows if r.stale)
        parts = [f"{plain(self.environment, 40)} · last {self.window_name} (w)"]
        trouble = [
            f"{n} {word}"
            for n, word in ((crit, "crit"), (warn, "warn"), (failing, "failing"), (stale, "stale"))
            if n
        ]
        parts.append(", ".join(trouble) if trouble else "all within limits")
        runnable = self.runnable_action()
        if runnable is not None:
            parts.append(f"a: run {plain(runnable, 60)}")
        self._set_header(header, " · ".join(parts))

    def _set_header(self, header: Static, text: str) -> None:
        # Static.update lays the pane out again: only when the words change.
        if text != self._header_text:
            self._header_text = text
            header.update(text)

    def _subtitle(self) -> None:
        """Freshness in the border, with how many metrics fail."""
        rows_failing = 0
        if self.board is not None:
            rows_failing = len({r.metric for r in self.table.rows if r.error is not None})
        self.note = f"{rows_failing} failing" if rows_failing else ""
        if self.board is None:
            self.set_class(False, "-stale")
            if self.border_subtitle != "not configured":
                self.border_subtitle = "not configured"
            return
        super().refresh_freshness()

    def action_next_window(self) -> None:
        """Cycle 5m → 1h → 24h → 7d."""
        index = WINDOW_NAMES.index(self.window_name)
        self.window_name = WINDOW_NAMES[(index + 1) % len(WINDOW_NAMES)]
        self.post_message(self.WindowChanged(self.window))
        self.paint()
        self.notify(f"Metrics: last {self.window_name}", timeout=2)

    def row_action_text(self) -> str | None:
        """What the highlighted row's metric says to do (its `action:`), if anything."""
        row = self.table.selected if self.board is not None else None
        return row.action if row is not None and row.action else None

    def _offer_row_action(self) -> None:
        # `a` shows in the footer as the row's only where a row has an action to offer.
        has = self.row_action_text() is not None
        if has != self._row_has_action:
            self._row_has_action = has
            self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Off (not shown, the key goes on to the app's `a`) without an action on the row.
        if action == "row_action":
            return self._row_has_action
        return True

    def runnable_action(self) -> str | None:
        """The action the highlighted row's crossed limit names, when it is one configured here."""
        row = self.table.selected if self.board is not None else None
        if row is None or row.action is None or row.level not in (Level.WARN, Level.CRIT):
            return None
        return row.action if row.action in self.action_names else None

    def _cursor_moved(self) -> None:
        if self.board is not None:
            self._paint_header(self.table.rows)
        self._offer_row_action()

    def action_row_action(self) -> None:
        """Start the action the highlighted row names, or look its words up in the palette."""
        text = self.row_action_text()
        if text is None:
            raise SkipAction()
        runnable = self.runnable_action()
        self.post_message(ActionWanted(runnable or text, run=runnable is not None))

    def on_metric_table_chosen(self, message: MetricTable.Chosen) -> None:
        message.stop()
        self.post_message(self.ChartWanted(message.key))
