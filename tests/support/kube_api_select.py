"""Label and field selectors as the apiserver evaluates them on list and watch requests."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

Predicate = Callable[[dict[str, Any]], bool]

_SET_EXPR = re.compile(r"^\s*(!?)\s*([^\s!=(),]+)\s*(?:(notin|in)\s*\(([^)]*)\))?\s*$")
_CMP_EXPR = re.compile(r"^\s*([^\s!=]+)\s*(==|=|!=)\s*([^\s,]*)\s*$")


class SelectorError(ValueError):
    """A selector the apiserver would reject with 400 BadRequest."""


def _split_top_level(text: str) -> list[str]:
    # Commas separate requirements, except inside ``in (a,b)`` value sets.
    parts, depth, current = [], 0, ""
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += ch
    parts.append(current)
    return [p for p in parts if p.strip()]


def _check(op: str, actual: str | None, values: frozenset[str]) -> bool:
    if op in ("=", "=="):
        return actual in values
    if op == "!=":
        return actual not in values
    if op == "in":
        return actual is not None and actual in values
    if op == "notin":
        return actual is None or actual not in values
    if op == "exists":
        return actual is not None
    return actual is None  # "!" (does not exist)


def label_selector(text: str | None) -> Callable[[Mapping[str, str]], bool]:
    """Compile a ``labelSelector`` query value into a predicate over a label map.

    Raises:
        SelectorError: if the text does not parse.
    """
    requirements: list[tuple[str, str, frozenset[str]]] = []
    for part in _split_top_level(text or ""):
        cmp = _CMP_EXPR.match(part)
        if cmp:
            key, op, value = cmp.groups()
            requirements.append((key, op, frozenset({value})))
            continue
        match = _SET_EXPR.match(part)
        if not match:
            raise SelectorError(f"unable to parse requirement: {part!r}")
        negated, key, op, values = match.groups()
        if op:
            allowed = frozenset(v.strip() for v in values.split(",") if v.strip())
            requirements.append((key, op, allowed))
        else:
            requirements.append((key, "!" if negated else "exists", frozenset()))

    def test(labels: Mapping[str, str]) -> bool:
        return all(_check(op, labels.get(key), values) for key, op, values in requirements)

    return test


def _field(obj: Mapping[str, Any], path: str) -> str:
    node: Any = obj
    for part in path.split("."):
        if not isinstance(node, Mapping):
            return ""
        node = node.get(part)
    if node is None:
        return ""
    if isinstance(node, bool):
        return "true" if node else "false"
    return str(node)


def field_selector(text: str | None) -> Predicate:
    """Compile a ``fieldSelector`` (``a.b=x,c!=y``) into a predicate over an object.

    Raises:
        SelectorError: if a requirement is not of the form ``path=value`` / ``path!=value``.
    """
    requirements: list[tuple[str, str, frozenset[str]]] = []
    for part in _split_top_level(text or ""):
        cmp = _CMP_EXPR.match(part)
        if not cmp:
            raise SelectorError(f"invalid field selector: {part!r}")
        path, op, value = cmp.groups()
        requirements.append((path, op, frozenset({value})))

    def test(obj: dict[str, Any]) -> bool:
        return all(_check(op, _field(obj, path), values) for path, op, values in requirements)

    return test


def matches_selector(selector: Mapping[str, Any], labels: Mapping[str, str]) -> bool:
    """Whether ``labels`` satisfy a structured LabelSelector (matchLabels + matchExpressions)."""
    for key, value in selector.get("matchLabels", {}).items():
        if labels.get(key) != value:
            return False
    for expr in selector.get("matchExpressions", []):
        key, op, values = expr["key"], expr["operator"], set(expr.get("values", []))
        present = key in labels
        if (
            (op == "In" and labels.get(key) not in values)
            or (op == "NotIn" and present and labels[key] in values)
            or (op == "Exists" and not present)
            or (op == "DoesNotExist" and present)
        ):
            return False
    return True
