"""Just enough shell lexing to find where commands, quotes and comments end."""

from __future__ import annotations

import re

_SPECIAL = re.compile(r"['\"\\#]")
_DQ_STOP = re.compile(r'["\\]')
_COMMENT_BEFORE = frozenset(" \t\n;&|(")


def mask(text: str, quote: str | None = None) -> tuple[str, str | None]:
    """Hide quoted text and comments behind filler characters of the same length.

    Args:
        text: Shell text, one line or several.
        quote: The quote still open from the line before (``'`` or ``"``), if any.

    Returns:
        The masked text (single-quoted content as ``_``, double-quoted as ``~``, escaped
        characters as ``_``, comments as blanks; quotes, operators and words outside quotes
        kept) and the quote still open at its end.
    """
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        if quote == "'":
            j = text.find("'", i)
            if j < 0:
                out.append("_" * (n - i))
                return "".join(out), quote
            out.append("_" * (j - i) + "'")
            i, quote = j + 1, None
            continue
        if quote == '"':
            m = _DQ_STOP.search(text, i)
            if m is None:
                out.append("~" * (n - i))
                return "".join(out), quote
            if m.group() == "\\":
                k = min(m.end() + 1, n)
                out.append("~" * (k - i))
                i = k
                continue
            out.append("~" * (m.start() - i) + '"')
            i, quote = m.end(), None
            continue
        m = _SPECIAL.search(text, i)
        if m is None:
            out.append(text[i:])
            break
        out.append(text[i : m.start()])
        c, i = m.group(), m.end()
        if c in "'\"":
            out.append(c)
            quote = c
        elif c == "\\":
            if i < n and text[i] != "\n":
                out.append("\\_")
                i += 1
            else:
                out.append("\\")
        elif m.start() == 0 or text[m.start() - 1] in _COMMENT_BEFORE:
            end = text.find("\n", m.start())
            end = n if end < 0 else end
            out.append(" " * (end - m.start()))
            i = end
        else:
            out.append("#")
    return "".join(out), quote


_OPENERS = re.compile(
    r"(?:^|(?<=[\s;&|(]))(if|case|for|while|until|select|fi|esac|done)(?=$|[\s;&|)])"
)
_CLOSERS = frozenset({"fi", "esac", "done"})
_HEREDOC = re.compile(r"<<-?\s*(['\"]?)([A-Za-z_][A-Za-z0-9_]*)\1")


def compound_depth(masked: str) -> int:
    """How many ``if``/``case``/loops a masked line opens, less those it closes."""
    depth = 0
    for m in _OPENERS.finditer(masked):
        depth += -1 if m.group(1) in _CLOSERS else 1
    return depth


def heredoc_ends(line: str, masked: str) -> list[str]:
    """The end words of here-documents a line starts (``<<EOF``, ``<<-'END'``)."""
    ends = []
    for m in _HEREDOC.finditer(line):
        if masked[m.start()] == "<":
            ends.append(m.group(2))
    return ends
