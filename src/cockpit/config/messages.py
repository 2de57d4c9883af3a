"""Pydantic validation errors rewritten as plain ``FILE:LINE:COL`` issues with a hint.

Pydantic's messages name Python types ("Input should be a valid dictionary or instance of
KubernetesTarget"); a config author wants to hear which key is wrong, what was written and what to
write instead. Each error's ``loc`` is mapped to a file position through the
:class:`~cockpit.config.yaml_loader.Positions` recorded while parsing.
"""

from __future__ import annotations

import difflib
import json
import re
import types
import typing
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from cockpit.config.base import Loc, LocatedError
from cockpit.config.errors import ConfigIssue
from cockpit.config.yaml_loader import Mark, ParsedYaml, label

# What a type error expected, in words.
_EXPECTED = {
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "finite_number": "a finite number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "string_type": "text",
    "dict_type": "a mapping (indented `key: value` lines)",
    "model_type": "a mapping (indented `key: value` lines)",
    "model_attributes_type": "a mapping (indented `key: value` lines)",
    "list_type": "a list (lines starting with `- `)",
    "tuple_type": "a list (lines starting with `- `)",
    "set_type": "a list (lines starting with `- `)",
    "none_required": "nothing",
}
# Limits: error type -> (words, ctx key holding the limit).
_BOUNDS = {
    "greater_than": ("must be more than", "gt"),
    "greater_than_equal": ("must be at least", "ge"),
    "less_than": ("must be less than", "lt"),
    "less_than_equal": ("must be at most", "le"),
}
# Sizes: error type -> (words, ctx key holding the limit, what is counted: one, several).
_SIZES = {
    "too_short": ("needs at least", "min_length", "entry", "entries"),
    "too_long": ("allows at most", "max_length", "entry", "entries"),
    "string_too_short": ("needs at least", "min_length", "character", "characters"),
    "string_too_long": ("allows at most", "max_length", "character", "characters"),
}
_NUMERIC = {"a whole number", "a number", "a finite number"}
_MAX_SHOWN = 80
_QUOTED = re.compile(r"'((?:[^'\\]|\\.)*)'")


@dataclass(frozen=True)
class _Found:
    """One error after its location was resolved."""

    path: Loc
    mark: Mark
    message: str
    union_expected: str | None = None  # set for a type error inside one member of a union
    got: str = ""
    foreign: bool = False  # the message comes from a validator and may quote the value


def issues_from_validation(
    exc: ValidationError, parsed: ParsedYaml, filename: str, model: type[BaseModel]
) -> list[ConfigIssue]:
    """Turn every error of ``exc`` into an issue, dropping those a YAML problem already covers."""
    found: list[_Found] = []
    for error in exc.errors():
        for loc, item in _flatten(error):
            f = _translate(loc, item, parsed, model)
            if _covered(f.path, parsed.bad_paths):
                continue
            found.append(f)
            if item["type"] == "value_error":
                # A model's "before" validator failed, so pydantic never got to its unknown keys;
                # a typo such as `htp:` is often the very cause.
                found.extend(_unknown_keys_in(f.path, parsed, model))
    issues: list[ConfigIssue] = []
    for f in _merge_unions(found):
        message = parsed.redact(f.path, f.message) if f.foreign else f.message
        issue = ConfigIssue(filename, f.mark.line, f.mark.col, message)
        if issue not in issues:
            issues.append(issue)
    return issues


def code_filled_keys(
    parsed: ParsedYaml, filename: str, model: type[BaseModel]
) -> list[ConfigIssue]:
    """Issues for keys written in the file that the code fills in itself (excluded fields).

    Such a field (an environment's ``name``, taken from its mapping key) is accepted by the model,
    so without this check a value written for it would be silently replaced.
    """
    issues: list[ConfigIssue] = []
    models: dict[Loc, type[BaseModel] | None] = {}
    for path in parsed.positions.keys:
        parent, key = path[:-1], path[-1]
        if parent not in models:
            models[parent] = model_at(model, parent)
        target = models[parent]
        info = target.model_fields.get(str(key)) if target is not None else None
        if info is not None and info.exclude:
            mark = parsed.positions.key_or_value(path)
            message = f"{label(parent)}: {key!r} cannot be written here"
            if parent and isinstance(parent[-1], str):
                message += f"; it is taken from the entry's key ({parent[-1]!r}): remove the line"
            issues.append(ConfigIssue(filename, mark.line, mark.col, message))
    return issues


def _flatten(error: Any) -> Iterable[tuple[Loc, dict[str, Any]]]:
    """Split a :class:`LocatedError` into one pseudo-error per located problem."""
    loc: Loc = tuple(error["loc"])
    cause = error.get("ctx", {}).get("error")
    if error["type"] == "value_error" and isinstance(cause, LocatedError):
        for sub, message in cause.problems:
            yield (*loc, *sub), {"type": "located", "msg": message, "input": None}
    else:
        yield loc, error


def _covered(path: Loc, bad: set[Loc]) -> bool:
    return any(path[: len(b)] == b for b in bad)


def _resolve(loc: Loc, parsed: ParsedYaml) -> tuple[Loc, bool]:
    """The longest written path along ``loc``, and whether union-member names were skipped.

    Pydantic puts extra names in a ``loc`` (``"str"``/``"bool"`` for union members, ``"[key]"``
    for a bad dict key); anything not written in the file is skipped.
    """
    path: Loc = ()
    skipped = False
    for element in loc:
        candidate = (*path, element)
        if parsed.positions.known(candidate):
            path = candidate
        elif element != "[key]":
            skipped = True
    return path, skipped


def _describe(path: Loc, value: Any, parsed: ParsedYaml) -> str:
    """What was written, for a message (never the value of an expanded ``${...}``)."""
    if path in parsed.raw_strings:
        return json.dumps(parsed.raw_strings[path]) + " (text, after ${...} expansion)"
    if path in parsed.typed_text:
        return parsed.typed_text[path]
    if value is None:
        return "an empty value"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        # JSON quoting escapes control and non-ASCII characters: safe to print to a terminal.
        shown = value if len(value) <= _MAX_SHOWN else value[: _MAX_SHOWN - 3] + "..."
        return json.dumps(shown)
    return str(value)


def _translate(
    loc: Loc, error: dict[str, Any], parsed: ParsedYaml, model: type[BaseModel]
) -> _Found:
    kind: str = error["type"]
    path, skipped = _resolve(loc, parsed)
    positions = parsed.positions
    where = label(path)
    if kind == "missing":
        name = str(loc[-1])
        place = "under it" if path else "at the top level"
        return _Found(
            path,
            positions.key_or_value(path),
            f"{where}: missing required key `{name}`; add `{name}: ...` {place}",
        )
    if kind == "extra_forbidden":
        return _unknown_key(path, positions.key_or_value(path), model)
    mark = positions.value_or_key(path)
    if kind == "located":
        message = str(error["msg"])
        # Older validators name the place themselves; the rest get it here.
        if not message.startswith(tuple(str(part) for part in path[:1])):
            message = f"{where}: {message}"
        return _Found(path, mark, message, foreign=True)
    value = error.get("input")
    got = _describe(path, value, parsed)
    if kind in _EXPECTED:
        expected = _EXPECTED[kind]
        if skipped:
            return _Found(path, mark, "", union_expected=expected, got=got)
        return _Found(path, mark, _type_message(where, expected, got, path, value, parsed, model))
    if kind in ("literal_error", "enum"):
        return _Found(path, mark, _choice_message(where, got, value, error))
    if kind in _BOUNDS:
        ctx = error.get("ctx", {})
        words, key = _BOUNDS[kind]
        if key in ctx:
            return _Found(path, mark, f"{where}: {words} {ctx[key]}, got {got}")
    if kind in _SIZES:
        ctx = error.get("ctx", {})
        words, key, one, several = _SIZES[kind]
        if key in ctx:
            actual = ctx.get("actual_length", len(value) if isinstance(value, str | list) else "?")
            limit = ctx[key]
            unit = one if limit == 1 else several
            return _Found(path, mark, f"{where}: {words} {limit} {unit}, got {actual}")
    message = str(error["msg"])
    for prefix in ("Value error, ", "Assertion failed, "):
        message = message.removeprefix(prefix)
    message = message.replace("Input should be", "must be")
    if kind not in ("value_error", "assertion_error"):
        message += f" (got {got})"
    return _Found(path, mark, f"{where}: {message}", foreign=True)


def _type_message(
    where: str,
    expected: str,
    got: str,
    path: Loc,
    value: Any,
    parsed: ParsedYaml,
    model: type[BaseModel],
) -> str:
    message = f"{where}: expected {expected}, got {got}"
    if path in parsed.raw_strings:
        return message + "; ${...} always gives text, so write this value in the file itself"
    if expected in _NUMERIC and isinstance(value, str) and "_" in value:
        digits = value.replace("_", "")
        if _is_number(digits):
            return message + f"; write {digits} (no underscores in a number)"
    if expected in _NUMERIC and isinstance(value, str) and _is_number(value):
        return message + f"; remove the quotes: {value}"
    if expected == "true or false" and isinstance(value, str):
        if value.lower() in ("true", "false"):
            return message + f"; remove the quotes: {value.lower()}"
        return message + "; write true or false"
    if expected == "text" and not isinstance(value, dict | list | None):
        return message + f'; quote it ("{got}") to make it text'
    if expected.startswith("a mapping"):
        target = model_at(model, path)
        if target is not None:
            message += f"; keys it takes: {', '.join(allowed_keys(target))}"
        if value is None:
            message += "; indent its keys under it, or remove the line"
    return message


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _choice_message(where: str, got: str, value: Any, error: dict[str, Any]) -> str:
    expected = str(error.get("ctx", {}).get("expected", ""))
    choices = _QUOTED.findall(expected)
    if not choices:
        return f"{where}: {got} is not allowed; expected {expected}"
    message = f"{where}: {got} is not one of: {', '.join(choices)}"
    if isinstance(value, str):
        close = difflib.get_close_matches(value.lower(), choices, n=1, cutoff=0.5)
        if close:
            message += f"; did you mean {close[0]}?"
    return message


def _unknown_key(path: Loc, mark: Mark, model: type[BaseModel]) -> _Found:
    key = str(path[-1]) if path else ""
    parent = path[:-1]
    message = f"unknown key {key!r} in {label(parent)}"
    target = model_at(model, parent)
    if target is not None:
        allowed = allowed_keys(target)
        by_lower = {k.lower(): k for k in allowed}
        close = difflib.get_close_matches(key.lower(), list(by_lower), n=1, cutoff=0.6)
        if close:
            message += f"; did you mean {by_lower[close[0]]!r}?"
        message += f"{'' if close else ';'} Allowed keys: {', '.join(allowed)}"
    if not parent:
        message += " (top-level keys starting with x- are ignored, e.g. to hold YAML anchors)"
    return _Found(path, mark, message)


def _unknown_keys_in(path: Loc, parsed: ParsedYaml, model: type[BaseModel]) -> list[_Found]:
    target = model_at(model, path)
    data = _value_at(parsed.data, path)
    if target is None or not isinstance(data, dict):
        return []
    allowed = set(allowed_keys(target))
    return [
        _unknown_key((*path, key), parsed.positions.key_or_value((*path, key)), model)
        for key in data
        if key not in allowed
    ]


def _value_at(data: Any, path: Loc) -> Any:
    for element in path:
        if isinstance(data, dict) and isinstance(element, str):
            data = data.get(element)
        elif isinstance(data, list) and isinstance(element, int) and element < len(data):
            data = data[element]
        else:
            return None
    return data


def _merge_unions(found: list[_Found]) -> list[_Found]:
    """Join the per-member type errors of one union value into a single message."""
    out: list[_Found] = []
    pending: dict[Loc, list[_Found]] = {}
    for f in found:
        if f.union_expected is None:
            out.append(f)
        else:
            pending.setdefault(f.path, []).append(f)
    for path, group in pending.items():
        options = list(dict.fromkeys(f.union_expected for f in group if f.union_expected))
        message = f"{label(path)}: expected {' or '.join(options)}, got {group[0].got}"
        out.append(_Found(path, group[0].mark, message))
    return out


def allowed_keys(model: type[BaseModel]) -> list[str]:
    """The keys a model accepts in a file (fields filled in by the code are left out)."""
    return [info.alias or name for name, info in model.model_fields.items() if not info.exclude]


def model_at(root: type[BaseModel], path: Loc) -> type[BaseModel] | None:
    """The model class that validates the mapping at ``path``, if the path leads to one."""
    annotation: Any = root
    for element in path:
        annotation = _unwrap(annotation)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            info = annotation.model_fields.get(str(element))
            if info is None:
                return None
            annotation = info.annotation
        elif typing.get_origin(annotation) is dict:
            annotation = typing.get_args(annotation)[1]
        elif typing.get_origin(annotation) in (list, tuple, set, frozenset):
            annotation = typing.get_args(annotation)[0]
        else:
            return None
    annotation = _unwrap(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def _unwrap(annotation: Any) -> Any:
    """Strip ``Annotated[...]`` and ``X | None`` down to the one meaningful type."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            members = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(members) != 1:
                return annotation
            annotation = members[0]
        else:
            return annotation
