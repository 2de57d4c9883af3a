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
from collections.abc import Callable, Sequence
from typing import Any, Protocol, TypeVar

from cockpit.sources.logs.base import MAX_LINE, LogRow
from cockpit.sources.logs.batch_match import DENSE, WHOLE_TEXT_ANCHORS, matching_lines
from cockpit.sources.logs.levels import LEVELS, level_rank, parse_level_name
from cockpit.text.sanitize import strip_sgr

__all__ = ["LEVELS", "MATCH_CAP", "FilterError", "LineFilter", "Pattern", "compile_pattern"]

R = TypeVar("R", bound=LogRow)

MATCH_CAP = MAX_LINE
"""Characters of a line a pattern is matched against."""
MAX_PATTERN = 1000
"""Longest pattern accepted (characters)."""
MAX_PROGRAM = 20_000
"""Largest RE2 program accepted (instructions): beyond it compiling and matching cost memory and
time for nothing (``[\\pL\\pN]{20}``). Size says little about speed (``\\pL+\\d`` is 1,203
instructions and fast, ``(.*a){20}`` 224 and slow), so the screen never waits for a filter:
re-filtering runs off the event loop and new lines are filtered within a per-frame budget."""
_ESCAPE = re.compile(r"\\.")
_SYNTAX = frozenset(".^$*+?{}[]\\|()")


class Pattern(Protocol):
    """A compiled filter pattern."""

    @property
    def pattern(self) -> str:
        """The pattern as written."""

    @property
    def costly(self) -> bool:
        """A regular expression (not a literal): worth matching off the UI's thread."""

    def search(self, text: str) -> object | None:
        """A match object when ``text`` contains a match, else None."""

    def matching(self, texts: Sequence[str], dense: int | None = DENSE) -> list[int]:
        """Indices of the lines (SGR codes allowed) holding a match, as :meth:`search` finds.

        ``dense``: see :func:`~cockpit.sources.logs.batch_match.matching_lines`.
        """


class _Compiled:
    """A pattern's program for one line, and the same pattern for whole batches."""

    __slots__ = ("_joined", "_search", "costly", "pattern")

    def __init__(
        self,
        pattern: str,
        search: Callable[[str], object | None],
        joined: Any | None,
        costly: bool = False,
    ) -> None:
        self.pattern = pattern
        self.costly = costly
        """A regular expression (RE2), not a literal: worth matching off the UI's thread."""
        self._search = search
        self._joined = joined
        """RE2 program over a batch joined as UTF-8 bytes (see batch_match), or None."""

    def search(self, text: str) -> object | None:
        return self._search(text)

    def matching(self, texts: Sequence[str], dense: int | None = DENSE) -> list[int]:
        finditer = None if self._joined is None else self._joined.finditer
        return matching_lines(
            texts,
            search=self._search,
            finditer=finditer,
            cap=MATCH_CAP,
            as_bytes=True,
            dense=dense,
        )


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
    import re2  # type: ignore[import-untyped]  # RE2's bindings ship no type information

    options = re2.Options()
    options.case_sensitive = not ignore_case
    options.log_errors = False
    literal = _SYNTAX.isdisjoint(pattern)
    if literal:
        search = re.compile(re.escape(pattern), re.IGNORECASE if ignore_case else 0).search
    else:
        try:
            program = re2.compile(pattern, options)
        except re2.error as exc:
            reason = exc.args[0] if exc.args else exc
            if isinstance(reason, bytes):
                reason = reason.decode("utf-8", "replace")
            raise FilterError(f"invalid pattern: {reason}") from None
        if program.programsize > MAX_PROGRAM:
            raise FilterError(
                f"pattern too complex ({program.programsize} RE2 instructions; at most "
                f"{MAX_PROGRAM}): repeat less (a class or group with {{20}} is copied 20 "
                "times) or split it into a filter and an exclude"
            )
        search = program.search
    return _Compiled(
        pattern, search, _batch_program(re2, options, pattern, literal), costly=not literal
    )


def _batch_program(re2: Any, options: Any, pattern: str, literal: bool) -> Any | None:
    """The pattern for whole batches: multi-line, and each match runs on to its line's end.

    Running on (``[^\\n]*``) does not change where a match starts or which lines it touches,
    but leaves at most one match a line to report: a pattern found many times a line (``\\s``)
    costs one step a line, not one a match.
    """
    if WHOLE_TEXT_ANCHORS.search(pattern):
        return None
    body = re.escape(pattern) if literal else pattern
    try:
        return re2.compile(f"(?m)(?:{body})[^\\n]*".encode(), options)
    except re2.error:  # cannot happen for a pattern that compiled alone; lines one by one
        return None


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

    def apply(self, batch: list[R]) -> list[R]:
        """The lines of ``batch`` that are shown, in order (same result as :meth:`matches`).

        Each pattern scans the batch once (see :mod:`~cockpit.sources.logs.batch_match`):
        several times faster than matching line by line under a flood.
        """
        if self.passes_everything:
            return batch
        if self._min_rank:
            rank = self._min_rank
            batch = [line for line in batch if level_rank(line[3] or "INFO") >= rank]
        for pattern in self.include:
            if not batch:
                break
            batch = [batch[i] for i in pattern.matching([line[1] for line in batch])]
        for pattern in self.exclude:
            if not batch:
                break
            hidden = set(pattern.matching([line[1] for line in batch]))
            if hidden:
                batch = [line for i, line in enumerate(batch) if i not in hidden]
        return batch
