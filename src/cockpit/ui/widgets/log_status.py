"""The Logs pane's status line and empty-view message: one badge per source, state at the right.

Pure functions of the feed's statuses and the pane's settings, so that what the operator reads
about each source is decided in one place.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Set

from rich.text import Text

from cockpit.config.themes import STATUS_VARIABLES
from cockpit.feeds.log_query import LogQuery
from cockpit.feeds.logs import LogFeed, SourceView
from cockpit.sources.logs.base import ROTATED, SourceState
from cockpit.text.age import format_age
from cockpit.text.sanitize import sanitize
from cockpit.ui.widgets.log_highlight import colour_for

STATE_GLYPH = {
    SourceState.CONNECTING: "○",
    SourceState.LIVE: "●",
    SourceState.RECONNECTING: "◌",
    SourceState.STALE: "◌",
    SourceState.ENDED: "■",
    SourceState.ERROR: "✖",
}
REASON_CELLS = 60
"""Longest reason a badge shows (the empty view shows it whole)."""


def grep_label(include: str | None, exclude: str | None) -> str:
    """``/ERROR/`` and ``!/debug/``, as grep's patterns are often written, cut to stay short."""

    def cut(pattern: str) -> str:
        return pattern if len(pattern) <= 16 else pattern[:15] + "…"

    parts = [f"/{cut(include)}/"] if include else []
    parts += [f"!/{cut(exclude)}/"] if exclude else []
    return sanitize(" ".join(parts), keep_sgr=False)


def count_label(n: int) -> str:
    """``999``, ``12.3k``, ``4.56M``."""
    if n < 1000:
        return str(n)
    if n < 1_000_000:
        return f"{n / 1000:.1f}k"
    return f"{n / 1_000_000:.2f}M"


QUIET_AFTER = 30.0
"""Seconds without a line after which a live source's badge says how long it has been quiet."""


def all_failing(statuses: Iterable[SourceView]) -> str | None:
    """Why the pane has nothing to follow, when every source has failed; else None."""
    views = list(statuses)
    failed = [s for s in views if s.state is SourceState.ERROR]
    if not views or len(failed) < len(views):
        return None
    first = failed[0]
    more = f" (and {len(failed) - 1} more)" if len(failed) > 1 else ""
    return f"every log source is failing: {first.name}: {first.reason or 'error'}{more}"


def source_badges(
    statuses: Iterable[SourceView],
    hidden: Set[str],
    greps: dict[str, str],
    now: float,
    variables: Mapping[str, str] = STATUS_VARIABLES,
) -> Text:
    """A badge per source: state glyph, name in its colour, lines, config filter, trouble.

    Args:
        statuses: The sources' states, in display order.
        hidden: Sources toggled off (struck through).
        greps: Source -> label of its config filter (see :func:`grep_label`).
        now: ``time.monotonic()``, for the age of a state.
        variables: The theme's variables, for each source's colour.
    """
    badges = Text()
    error = variables.get("status-down", "red")
    for s in statuses:
        style = "dim strike" if s.name in hidden else colour_for(s.name, variables)
        if s.state is SourceState.ERROR and s.name not in hidden:
            style = f"bold {error}"  # a failure in the failure colour, never the source's
        badges.append(f"{STATE_GLYPH[s.state]} {s.name}", style=style)
        if s.lines:
            badges.append(f" {count_label(s.lines)}", style="dim")
        grep = greps.get(s.name)
        if grep:
            badges.append(f" {grep}", style="dim")
        if s.state is SourceState.LIVE and s.reason.startswith(ROTATED):
            # A rotation is worth knowing about (lines around it come from two files).
            badges.append(f" ↻ rotated {format_age(now - s.since)} ago", style="italic dim")
        elif (
            s.state is SourceState.LIVE
            and s.last_line_at is not None
            and now - s.last_line_at >= QUIET_AFTER
        ):
            # Following, but nothing for a while: a stopped writer must not look busy.
            badges.append(f" quiet {format_age(now - s.last_line_at)}", style="italic dim")
        elif s.state is SourceState.ENDED:
            # The exact total matters once a source is done (e.g. a one-shot command).
            badges.append(f" ended · {s.lines} lines", style="italic")
        elif s.state is not SourceState.LIVE:
            badges.append(f" {s.state.value} {format_age(now - s.since)}", style="italic")
            if s.reason:
                reason = s.reason
                if len(reason) > REASON_CELLS:
                    reason = reason[: REASON_CELLS - 1] + "…"
                badges.append(f" ({reason})", style="dim")
        badges.append("  ")
    return badges


def status_tail(
    query: LogQuery,
    *,
    follow: bool,
    new_while_paused: int,
    dropped: int,
    filtering: bool,
    search_at: tuple[int, int] | None,
    error_style: str,
    unlevelled: int = 0,
) -> Text:
    """What the operator must never miss: lost lines, a filter at work, a pause, the filters.

    Args:
        query: The filters and the search term in force.
        follow: Following the newest line (else paused).
        new_while_paused: Lines arrived since the pause.
        dropped: Lines the feed had to drop.
        filtering: Lines are waiting for a costly filter.
        search_at: (current match, matches) of the last step through the search, if any.
        error_style: How the dropped count is drawn.
        unlevelled: Lines held that have no level (a level filter hides them: say how many).
    """
    tail = Text()
    if dropped:
        tail.append(f"dropped {dropped}  ", style=error_style)
    if filtering:
        tail.append("filtering…  ", style="bold")
    if follow:
        tail.append("FOLLOW", style="bold")
    else:
        tail.append(f"PAUSED +{new_while_paused} new (f/End)", style="bold reverse")
    for label, value in (
        ("filter", query.include),
        ("exclude", query.exclude),
        ("level", query.level or ""),
    ):
        if value:
            tail.append(f"  {label}:{value}", style="italic")
    if query.level and unlevelled:
        tail.append(f" (+{unlevelled} without a level hidden)", style="italic dim")
    if query.search:
        found = ""
        if search_at is not None:
            at, hits = search_at
            found = f" {at}/{hits}" if hits else " (no match)"
        tail.append(f"  search:{query.search}{found}", style="italic")
    return tail


def fit_status(badges: Text, tail: Text, width: int) -> Text:
    """One line: the badges, cut with "…" when needed, then ``tail`` kept whole at the right.

    The tail holds what must never be missed (paused, dropped lines, active filters).
    """
    room = width - tail.cell_len
    if width and badges.cell_len > room:
        badges.truncate(max(room - 1, 0), overflow="ellipsis")
        badges.append(" ")
    badges.append_text(tail)
    badges.no_wrap, badges.overflow = True, "ellipsis"
    return badges


def why_empty(feed: LogFeed, now: float) -> str:
    """What an empty view says: each source not live and why, and the config's filters."""
    lines = []
    for s in feed.statuses.values():
        if s.state is SourceState.LIVE:
            continue
        reason = sanitize(s.reason, max_len=500, keep_sgr=False)
        age = format_age(now - s.since)
        lines.append(
            f"{STATE_GLYPH[s.state]} {s.name}: {s.state.value} for {age}"
            + (f" — {reason}" if reason else "")
        )
    if not lines:
        lines.append("Waiting for the first line…")
    for entry in feed.entries:
        rules = [f"matching {entry.filter!r}"] if entry.filter else []
        rules += [f"not matching {entry.exclude!r}"] if entry.exclude else []
        if rules:
            lines.append(
                f"{entry.name} shows only lines {' and '.join(rules)} (`filter:` / `exclude:`"
                " in its config entry)"
            )
    return "\n".join(lines)
