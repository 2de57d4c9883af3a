"""Log levels: ERROR / WARN / INFO / DEBUG, detected from text, JSON fields or syslog priorities."""

from __future__ import annotations

import re

LEVELS = ("DEBUG", "INFO", "WARN", "ERROR")
"""Known levels, least severe first."""
_RANK = {name: index for index, name in enumerate(LEVELS)}

_WORDS = {
    "FATAL": "ERROR",
    "CRITICAL": "ERROR",
    "CRIT": "ERROR",
    "PANIC": "ERROR",
    "EMERG": "ERROR",
    "EMERGENCY": "ERROR",
    "ALERT": "ERROR",
    "SEVERE": "ERROR",
    "ERROR": "ERROR",
    "ERR": "ERROR",
    "E": "ERROR",
    "F": "ERROR",
    "WARNING": "WARN",
    "WARN": "WARN",
    "W": "WARN",
    "NOTICE": "INFO",
    "INFO": "INFO",
    "INFORMATION": "INFO",
    "INFORMATIONAL": "INFO",
    "I": "INFO",
    "DEBUG": "DEBUG",
    "TRACE": "DEBUG",
    "VERBOSE": "DEBUG",
    "D": "DEBUG",
}

# Scanned over the first characters of a line (after its timestamp), earliest match wins:
#   level=error / "level":"warn" / severity: INFO   (logfmt, JSON-ish, key: value)
#   E0102 15:04:05.000  (klog, the format of Kubernetes components)
#   ERROR, WARN ...     (upper-case words: most frameworks)
#   error: ..., [warn]  (lower-case only at the very start or in brackets, so prose is not read
#                        as a level: "no error found" stays unlevelled)
#   Traceback (most recent call last), Out of memory, OOMKilled, panic:, Segmentation fault,
#   Exception in thread, fatal error:   (crashes that carry no level word: ERROR)
_DETECT = re.compile(
    r"(?i:\b(?:level|lvl|severity|loglevel|levelname)[\"']?\s*[=:]\s*[\"']?)(?P<kv>[A-Za-z]+)"
    r"|\A(?P<klog>[IWEF])\d{4} \d\d:\d\d:\d\d"
    r"|\b(?P<word>FATAL|CRITICAL|CRIT|PANIC|EMERG|ALERT|SEVERE|ERROR|ERR|WARNING|WARN|NOTICE|INFO"
    r"|DEBUG|TRACE)\b"
    r"|\A[\[(<]?(?P<lead>(?i:fatal|critical|error|warning|warn|notice|info|debug|trace))\b"
    r"|\[(?P<bracket>(?i:emerg|alert|crit|error|warn|warning|notice|info|debug))\]"
    r"|(?P<crash>Traceback \(most recent call last\)|\bOut of memory\b|\bOOMKilled\b"
    r"|\Apanic: |\bSegmentation fault\b|\AException in thread |\bfatal error: )"
)
_UPPER_WORDS = {
    word: _WORDS[word]
    for word in [
        "FATAL",
        "CRITICAL",
        "CRIT",
        "PANIC",
        "EMERG",
        "ALERT",
        "SEVERE",
        "ERROR",
        "ERR",
        "WARNING",
        "WARN",
        "NOTICE",
        "INFO",
        "DEBUG",
        "TRACE",
    ]
}
"""The `word` alternative of the pattern, for the common case of a line led by its level."""
DETECT_SPAN = 256
"""How many characters at the start of a line are searched for a level."""

# Numeric levels of pino/bunyan (10 trace .. 60 fatal).
_NUMERIC = ((50, "ERROR"), (40, "WARN"), (30, "INFO"), (0, "DEBUG"))


def normalise_level(value: object) -> str | None:
    """Map a level value from a structured log (word in any case, or a pino number) to a level."""
    if isinstance(value, str):
        return _WORDS.get(value.strip().upper())
    if isinstance(value, int) and not isinstance(value, bool) and value >= 10:
        return next(level for floor, level in _NUMERIC if value >= floor)
    return None


def syslog_level(priority: object) -> str | None:
    """Map a syslog/journald priority (0 emerg .. 7 debug, as int or string) to a level."""
    try:
        p = int(priority)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return None
    if 0 <= p <= 3:
        return "ERROR"
    if p == 4:
        return "WARN"
    if p in (5, 6):
        return "INFO"
    return "DEBUG" if p == 7 else None


def detect_level(text: str, start: int = 0) -> str | None:
    """Level named near the start of ``text`` (from index ``start``, e.g. after a timestamp)."""
    # `INFO request served ...` (after any timestamp): the pattern would match that first word
    # before anything else, so a dictionary look-up answers for it.
    first = start
    while text[first : first + 1] == " ":
        first += 1
    space = text.find(" ", first, min(first + 10, start + DETECT_SPAN + 1))
    if space > first:
        level = _UPPER_WORDS.get(text[first:space])
        if level is not None:
            return level
    head = text[start : start + DETECT_SPAN].lstrip(" ") if start else text[:DETECT_SPAN]
    m = _DETECT.search(head)
    if m is None:
        return None
    if m.lastgroup == "crash":
        return "ERROR"
    word = m.group(m.lastgroup or "kv")
    return _WORDS.get(word.upper())


def level_rank(level: str | None) -> int:
    """Order of a level (DEBUG 0 .. ERROR 3); -1 for no level."""
    return _RANK.get(level, -1) if level is not None else -1


def parse_level_name(name: str) -> str:
    """A level as a user writes it (``error``, ``warning``, ``W``) -> ERROR/WARN/INFO/DEBUG.

    Raises:
        ValueError: naming the accepted levels.
    """
    level = _WORDS.get(name.strip().upper())
    if level is None:
        raise ValueError(f"unknown level {name!r}: use one of {', '.join(reversed(LEVELS))}")
    return level
