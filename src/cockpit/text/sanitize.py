"""The one sanitizer for untrusted text: log lines, command output, HTTP bodies.

Everything that came from outside passes here before it is shown, filtered, copied or audited.
The result is plain text (never markup) in which the only escape sequences left are SGR colour
codes (``ESC [ ... m``), and only when asked for. Everything else that a terminal would act on
is either dropped (escape sequences: OSC 52 clipboard writes, OSC 0 titles, OSC 8 links, cursor
moves, device queries whose replies would arrive as key presses) or made visible (``\\r``, other
C0 controls, DEL, C1 controls, bidi overrides), and lines are length-capped with a marker.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.text import Text

DEFAULT_MAX_LEN = 4096

# A complete or truncated escape sequence, in priority order:
#   CSI (ESC [ params intermediates final), OSC / DCS / SOS / PM / APC strings (terminated by BEL
#   or ST, or running to the end of the text when unterminated), two-byte escapes, a lone ESC.
_ESCAPE = re.compile(
    r"""
    \x1b\[ [\x30-\x3f]* [\x20-\x2f]* [\x40-\x7e]?      # CSI
  | \x1b[\]PX^_] .*? (?:\x07|\x1b\\|\Z)                # OSC, DCS, SOS, PM, APC
  | \x1b[\x20-\x2f]* [\x30-\x7e]                       # nF / Fp / Fe / Fs escapes
  | \x1b                                               # stray ESC
    """,
    re.VERBOSE | re.DOTALL,
)
_SGR = re.compile(r"\x1b\[[0-9;:]*m")
# Fast path: printable text with no ESC, controls, C1, bidi or tabs needs no work at all.
_NEEDS_WORK = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_MARKER = re.compile(r"… \[\+\d+ chars\]$")
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff")


def _visible_control(ch: str) -> str:
    code = ord(ch)
    if code == 0x0D:
        return "␍"
    if code < 0x20:
        return chr(0x2400 + code)  # Unicode control pictures: NUL -> ␀, BEL -> ␇ ...
    if code == 0x7F:
        return "␡"
    if ch in _BIDI:
        return f"<U+{code:04X}>"
    return f"<{code:02X}>"  # C1 controls (0x80-0x9f), including the 8-bit CSI


_TABLE: dict[int, str] = {c: _visible_control(chr(c)) for c in range(0x20)}
_TABLE.update({0x7F: "␡", 0x09: "    ", 0x0A: "␊"})
_TABLE.update({c: _visible_control(chr(c)) for c in range(0x80, 0xA0)})
_TABLE.update({ord(ch): _visible_control(ch) for ch in _BIDI})


def _controls(text: str) -> str:
    return text.translate(_TABLE)


def _cap(text: str, max_len: int) -> str:
    if max_len > 0 and len(text) > max_len:
        extra = len(text) - max_len
        return text[:max_len] + f"… [+{extra} chars]"
    return text


def sanitize(data: str | bytes, *, max_len: int = DEFAULT_MAX_LEN, keep_sgr: bool = True) -> str:
    """Make untrusted text safe to show in a terminal.

    Args:
        data: Text or raw bytes (decoded as UTF-8 with replacement characters).
        max_len: Longest result in characters before the ``… [+N chars]`` marker (0: no cap).
        keep_sgr: Keep SGR colour sequences; when False every escape sequence is dropped.

    Returns:
        One string with no escape sequence other than SGR (when kept) and no raw control
        characters; newlines inside become ``␊`` so one input line stays one output line.
    """
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    # Bound the work on a huge line before any regex runs: the cap applies anyway. The count in
    # the marker is then in raw characters, which is what the operator needs to know.
    bound = max(max_len * 8, 65536)
    if max_len > 0 and len(text) > bound:
        total = len(text)
        capped = sanitize(text[:bound], max_len=max_len, keep_sgr=keep_sgr)
        return _MARKER.sub(f"… [+{total - max_len} chars]", capped)
    if not _NEEDS_WORK.search(text):
        return _cap(text, max_len)
    if "\x1b" in text:
        if keep_sgr:
            text = _ESCAPE.sub(lambda m: m.group(0) if _SGR.fullmatch(m.group(0)) else "", text)
        else:
            text = _ESCAPE.sub("", text)
    if keep_sgr and "\x1b" in text:
        # Controls made visible everywhere except inside the kept SGR sequences.
        parts = _SGR.split(text)
        codes = _SGR.findall(text)
        rebuilt = [_controls(parts[0])]
        for code, part in zip(codes, parts[1:], strict=True):
            rebuilt.append(code)
            rebuilt.append(_controls(part))
        text = "".join(rebuilt)
        return _cap_with_sgr(text, max_len)
    return _cap(_controls(text), max_len)


def _cap_with_sgr(text: str, max_len: int) -> str:
    """Cap by visible characters, never cutting an SGR sequence in half."""
    if max_len <= 0:
        return text
    visible = len(_SGR.sub("", text))
    if visible <= max_len:
        return text
    out: list[str] = []
    count = 0
    pos = 0
    for m in _SGR.finditer(text):
        chunk = text[pos : m.start()]
        take = min(len(chunk), max_len - count)
        out.append(chunk[:take])
        count += take
        if count >= max_len:
            break
        out.append(m.group(0))
        pos = m.end()
    else:
        chunk = text[pos:]
        out.append(chunk[: max_len - count])
    return "".join(out) + f"\x1b[0m… [+{visible - max_len} chars]"


def strip_sgr(text: str) -> str:
    """Remove SGR colour sequences (e.g. before matching a filter)."""
    return _SGR.sub("", text)


def sanitize_to_text(data: str | bytes, *, max_len: int = DEFAULT_MAX_LEN) -> Text:
    """Sanitize, then turn kept colours into a Rich ``Text`` (never parsed as markup)."""
    from rich.text import Text

    return Text.from_ansi(sanitize(data, max_len=max_len, keep_sgr=True))
