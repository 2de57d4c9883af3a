"""Gatus-style conditions: ``[STATUS] == 200``, ``[BODY].a[0].b == UP``, ``len([BODY].x) > 2``.

Parsing happens when the config is validated (a malformed condition is a config error);
evaluation happens after each probe against the values it collected.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from fnmatch import fnmatchcase

from cockpit.domain.durations import parse_duration
from cockpit.domain.health import ConditionResult

OPERATORS = ("==", "!=", "<=", ">=", "<", ">")
_PLACEHOLDER_RE = re.compile(r"^\[([A-Z_]+)\]((?:\.[^.\[\]]+|\[\d+\])*)$")
_PATH_PART_RE = re.compile(r"\.([^.\[\]]+)|\[(\d+)\]")
_FUNC_RE = re.compile(r"^(len|has|pat|any)\((.*)\)$", re.DOTALL)
_ACTUAL_MAX = 120


class _Missing:
    """A JSON path that does not resolve."""

    def __repr__(self) -> str:
        return "<missing>"


MISSING = _Missing()


@dataclass(frozen=True, slots=True)
class Placeholder:
    """``[NAME]`` with an optional JSON path (``.a[0].b``)."""

    name: str
    path: tuple[str | int, ...] = ()


@dataclass(frozen=True, slots=True)
class Func:
    """``len(placeholder)`` or ``has(placeholder)``."""

    name: str
    arg: Placeholder


@dataclass(frozen=True, slots=True)
class Pattern:
    """``pat(glob)``: a shell-style pattern, right-hand side of ``==``/``!=`` only."""

    glob: str


@dataclass(frozen=True, slots=True)
class AnyOf:
    """``any(a, b, c)``: matches when any of the literals matches."""

    values: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Literal:
    """A bare value: number, duration (``48h``), ``true``/``false``, or text."""

    text: str


Term = Placeholder | Func | Pattern | AnyOf | Literal


@dataclass(frozen=True, slots=True)
class Condition:
    """A parsed condition: ``left op right``."""

    expr: str
    left: Term
    op: str
    right: Term


def _split(text: str) -> tuple[str, str, str]:
    depth = 0
    quote = ""
    i = 0
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif depth == 0:
            for op in OPERATORS:
                if text.startswith(op, i):
                    return text[:i].strip(), op, text[i + len(op) :].strip()
        i += 1
    raise ValueError(f"condition {text!r} has no operator: use one of {' '.join(OPERATORS)}")


def _unquote(text: str) -> str:
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        return text[1:-1]
    return text


def _placeholder(text: str, allowed: frozenset[str], expr: str) -> Placeholder:
    m = _PLACEHOLDER_RE.match(text)
    if not m:
        raise ValueError(f"condition {expr!r}: {text!r} is not a placeholder like [STATUS]")
    name, path_text = m.group(1), m.group(2)
    if name not in allowed:
        raise ValueError(
            f"condition {expr!r}: unknown placeholder [{name}]; "
            f"this check knows {', '.join(f'[{a}]' for a in sorted(allowed))}"
        )
    path: list[str | int] = []
    for key, index in _PATH_PART_RE.findall(path_text):
        path.append(int(index) if index else key)
    if path and name != "BODY":
        raise ValueError(f"condition {expr!r}: only [BODY] takes a path")
    return Placeholder(name, tuple(path))


def _term(text: str, allowed: frozenset[str], expr: str, *, right: bool) -> Term:
    if not text:
        raise ValueError(f"condition {expr!r} has an empty side")
    m = _FUNC_RE.match(text)
    if m:
        func, inner = m.group(1), m.group(2).strip()
        if func in ("len", "has"):
            return Func(func, _placeholder(inner, allowed, expr))
        if not right:
            raise ValueError(f"condition {expr!r}: {func}() belongs on the right-hand side")
        if func == "pat":
            return Pattern(_unquote(inner))
        values = tuple(_unquote(v.strip()) for v in inner.split(",") if v.strip())
        if not values:
            raise ValueError(f"condition {expr!r}: any() needs at least one value")
        return AnyOf(values)
    if text.startswith("["):
        return _placeholder(text, allowed, expr)
    if text[0] in "=!<>":
        raise ValueError(
            f"condition {expr!r} has a stray operator: use one of {' '.join(OPERATORS)}"
        )
    return Literal(_unquote(text))


def parse_condition(text: str, allowed: frozenset[str]) -> Condition:
    """Parse one condition, accepting only the placeholders in ``allowed``.

    Raises:
        ValueError: with a message naming the problem (shown as a config error).
    """
    expr = text.strip()
    left_text, op, right_text = _split(expr)
    left = _term(left_text, allowed, expr, right=False)
    right = _term(right_text, allowed, expr, right=True)
    if isinstance(right, Pattern | AnyOf) and op not in ("==", "!="):
        raise ValueError(f"condition {expr!r}: pat() and any() work with == and != only")
    if not any(isinstance(t, Placeholder | Func) for t in (left, right)):
        raise ValueError(f"condition {expr!r} compares two constants; name a placeholder")
    return Condition(expr, left, op, right)


def _walk(value: object, path: tuple[str | int, ...]) -> object:
    for part in path:
        if isinstance(part, int):
            if not isinstance(value, list) or part >= len(value):
                return MISSING
            value = value[part]
        else:
            if not isinstance(value, dict) or part not in value:
                return MISSING
            value = value[part]
    return value


class Values:
    """The values one probe collected, with the body parsed as JSON at most once."""

    def __init__(self, values: Mapping[str, object]) -> None:
        self._values = values
        self._json: object = None
        self._parsed = False

    def _body_json(self) -> object:
        if not self._parsed:
            self._parsed = True
            body = self._values.get("BODY")
            try:
                self._json = json.loads(body) if isinstance(body, str | bytes) else MISSING
            except ValueError:
                self._json = MISSING
        return self._json

    def resolve(self, ph: Placeholder) -> object:
        """The value a placeholder stands for, or :data:`MISSING`."""
        if ph.name not in self._values:
            return MISSING
        if not ph.path:
            return self._values[ph.name]
        return _walk(self._body_json(), ph.path)


def _to_number(value: object) -> float | None:
    if isinstance(value, bool) or value is MISSING or value is None:
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            try:
                # Durations compare in milliseconds, like [RESPONSE_TIME].
                return parse_duration(value) * 1000.0
            except ValueError:
                return None
        return number if math.isfinite(number) else None
    return None


def _to_text(value: object) -> str:
    if value is MISSING:
        return "<missing>"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dict | list):
        return json.dumps(value, separators=(",", ":"))[:_ACTUAL_MAX]
    return str(value)


def _value(term: Term, values: Values) -> object:
    if isinstance(term, Placeholder):
        return values.resolve(term)
    if isinstance(term, Func):
        inner = values.resolve(term.arg)
        if term.name == "has":
            return inner is not MISSING and inner is not None
        if isinstance(inner, str | list | dict):
            return len(inner)
        return MISSING
    if isinstance(term, Literal):
        return term.text
    return term


def _equal(left: object, right: object) -> bool:
    if left is MISSING or right is MISSING:
        return False
    if isinstance(right, Pattern):
        return fnmatchcase(_to_text(left), right.glob)
    if isinstance(right, AnyOf):
        return any(_equal(left, v) for v in right.values)
    a, b = _to_number(left), _to_number(right)
    if a is not None and b is not None:
        return a == b
    return _to_text(left) == _to_text(right)


def _compare(op: str, left: object, right: object) -> bool:
    if op == "==":
        return _equal(left, right)
    if op == "!=":
        return left is not MISSING and not _equal(left, right)
    a, b = _to_number(left), _to_number(right)
    if a is None or b is None:
        return False
    if op == "<":
        return a < b
    if op == "<=":
        return a <= b
    if op == ">":
        return a > b
    return a >= b


def evaluate(condition: Condition, values: Values) -> ConditionResult:
    """Evaluate ``condition``; ``actual`` shows the placeholder side's value."""
    left = _value(condition.left, values)
    right = _value(condition.right, values)
    shown = left if isinstance(condition.left, Placeholder | Func) else right
    ok = _compare(condition.op, left, right)
    return ConditionResult(condition.expr, ok, _to_text(shown)[:_ACTUAL_MAX])


def evaluate_all(
    conditions: list[Condition], values: Mapping[str, object]
) -> list[ConditionResult]:
    """Evaluate every condition against one probe's values."""
    vals = Values(values)
    return [evaluate(c, vals) for c in conditions]


def failed_summary(results: list[ConditionResult]) -> str:
    """One line naming the first failed condition and how many failed."""
    failed = [r for r in results if not r.ok]
    if not failed:
        return ""
    first = failed[0]
    more = f" (+{len(failed) - 1} more)" if len(failed) > 1 else ""
    return f"{first.expr} failed (actual {first.actual}){more}"
