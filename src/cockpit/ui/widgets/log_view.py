"""LogView: a bounded view of log lines that formats and highlights only the rows it paints.

A flood brings thousands of lines per frame, of which a screen shows forty. Appending costs a
deque extend and one C-level pass for the width; a row becomes text only when it is painted
(or searched, or copied), and that text is cached by the row's absolute number, so pruning the
oldest rows never invalidates what is on screen.
"""

from __future__ import annotations

import textwrap
from collections import deque
from collections.abc import Callable, Sequence
from itertools import pairwise, repeat
from operator import itemgetter
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.selection import Selection
from textual.strip import Strip

from cockpit.sources.logs.base import LogRow
from cockpit.text.sanitize import sanitize
from cockpit.ui.widgets.log_highlight import LogHighlighter


class Piece(str):
    """The first display row of a line spread over several (pretty JSON, wrapping).

    It knows its line; the rows after it are plain text.
    """

    line: LogRow

    def __new__(cls, text: str, line: LogRow) -> Piece:
        piece = super().__new__(cls, text)
        piece.line = line
        return piece


Row = LogRow | str
"""A line to format, or a display row already formatted (e.g. a :class:`Piece`)."""

_TEXT = itemgetter(1)


class LogView(ScrollView, can_focus=True):
    """Shows at most ``max_lines`` rows; ``format_row`` turns a line into text.

    Args:
        format_row: Text of a line as shown (prefix, time, body); called only for rows that are
            painted, searched or copied.
        highlighter: Styles the text of each painted row.
        max_lines: Rows kept; the oldest go first.
    """

    ALLOW_SELECT = True

    DEFAULT_CSS = """
    LogView {
        background: $surface;
        color: $foreground;
        overflow: scroll;
        &:focus {
            background-tint: $foreground 5%;
        }
    }
    """

    class FollowRequested(Message):
        """The operator jumped to the newest line (End)."""

    class ScrolledBack(Message):
        """The operator scrolled towards older lines: following should pause (scroll lock)."""

    def __init__(
        self,
        format_row: Callable[[LogRow], str],
        *,
        highlighter: LogHighlighter | None = None,
        max_lines: int = 10_000,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.format_row = format_row
        self.highlighter = highlighter
        self.max_lines = max_lines
        self.prefix_cells = 0
        """Cells that formatting adds before a line's text (for the horizontal extent)."""
        self.auto_scroll = True
        self._rows: deque[Row] = deque(maxlen=max_lines)
        self._first = 0
        """Absolute number of ``_rows[0]``: rows keep their number (and cache entry) as the
        oldest are pruned."""
        self._width = 0
        self._cache: LRUCache[int, Strip] = LRUCache(1024)
        self._styles: dict[str, Style] = {}
        self._placeholder = ""
        self._placeholder_lines: tuple[int, list[str]] = (0, [])
        self._marked: int | None = None
        """Absolute number of the row marked as the current search match."""

    # ---- content --------------------------------------------------------------------------------

    @property
    def line_count(self) -> int:
        """Rows held."""
        return len(self._rows)

    @property
    def lines(self) -> list[str]:
        """The text of every row, as shown (formats them all: for search, copy and tests)."""
        return [self.row_text(row) for row in self._rows]

    def top_line(self) -> LogRow | None:
        """The line at the top of the view (the one a piece at the top was cut from)."""
        index = min(int(self.scroll_y), len(self._rows) - 1)
        while index >= 0:
            row = self._rows[index]
            if isinstance(row, Piece):
                return row.line
            if not isinstance(row, str):
                return row
            index -= 1
        return None

    def row_text(self, row: Row) -> str:
        """The text of one row, sanitized whatever formatting made it (the last step)."""
        text = row if isinstance(row, str) else self.format_row(row)
        # One regex search when there is nothing to change, which is nearly always.
        return sanitize(text, max_len=0, keep_sgr=False)

    def write_rows(self, rows: Sequence[Row], scroll_end: bool | None = None) -> None:
        """Append rows (the oldest beyond ``max_lines`` go), and follow if at the end.

        Args:
            rows: Lines or pre-formatted rows.
            scroll_end: Scroll to the new end (or not); ``None``: when :attr:`auto_scroll` is on
                and the view is at the end already.
        """
        if not rows:
            return
        at_end = self.is_vertical_scroll_end
        overflow = len(self._rows) + len(rows) - self.max_lines
        if overflow > 0:
            self._first += overflow
        self._rows.extend(rows)
        self._width = max(self._width, self._measure(rows))
        self.virtual_size = Size(self._width, len(self._rows))
        # Asked for, the end is shown wherever the view was (after `clear` the old offset is
        # past the new end); by default only a view already at the end follows.
        follow = self.auto_scroll and at_end if scroll_end is None else scroll_end
        if follow and not self.is_vertical_scrollbar_grabbed:
            self.scroll_end(animate=False, immediate=True, x_axis=False)
        # Always repaint: once the view holds `max_lines` rows and sits at the end, new rows
        # move the content under an unchanged scroll offset, and a scroll that changes nothing
        # repaints nothing (the screen froze on an old line while the status counted on).
        self.refresh()

    def set_placeholder(self, text: str) -> None:
        """What to show, wrapped, while there is no row (e.g. why no source is live)."""
        if text != self._placeholder:
            self._placeholder = text
            self._placeholder_lines = (0, [])
            if not self._rows:
                self.refresh()

    def _placeholder_at(self, y: int, width: int) -> str:
        cached_width, lines = self._placeholder_lines
        if cached_width != width:
            lines = []
            for paragraph in self._placeholder.splitlines():
                lines += textwrap.wrap(paragraph, max(width - 2, 10), subsequent_indent="  ") or [
                    ""
                ]
            self._placeholder_lines = (width, lines)
        return lines[y] if y < len(lines) else ""

    def mark(self, index: int | None) -> None:
        """Underline row ``index`` (the current search match), or none."""
        marked = None if index is None else self._first + index
        if marked != self._marked:
            for key in (self._marked, marked):
                if key is not None:
                    self._cache.discard(key)
            self._marked = marked
            self.refresh()

    def clear(self) -> None:
        """Remove every row."""
        self._rows.clear()
        self._cache.clear()
        self._marked = None
        self._first = 0
        self._width = 0
        self.virtual_size = Size(0, 0)
        self.refresh()

    def reformat(self) -> None:
        """Repaint every row: the formatting or highlighting changed."""
        self._cache.clear()
        self.refresh()

    def _measure(self, rows: Sequence[Row]) -> int:
        # Cells of the widest new row, taking one cell per character: the sanitizer leaves no
        # controls or tabs, and wide characters only make the horizontal extent a little short.
        if any(map(isinstance, rows, repeat(str))):
            return max(len(self.row_text(row)) for row in rows)
        return self.prefix_cells + max(map(len, map(_TEXT, rows)))

    # ---- scrolling ------------------------------------------------------------------------------

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "scroll_down", "Down", show=False, id="move_down"),
        Binding("k", "scroll_up", "Up", show=False, id="move_up"),
        Binding("g", "scroll_home", "Oldest", show=False, id="move_first"),
        Binding("G", "scroll_end", "Newest, follow", show=False, id="move_last"),
        Binding("ctrl+d", "page_down", "Page down", show=False, id="page_down"),
        Binding("ctrl+u", "page_up", "Page up", show=False, id="page_up"),
    ]

    def action_scroll_end(self) -> None:
        """End: to the newest line, and ask to follow again."""
        super().action_scroll_end()
        self.post_message(self.FollowRequested())

    def action_scroll_up(self) -> None:
        """Up: one line back, and stop following."""
        self.post_message(self.ScrolledBack())
        super().action_scroll_up()

    def action_page_up(self) -> None:
        """Page Up: a page back, and stop following."""
        self.post_message(self.ScrolledBack())
        super().action_page_up()

    def action_scroll_home(self) -> None:
        """Home: to the oldest line held, and stop following."""
        self.post_message(self.ScrolledBack())
        super().action_scroll_home()

    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        """The wheel towards older lines stops following too."""
        self.post_message(self.ScrolledBack())

    def notify_style_update(self) -> None:
        """Cached rows carry the old colours."""
        super().notify_style_update()
        self._cache.clear()
        self._styles.clear()

    # ---- painting -------------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        """Paint one row of the view."""
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.size.width
        rich_style = self._base_style()
        if not self._rows and self._placeholder:
            # Wrapped to what is visible: the scrollbars take their share of `size`.
            text = " " + self._placeholder_at(y, self.scrollable_content_region.width or width)
            style = rich_style + self._style("dim")
            return Strip([Segment(text, style)]).crop_extend(0, width, style)
        if index >= len(self._rows):
            return Strip.blank(width, rich_style)
        strip = self._row_strip(index)
        return strip.crop_extend(scroll_x, scroll_x + width, rich_style).apply_offsets(
            scroll_x, index
        )

    def _row_strip(self, index: int) -> Strip:
        selection = self.text_selection
        key = self._first + index
        if selection is None:
            cached = self._cache.get(key)
            if cached is not None:
                return cached
        plain = self.row_text(self._rows[index])
        spans = self.highlighter.spans(plain) if self.highlighter is not None else []
        if key == self._marked:
            spans.append((0, len(plain), "underline"))
        if selection is not None:
            span = selection.get_span(index)
            if span is not None:
                start, end = span
                spans.append((start, len(plain) if end == -1 else end, "screen--selection"))
        strip = Strip(self._segments(plain, spans), len(plain) if plain.isascii() else None)
        if selection is None:
            self._cache[key] = strip
        return strip

    def _segments(self, plain: str, spans: list[tuple[int, int, str]]) -> list[Segment]:
        # Segments straight from the spans: a row is painted for every frame of a flood, and
        # building them through rich's Text costs ten times as much.
        base = self._base_style()
        if not spans:
            return [Segment(plain, base)]
        cuts = sorted({0, len(plain), *(max(0, min(len(plain), p)) for s in spans for p in s[:2])})
        segments: list[Segment] = []
        for start, end in pairwise(cuts):
            if start >= end:
                continue
            style = base
            for span_start, span_end, name in spans:
                if span_start <= start and end <= span_end:
                    style = style + self._style(name)
            segments.append(Segment(plain[start:end], style))
        return segments

    def _base_style(self) -> Style:
        # `rich_style` walks the ancestors' colours on every call; it only changes with styles.
        style = self._styles.get("")
        if style is None:
            style = self._styles[""] = self.rich_style
        return style

    def _style(self, name: str) -> Style:
        style = self._styles.get(name)
        if style is None:
            if name == "screen--selection":
                style = self.screen.get_component_rich_style(name)
            else:
                style = Style.parse(name)
            self._styles[name] = style
        return style

    # ---- selection ------------------------------------------------------------------------------

    def get_selection(self, selection: Selection) -> tuple[str, str] | None:
        """The selected text (for copying)."""
        return selection.extract("\n".join(self.lines)), "\n"

    def selection_updated(self, selection: Selection | None) -> None:
        """Repaint with (or without) the selection."""
        self._cache.clear()
        self.refresh()
