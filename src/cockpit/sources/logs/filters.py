"""Line filters: include/exclude patterns (see :mod:`cockpit.domain.patterns`) and a level.

Matching is smart case, as in ripgrep (case-insensitive unless the pattern has an upper-case
letter), and runs on the first :data:`MATCH_CAP` characters of the sanitized text, without its
colour codes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from cockpit.domain.patterns import MATCH_CAP, FilterError, Pattern, compile_pattern
from cockpit.sources.logs.base import LogRow
from cockpit.sources.logs.levels import level_rank, parse_level_name
from cockpit.text.sanitize import strip_sgr

R = TypeVar("R", bound=LogRow)


def _patterns(value: str | Sequence[str] | None) -> tuple[Pattern, ...]:
    if value is None:
        return ()
    items = [value] if isinstance(value, str) else list(value)
    return tuple(compile_pattern(item) for item in items if item)


class LineFilter:
    """Which lines to show.

    Args:
        include: Pattern, or patterns that must all match.
        exclude: Pattern, or patterns of which any hides the line.
        level: Minimum level (``error``, ``WARN``, ``warning``, ...); a line with no detected
            level counts as INFO, so ``WARN`` hides it and ``INFO`` keeps it.

    Raises:
        FilterError: a pattern is invalid or refused, or the level is unknown.
    """

    __slots__ = ("_min_rank", "exclude", "include", "level")

    def __init__(
        self,
        include: str | Sequence[str] | None = None,
        exclude: str | Sequence[str] | None = None,
        level: str | None = None,
    ) -> None:
        self.include = _patterns(include)
        self.exclude = _patterns(exclude)
        try:
            self.level = parse_level_name(level) if level else None
        except ValueError as exc:
            raise FilterError(str(exc)) from None
        self._min_rank = level_rank(self.level) if self.level else 0

    @property
    def costly(self) -> bool:
        """Some pattern is a regular expression: re-filtering a big buffer may take a while."""
        return any(p.costly for p in (*self.include, *self.exclude))

    @property
    def passes_everything(self) -> bool:
        """True when no pattern or level can hide a line."""
        return not (self.include or self.exclude or self._min_rank)

    def matches(self, line: LogRow) -> bool:
        """Whether ``line`` is shown."""
        return self.matches_text(line.text, line.level)

    def matches_text(self, text: str, level: str | None = None) -> bool:
        """Whether sanitized ``text`` at ``level`` is shown."""
        if self._min_rank and level_rank(level or "INFO") < self._min_rank:
            return False
        if not (self.include or self.exclude):
            return True
        plain = strip_sgr(text)[:MATCH_CAP]
        return all(p.search(plain) for p in self.include) and not any(
            p.search(plain) for p in self.exclude
        )

    def apply(self, batch: list[R]) -> list[R]:
        """The lines of ``batch`` that are shown, in order (same result as :meth:`matches`).

        Each pattern scans the batch once (see :mod:`~cockpit.domain.batch_match`):
        several times faster than matching line by line under a flood.
        """
        if self.passes_everything:
            return batch
        if self._min_rank:
            rank = self._min_rank
            batch = [line for line in batch if level_rank(line.level or "INFO") >= rank]
        for pattern in self.include:
            if not batch:
                break
            batch = [batch[i] for i in pattern.matching([line.text for line in batch])]
        for pattern in self.exclude:
            if not batch:
                break
            hidden = set(pattern.matching([line.text for line in batch]))
            if hidden:
                batch = [line for i, line in enumerate(batch) if i not in hidden]
        return batch
