"""Logs pane: live tails of every source of the environment in focus, merged, filtered, bounded.

Each frame takes the feed's new lines into the buffer and paints their rows (less often under a
flood); the status line says how each source and the view stand. What the keys change, and
showing the lines again when they do, is :class:`~cockpit.ui.widgets.log_browser.LogBrowserPane`.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterable, Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from cockpit.feeds.logs import LogFeed
from cockpit.ui.widgets.log_browser import LogBrowserPane
from cockpit.ui.widgets.log_status import (
    all_failing,
    fit_status,
    grep_label,
    source_badges,
    status_tail,
    why_empty,
)
from cockpit.ui.widgets.log_view import Row

NARROW_PANE = 100
"""Pane widths below this cap source names at :data:`NARROW_NAME_CELLS`."""
NARROW_NAME_CELLS = 12
MAX_LINES = 10_000
"""Lines kept in the widget (the view)."""
FLUSH_HZ = 30
FILTER_BUDGET = 0.008
"""Seconds a frame may spend on a costly filter (the rest waits for the next frame)."""
MAX_PER_FLUSH = 10_000
"""Most lines taken from the worker per frame (300k lines/s); the rest wait in the pipe."""
FLOOD_ROWS = 1_000
"""Rows waiting at a frame above which the view is painted at :data:`FLOOD_PAINT_HZ` only."""
FLOOD_PAINT_HZ = 10
"""Nobody reads a flood line by line; painting it less often keeps keys answered at once."""


class LogsPane(LogBrowserPane):
    """Follows the configured log sources; keys filter, search, pause, save."""

    pane_id = "logs"
    title = "Logs"
    key = "2"
    stale_after = float("inf")  # quiet logs are not stale; each source's badge says its state

    DEFAULT_CSS = """
    LogsPane > #log-status {
        height: 1;
        color: $foreground-muted;
    }
    """

    BINDINGS = [
        Binding("f", "toggle_follow", "Follow/pause", id="logs_follow"),
        # Priority: the key opening the input line is acted on as it arrives, so the keys typed
        # right behind it (before the input has the focus) already find the pane editing.
        Binding("slash", "edit('filter')", "Filter", id="logs_filter", priority=True),
        Binding("backslash", "edit('exclude')", "Exclude", id="logs_exclude", priority=True),
        Binding("l", "cycle_level", "Level", id="logs_level"),
        Binding("s", "edit('search')", "Search", id="logs_search", priority=True),
        Binding("n", "find(1)", "Next match", id="logs_next", show=False),
        Binding("N", "find(-1)", "Previous match", id="logs_prev", show=False),
        Binding("T", "toggle_timestamps", "Timestamps (UTC)", id="logs_times", show=False),
        Binding("J", "toggle_json", "Pretty JSON", id="logs_json", show=False),
        Binding("W", "toggle_wrap", "Wrap long lines", id="logs_wrap", show=False),
        Binding("w", "save", "Save shown lines", id="logs_save", show=False),
        Binding("o", "toggle_sources", "Choose sources", id="logs_sources", show=False),
        Binding("end", "follow", "Newest line, follow", show=False),
        Binding("escape", "clear_filters", "Clear filters", id="logs_clear", show=False),
    ]

    def __init__(self) -> None:
        super().__init__(max_lines=MAX_LINES)
        self.feed: LogFeed | None = None
        self._message = ""
        self._failing: str | None = None
        self.unlevelled = 0
        self._painted_at = 0.0
        self._dropped_shown = 0
        self._version_shown = -1
        self._config_filters: dict[str, str] = {}
        """Source -> a short label of its config `filter:` / `exclude:` (shown in its badge)."""
        # Held, not queried: the flush runs 30 times a second, and during shutdown the children
        # go before the pane's timer stops (a query would then find nothing and raise).
        self._status = Static("", id="log-status", markup=False)

    def compose_body(self) -> ComposeResult:
        yield self._status
        yield from super().compose_body()

    def on_mount(self) -> None:
        self.set_interval(1 / FLUSH_HZ, self._flush, name="log-flush")
        self._render_status()

    def theme_changed(self) -> None:
        """Level, search and source colours follow the theme."""
        self.highlighter.set_variables(self.app.get_css_variables())
        self._view.notify_style_update()
        self._view.refresh()
        self._render_status()

    def refresh_freshness(self) -> None:
        """Also redraw the source badges: states change without new lines (ended, stale)."""
        super().refresh_freshness()
        # Counted once a second, not per frame: a level filter hides lines with no level at all.
        self.unlevelled = sum(r.level is None for r in self.buffer) if self.log_query.level else 0
        if self.is_mounted:
            self._render_status()

    def attach(self, feed: LogFeed | None, note: str = "", terms: Iterable[str] = ()) -> None:
        """Show a new feed (environment switch); clears the view and follows the new one."""
        self.feed = feed
        self._failing = self.error = None  # the new sources have not failed yet
        self._forget_lines(feed.names if feed else [], terms)
        self._message = note
        self._config_filters = {
            entry.name: grep_label(entry.filter, entry.exclude)
            for entry in (feed.entries if feed else [])
            if entry.filter or entry.exclude
        }
        self._render_status()
        if feed is None:
            self.note = note or "not configured"
            self.refresh_freshness()

    def _flush(self) -> None:
        feed = self.feed
        if feed is None:
            return
        # Lines not filtered yet hold the pipe: the worker counts what it must drop, and the
        # screen stays live.
        room = MAX_PER_FLUSH - len(self._unfiltered)
        batch = feed.drain(room) if room > 0 else []
        now = time.monotonic()
        if batch and self._filtering:
            self.buffer.extend(batch)  # shown when the re-filtering is done
            batch = []
        if batch or self._unfiltered:
            self.buffer.extend(batch)
            if self._shape.query.costly or self._unfiltered:
                # A regular expression may take milliseconds a line: a time budget per frame.
                self._unfiltered.extend(batch)
                shown: Sequence[Row] = self._shape.take(self._unfiltered, FILTER_BUDGET)
            else:
                shown = self._shape.rows(batch)
            self._queue.extend(shown)
            if not self.follow:
                # Scroll lock: the view stays exactly as it is (writing would prune lines off
                # its top and move it); new lines wait and are counted.
                self.new_while_paused += len(shown)
            count = len(feed.names)
            note = f"{count} source" if count == 1 else f"{count} sources"
            if self.updated_at is None or self.error is not None or note != self.note:
                # The first lines (or a recovery) must show on the border at once, not
                # "waiting for data" until the next tick.
                self.mark_fresh(note)
            else:
                # The subtitle's age is redrawn by the app's 1 Hz tick, not at the frame rate.
                self.updated_at = now
        due = len(self._queue) <= FLOOD_ROWS or now - self._painted_at >= 1 / FLOOD_PAINT_HZ
        if not due:
            return
        if self.follow and self._queue:
            self._paint()
        elif batch or feed.dropped != self._dropped_shown or feed.version != self._version_shown:
            self._painted_at = now
            self._render_status()

    def _paint(self) -> None:
        """Write the waiting rows to the view and redraw the status line."""
        rows = list(self._queue)
        self._queue.clear()
        self._view.write_rows(rows, scroll_end=True)
        self._painted_at = time.monotonic()
        self._render_status()

    def _render_status(self) -> None:
        line = self._status
        feed = self.feed
        if feed is None:
            text = Text(self._message or "not configured: add sources under `logs:`")
            text.no_wrap, text.overflow = True, "ellipsis"
            line.update(text, layout=False)
            return
        now = feed.clock()
        variables = self.highlighter.variables
        hidden = self.hidden_sources
        badges = source_badges(feed.statuses.values(), hidden, self._config_filters, now, variables)
        failing = all_failing(feed.statuses.values())
        if failing != self._failing:
            # Every source down: the pane is in error (red border, the reason, r retries).
            self._failing = failing
            self.error = failing
        if not feed.received:
            # Nothing to show yet: the view says why, in full (the badges may be cut).
            self._view.set_placeholder(why_empty(feed, now))
        self._dropped_shown = feed.dropped
        self._version_shown = feed.version
        # What the operator must never miss (paused, dropped lines, active filters) goes to the
        # right and is kept whole; the badges give way when the line is too narrow.
        tail = status_tail(
            self.log_query,
            follow=self.follow,
            new_while_paused=self.new_while_paused,
            dropped=feed.dropped,
            filtering=self._filtering or bool(self._unfiltered),
            search_at=self._search_at,
            error_style=self.highlighter.error_style,
            unlevelled=self.unlevelled,
        )
        # One fixed line: redraw it without a layout pass (this runs on every flush).
        line.update(fit_status(badges, tail, line.size.width), layout=False)

    def on_resize(self) -> None:
        # A narrow pane gives the message the room: long source names are cut in the middle
        # (each keeps its colour, which tells the sources apart).
        cap = NARROW_NAME_CELLS if self.size.width < NARROW_PANE else None
        if cap != self.log_format.name_cap:
            self.log_format = dataclasses.replace(self.log_format, name_cap=cap)
            self._rerender()
        self._render_status()
        if self.wrap and self._view.scrollable_content_region.width != self._shape.wrap_width:
            self._rerender()  # rows were cut to the old width

    def action_toggle_sources(self) -> None:
        """Choose which sources the merged view shows."""
        from cockpit.ui.screens.sources import SourcesScreen

        if self.feed is None:
            return

        def chosen(hidden: set[str] | None) -> None:
            if hidden is not None:
                self.log_query = self.log_query.hiding(hidden)
                self._rerender()

        names = list(self.feed.statuses)
        self.app.push_screen(SourcesScreen(names, set(self.hidden_sources)), chosen)
