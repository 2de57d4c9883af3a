"""Parameter values checked against their declared type before anything runs.

Every value, whatever its type, is refused when it starts with ``-`` (it would read as an option
to the program it reaches), holds a control character, or is empty.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from cockpit.config.actions import ParamSpec
from cockpit.text.sanitize import plain

DNS1123 = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")
"""A DNS-1123 subdomain, the names Kubernetes gives its objects."""
MAX_VALUE = 253
_INT = re.compile(r"[0-9]{1,18}")


class ParamError(ValueError):
    """A value that cannot be used; the message names the parameter and what it accepts."""


def _show(value: str) -> str:
    return repr(plain(value, 60))


def check_value(name: str, spec: ParamSpec, value: str) -> str | int:
    """The value as the action uses it (an int for ``type: int``), or :class:`ParamError`."""
    if not value:
        raise ParamError(f"{name}: empty; {describe(spec)}")
    if value.startswith("-"):
        raise ParamError(f"{name}: {_show(value)} starts with `-`; values never do")
    if len(value) > MAX_VALUE:
        raise ParamError(f"{name}: {len(value)} characters; at most {MAX_VALUE}")
    if any(not ch.isprintable() for ch in value):
        raise ParamError(f"{name}: {_show(value)} holds a control character")
    if spec.type == "int":
        if not _INT.fullmatch(value):
            raise ParamError(f"{name}: {_show(value)} is not a whole number; {describe(spec)}")
        number = int(value)
        if (spec.min is not None and number < spec.min) or (
            spec.max is not None and number > spec.max
        ):
            raise ParamError(f"{name}: {number} is out of range; {describe(spec)}")
        return number
    if spec.type == "choice":
        if value not in (spec.choices or ()):
            raise ParamError(f"{name}: {_show(value)} is not allowed; {describe(spec)}")
        return value
    if spec.type == "name":
        if not DNS1123.fullmatch(value):
            raise ParamError(f"{name}: {_show(value)} is not a DNS-1123 name; {describe(spec)}")
        return value
    if spec.pattern is None or not re.fullmatch(spec.pattern, value):
        raise ParamError(f"{name}: {_show(value)} does not match; {describe(spec)}")
    return value


def describe(spec: ParamSpec) -> str:
    """What the parameter accepts, for messages and the form."""
    if spec.type == "int":
        low = "" if spec.min is None else f" from {spec.min}"
        high = "" if spec.max is None else f" to {spec.max}"
        return f"a whole number{low}{high}"
    if spec.type == "choice":
        return "one of " + ", ".join(spec.choices or ())
    if spec.type == "name":
        return "lower-case letters, digits, - and . (a DNS-1123 name such as web-7f9c)"
    return f"text matching {spec.pattern}"


def check_params(specs: Mapping[str, ParamSpec], given: Mapping[str, str]) -> dict[str, str | int]:
    """Every declared parameter's value (given, else its default), checked.

    Raises:
        ParamError: An unknown name, a missing value or a value its type refuses (all
            problems in one message).
    """
    problems: list[str] = []
    values: dict[str, str | int] = {}
    unknown = [n for n in given if n not in specs]
    for name in unknown:
        known = ", ".join(specs) or "none"
        problems.append(f"{plain(name, 40)}: not a parameter of this action (parameters: {known})")
    for name, spec in specs.items():
        raw = given.get(name)
        if raw is None and spec.default is not None:
            raw = str(spec.default)
        if raw is None:
            problems.append(f"{name}: missing; {describe(spec)} (--param {name}=VALUE)")
            continue
        try:
            values[name] = check_value(name, spec, raw)
        except ParamError as exc:
            problems.append(str(exc))
    if problems:
        raise ParamError("; ".join(problems))
    return values
