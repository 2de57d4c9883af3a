"""Logs pane: live tails of every source of the environment in focus, merged, filtered, bounded."""

from __future__ import annotations

import contextlib
import heapq
import json
import time
from collections import deque
from collections.abc import Iterable

from rich.cells import cell_len
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input, Log, Static

from cockpit.sources.logs.base import LogLine, SourceState
from cockpit.sources.logs.filters import FilterError, LineFilter
from cockpit.text.age import format_age
from cockpit.text.sanitize import strip_sgr
from cockpit.ui.log_feed import LogFeed
from cockpit.ui.widgets.log_highlight import PREFIX_SEPARATOR, LogHighlighter, colour_for
from cockpit.ui.widgets.pane import Pane

MAX_LINES = 10_000
"""Lines kept in the widget (the view)."""
BUFFER_LINES = 20_000
"""Lines kept for re-filtering and saving."""
FLUSH_HZ = 30
MAX_PER_FLUSH = 4_000
LEVELS = (None, "INFO", "WARN", "ERROR")
STATE_GLYPH = {
    SourceState.CONNECTING: "○",
    SourceState.LIVE: "●",
    SourceState.RECONNECTING: "◌",
    SourceState.STALE: "◌",
    SourceState.ENDED: "■",
    SourceState.ERROR: "✖",
}


def _width(line: str) -> int:
    # The prefix separator is the only non-ASCII character we add; it is one cell wide.
    head, _sep, tail = line.partition(PREFIX_SEPARATOR)
    if tail.isascii() and head.isascii():
        return len(line)
    return cell_len(line)


class FollowLog(Log):
    """A Log whose End key also resumes following."""

    class FollowRequested(Message):
        """The operator jumped to the newest line."""

    def action_scroll_end(self) -> None:
        super().action_scroll_end()
        self.post_message(self.FollowRequested())

    def _update_size(self, updates: int, lines: list[str]) -> None:  # type: ignore[override]
        # Log measures every new line in a thread of its own, which competes for the GIL with
        # the source threads during a flood. Our lines are sanitized already (no controls, tabs
        # expanded), so the width is len() for ASCII and cell_len only for the rest.
        if lines:
            width = max(map(_width, lines))
            self._update_maximum_width(updates, width)


def _count(n: int) -> str:
    if n < 1000:
        return str(n)
    if n < 1_000_000:
        return f"{n / 1000:.1f}k"
    return f"{n / 1_000_000:.2f}M"


def merge_by_time(batch: list[LogLine]) -> list[LogLine]:
    """Interleave sources by their lines' timestamps, never reordering within one source.

    A source's own order is the truth (its clock may jump, its lines may lack times); merging
    sorted runs keeps it while putting concurrent sources side by side.
    """
    runs: dict[tuple[str, str | None], list[LogLine]] = {}
    for line in batch:
        runs.setdefault((line.source, line.origin), []).append(line)
    if len(runs) < 2:
        return batch
    return list(heapq.merge(*runs.values(), key=lambda line: line.ts))


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
    LogsPane > Log {
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
        Binding("slash", "edit('filter')", "Filter", id="logs_filter"),
        Binding("backslash", "edit('exclude')", "Exclude", id="logs_exclude"),
        Binding("l", "cycle_level", "Level", id="logs_level"),
        Binding("s", "edit('search')", "Search", id="logs_search"),
        Binding("n", "find(1)", "Next", id="logs_next", show=False),
        Binding("N", "find(-1)", "Prev", id="logs_prev", show=False),
        Binding("T", "toggle_timestamps", "Times", id="logs_times", show=False),
        Binding("J", "toggle_json", "JSON", id="logs_json", show=False),
        Binding("w", "save", "Save", id="logs_save", show=False),
        Binding("o", "toggle_sources", "Sources", id="logs_sources", show=False),
        Binding("end", "follow", "Follow", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.feed: LogFeed | None = None
        self.buffer: deque[LogLine] = deque(maxlen=BUFFER_LINES)
        self.line_filter = LineFilter()
        self.include = ""
        self.exclude = ""
        self.level: str | None = None
        self.search = ""
        self.follow = True
        self.new_while_paused = 0
        self.timestamps = False
        self.pretty_json = False
        self.hidden_sources: set[str] = set()
        self.highlighter = LogHighlighter()
        self._editing: str | None = None
        self._search_from = -1
        self._message = ""
        self._prefix_width = 8
        self._held: deque[str] = deque(maxlen=MAX_LINES)

    def compose_body(self) -> ComposeResult:
        yield Static("", id="log-status", markup=False)
        log = FollowLog(max_lines=MAX_LINES, highlight=True, auto_scroll=True, id="log-view")
        log.highlighter = self.highlighter
        yield log
        yield Static("", id="log-input-error", markup=False)
        yield Input(id="log-input")

    def on_mount(self) -> None:
        self.set_interval(1 / FLUSH_HZ, self._flush, name="log-flush")
        self._render_status()

    def refresh_freshness(self) -> None:
        """Also redraw the source badges: states change without new lines (ended, stale)."""
        super().refresh_freshness()
        if self.is_mounted:
            self._render_status()

    # ---- feed -----------------------------------------------------------------------------------

    def attach(self, feed: LogFeed | None, note: str = "", terms: Iterable[str] = ()) -> None:
        """Show a new feed (environment switch); clears the view."""
        self.feed = feed
        self.buffer.clear()
        self.query_one(Log).clear()
        self.highlighter.set_terms(list(terms))
        names = feed.names if feed else []
        self._prefix_width = max((len(n) for n in names), default=8)
        self._message = note
        self._render_status()
        if feed is None:
            self.note = note or "not configured"
            self.refresh_freshness()

    def _flush(self) -> None:
        feed = self.feed
        if feed is None:
            return
        # Under a flood take more per frame (the frame rate, not the CPU, is then the limit),
        # but never more than the view keeps.
        batch = feed.drain(min(max(MAX_PER_FLUSH, feed.backlog() // 2), MAX_LINES))
        if not batch and not (self.follow and self._held):
            return
        batch = merge_by_time(batch)
        self.buffer.extend(batch)
        shown = [self._format(line) for line in batch if self._visible(line)]
        if self.follow and self._held:
            # Catching up after a pause, a frame's worth at a time, so the key that resumed
            # following is answered at once; newer lines queue behind the held ones.
            self._held.extend(shown)
            count = min(len(self._held), max(MAX_PER_FLUSH, len(shown)))
            shown = [self._held.popleft() for _ in range(count)]
        if shown:
            if self.follow:
                self.query_one(Log).write_lines(shown, scroll_end=True)
            else:
                # Scroll lock: the view stays exactly as it is (writing would prune lines off
                # its top and move it); new lines wait here and are counted.
                self._held.extend(shown)
                self.new_while_paused += len(shown)
        self.mark_fresh(f"{len(feed.names)} sources")
        self._render_status()

    def _visible(self, line: LogLine) -> bool:
        return line.source not in self.hidden_sources and self.line_filter.matches(line)

    def _format(self, line: LogLine) -> str:
        name = line.source if line.origin is None else f"{line.source}/{line.origin}"
        text = strip_sgr(line.text)
        if self.pretty_json and text.lstrip().startswith("{"):
            with contextlib.suppress(ValueError):
                text = json.dumps(json.loads(text), indent=2, ensure_ascii=False)
        stamp = ""
        if self.timestamps:
            stamp = (
                time.strftime("%H:%M:%S", time.gmtime(line.ts)) + f".{int(line.ts % 1 * 1000):03d} "
            )
        return f"{stamp}{name:<{self._prefix_width}}{PREFIX_SEPARATOR}{text}"

    def _rerender(self) -> None:
        log = self.query_one(Log)
        log.clear()
        self._held.clear()
        lines = [self._format(line) for line in self.buffer if self._visible(line)]
        log.write_lines(lines[-MAX_LINES:], scroll_end=True)
        self.follow = True
        self.new_while_paused = 0
        self._render_status()

    def _render_status(self) -> None:
        status = Text(no_wrap=True, overflow="ellipsis")
        feed = self.feed
        if feed is None:
            status.append(self._message or "not configured: add sources under `logs:`")
            self.query_one("#log-status", Static).update(status, layout=False)
            return
        else:
            now = time.monotonic()
            for s in feed.statuses.values():
                hidden = s.name in self.hidden_sources
                style = "dim strike" if hidden else colour_for(s.name)
                status.append(f"{STATE_GLYPH[s.state]} {s.name}", style=style)
                if s.lines:
                    status.append(f" {_count(s.lines)}", style="dim")
                if s.state is SourceState.ENDED:
                    # The exact total matters once a source is done (e.g. a one-shot command).
                    status.append(f" ended · {s.lines} lines", style="italic")
                elif s.state is not SourceState.LIVE:
                    status.append(f" {s.state.value} {format_age(now - s.since)}", style="italic")
                    if s.reason:
                        status.append(f" ({s.reason[:60]})", style="dim")
                status.append("  ")
            if feed.dropped:
                status.append(f"dropped {feed.dropped}  ", style="bold red")
        if self.follow:
            status.append("FOLLOW", style="bold")
        else:
            status.append(f"PAUSED +{self.new_while_paused} new (f/End)", style="bold reverse")
        for label, value in (
            ("filter", self.include),
            ("exclude", self.exclude),
            ("level", self.level or ""),
            ("search", self.search),
        ):
            if value:
                status.append(f"  {label}:{value}", style="italic")
        # One fixed line: redraw it without a layout pass (this runs on every flush).
        self.query_one("#log-status", Static).update(status, layout=False)

    # ---- keys -----------------------------------------------------------------------------------

    def on_follow_log_follow_requested(self, event: FollowLog.FollowRequested) -> None:
        event.stop()
        self.action_follow()

    def action_toggle_follow(self) -> None:
        """Pause (scroll lock) or resume following."""
        if self.follow:
            self.follow = False
            self.query_one(Log).auto_scroll = False
        else:
            self.action_follow()
        self._render_status()

    def action_follow(self) -> None:
        """Jump to the newest line and follow."""
        log = self.query_one(Log)
        self.follow = True
        log.auto_scroll = True
        log.scroll_end(animate=False)
        self.new_while_paused = 0
        self._render_status()

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
        self.add_class("-editing")
        field.focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        what, value = self._editing, event.value
        if what == "search":
            self.search = value
            self.highlighter.set_search(value or None)
            self._close_input()
            self.query_one(Log).refresh()
            self._search_from = -1
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
            self.query_one("#log-input-error", Static).update(f"✖ {exc}")
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
        self.query_one(Log).focus()

    def on_key(self, event: object) -> None:
        key = getattr(event, "key", "")
        if key == "escape" and self._editing is not None:
            self._close_input()
            stop = getattr(event, "stop", None)
            if stop is not None:
                stop()

    def action_cycle_level(self) -> None:
        """ALL -> INFO+ -> WARN+ -> ERROR -> ALL."""
        self.level = LEVELS[(LEVELS.index(self.level) + 1) % len(LEVELS)]
        self.line_filter = LineFilter(
            include=self.include or None, exclude=self.exclude or None, level=self.level
        )
        self._rerender()

    def action_find(self, direction: int) -> None:
        """Scroll to the next (1) or previous (-1) line containing the search term."""
        if self.highlighter.search is None:
            return
        log = self.query_one(Log)
        lines = log.lines
        if not lines:
            return
        start = (
            self._search_from
            if self._search_from >= 0
            else (int(log.scroll_y) if direction > 0 else int(log.scroll_y) + log.size.height)
        )
        count = len(lines)
        for step in range(1, count + 1):
            index = (start + direction * step) % count
            if self.highlighter.search.search(lines[index]):
                self._search_from = index
                self.follow = False
                log.auto_scroll = False
                log.scroll_to(y=max(index - log.size.height // 2, 0), animate=False)
                self._render_status()
                return
        self.app.notify(f"{self.search!r} not found", timeout=2)

    def action_toggle_timestamps(self) -> None:
        """Show or hide each line's time (UTC)."""
        self.timestamps = not self.timestamps
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
        lines = [self._format(line) for line in self.buffer if self._visible(line)]
        self._save(lines)

    @work(thread=True, group="logs-save", exit_on_error=False, description="save log buffer")
    def _save(self, lines: list[str]) -> None:
        from cockpit.state.reports import write_report

        stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
        path = write_report(f"logs-{stamp}.log", "\n".join(lines) + "\n")
        self.app.call_from_thread(self.app.notify, f"Saved {len(lines)} lines to {path}", timeout=8)
