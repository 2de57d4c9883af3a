"""Line filters: include/exclude regular expressions and a minimum level.

Python's ``re`` backtracks, and RE2 (linear time) is not a dependency. So patterns go through
:func:`cockpit.text.safe_regex.compile_safe`, which refuses the shapes that backtrack
catastrophically (nested quantifiers like ``(a+)+``, overlapping repeated alternatives like
``(a|a)*``, back-to-back quantifiers over the same characters like ``a.*b.*c``) with a plain
message. What is accepted is at worst quadratic, and it only ever sees the first
:data:`MATCH_CAP` characters of a line, so a hostile line costs milliseconds, not minutes. For
several terms, give several include patterns (all must match) instead of ``a.*b.*c``.

Matching is smart case, as in ripgrep (case-insensitive unless the pattern has an upper-case
letter), and runs on the sanitized text without its colour codes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from cockpit.sources.logs.base import MAX_LINE, LogLine, LogRow
from cockpit.sources.logs.levels import LEVELS, level_rank, parse_level_name
from cockpit.text.safe_regex import UnsafePattern, compile_safe
from cockpit.text.sanitize import strip_sgr

__all__ = ["LEVELS", "MATCH_CAP", "FilterError", "LineFilter", "compile_pattern"]

MATCH_CAP = MAX_LINE
"""Characters of a line a pattern is matched against."""
_ESCAPE = re.compile(r"\\.")


class FilterError(ValueError):
    """A filter that cannot be used; ``str()`` is a plain one-line message for the UI."""


def compile_pattern(pattern: str) -> re.Pattern[str]:
    """Check and compile a filter pattern (smart case).

    Raises:
        FilterError: empty, invalid, or a shape that could take exponential time.
    """
    if not pattern:
        raise FilterError("empty pattern")
    # Escapes such as \S or \W name classes, not upper-case letters.
    ignore_case = not any(ch.isupper() for ch in _ESCAPE.sub("", pattern))
    try:
        return compile_safe(pattern, ignore_case=ignore_case)
    except UnsafePattern as exc:
        raise FilterError(str(exc)) from None


def _patterns(value: str | Sequence[str] | None) -> tuple[re.Pattern[str], ...]:
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
    def passes_everything(self) -> bool:
        """True when no pattern or level can hide a line."""
        return not (self.include or self.exclude or self._min_rank)

    def matches(self, line: LogRow) -> bool:
        """Whether ``line`` (a :class:`LogLine` or its plain tuple) is shown."""
        return self.matches_text(line[1], line[3])

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

    def apply(self, batch: list[LogLine]) -> list[LogLine]:
        """The lines of ``batch`` that are shown, in order."""
        if self.passes_everything:
            return batch
        return [line for line in batch if self.matches(line)]
