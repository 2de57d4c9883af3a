"""Filling ``{name}`` placeholders: each value lands inside one string, never re-parsed."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from urllib.parse import quote

from cockpit.config.actions import PLACEHOLDER


def render(
    template: str,
    values: Mapping[str, str | int],
    escape: Callable[[str], str] = str,
) -> str:
    """``template`` with each ``{name}`` replaced by ``escape(value)``; ``{{``/``}}`` are braces.

    Raises:
        KeyError: A placeholder has no value (config validation prevents it for parameters).
    """

    def fill(match: re.Match[str]) -> str:
        token = match.group(0)
        if token == "{{":
            return "{"
        if token == "}}":
            return "}"
        return escape(str(values[match.group(1)]))

    return PLACEHOLDER.sub(fill, template)


def url_part(value: str) -> str:
    """A value as it may sit in a URL path or query: every reserved character encoded."""
    return quote(value, safe="")


def json_part(value: str) -> str:
    """A value as it may sit inside a JSON string."""
    return json.dumps(value)[1:-1]
