"""Logs pane: live tails of every source of the environment in focus, merged, filtered, bounded."""

from __future__ import annotations

import bisect
import contextlib
import json
import time
from collections import deque
from collections.abc import Callable, Iterable, Sequence

from rich.text import Text
from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Input, Static

from cockpit.domain.patterns import FilterError
from cockpit.feeds.log_format import PREFIX_SEPARATOR
from cockpit.feeds.logs import LogFeed
from cockpit.sources.logs.base import LogRow
from cockpit.sources.logs.filters import LineFilter
from cockpit.text.sanitize import plain, sanitize, strip_sgr
from cockpit.ui.input_history import InputHistory
from cockpit.ui.widgets.log_highlight import LogHighlighter
from cockpit.ui.widgets.log_rows import spread_rows
from cockpit.ui.widgets.log_status import fit_status, grep_label, source_badges, why_empty
from cockpit.ui.widgets.log_view import LogView, Row
from cockpit.ui.widgets.pane import Pane

MAX_LINES = 10_000
"""Lines kept in the widget (the view)."""
BUFFER_LINES = 20_000
"""Lines kept for re-filtering and saving."""
FLUSH_HZ = 30
SYNC_RERENDER = 500
"""Buffered lines above which a costly re-filter (a regular expression, wrap, pretty JSON) runs
off the event loop."""
FILTER_BUDGET = 0.008
"""Seconds a frame may spend on a costly filter (the rest waits for the next frame)."""
FILTER_SLICE = 32
"""Lines filtered at a time within that budget."""
MAX_PER_FLUSH = 10_000
"""Most lines taken from the worker per frame (300k lines/s); the rest wait in the pipe."""
FLOOD_ROWS = 1_000
"""Rows waiting at a frame above which the view is painted at :data:`FLOOD_PAINT_HZ` only."""
FLOOD_PAINT_HZ = 10
"""Nobody reads a flood line by line; painting it less often keeps keys answered at once."""
LEVELS = (None, "INFO", "WARN", "ERROR")


class LogsPane(Pane):
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
    LogsPane > LogView {
        height: 1fr;
        background: $surface;
    }
    LogsPane > #log-input {
        display: none;
        height: 1;
        border: none;
        padding: 0;
    }
    LogsPane.-editing > #log-input {
        display: block;
    }
    LogsPane > #log-input-error {
        display: none;
        height: 1;
        color: $status-down;
    }
    LogsPane.-input-error > #log-input-error {
        display: block;
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
    ]

    def __init__(self) -> None:
        super().__init__()
        self.feed: LogFeed | None = None
        self.clock: Callable[[], float] = time.time
        """Wall-clock seconds (the app's clock): names saved files."""
        self.buffer: deque[LogRow] = deque(maxlen=BUFFER_LINES)
        self.line_filter = LineFilter()
        self.include = ""
        self.exclude = ""
        self.level: str | None = None
        self.search = ""
        self.follow = True
        self.new_while_paused = 0
        self.timestamps = False
        self.pretty_json = False
        self.wrap = False
        self._wrap_width = 0
        """Text cells of the view that wrapped rows were cut to."""
        self.hidden_sources: set[str] = set()
        self.highlighter = LogHighlighter()
        self._editing: str | None = None
        self._history = {what: InputHistory() for what in ("filter", "exclude", "search")}
        self._search_from = -1
        self._search_at: tuple[int, int] | None = None
        """(current match, matches) of the last `n` / `N`, for the status line."""
        self._message = ""
        self._prefix_width = 8
        self._queue: deque[Row] = deque(maxlen=MAX_LINES)
        """Rows not written to the view yet: held while paused, or until the next paint."""
        self._painted_at = 0.0
        self._dropped_shown = 0
        self._version_shown = -1
        self._generation = 0
        """Counts re-renders: a threaded one that finishes after a newer one began is dropped."""
        self._filtering = False
        self._unfiltered: deque[LogRow] = deque()
        """Lines taken from the feed that a costly filter has not looked at yet."""
        self._config_filters: dict[str, str] = {}
        """Source -> a short label of its config `filter:` / `exclude:` (shown in its badge)."""
        # Held, not queried: the flush runs 30 times a second, and during shutdown the children
        # go before the pane's timer stops (a query would then find nothing and raise).
        self._status = Static("", id="log-status", markup=False)
        self._view = LogView(
            self._format, highlighter=self.highlighter, max_lines=MAX_LINES, id="log-view"
        )

    def compose_body(self) -> ComposeResult:
        yield self._status
        yield self._view
        yield Static("", id="log-input-error", markup=False)
        yield Input(id="log-input")

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
        if self.is_mounted:
            self._render_status()

    # ---- feed -----------------------------------------------------------------------------------

    def attach(self, feed: LogFeed | None, note: str = "", terms: Iterable[str] = ()) -> None:
        """Show a new feed (environment switch); clears the view and follows the new one.

        Filters stay (the same question is often asked of the next environment); the pause,
        hidden sources and search position belong to the lines that were shown.
        """
        self.feed = feed
        self.buffer.clear()
        self._unfiltered.clear()
        self._generation += 1  # a re-filter of the old lines must not land here
        self._queue.clear()
        view = self._view
        view.clear()
        self.follow = view.auto_scroll = True
        self.new_while_paused = 0
        self.hidden_sources = set()
        self._search_from, self._search_at = -1, None
        self.highlighter.set_terms(list(terms))
        names = feed.names if feed else []
        self._prefix_width = max((len(n) for n in names), default=8)
        view.prefix_cells = self._prefix_cells()
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
            if self.line_filter.costly or self._unfiltered:
                # A regular expression may take milliseconds a line: a time budget per frame.
                self._unfiltered.extend(batch)
                shown: Sequence[Row] = self._take_filtered()
            else:
                shown = self._rows(batch)
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

    def _take_filtered(self) -> list[Row]:
        """Rows of the waiting lines that pass the filter, as many as fit in a frame's budget."""
        pending = self._unfiltered
        deadline = time.perf_counter() + FILTER_BUDGET
        rows: list[Row] = []
        while pending and time.perf_counter() < deadline:
            chunk = [pending.popleft() for _ in range(min(FILTER_SLICE, len(pending)))]
            rows.extend(self._rows(chunk))
        return rows

    def _paint(self) -> None:
        """Write the waiting rows to the view and redraw the status line."""
        rows = list(self._queue)
        self._queue.clear()
        self._view.write_rows(rows, scroll_end=True)
        self._painted_at = time.monotonic()
        self._render_status()

    def _rows(self, batch: list[LogRow]) -> Sequence[Row]:
        """The rows a batch shows as: filtered; pretty JSON and wrapped lines over several rows."""
        batch = self._filtered(batch)
        if not (self.pretty_json or self.wrap):
            return batch
        return spread_rows(
            batch,
            self._format,
            prefix_cells=self._prefix_cells(),
            pretty_json=self.pretty_json,
            wrap_width=self._wrap_width if self.wrap else None,
        )

    def _filtered(self, batch: list[LogRow]) -> list[LogRow]:
        """The lines of ``batch`` the source toggles and filters let through."""
        if self.hidden_sources:
            hidden = self.hidden_sources
            batch = [line for line in batch if line[0] not in hidden]
        return self.line_filter.apply(batch)

    def _prefix_cells(self) -> int:
        return (13 if self.timestamps else 0) + self._prefix_width + len(PREFIX_SEPARATOR)

    def _format(self, line: LogRow) -> str:
        source, text, ts, _level, _stream, origin = line
        name = source if origin is None else f"{source}/{origin}"
        text = strip_sgr(text)
        if self.pretty_json and text.lstrip().startswith("{"):
            with contextlib.suppress(ValueError):
                pretty = json.dumps(json.loads(text), indent=2, ensure_ascii=False)
                # Decoding brings back what the line's escapes spelled (\u009b, \u202e): the
                # result is untrusted again.
                text = sanitize(pretty, max_len=0, keep_sgr=False, newlines=True)
        stamp = ""
        if self.timestamps:
            # Rounded to the millisecond: .599 is stored as .5989999… and must not show as .598.
            ms = round(ts * 1000)
            stamp = time.strftime("%H:%M:%S", time.gmtime(ms // 1000)) + f".{ms % 1000:03d} "
        return f"{stamp}{name:<{self._prefix_width}}{PREFIX_SEPARATOR}{text}"

    def _rerender(self) -> None:
        """Show the buffer again under new filters or formatting.

        Following, the view ends at the newest line. Paused, it stays paused and keeps the line
        that was at its top (or the next one still shown) at the top: changing a filter while
        reading back must not throw the reader to the end.
        """
        view = self._view
        # Less than the whole width would leave the scrollbar's cells unused; more, a sideways
        # scroll: the region inside the scrollbars is what rows are cut to.
        self._wrap_width = view.scrollable_content_region.width
        lines = list(self.buffer)
        anchor = None if self.follow else view.top_line()
        self._generation += 1
        self._unfiltered.clear()  # in the buffer, so re-filtered with the rest
        if len(lines) > SYNC_RERENDER and (
            self.line_filter.costly or self.wrap or self.pretty_json
        ):
            # A regular expression over 20k long lines can take seconds: the screen stays live
            # (RE2 lets go of the GIL) and says what it is doing.
            self._filtering = True
            self._render_status()
            self._rerender_in_thread(self._generation, lines, anchor)
            return
        self._show_rerendered(lines, anchor, self._split_rows(lines, anchor))

    def _split_rows(
        self, lines: list[LogRow], anchor: LogRow | None
    ) -> tuple[Sequence[Row], Sequence[Row]]:
        """The rows of the lines before the anchor line and from it on."""
        split = len(lines)
        if anchor is not None:
            split = next((i for i, line in enumerate(lines) if line is anchor), len(lines))
        return self._rows(lines[:split]), self._rows(lines[split:])

    # A description of its own: by default Textual would repr() every argument (12 MB of lines).
    @work(
        thread=True,
        exclusive=True,
        group="logs-filter",
        exit_on_error=False,
        description="re-filter the log buffer",
    )
    def _rerender_in_thread(
        self, generation: int, lines: list[LogRow], anchor: LogRow | None
    ) -> None:
        rows = self._split_rows(lines, anchor)
        self.app.call_from_thread(self._rerender_done, generation, lines, anchor, rows)

    def _rerender_done(
        self,
        generation: int,
        lines: list[LogRow],
        anchor: LogRow | None,
        rows: tuple[Sequence[Row], Sequence[Row]],
    ) -> None:
        if generation != self._generation:
            return  # a newer filter or format is on its way
        self._filtering = False
        self._show_rerendered(lines, anchor, rows)
        # Lines that arrived meanwhile were kept, not shown: they follow now.
        buffer = list(self.buffer)
        last = lines[-1] if lines else None
        start = 0
        if last is not None:
            start = next((i + 1 for i in range(len(buffer) - 1, -1, -1) if buffer[i] is last), 0)
        late = buffer[start:]
        if late:
            self._queue.extend(self._rows(late))
            if self.follow:
                self._paint()

    def _show_rerendered(
        self,
        lines: list[LogRow],
        anchor: LogRow | None,
        rows_split: tuple[Sequence[Row], Sequence[Row]],
    ) -> None:
        view = self._view
        before, after = rows_split
        rows = [*before, *after][-MAX_LINES:]
        top = max(len(rows) - len(after), 0)
        if anchor is None and not self.follow:
            top = min(int(view.scroll_y), len(rows))  # no line to hold on to: keep the place
        view.clear()
        view.prefix_cells = self._prefix_cells()
        self._queue.clear()
        self._search_from, self._search_at = -1, None  # row numbers change: `n` starts afresh
        view.write_rows(rows, scroll_end=self.follow)
        if self.follow:
            view.auto_scroll = True
            self.new_while_paused = 0
        else:
            view.scroll_to(y=top, animate=False, immediate=True)
            # Rows past the screen are lines the reader has not seen yet.
            self.new_while_paused = max(len(rows) - top - view.size.height, 0)
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
        badges = source_badges(
            feed.statuses.values(),
            self.hidden_sources,
            self._config_filters,
            now,
            self.highlighter.variables,
        )
        if not feed.received:
            # Nothing to show yet: the view says why, in full (the badges may be cut).
            self._view.set_placeholder(why_empty(feed, now))
        self._dropped_shown = feed.dropped
        self._version_shown = feed.version
        # What the operator must never miss (paused, dropped lines, active filters) goes to the
        # right and is kept whole; the badges give way when the line is too narrow.
        tail = Text()
        if feed.dropped:
            tail.append(f"dropped {feed.dropped}  ", style=self.highlighter.error_style)
        if self._filtering or self._unfiltered:
            tail.append("filtering…  ", style="bold")
        if self.follow:
            tail.append("FOLLOW", style="bold")
        else:
            tail.append(f"PAUSED +{self.new_while_paused} new (f/End)", style="bold reverse")
        for label, value in (
            ("filter", self.include),
            ("exclude", self.exclude),
            ("level", self.level or ""),
        ):
            if value:
                tail.append(f"  {label}:{value}", style="italic")
        if self.search:
            found = ""
            if self._search_at is not None:
                at, hits = self._search_at
                found = f" {at}/{hits}" if hits else " (no match)"
            tail.append(f"  search:{self.search}{found}", style="italic")
        badges = fit_status(badges, tail, line.size.width)
        # One fixed line: redraw it without a layout pass (this runs on every flush).
        line.update(badges, layout=False)

    def on_resize(self) -> None:
        self._render_status()
        if self.wrap and self._view.scrollable_content_region.width != self._wrap_width:
            self._rerender()  # rows were cut to the old width

    # ---- keys -----------------------------------------------------------------------------------

    def on_log_view_follow_requested(self, event: LogView.FollowRequested) -> None:
        event.stop()
        self.action_follow()

    def on_log_view_scrolled_back(self, event: LogView.ScrolledBack) -> None:
        event.stop()
        if self.follow:
            self.action_toggle_follow()

    def action_toggle_follow(self) -> None:
        """Pause (scroll lock) or resume following."""
        if self.follow:
            self.follow = False
            self._view.auto_scroll = False
        else:
            self.action_follow()
        self._render_status()

    def action_follow(self) -> None:
        """Jump to the newest line and follow."""
        view = self._view
        self.follow = True
        view.auto_scroll = True
        self.new_while_paused = 0
        if self._queue:
            self._paint()  # what arrived while paused, at once: appending is cheap
        view.scroll_end(animate=False)
        self._render_status()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """While the input line is open, its keys are text, not commands."""
        return not (action == "edit" and self._editing is not None)

    def action_edit(self, what: str) -> None:
        """Open the input line for a filter, exclude pattern or search term."""
        self._editing = what
        current = {"filter": self.include, "exclude": self.exclude, "search": self.search}[what]
        field = self.query_one("#log-input", Input)
        field.placeholder = {
            "filter": "show only lines matching (regex; Enter applies, empty clears, Esc cancels)",
            "exclude": "hide lines matching (regex)",
            "search": "search for (text; n / N for next / previous)",
        }[what]
        field.value = current
        self._history[what].start(current)
        self.add_class("-editing")
        # Now, not after a refresh (`focus()`): keys typed right behind the one that opened the
        # line (or pasted) are already on their way and go wherever the focus is.
        self.screen.set_focus(field)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        what, value = self._editing, event.value
        if what is not None:
            # Remembered when applied; a refused pattern is remembered too, to be corrected.
            self._history[what].add(value)
        if what == "search":
            self.search = value
            self.highlighter.set_search(value or None)
            self._close_input()
            self._view.reformat()
            self._search_from = -1
            self._search_at = None
            self._view.mark(None)
            if value:
                self.action_find(1)
            self._render_status()
            return
        include = value if what == "filter" else self.include
        exclude = value if what == "exclude" else self.exclude
        try:
            new_filter = LineFilter(
                include=include or None, exclude=exclude or None, level=self.level
            )
        except FilterError as exc:
            # The previous filter stays in force; say why the new one was refused.
            self.query_one("#log-input-error", Static).update(f"✖ {plain(str(exc), 500)}")
            self.add_class("-input-error")
            return
        self.line_filter = new_filter
        self.include, self.exclude = include, exclude
        self._close_input()
        self._rerender()

    def _close_input(self) -> None:
        self._editing = None
        self.remove_class("-editing")
        self.remove_class("-input-error")
        self._view.focus()

    def on_key(self, event: events.Key) -> None:
        if self._editing is None:
            return
        if event.key == "escape":
            self._close_input()
            event.stop()
        elif event.key in ("up", "down"):
            # Earlier filters, searches and exclusions come back as in a shell.
            history = self._history[self._editing]
            value = history.older() if event.key == "up" else history.newer()
            event.stop()
            if value is not None:
                field = self.query_one("#log-input", Input)
                field.value = value
                field.cursor_position = len(value)

    def action_cycle_level(self) -> None:
        """ALL -> INFO+ -> WARN+ -> ERROR -> ALL."""
        self.level = LEVELS[(LEVELS.index(self.level) + 1) % len(LEVELS)]
        self.line_filter = LineFilter(
            include=self.include or None, exclude=self.exclude or None, level=self.level
        )
        self._rerender()

    def action_find(self, direction: int) -> None:
        """Scroll to the next (1) or previous (-1) line containing the search term."""
        search = self.highlighter.search
        log = self._view
        if search is None or not log.line_count:
            return
        hits = [i for i, text in enumerate(log.lines) if search.search(text)]
        if not hits:
            self._search_at = (0, 0)
            log.mark(None)
            self._render_status()
            self.app.notify(f"{plain(self.search, 80)!r} not found", timeout=2, markup=False)
            return
        start = (
            self._search_from
            if self._search_from >= 0
            else (int(log.scroll_y) - 1 if direction > 0 else int(log.scroll_y) + log.size.height)
        )
        # The next hit past `start` in the chosen direction, wrapping round.
        k = (
            bisect.bisect_right(hits, start)
            if direction > 0
            else bisect.bisect_left(hits, start) - 1
        )
        k %= len(hits)
        index = hits[k]
        self._search_from = index
        self._search_at = (k + 1, len(hits))
        self.follow = False
        log.auto_scroll = False
        log.mark(index)
        log.scroll_to(y=max(index - log.size.height // 2, 0), animate=False)
        self._render_status()

    def action_toggle_timestamps(self) -> None:
        """Show or hide each line's time (UTC)."""
        self.timestamps = not self.timestamps
        self._rerender()

    def action_toggle_wrap(self) -> None:
        """Wrap long lines onto several rows, or leave them whole (scroll sideways)."""
        self.wrap = not self.wrap
        self._rerender()

    def action_toggle_json(self) -> None:
        """Show JSON lines compact or pretty."""
        self.pretty_json = not self.pretty_json
        self._rerender()

    def action_toggle_sources(self) -> None:
        """Choose which sources the merged view shows."""
        from cockpit.ui.screens.sources import SourcesScreen

        if self.feed is None:
            return

        def chosen(hidden: set[str] | None) -> None:
            if hidden is not None:
                self.hidden_sources = hidden
                self._rerender()

        names = list(self.feed.statuses)
        self.app.push_screen(SourcesScreen(names, self.hidden_sources), chosen)

    def action_save(self) -> None:
        """Save the lines in view (filters applied, colours removed) to a file."""
        lines = [self._format(line) for line in self._filtered(list(self.buffer))]
        self._save(lines)

    @work(thread=True, group="logs-save", exit_on_error=False, description="save log buffer")
    def _save(self, lines: list[str]) -> None:
        from cockpit.state.reports import write_report

        stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(self.clock()))
        path = write_report(f"logs-{stamp}.log", "\n".join(lines) + "\n")
        self.app.call_from_thread(self.app.notify, f"Saved {len(lines)} lines to {path}", timeout=8)
