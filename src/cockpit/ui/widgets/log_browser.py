"""A pane for reading log lines: what the operator's keys change, and the lines shown again.

The keys pause and follow, filter (patterns, level), search, reformat (times, pretty JSON, wrap)
and save. A change makes a new :class:`LogQuery` or :class:`LogFormat`, then the lines held are
shown again under it, in a thread when that is costly. Where the lines come from, when they are
painted and the status line belong to the subclass, :class:`cockpit.ui.widgets.logs_pane.LogsPane`.
"""

from __future__ import annotations

import dataclasses
import time
from collections import deque
from collections.abc import Callable, Iterable, Sequence

from textual import work
from textual.actions import SkipAction
from textual.app import ComposeResult

from cockpit.domain.patterns import FilterError
from cockpit.feeds.log_format import LogFormat
from cockpit.feeds.log_query import LogQuery
from cockpit.feeds.log_save import save_lines
from cockpit.sources.logs.base import LogRow
from cockpit.text.sanitize import plain
from cockpit.ui.widgets.log_highlight import LogHighlighter
from cockpit.ui.widgets.log_input import LogInputBar
from cockpit.ui.widgets.log_rows import RowShape
from cockpit.ui.widgets.log_search import find_row
from cockpit.ui.widgets.log_view import LogView, Row
from cockpit.ui.widgets.pane import Pane

BUFFER_LINES = 20_000
"""Lines kept for re-filtering and saving."""
SYNC_RERENDER = 500
"""Buffered lines above which a costly re-filter (a regular expression, wrap, pretty JSON) runs
off the event loop."""


EVENT_SOURCE = "health"
"""The source name of the cockpit's own events in the log stream."""


class LogBrowserPane(Pane):
    """Holds log lines and shows them as the operator's keys say.

    Subclasses feed :attr:`buffer` (and the rows waiting in :attr:`_queue`), and implement
    :meth:`_paint` and :meth:`_render_status`.

    Args:
        max_lines: Rows the view keeps.
    """

    DEFAULT_CSS = """
    LogBrowserPane > LogView {
        height: 1fr;
        background: $surface;
    }
    LogBrowserPane > LogInputBar {
        display: none;
    }
    LogBrowserPane.-editing > LogInputBar {
        display: block;
    }
    LogBrowserPane.-input-error #log-input-error {
        display: block;
    }
    """

    def __init__(self, max_lines: int) -> None:
        super().__init__()
        self.clock: Callable[[], float] = time.time
        """Wall-clock seconds (the app's clock): names saved files."""
        self.buffer: deque[LogRow] = deque(maxlen=BUFFER_LINES)
        self.source_names: list[str] = []
        """The sources of the feed shown."""
        self.log_query = LogQuery()
        self.log_format = LogFormat()
        self.wrap = False
        self._shape = RowShape()
        """What the rows shown and on their way were made with (see :meth:`_rerender`)."""
        self.follow = True
        self.new_while_paused = 0
        self.highlighter = LogHighlighter()
        self._search_from = -1
        self._search_at: tuple[int, int] | None = None
        """(current match, matches) of the last `n` / `N`, for the status line."""
        self._queue: deque[Row] = deque(maxlen=max_lines)
        """Rows not written to the view yet: held while paused, or until the next paint."""
        self._generation = 0
        """Counts re-renders: a threaded one that finishes after a newer one began is dropped."""
        self._filtering = False
        self._unfiltered: deque[LogRow] = deque()
        """Lines taken in that a costly filter has not looked at yet."""
        self._view = LogView(
            self.log_format.line, highlighter=self.highlighter, max_lines=max_lines, id="log-view"
        )
        self._input = LogInputBar(id="log-input-bar")

    @property
    def include(self) -> str:
        """The pattern every shown line matches ('' for none)."""
        return self.log_query.include

    @property
    def level(self) -> str | None:
        """The minimum level shown (None for all)."""
        return self.log_query.level

    @property
    def search(self) -> str:
        """The search term ('' for none)."""
        return self.log_query.search

    @property
    def hidden_sources(self) -> frozenset[str]:
        """The sources left out of the merged view."""
        return self.log_query.hidden_sources

    def compose_body(self) -> ComposeResult:
        yield self._view
        yield self._input

    def _paint(self) -> None:
        """Write the waiting rows to the view (following) and redraw the status line."""
        raise NotImplementedError

    def _render_status(self) -> None:
        """Redraw the status line: what is shown and where the reader is."""
        raise NotImplementedError

    def _forget_lines(self, names: Iterable[str], terms: Iterable[str]) -> None:
        """Drop every line held and follow anew: other sources (by name), other terms to mark.

        Filters stay (the same question is often asked of the next environment); the pause,
        hidden sources and search position belong to the lines that were shown.
        """
        names = self.source_names = list(names)
        self.buffer.clear()
        self._unfiltered.clear()
        self._generation += 1  # a re-filter of the old lines must not land here
        self._filtering = False
        self._queue.clear()
        view = self._view
        view.clear()
        self.follow = view.auto_scroll = True
        self.new_while_paused = 0
        self.log_query = self.log_query.hiding(())
        self._search_from, self._search_at = -1, None
        self.highlighter.set_terms(list(terms))
        width = max((len(name) for name in names), default=8)
        self.log_format = dataclasses.replace(self.log_format, name_width=width)
        self._shape = dataclasses.replace(self._shape, query=self.log_query, fmt=self.log_format)
        view.format_row, view.prefix_cells = self.log_format.line, self.log_format.prefix_cells

    # ---- showing the lines again ----------------------------------------------------------------

    def _rerender(self) -> None:
        """Show the buffer again under new filters or formatting.

        Following, the view ends at the newest line. Paused, it stays paused and keeps the line
        that was at its top (or the next one still shown) at the top: changing a filter while
        reading back must not throw the reader to the end.
        """
        view = self._view
        # Less than the whole width would leave the scrollbar's cells unused; more, a sideways
        # scroll: the region inside the scrollbars is what rows are cut to.
        width = view.scrollable_content_region.width if self.wrap else None
        shape = self._shape = RowShape(self.log_query, self.log_format, width)
        lines = list(self.buffer)
        anchor = None if self.follow else view.top_line()
        self._generation += 1
        self._unfiltered.clear()  # in the buffer, so re-filtered with the rest
        if len(lines) > SYNC_RERENDER and shape.costly:
            # A regular expression over 20k long lines can take seconds: the screen stays live
            # (RE2 lets go of the GIL) and says what it is doing.
            self._filtering = True
            self._render_status()
            self._rerender_in_thread(self._generation, shape, lines, anchor)
            return
        # This one supersedes a re-filter still running in a thread (its result is dropped):
        # lines must not go on waiting for it.
        self._filtering = False
        self._show_rerendered(anchor, shape.split(lines, anchor))

    # A description of its own: by default Textual would repr() every argument (12 MB of lines).
    @work(
        thread=True,
        exclusive=True,
        group="logs-filter",
        exit_on_error=False,
        description="re-filter the log buffer",
    )
    def _rerender_in_thread(
        self, generation: int, shape: RowShape, lines: list[LogRow], anchor: LogRow | None
    ) -> None:
        rows = shape.split(lines, anchor)
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
        self._show_rerendered(anchor, rows)
        # Lines that arrived meanwhile were kept, not shown: they follow now.
        buffer = list(self.buffer)
        last = lines[-1] if lines else None
        start = 0
        if last is not None:
            start = next((i + 1 for i in range(len(buffer) - 1, -1, -1) if buffer[i] is last), 0)
        late = buffer[start:]
        if late:
            self._queue.extend(self._shape.rows(late))
            if self.follow:
                self._paint()

    def _show_rerendered(
        self, anchor: LogRow | None, rows_split: tuple[Sequence[Row], Sequence[Row]]
    ) -> None:
        view = self._view
        before, after = rows_split
        rows = [*before, *after][-view.max_lines :]
        top = max(len(rows) - len(after), 0)
        if anchor is None and not self.follow:
            top = min(int(view.scroll_y), len(rows))  # no line to hold on to: keep the place
        view.clear()
        fmt = self._shape.fmt
        view.format_row, view.prefix_cells = fmt.line, fmt.prefix_cells
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
        return not (action == "edit" and self._input.editing is not None)

    def action_edit(self, what: str) -> None:
        """Open the input line for a filter, exclude pattern or search term."""
        self.add_class("-editing")
        self._input.open(what, self.log_query.value(what))

    def on_log_input_bar_submitted(self, event: LogInputBar.Submitted) -> None:
        event.stop()
        try:
            query = self.log_query.edited(event.what, event.value)
        except FilterError as exc:
            # The previous filter stays in force; say why the new one was refused.
            self._input.show_error(str(exc))
            self.add_class("-input-error")
            return
        self.log_query = query
        self._close_input()
        if event.what != "search":
            self._rerender()
            return
        self.highlighter.set_search(query.search or None)
        self._view.reformat()
        self._search_from, self._search_at = -1, None
        self._view.mark(None)
        if query.search:
            self.action_find(1)
        self._render_status()

    def on_log_input_bar_closed(self, event: LogInputBar.Closed) -> None:
        event.stop()
        self._close_input()

    def _close_input(self) -> None:
        self._input.close()
        self.remove_class("-editing", "-input-error")
        self._view.focus()

    def show_only(self, names: list[str]) -> list[str]:
        """Hide every source but ``names``; returns the names that are sources here."""
        present = [n for n in names if n in self.source_names]
        if present:
            self.log_query = self.log_query.hiding(set(self.source_names) - set(present))
            self._rerender()
        return present

    def mark_events(self, texts: list[str], level: str = "WARN") -> None:
        """Write cockpit events (a service changing state) into the stream as ``health`` rows.

        They go through the same filters as lines, and are painted with the next frame.
        """
        now = self.clock()
        rows = [LogRow(EVENT_SOURCE, text, now, level, None, None) for text in texts]
        self.buffer.extend(rows)
        shown = self._shape.rows(rows)
        self._queue.extend(shown)
        if not self.follow:
            self.new_while_paused += len(shown)

    def action_clear_filters(self) -> None:
        """Esc: show every line again (filter, exclude, level, search); else Esc goes on."""
        query = self.log_query
        if not (query.include or query.exclude or query.level or query.search):
            raise SkipAction()  # nothing to clear: a zoomed pane is restored instead
        self.log_query = dataclasses.replace(query, include="", exclude="", level=None, search="")
        self._search_from, self._search_at = -1, None
        self._rerender()

    def action_cycle_level(self) -> None:
        """ALL -> INFO+ -> WARN+ -> ERROR -> ALL."""
        self.log_query = self.log_query.next_level()
        self._rerender()

    def action_find(self, direction: int) -> None:
        """Scroll to the next (1) or previous (-1) line containing the search term."""
        search = self.highlighter.search
        view = self._view
        if search is None or not view.line_count:
            return
        start = self._search_from
        if start < 0:  # from the screen: down from its first row, up from its last
            top = int(view.scroll_y)
            start = top - 1 if direction > 0 else top + view.size.height
        found = find_row(view.lines, search, start, direction)
        if found is None:
            self._search_at = (0, 0)
            view.mark(None)
            self._render_status()
            self.app.notify(f"{plain(self.search, 80)!r} not found", timeout=2, markup=False)
            return
        self._search_from = found.row
        self._search_at = (found.number, found.total)
        self.follow = view.auto_scroll = False
        view.mark(found.row)
        view.scroll_to(y=max(found.row - view.size.height // 2, 0), animate=False)
        self._render_status()

    def action_toggle_timestamps(self) -> None:
        """Show or hide each line's time (UTC)."""
        fmt = self.log_format
        self.log_format = dataclasses.replace(fmt, timestamps=not fmt.timestamps)
        self._rerender()

    def action_toggle_wrap(self) -> None:
        """Wrap long lines onto several rows, or leave them whole (scroll sideways)."""
        self.wrap = not self.wrap
        self._rerender()

    def action_toggle_json(self) -> None:
        """Show JSON lines compact or pretty."""
        fmt = self.log_format
        self.log_format = dataclasses.replace(fmt, pretty_json=not fmt.pretty_json)
        self._rerender()

    def action_save(self) -> None:
        """Save the lines in view (filters applied, colours removed) to a file."""
        self._save(list(self.buffer), self.log_query, self.log_format)

    @work(thread=True, group="logs-save", exit_on_error=False, description="save log buffer")
    def _save(self, lines: list[LogRow], query: LogQuery, fmt: LogFormat) -> None:
        path, count = save_lines(lines, query, fmt, self.clock())
        self.app.call_from_thread(self.app.notify, f"Saved {count} lines to {path}", timeout=8)
