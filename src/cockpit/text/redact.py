"""Secrets out of every message: values that came from ``${VAR}`` and request header values.

A secret can come back in many spellings: as written, stripped of the newline a token file
ended with, inside ``repr()`` of a str or bytes (``b'Bearer eyJ...\\n'`` in an httpx error),
JSON-escaped, percent-encoded in a URL, or cut short by an excerpt (``Bearer eyJhbGc…``). Each
spelling is replaced by :data:`REDACTED`.

One process-wide redactor is installed by whoever loaded the config (the command line, each
worker process); :func:`redact` is applied by the sanitizer, so nothing painted or printed
carries a secret, and by the health runner and the cockpit's own log before anything is stored.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from urllib.parse import quote

REDACTED = "<redacted>"
MIN_SECRET = 4
"""Shorter values would garble messages and reveal little."""

_HEAD = 4


def _spellings(secret: str) -> set[str]:
    forms = {secret, secret.strip()}
    for form in list(forms):
        forms.add(repr(form)[1:-1])
        forms.add(json.dumps(form)[1:-1])
        forms.add(repr(form.encode("utf-8", "replace"))[2:-1])
        forms.add(quote(form, safe=""))
    return {form for form in forms if len(form.strip()) >= MIN_SECRET}


class Redactor:
    """Replaces every spelling of the given secrets.

    Args:
        secrets: The secret values (whole header values, tokens, passwords).
    """

    def __init__(self, secrets: Iterable[str]) -> None:
        forms: set[str] = set()
        for secret in secrets:
            forms |= _spellings(secret)
        self.forms = sorted(forms, key=len, reverse=True)
        heads = sorted({form[:_HEAD] for form in self.forms}, key=len, reverse=True)
        self._heads = re.compile("|".join(map(re.escape, heads))) if heads else None

    def __bool__(self) -> bool:
        return bool(self.forms)

    def __call__(self, text: str) -> str:
        """``text`` with every secret, whole or cut short at its end, replaced."""
        heads = self._heads
        if heads is None or heads.search(text) is None:
            return text
        for form in self.forms:
            if form in text:
                text = text.replace(form, REDACTED)
        return self._cut_short(text)

    def _cut_short(self, text: str) -> str:
        # An excerpt may end inside a secret: the prefix left before the cut (the end of the
        # text, or an ellipsis) is as good as the secret when it is long enough.
        heads = self._heads
        assert heads is not None
        pos = 0
        while (m := heads.search(text, pos)) is not None:
            start = m.start()
            end = start
            for form in self.forms:
                k = _common_prefix(text, start, form)
                stop = start + k
                if k >= MIN_SECRET and (stop == len(text) or text[stop] in "…\n'\""):
                    end = max(end, stop)
            if end > start:
                text = text[:start] + REDACTED + text[end:]
                pos = start + len(REDACTED)
            else:
                pos = start + 1
        return text


def _common_prefix(text: str, start: int, form: str) -> int:
    k = 0
    limit = min(len(form), len(text) - start)
    while k < limit and text[start + k] == form[k]:
        k += 1
    return k


_installed: list[str] = []
_active = Redactor(())


def install(secrets: Iterable[str]) -> None:
    """Add ``secrets`` to the process-wide redactor (called once the config is loaded)."""
    global _active
    _installed.extend(secrets)
    _active = Redactor(_installed)


def installed() -> tuple[str, ...]:
    """The secrets installed in this process (to hand to a worker process)."""
    return tuple(_installed)


def redact(text: str) -> str:
    """``text`` without any installed secret (as is when none is installed or none is in it)."""
    active = _active
    return active(text) if active else text
