"""Line filters: include/exclude regular expressions and a minimum level.

Patterns are written by the person at the keyboard and matched against lines an attacker may
have written. Python's ``re`` backtracks (``(a+)+$`` takes exponential time on ``aaaa…!``), so
a pattern with any regular-expression syntax runs on RE2, whose matching time is linear in the
line whatever the pattern: no pattern can freeze the screen. RE2 has no backreferences or
lookaround; such a pattern is refused with RE2's own message. A plain word or phrase (the usual
filter) is searched with ``re``, which finds literals in linear time, and faster from Python.

Matching is smart case, as in ripgrep (case-insensitive unless the pattern has an upper-case
letter), and runs on the first :data:`MATCH_CAP` characters of the sanitized text, without its
colour codes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, Protocol

from cockpit.sources.logs.base import MAX_LINE, LogLine, LogRow
from cockpit.sources.logs.levels import LEVELS, level_rank, parse_level_name
from cockpit.text.sanitize import strip_sgr

__all__ = ["LEVELS", "MATCH_CAP", "FilterError", "LineFilter", "Pattern", "compile_pattern"]

MATCH_CAP = MAX_LINE
"""Characters of a line a pattern is matched against."""
MAX_PATTERN = 1000
"""Longest pattern accepted (characters)."""
_ESCAPE = re.compile(r"\\.")
_SYNTAX = frozenset(".^$*+?{}[]\\|()")


class Pattern(Protocol):
    """A compiled filter pattern."""

    @property
    def pattern(self) -> str:
        """The pattern as written."""

    def search(self, text: str) -> object | None:
        """A match object when ``text`` contains a match, else None."""


class _Re2Pattern:
    """An RE2 program behind the :class:`Pattern` interface."""

    __slots__ = ("_regexp", "pattern")

    def __init__(self, pattern: str, regexp: Any) -> None:
        self.pattern = pattern
        self._regexp = regexp

    def search(self, text: str) -> object | None:
        result: object | None = self._regexp.search(text)
        return result


class FilterError(ValueError):
    """A filter that cannot be used; ``str()`` is a plain one-line message for the UI."""


def compile_pattern(pattern: str) -> Pattern:
    """Check and compile a filter pattern (smart case).

    Raises:
        FilterError: empty, too long, or not valid RE2 syntax (the message says why).
    """
    if not pattern:
        raise FilterError("empty pattern")
    if len(pattern) > MAX_PATTERN:
        raise FilterError(f"pattern too long ({len(pattern)} characters; at most {MAX_PATTERN})")
    # Escapes such as \S or \W name classes, not upper-case letters.
    ignore_case = not any(ch.isupper() for ch in _ESCAPE.sub("", pattern))
    if _SYNTAX.isdisjoint(pattern):
        return re.compile(re.escape(pattern), re.IGNORECASE if ignore_case else 0)
    import re2  # type: ignore[import-untyped]  # RE2's bindings ship no type information

    options = re2.Options()
    options.case_sensitive = not ignore_case
    options.log_errors = False
    try:
        regexp = re2.compile(pattern, options)
    except re2.error as exc:
        reason = exc.args[0] if exc.args else exc
        if isinstance(reason, bytes):
            reason = reason.decode("utf-8", "replace")
        raise FilterError(f"invalid pattern: {reason}") from None
    return _Re2Pattern(pattern, regexp)


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
