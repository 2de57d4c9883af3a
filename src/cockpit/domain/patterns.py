"""Filter patterns: checked, compiled, smart case, on RE2 whenever they are regular expressions.

Patterns are written by the person at the keyboard and matched against lines an attacker may
have written. Python's ``re`` backtracks (``(a+)+$`` takes exponential time on ``aaaa…!``), so
a pattern with any regular-expression syntax runs on RE2, whose matching time is linear in the
line whatever the pattern. RE2 has no backreferences or lookaround; such a pattern is refused
with RE2's own message. A plain word or phrase (the usual filter) is searched with ``re``, which
finds literals in linear time, and faster from Python.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from cockpit.domain.batch_match import DENSE, WHOLE_TEXT_ANCHORS, matching_lines
from cockpit.text.sanitize import DEFAULT_MAX_LEN

MATCH_CAP = DEFAULT_MAX_LEN
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

        ``dense``: see :func:`~cockpit.domain.batch_match.matching_lines`.
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
