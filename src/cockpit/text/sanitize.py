"""The one sanitizer for untrusted text: log lines, command output, HTTP bodies.

Everything that came from outside passes here before it is shown, filtered, copied or audited.
What is left after :func:`sanitize`:

* printable text, and ``\\n`` only when ``newlines=True`` (by default it becomes ``␊`` so one
  input line stays one output line);
* when ``keep_sgr``, SGR sequences (``ESC [ digits/;/: m``) reduced to colours and the plain
  attributes (bold, dim, italic, underline, reverse): blink, conceal, strike-through and the rest
  are dropped; the text is closed by a reset at the end;
* every other escape sequence is defused and leaves a trace: a CSI or two-byte escape shows as
  its text after ``␛`` (``␛[2J``, ``␛c``), so nothing around it is lost; a string sequence (OSC
  titles, OSC 8 links, OSC 52 clipboard writes, DCS, SOS/PM/APC) shows as ``␛]…`` and its payload
  is dropped; an unterminated string runs to the end of the line, as a terminal would take it;
* C1 code points (U+0080..U+009F, which a UTF-8 terminal may take for 8-bit CSI or OSC) show as
  ``<U+009B>`` and the text after them stays;
* C0 controls, ``\\r``, DEL and a lone ESC become Unicode control pictures (``\\r`` -> ``␍``,
  NUL -> ``␀``, ESC -> ``␛``); TAB expands to spaces up to the next multiple of 8 columns;
* bidi overrides, embeddings, isolates and marks (U+202A..U+202E, U+2066..U+2069, U+200E/F,
  U+061C), line/paragraph separators (U+2028/9), tag characters (invisible text,
  U+E0000..U+E007F) and invisible or zero-width characters (U+200B..U+200D, U+2060..U+2064,
  U+FEFF, U+00AD, U+034F, U+115F/U+1160, U+3164, U+FFA0, U+180E, U+17B4/5) are shown as
  ``<U+202E>``, so ``ERR<U+200B>OR`` never passes for ERROR; lone surrogates become U+FFFD;
* at most ``max_len`` visible characters, then the marker ``… [+N chars]`` where N counts the
  input characters left out.

Markup is never parsed: the result is plain text and ``[/]`` stays ``[/]``. Text with nothing to
change (the common case) costs one precompiled regex search and is returned as is. Sanitizing
sanitized text changes nothing (for the same or a larger ``max_len``).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from cockpit.text.redact import redact

if TYPE_CHECKING:  # rich is imported lazily: the CLI and the sources only need strings.
    from rich.text import Text

DEFAULT_MAX_LEN = 4096
TAB_SIZE = 8

# Code points shown as <U+XXXX>.
_SHOWN_CLASS = (
    "\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\U000e0000-\U000e007f"
    # Invisible or zero-width: they make look-alikes (ERR\u200bOR) and hide text.
    "\u00ad\u034f\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200d\u2060-\u2064\u3164\ufeff\uffa0"
)
# Everything that is not plain printable text. Text with none of these takes the fast path.
_UNSAFE = re.compile(f"[\x00-\x1f\x7f-\x9f{_SHOWN_CLASS}\ud800-\udfff]")

# One token per thing the slow path handles. Order matters: SGR before the general CSI form.
_TOKEN = re.compile(
    r"(?P<sgr>\x1b\[[0-9;:]*m)"
    # CSI: parameter bytes, intermediate bytes, a final byte (missing when the text is cut).
    r"|(?P<csi>\x1b\[[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]?)"
    # OSC, DCS, SOS, PM, APC: a string ended by BEL or ST, or by the line's end.
    r"|(?P<string>\x1b[\]PX^_][^\x07\x1b\x9c\n]*(?:\x07|\x1b\\|\x9c)?)"
    r"|(?P<esc>\x1b[\x20-\x2f]*[\x30-\x7e])"
    r"|(?P<tab>\t)"
    r"|(?P<nl>\n)"
    r"|(?P<c0>[\x00-\x1f\x7f])"
    rf"|(?P<shown>[\x80-\x9f{_SHOWN_CLASS}])"
    r"|(?P<surrogate>[\ud800-\udfff])"
)

_SGR = re.compile(r"\x1b\[[0-9;:]*m")
_RESETS = frozenset({"\x1b[0m", "\x1b[m"})
_RESET = "\x1b[0m"
_MARKER = re.compile(r"… \[\+(\d+) chars\]")
_MARKER_END = " chars]"
_MARKER_START = "… [+"


# SGR parameters kept: reset, bold, dim, italic, underline, reverse, their resets, colours.
_PLAIN_SGR = frozenset({0, 1, 2, 3, 4, 7, 22, 23, 24, 27, 39, 49, 59})
_EXTENDED_COLOUR = frozenset({38, 48, 58})


def _safe_sgr(token: str) -> str:
    """An SGR sequence with only colours and plain attributes ('' when nothing is left)."""
    params = token[2:-1]
    if not params or params in ("0", "1", "2", "22", "39", "49"):
        return token  # the common resets and bolds: nothing to check
    kept: list[str] = []
    parts = params.split(";")
    i = 0
    while i < len(parts):
        part = parts[i]
        i += 1
        head = part.split(":", 1)[0]
        code = int(head) if head.isdigit() else 0 if head == "" else -1
        if ":" in part:
            if code in _EXTENDED_COLOUR:
                kept.append(part)
            continue
        if code in _EXTENDED_COLOUR:
            # 38;5;N or 38;2;R;G;B: the mode says how many parameters follow.
            mode = parts[i] if i < len(parts) else ""
            take = 2 if mode == "5" else 4 if mode == "2" else 1
            kept.extend([part, *parts[i : i + take]])
            i += take
        elif (
            code in _PLAIN_SGR
            or 30 <= code <= 37
            or 40 <= code <= 47
            or 90 <= code <= 97
            or 100 <= code <= 107
        ):
            kept.append(part)
    if not kept:
        return ""
    return "\x1b[" + ";".join(kept) + "m"


def _marker(dropped: int) -> str:
    return f"… [+{dropped} chars]"


def _picture(ch: str) -> str:
    code = ord(ch)
    return "\u2421" if code == 0x7F else chr(0x2400 + code)


def sanitize(
    data: str | bytes,
    *,
    max_len: int = DEFAULT_MAX_LEN,
    keep_sgr: bool = True,
    newlines: bool = False,
) -> str:
    """Make untrusted text safe to show in a terminal or a widget.

    Args:
        data: Text or raw bytes (decoded as UTF-8, invalid sequences become U+FFFD).
        max_len: Most visible characters kept before the ``… [+N chars]`` marker (0: no cap).
        keep_sgr: Keep SGR colour sequences; when False every escape sequence is dropped.
        newlines: Keep ``\\n`` as a line break (multi-line bodies); else it shows as ``␊``.

    Returns:
        Plain text (never markup) with no escape sequence other than SGR (when kept) and no raw
        control, C1 or bidi character.
    """
    text = redact(data.decode("utf-8", "replace") if isinstance(data, bytes) else data)
    if text.endswith(_MARKER_END):
        # Already capped (sanitized text, or text that only looks like it: both are plain):
        # sanitize what comes before the marker and keep counting what was left out.
        start = text.rfind(_MARKER_START)
        m = _MARKER.fullmatch(text, start) if start >= 0 else None
        if m is not None:
            return _add_dropped(_sanitize(text[:start], max_len, keep_sgr, newlines), int(m[1]))
    return _sanitize(text, max_len, keep_sgr, newlines)


def _sanitize(text: str, max_len: int, keep_sgr: bool, newlines: bool) -> str:
    if _UNSAFE.search(text) is None:
        if max_len <= 0 or len(text) <= max_len:
            return text
        return text[:max_len] + _marker(len(text) - max_len)
    return _slow(text, max_len, keep_sgr, newlines)


def _add_dropped(out: str, dropped: int) -> str:
    if out.endswith(_MARKER_END):
        start = out.rfind(_MARKER_START)
        m = _MARKER.fullmatch(out, start) if start >= 0 else None
        if m is not None:
            return out[:start] + _marker(int(m[1]) + dropped)
    return out + _marker(dropped)


def _slow(text: str, max_len: int, keep_sgr: bool, newlines: bool) -> str:
    total = len(text)
    capped = max_len > 0
    # Only a bounded prefix is scanned, so a 10 MB string costs about as much as a long line.
    # The slack covers escape sequences, which take input but show nothing.
    limit = max_len * 4 + 256
    window = text[:limit] if capped and total > limit else text
    out: list[str] = []
    width = 0  # visible characters written
    col = 0  # column since the last line break, for tab stops
    pos = 0
    sgr_open = False
    cut: int | None = None  # input index where the output stops

    for m in _TOKEN.finditer(window):
        start = m.start()
        if start > pos:
            chunk = window[pos:start]
            if capped and width + len(chunk) > max_len:
                room = max_len - width
                out.append(chunk[:room])
                cut = pos + room
                break
            out.append(chunk)
            width += len(chunk)
            col += len(chunk)
        kind = m.lastgroup
        token = m.group()
        shown = ""
        if kind == "sgr":
            if keep_sgr:
                token = _safe_sgr(token)
                if token:
                    out.append(token)
                    sgr_open = token not in _RESETS
        elif kind == "tab":
            shown = " " * (TAB_SIZE - col % TAB_SIZE)
        elif kind == "nl":
            if newlines:
                out.append("\n")
                col = 0
            else:
                shown = "\u240a"
        elif kind == "c0":
            shown = _picture(token)
        elif kind == "shown":
            shown = f"<U+{ord(token):04X}>"
        elif kind == "surrogate":
            shown = "\ufffd"
        elif kind == "string":
            shown = "\u241b" + token[1] + "…"  # the payload (a title, a clipboard write) goes
        else:  # csi, esc: inert once ESC is a picture, and the reader sees what was there
            shown = "\u241b" + token[1:]
        if shown:
            if capped and width + len(shown) > max_len:
                cut = start
                break
            out.append(shown)
            width += len(shown)
            col += len(shown)
        pos = m.end()
    else:
        if pos < len(window):
            chunk = window[pos:]
            if capped and width + len(chunk) > max_len:
                room = max_len - width
                out.append(chunk[:room])
                cut = pos + room
            else:
                out.append(chunk)
        if cut is None and len(window) < total:
            cut = len(window)

    if sgr_open:
        out.append(_RESET)
    if cut is not None:
        out.append(_marker(total - cut))
    return "".join(out)


EXCERPT_LEN = 400


def excerpt(data: str | bytes, max_len: int = EXCERPT_LEN) -> str:
    """Untrusted text (a body, command output, an error) made safe for display, on one line.

    Line breaks become blanks (a multi-line message reads as one sentence, not with ␊ marks);
    every other control character is still made visible by the sanitizer.
    """
    if isinstance(data, bytes):
        data = data.replace(b"\r\n", b" ").replace(b"\n", b" ")
    else:
        data = data.replace("\r\n", " ").replace("\n", " ")
    text = sanitize(data, max_len=max_len, keep_sgr=False)
    return " ".join(text.split())


def plain(data: str | bytes, max_len: int = 300) -> str:
    """One line of untrusted text with no escape sequence at all: names, reasons, labels.

    Args:
        data: Text from outside (a config string, an error message, a process name, a note).
        max_len: Most visible characters before the ``… [+N chars]`` marker (0: no cap).
    """
    return sanitize(data, max_len=max_len, keep_sgr=False)


def strip_sgr(text: str) -> str:
    """Remove SGR colour sequences (e.g. before matching a filter or copying)."""
    if "\x1b" not in text:
        return text
    return _SGR.sub("", text)


def sanitize_to_text(data: str | bytes, *, max_len: int = DEFAULT_MAX_LEN) -> Text:
    """Sanitize, then turn the kept colours into a Rich ``Text`` (never parsed as markup).

    The Text comes from ``Text.from_ansi`` on the already-sanitized string, so nothing but
    styles can come out of escape sequences.
    """
    from rich.text import Text

    return Text.from_ansi(sanitize(data, max_len=max_len, keep_sgr=True))
