"""Token-like secrets out of command output: what looks like a credential, whoever printed it.

Configured secrets are removed by :mod:`cockpit.text.redact`; this catches the ones the config
never saw: a bearer token echoed by curl, a JWT, a cloud access key, ``password=...`` in a
connection string.
"""

from __future__ import annotations

import re

from cockpit.text.redact import REDACTED, redact

_PATTERNS = (
    # Authorization headers and bearer tokens, whatever the scheme's case.
    re.compile(r"(?i)\b(bearer|basic|token)(\s+)[A-Za-z0-9._~+/=-]{8,}"),
    # JSON Web Tokens.
    re.compile(r"\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}"),
    # AWS access key ids, GitHub and Slack tokens.
    re.compile(r"\b(AKIA|ASIA)[0-9A-Z]{16}\b"),
    re.compile(r"\bgh[pousr]_[A-Za-z0-9]{30,}\b"),
    re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}\b"),
    # key=value and key: value pairs whose key names a secret.
    re.compile(
        r"(?i)\b([a-z0-9_.-]*(?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|"
        r"client[_-]?secret|sig|signature)[a-z0-9_.-]*)(\s*[=:]\s*[\"']?)([^\s\"'&,;]{3,})"
    ),
    # Credentials inside URLs: scheme://user:password@host
    re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://[^\s:/@]+:)([^\s@/]{1,})(@)"),
)


def redact_tokens(text: str) -> str:
    """``text`` with every configured secret and every token-like one replaced by
    :data:`REDACTED`."""
    text = redact(text)
    bearer, jwt, aws, github, slack, pairs, url = _PATTERNS
    text = bearer.sub(lambda m: f"{m.group(1)}{m.group(2)}{REDACTED}", text)
    for plain_token in (jwt, aws, github, slack):
        text = plain_token.sub(REDACTED, text)
    text = pairs.sub(lambda m: f"{m.group(1)}{m.group(2)}{REDACTED}", text)
    return url.sub(lambda m: f"{m.group(1)}{REDACTED}{m.group(3)}", text)
