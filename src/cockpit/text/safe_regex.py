"""User-written regular expressions that cannot hang the cockpit on hostile input.

Python's ``re`` backtracks: ``(a+)+$`` or ``(a|a)*b`` take exponential time, and ``a.*b.*c``
cubic time, on a line an attacker can write into a log. RE2-style linear matching is not
available (no extra packages), so patterns are checked before use and refused with a plain
message when they have a shape that backtracks badly:

* a quantifier inside a repeated group that can end in several places: ``(a+)+``,
  ``(\\w+\\s?)*``, ``(a{1,3}){5}``; ``(\\d+\\.)+`` is fine (the dot ends each round);
* an unbounded quantifier over something that can match nothing: ``(a?)*``, ``(|a)+``;
* alternatives inside an unbounded quantifier that can start with the same character, so one
  text splits in many ways: ``(a|a)*``, ``(ab|a\\w)+``;
* two unbounded quantifiers in sequence that can match the same characters with nothing they
  cannot match in between: ``\\d+\\d+x``, ``a.*b.*c``, ``a.*\\s*x``. ``\\S+ \\S+`` and
  ``\\d+\\.\\d+`` are fine: the space and the dot mark where one ends;
* backreferences and conditional groups (matching with them is NP-hard in general).

What is accepted then runs in at most quadratic time in the line length, and callers match
against length-capped lines (sanitized log lines hold at most 4096 characters), so the worst
accepted pattern costs tens of milliseconds on a crafted 4 KiB line rather than hours. A leading
and a trailing ``.*`` are dropped when compiling for search: they never change whether a line
matches and cost a quadratic scan.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

_parser: Any = importlib.import_module("re._parser")
_c: Any = importlib.import_module("re._constants")

MAX_PATTERN = 1000
"""Longest pattern accepted (characters)."""
LARGE_REPEAT = 16
"""A bounded quantifier with a larger maximum counts as unbounded for nesting."""
WIDE_REPEAT = 64
"""A bounded quantifier with a larger maximum counts as unbounded for sequences."""

Pred = Callable[[str], bool]


_REPEATS = ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT")
_NESTED = (
    "a quantifier inside a repeated group that can end in several places (like (a+)+ or "
    "(\\w+\\s?)+) can take exponential time; repeat the inner part once, or end it with a "
    "character it cannot match, e.g. (\\d+\\.)+"
)


_ZERO_WIDTH = ("AT", "ASSERT", "ASSERT_NOT")


def _parts(name: str, av: Any) -> list[Sequence[Any]] | None:
    """The sub-sequences of a composite parse-tree item; None for a single-character item."""
    if name in _REPEATS:
        return [av[2]]
    if name == "SUBPATTERN":
        return [av[3]]
    if name == "ATOMIC_GROUP":
        return [av]
    if name == "BRANCH":
        return list(av[1])
    return None


class UnsafePattern(ValueError):
    """A pattern that is invalid or could take exponential time; the message says why."""


_CATEGORY_RE = {
    "CATEGORY_DIGIT": re.compile(r"\d"),
    "CATEGORY_NOT_DIGIT": re.compile(r"\D"),
    "CATEGORY_SPACE": re.compile(r"\s"),
    "CATEGORY_NOT_SPACE": re.compile(r"\S"),
    "CATEGORY_WORD": re.compile(r"\w"),
    "CATEGORY_NOT_WORD": re.compile(r"\W"),
}
# Characters tried when asking "can these two classes match the same character?", besides every
# literal and range end the pattern names: ASCII and samples of digit/letter/space classes.
_SAMPLES = [chr(c) for c in range(128)] + list("éßж中٣\u00a0\u2028\u3000")


def compile_safe(
    pattern: str, *, ignore_case: bool = False, search: bool = True
) -> re.Pattern[str]:
    """Compile ``pattern`` after checking it cannot backtrack catastrophically.

    Args:
        pattern: A Python regular expression as the user wrote it.
        ignore_case: Compile with ``re.IGNORECASE``.
        search: The pattern is used with ``search`` to test lines (leading/trailing ``.*`` are
            dropped); False keeps the pattern whole, for match spans.

    Raises:
        UnsafePattern: the pattern is invalid, too long or has a shape that backtracks badly.
    """
    if len(pattern) > MAX_PATTERN:
        raise UnsafePattern(
            f"pattern is too long ({len(pattern)} characters, at most {MAX_PATTERN})"
        )
    flags = re.IGNORECASE if ignore_case else 0
    source = _trim_dot_star(pattern) if search else pattern
    try:
        parsed = _parser.parse(source, flags)
        compiled = re.compile(source, flags)
        _Checker(pattern, parsed.state.flags).check(list(parsed))
    except re.error as exc:
        raise UnsafePattern(f"invalid pattern: {exc}") from None
    except RecursionError:
        raise UnsafePattern("pattern is nested too deeply") from None
    return compiled


def _trim_dot_star(pattern: str) -> str:
    # `.*X` and `X.*` find a line exactly when `X` does (lines hold no newline).
    if pattern.startswith(".*") and pattern[2:3] not in ("?", "+", "*", "{"):
        pattern = pattern[2:]
    if pattern.endswith(".*") and len(pattern) > 2:
        before = pattern[:-2]
        slashes = len(before) - len(before.rstrip("\\"))
        if slashes % 2 == 0:  # an odd count escapes the dot: `\\.*` is a literal dot repeated
            pattern = before
    return pattern


class _Checker:
    def __init__(self, pattern: str, flags: int) -> None:
        self.pattern = pattern
        self.ignore_case = bool(flags & re.IGNORECASE)
        self.dotall = bool(flags & re.DOTALL)
        self.universe = _SAMPLES + [ch for ch in pattern if ord(ch) >= 128]

    # ---- the rules ------------------------------------------------------------------------------

    def check(self, seq: list[Any]) -> None:
        self._walk(seq, inside_repeat=False)
        self._sequences(seq, ())

    def _refuse(self, why: str) -> None:
        shown = self.pattern if len(self.pattern) <= 60 else self.pattern[:57] + "..."
        raise UnsafePattern(f"pattern {shown!r} is refused: {why}")

    def _walk(self, seq: Sequence[Any], inside_repeat: bool) -> None:
        for op, av in seq:
            name = str(op)
            if name in ("GROUPREF", "GROUPREF_EXISTS", "GROUPREF_IGNORE"):
                self._refuse("backreferences and conditional groups are not supported")
            if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
                _lo, hi, body = av
                big = hi == _c.MAXREPEAT or hi > LARGE_REPEAT
                if big and self._nullable(body):
                    self._refuse("a quantifier repeats something that can match nothing")
                if hi > 1:
                    self._nested(list(body))
                self._walk(body, inside_repeat=inside_repeat or big)
            elif name == "BRANCH":
                alternatives = av[1]
                if inside_repeat:
                    self._ambiguous(alternatives)
                for alt in alternatives:
                    self._walk(alt, inside_repeat)
            elif name == "SUBPATTERN":
                self._walk(av[3], inside_repeat)
            elif name in ("ASSERT", "ASSERT_NOT"):
                self._walk(av[1], inside_repeat)
                self._sequences(list(av[1]), ())
            elif name == "ATOMIC_GROUP":
                self._walk(av, inside_repeat)

    def _nested(self, body: list[Any]) -> None:
        """A repeat inside a repeated body that can end in more than one place: refuse.

        ``(\\d+\\.)+`` is fine (the dot ends each round), ``(a+)+`` and ``(\\w+\\s?)+`` are not.
        """
        seq = self._flatten(body)
        loop_first = self._first(seq)
        for index, (op, av) in enumerate(seq):
            name = str(op)
            if name == "BRANCH":
                if any(self._has_variable(alt) for alt in av[1]):
                    self._refuse(_NESTED)
                continue
            if name not in _REPEATS:
                continue
            if self._has_variable(av[2]):
                self._refuse(_NESTED)
            if av[1] > 1 and av[0] != av[1]:
                rest = seq[index + 1 :]
                follows = self._first(rest) + (loop_first if self._nullable(rest) else [])
                if self._overlap(self._chars(av[2]), follows):
                    self._refuse(_NESTED)

    def _has_variable(self, seq: Sequence[Any]) -> bool:
        """Whether ``seq`` holds a quantifier whose count can vary (``+``, ``*``, ``{1,3}``)."""
        for op, av in self._flatten(seq):
            name = str(op)
            if name in _REPEATS and ((av[1] > 1 and av[0] != av[1]) or self._has_variable(av[2])):
                return True
            if name == "BRANCH" and any(self._has_variable(alt) for alt in av[1]):
                return True
        return False

    def _ambiguous(self, alternatives: Sequence[Sequence[Any]]) -> None:
        if sum(1 for alt in alternatives if self._nullable(alt)) > 1:
            self._refuse(
                "repeated alternatives that match the same text (like (a|a)*) take exponential time"
            )
        firsts = [self._first(alt) for alt in alternatives]
        for i, one in enumerate(firsts):
            for other in firsts[i + 1 :]:
                if self._overlap(one, other):
                    self._refuse(
                        "repeated alternatives that can start with the same character (like "
                        "(a|ab)*) can take exponential time; make them start differently"
                    )

    def _sequences(self, seq: list[Any], rest: tuple[Any, ...]) -> None:
        """Two wide quantifiers in a row that can eat the same characters: refuse."""
        items = self._flatten(seq) + list(rest)
        for index, (op, av) in enumerate(items):
            name = str(op)
            if name == "BRANCH":
                for alt in av[1]:
                    self._sequences(list(alt), tuple(items[index + 1 :]))
                continue
            if not self._is_wide(op, av):
                continue
            eats = self._chars(av[2])
            following = items[index + 1 :]
            for offset, (op2, av2) in enumerate(following):
                verdict = self._after(eats, op2, av2)
                if verdict == "separated":
                    break
                # A last quantifier with only anchors after it cannot fail, so it never makes
                # the one before it backtrack: `.*error.*` is fine.
                tail = following[offset + 1 :]
                if verdict == "overlap" and not all(str(o) == "AT" for o, _ in tail):
                    self._refuse(
                        "two quantifiers in a row can match the same characters (like a.*b.*c or "
                        "\\d+\\d+x), which takes polynomial time; keep one, use a class that stops "
                        "at the next separator (e.g. [^\\]]* instead of .*), or several filters"
                    )

    def _after(self, eats: list[Pred], op: Any, av: Any) -> str:
        name = str(op)
        if name in _ZERO_WIDTH:
            return "continue"
        if self._is_wide(op, av):
            return "overlap" if self._overlap(eats, self._chars(av[2])) else "separated"
        if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            lo, _hi, body = av
            if lo >= 1 and not self._nullable(body) and not self._overlap(eats, self._first(body)):
                return "separated"
            return "continue"
        if name == "BRANCH":
            return "continue"  # its alternatives are checked with what follows them
        first = self._first([(op, av)])
        if not self._nullable([(op, av)]) and not self._overlap(eats, first):
            return "separated"
        return "continue"

    # ---- facts about sub-patterns ---------------------------------------------------------------

    def _flatten(self, seq: Iterable[Any]) -> list[Any]:
        out: list[Any] = []
        for op, av in seq:
            if str(op) == "SUBPATTERN":
                out.extend(self._flatten(av[3]))
            elif str(op) == "ATOMIC_GROUP":
                out.extend(self._flatten(av))
            else:
                out.append((op, av))
        return out

    def _is_wide(self, op: Any, av: Any) -> bool:
        if str(op) not in ("MAX_REPEAT", "MIN_REPEAT"):
            return False
        return bool(av[1] == _c.MAXREPEAT or av[1] > WIDE_REPEAT)

    def _item_nullable(self, name: str, av: Any) -> bool:
        if name in _ZERO_WIDTH:
            return True
        parts = _parts(name, av)
        if parts is None:
            return False
        if name in _REPEATS and av[0] == 0:
            return True
        if name == "BRANCH":
            return any(self._nullable(part) for part in parts)
        return self._nullable(parts[0])

    def _nullable(self, seq: Sequence[Any]) -> bool:
        """Whether ``seq`` can match the empty string."""
        return all(self._item_nullable(str(op), av) for op, av in seq)

    def _first(self, seq: Sequence[Any]) -> list[Pred]:
        """Classes of the characters a match of ``seq`` can start with."""
        out: list[Pred] = []
        for op, av in seq:
            name = str(op)
            if name in _ZERO_WIDTH:
                continue
            parts = _parts(name, av)
            if parts is None:
                out.append(self._char_class(name, av))
                return out
            for part in parts:
                out += self._first(part)
            if not self._item_nullable(name, av):
                return out
        return out

    def _chars(self, seq: Sequence[Any]) -> list[Pred]:
        """Classes of every character a match of ``seq`` can contain."""
        out: list[Pred] = []
        for op, av in seq:
            name = str(op)
            if name in _ZERO_WIDTH:
                continue
            parts = _parts(name, av)
            if parts is None:
                out.append(self._char_class(name, av))
            else:
                for part in parts:
                    out += self._chars(part)
        return out

    def _char_class(self, name: str, av: Any) -> Pred:
        if name == "LITERAL":
            return self._literal(chr(av))
        if name == "NOT_LITERAL":
            same = self._literal(chr(av))
            return lambda ch: not same(ch)
        if name == "ANY":
            return (lambda ch: True) if self.dotall else (lambda ch: ch != "\n")
        if name == "IN":
            return self._in(av)
        return lambda ch: True  # unknown node: assume it can match anything

    def _literal(self, c: str) -> Pred:
        if self.ignore_case:
            folded = c.casefold()
            return lambda ch: ch.casefold() == folded
        return lambda ch: ch == c

    def _in(self, items: Sequence[Any]) -> Pred:
        negate = False
        preds: list[Pred] = []
        for op, av in items:
            name = str(op)
            if name == "NEGATE":
                negate = True
            elif name == "LITERAL":
                preds.append(self._literal(chr(av)))
            elif name == "RANGE":
                lo, hi = av
                self.universe += [chr(lo), chr(hi)]
                preds.append(_range(lo, hi, self.ignore_case))
            elif name == "CATEGORY":
                regex = _CATEGORY_RE.get(str(av))
                preds.append(_category(regex) if regex is not None else _anything)
            else:
                preds.append(_anything)
        if negate:
            return lambda ch: not any(p(ch) for p in preds)
        return lambda ch: any(p(ch) for p in preds)

    def _overlap(self, one: list[Pred], other: list[Pred]) -> bool:
        if not one or not other:
            return False
        return any(any(p(ch) for p in one) and any(q(ch) for q in other) for ch in self.universe)


def _anything(ch: str) -> bool:
    return True


def _range(lo: int, hi: int, ignore_case: bool) -> Pred:
    if ignore_case:
        return lambda ch: any(lo <= ord(x) <= hi for x in (ch, ch.lower(), ch.upper()))
    return lambda ch: lo <= ord(ch) <= hi


def _category(regex: re.Pattern[str]) -> Pred:
    return lambda ch: regex.match(ch) is not None
