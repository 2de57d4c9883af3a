"""Inline Markdown reduced to plain text, and headings saved in the wrong encoding repaired."""

from __future__ import annotations

import re
import unicodedata

# Each pattern stops at the first character that cannot belong to its match, so a long line
# of stray ``**`` or ``[a](`` costs linear time, not quadratic.
_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"!\[([^\]]*)\]\([^()\s]*(?:\s+\"[^\"]*\")?\)"), r"\1"),
    (re.compile(r"\[([^\]]+)\]\([^()\s]*(?:\s+\"[^\"]*\")?\)"), r"\1"),
    (re.compile(r"\[([^\]]+)\]\[[^\]]*\]"), r"\1"),
    (re.compile(r"(`+)([^`]+?)\1"), r"\2"),
    (re.compile(r"(\*\*|__)(?=\S)([^*_]+?)(?<=\S)\1"), r"\2"),
    (re.compile(r"(?<![\w*])\*(?=\S)([^*]+?)(?<=\S)\*(?!\*)"), r"\1"),
    (re.compile(r"(?<![\w_])_(?=\S)([^_]+?)(?<=\S)_(?!\w)"), r"\1"),
    (re.compile(r"~~([^~]+?)~~"), r"\1"),
    (
        re.compile(
            r"</?(?:a|b|i|u|s|em|strong|code|kbd|span|div|p|br|sup|sub|del|ins|mark|small|img"
            r"|details|summary)\b[^<>]*>",
            re.IGNORECASE,
        ),
        "",
    ),
    (re.compile(r"\\([!-/:-@\[-`{-~])"), r"\1"),
)
_MARKUP = re.compile(r"[`*_\[\]<>\\~!]")


def plain_text(markdown: str) -> str:
    """One line of inline Markdown as the reader sees it: no emphasis, links as their text."""
    text = repair_mojibake(markdown)
    if _MARKUP.search(text) is not None:
        for pattern, repl in _RULES:
            text = pattern.sub(repl, text)
    return " ".join(text.split())


# U+0080..U+00FF and the characters cp1252 puts at 0x80..0x9F: what UTF-8 bytes become when
# read as cp1252 or Latin-1.
_CP1252 = {
    ch: b
    for b in range(0x80, 0xA0)
    for ch in [bytes([b]).decode("cp1252", errors="replace")]
    if ch != "\ufffd"
}
_SUSPECT = re.compile("[\u00c2-\u00f4][\u0080-\u00bf" + "".join(_CP1252) + "]")


def repair_mojibake(text: str) -> str:
    """Undo UTF-8 that was decoded as cp1252 or Latin-1 (``ðŸ“‹ Daily`` -> ``📋 Daily``).

    Text that does not look mis-encoded, or does not decode as UTF-8 once re-encoded, is
    returned unchanged, so correct accented text (``Café``) stays as it is.
    """
    if _SUSPECT.search(text) is None:
        return text
    raw = bytearray()
    for ch in text:
        code = ord(ch)
        if code < 0x100:
            raw.append(code)
        elif ch in _CP1252:
            raw.append(_CP1252[ch])
        else:
            return text
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return text


_DECORATION = frozenset({"So", "Sk", "Cf", "Mn", "Me", "Zs", "Co", "Cn", "Cs"})


def heading_text(markdown: str) -> str:
    """A heading as a name: encoding repaired, plain text, leading emoji and symbols dropped."""
    text = plain_text(markdown)
    i = 0
    while i < len(text) and (unicodedata.category(text[i]) in _DECORATION or text[i] == "\ufffd"):
        i += 1
    return text[i:].strip() or text
