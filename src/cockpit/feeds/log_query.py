"""What the Logs pane lets through: its patterns, a minimum level, hidden sources, a search term.

A :class:`LogQuery` never changes: an edit makes a new one, its patterns compiled (or refused)
then, so a re-filter running in a thread keeps the query it started with.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass, field

from cockpit.sources.logs.base import LogRow
from cockpit.sources.logs.filters import LineFilter

LEVELS: tuple[str | None, ...] = (None, "INFO", "WARN", "ERROR")
"""The minimum levels the pane steps through: ALL, INFO+, WARN+, ERROR."""
EDITABLE = ("filter", "exclude", "search")
"""What the input line edits: the include pattern, the exclude pattern, the search term."""


@dataclass(frozen=True, slots=True)
class LogQuery:
    """Which lines the merged view shows, and the term it looks for among them.

    Attributes:
        include: Pattern a shown line matches ('' for any line).
        exclude: Pattern a shown line does not match ('' for none).
        level: Minimum level (one of :data:`LEVELS`), None for all.
        hidden_sources: Sources left out of the merged view.
        search: Term to highlight and step through; it hides nothing.
        line_filter: The compiled patterns and level.

    Raises:
        FilterError: a pattern is invalid or refused, or the level is unknown.
    """

    include: str = ""
    exclude: str = ""
    level: str | None = None
    hidden_sources: frozenset[str] = frozenset()
    search: str = ""
    line_filter: LineFilter = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Compiled here, so that a query that exists is one the screen can apply.
        line_filter = LineFilter(
            include=self.include or None, exclude=self.exclude or None, level=self.level
        )
        object.__setattr__(self, "line_filter", line_filter)

    @property
    def costly(self) -> bool:
        """Some pattern is a regular expression: filtering a big buffer may take a while."""
        return self.line_filter.costly

    def matches(self, row: LogRow) -> bool:
        """Whether ``row`` is shown (what :meth:`apply` decides for a batch)."""
        return row.source not in self.hidden_sources and self.line_filter.matches(row)

    def apply(self, batch: list[LogRow]) -> list[LogRow]:
        """The rows of ``batch`` that are shown, in order.

        One comprehension for the sources, then one scan of the batch per pattern: this runs
        for every frame of a flood.
        """
        hidden = self.hidden_sources
        if hidden:
            batch = [row for row in batch if row.source not in hidden]
        return self.line_filter.apply(batch)

    def value(self, what: str) -> str:
        """The text the input line edits for ``what`` (one of :data:`EDITABLE`).

        Raises:
            KeyError: ``what`` is not one of :data:`EDITABLE`.
        """
        return {"filter": self.include, "exclude": self.exclude, "search": self.search}[what]

    def edited(self, what: str, value: str) -> LogQuery:
        """The query with ``what`` (one of :data:`EDITABLE`) set to ``value``.

        Raises:
            FilterError: the new pattern is invalid or refused.
            KeyError: ``what`` is not one of :data:`EDITABLE`.
        """
        include, exclude, search = self.include, self.exclude, self.search
        if what == "filter":
            include = value
        elif what == "exclude":
            exclude = value
        elif what == "search":
            search = value
        else:
            raise KeyError(what)
        return dataclasses.replace(self, include=include, exclude=exclude, search=search)

    def next_level(self) -> LogQuery:
        """The query with the next minimum level: ALL -> INFO+ -> WARN+ -> ERROR -> ALL."""
        level = LEVELS[(LEVELS.index(self.level) + 1) % len(LEVELS)]
        return dataclasses.replace(self, level=level)

    def hiding(self, sources: Iterable[str]) -> LogQuery:
        """The query leaving ``sources`` (and no other) out of the merged view."""
        return dataclasses.replace(self, hidden_sources=frozenset(sources))
