"""A corpus of hostile log lines, and checks that output carries none of their payload.

Each case is one line (no ``\\n`` inside) that a compromised or buggy program could write to a log.
``marker`` is text that lives only inside a sequence that must be dropped (a title, a clipboard
payload, a link target): it must never reach the screen. Reuse:

* sanitizer and source tests: :func:`forbidden_in_text` on each sanitized line;
* a raw-pty UI test: write :func:`hostile_log_bytes` to a followed file, capture the terminal
  stream and assert :func:`markers_in` finds nothing and :func:`hostile_sequences_in_stream` is
  empty (the app's own escape sequences are allowed there, the payloads' are not).
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class HostileCase:
    """One hostile line.

    Attributes:
        name: Short id for test output.
        data: The raw bytes of the line (no newline).
        marker: Text that must not appear in the output at all, or None.
        visible: Text that must still appear in the sanitized output, or None.
    """

    name: str
    data: bytes
    marker: str | None = None
    visible: str | None = None


def _binary_garbage(seed: int = 7, size: int = 4096) -> bytes:
    data = random.Random(seed).randbytes(size)
    return data.replace(b"\n", b"")


CASES: tuple[HostileCase, ...] = (
    HostileCase(
        "osc52-clipboard-bel",
        b"copy \x1b]52;c;Q09DS1BJVC1DTElQ\x07 done",
        "Q09DS1BJVC1DTElQ",
        "copy ␛]… done",
    ),
    HostileCase(
        "osc52-clipboard-st",
        b"copy \x1b]52;p;Q09DS1BJVC1TVA==\x1b\\ done",
        "Q09DS1BJVC1TVA==",
        "done",
    ),
    HostileCase(
        "osc0-title",
        b"\x1b]0;COCKPIT-PWNED-TITLE\x07after title",
        "COCKPIT-PWNED-TITLE",
        "after title",
    ),
    HostileCase(
        "osc2-title-unterminated",
        b"before \x1b]2;COCKPIT-OPEN-TITLE and the rest",
        "COCKPIT-OPEN-TITLE",
        "before",
    ),
    HostileCase(
        "osc8-hyperlink",
        b"\x1b]8;;https://cockpit-evil.example/x\x1b\\click me\x1b]8;;\x1b\\",
        "cockpit-evil.example",
        "click me",
    ),
    HostileCase("osc11-colour-query", b"bg \x1b]11;?\x07 query", None, "bg ␛]… query"),
    HostileCase("csi-erase-home", b"\x1b[2J\x1b[H\x1b[3Jwiped screen", None, "wiped screen"),
    HostileCase(
        "csi-cursor-moves", b"up\x1b[10A\x1b[5;5Hover\x1b[Kerase", None, "up␛[10A␛[5;5Hover␛[Kerase"
    ),
    HostileCase(
        "csi-device-queries", b"q\x1b[>0q\x1b[6n\x1b[c\x1b[>c\x1b[5n\x1b[18t|", None, "q␛[>0q␛[6n"
    ),
    HostileCase(
        "csi-private-modes", b"\x1b[?1049h\x1b[?25l\x1b[?1000h\x1b[?2004hmodes", None, "modes"
    ),
    HostileCase("dcs-xtgettcap", b"d\x1bP+q544e\x1b\\cap", "544e", "d␛P…cap"),
    HostileCase("dcs-sixel", b"\x1bPq#0;2;0;0;0#1!14~\x1b\\pic", "#0;2;0;0;0", "pic"),
    HostileCase(
        "apc-pm-sos",
        b"a\x1b_COCKPIT-APC\x1b\\b\x1b^COCKPIT-PM\x1b\\c\x1bXCOCKPIT-SOS\x1b\\d",
        "COCKPIT-",
        "a␛_…b␛^…c␛X…d",
    ),
    HostileCase("two-byte-escapes", b"\x1bc\x1b7\x1b8\x1b(0\x1b#8\x1bDesc", None, "esc"),
    HostileCase("c1-csi-utf8", "8bit \u009b2J\u009b6n csi".encode(), None, "8bit"),
    # A C1 control is shown as a placeholder and the text around it stays (inert once shown).
    HostileCase(
        "c1-osc-utf8", "\u009d0;C1-TITLE\u009c c1".encode(), None, "<U+009D>0;C1-TITLE<U+009C> c1"
    ),
    HostileCase("c1-raw-bytes", b"raw \x9b2J \x9d0;x\x9c \x85 \x90q\x9c end", None, "end"),
    HostileCase("carriage-return-overwrite", b"harmless\rEVIL OVERWRITE", None, "␍EVIL OVERWRITE"),
    HostileCase(
        "c0-controls",
        b"nul\x00bel\x07bs\x08\x08vt\x0bff\x0cso\x0esi\x0fesc\x1b",
        None,
        "nul␀bel␇bs␈␈",
    ),
    HostileCase("del", b"del\x7f\x7fete", None, "del␡␡ete"),
    HostileCase("tabs", b"col1\tcol2\t\tcol4", None, "col1    col2"),
    HostileCase(
        "bidi-override",
        (
            "invoice\u202egpj.exe and \u2066iso\u2069 \u200e\u200f\u061c \u202a\u202b\u202c\u202d"
        ).encode(),
        None,
        "invoice<U+202E>gpj.exe",
    ),
    HostileCase("line-separators", "one\u2028two\u2029three".encode(), None, "one<U+2028>two"),
    HostileCase("tag-characters", "hidden\U000e0041\U000e0042text".encode(), None, "<U+E0041>"),
    HostileCase(
        "invalid-utf8",
        b"bad \xff\xfe \xc3\x28 \xa0\xa1 \xe2\x28\xa1 \xf0\x28\x8c\xbc end",
        None,
        "end",
    ),
    HostileCase("overlong-utf8", b"slash \xc0\xaf esc \xc0\x9b csi \xe0\x80\x9b", None, "slash"),
    HostileCase("utf8-surrogate", b"sur \xed\xa0\x80 rogate", None, "rogate"),
    HostileCase(
        "rich-markup",
        b"[bold red]fake[/] [/] [link=https://x]y[/link] [@click=quit]z[/]",
        None,
        "[/]",
    ),
    HostileCase("sgr-colour-kept", b"\x1b[1;31mred alert\x1b[0m plain", None, "red alert"),
    HostileCase("sgr-unclosed", b"\x1b[41;97mstays red?", None, "stays red?"),
    HostileCase("sgr-colon-truecolor", b"\x1b[38:2::255:0:0mtruecolor", None, "truecolor"),
    HostileCase("binary-garbage", _binary_garbage(), None, None),
    # Safe as they are (the escapes are plain text), dangerous once decoded: pretty JSON (`J`)
    # must sanitize what json.loads brings back.
    HostileCase(
        "json-escaped-c1-and-bidi",
        rb'{"level": "info", "msg": "json \u009b2J\u009b6n csi \u009d0;t\u009c \u202egpj.exe"}',
        None,
        '"level"',
    ),
    HostileCase(
        "json-escaped-esc",
        rb'{"msg": "esc \u001b]0;title\u0007 \u001b[2J tags \udb40\udc41 sep \u2028 end"}',
        None,
        "end",
    ),
)
"""Every hostile case, one line each."""


def hostile_log_bytes() -> bytes:
    """The whole corpus as a log file: one case per line, each prefixed by its name."""
    return b"".join(f"[{case.name}] ".encode() + case.data + b"\n" for case in CASES)


def long_line(size: int = 10 * 1024 * 1024, fill: bytes = b"A") -> bytes:
    """A line of ``size`` bytes with no newline."""
    return fill * size


# In sanitized text: any ESC that does not start an SGR sequence, any C0 control but newline,
# DEL, C1, bidi controls, line separators, tag characters, lone surrogates.
_FORBIDDEN_TEXT = re.compile(
    "\x1b(?!\\[[0-9;:]*m)|[\x00-\x09\x0b-\x1a\x1c-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069"
    "\ud800-\udfff\U000e0000-\U000e007f]"
)


def forbidden_in_text(text: str) -> list[str]:
    """Everything in sanitized ``text`` that must not reach a terminal (empty when safe)."""
    return [repr(m.group()) for m in _FORBIDDEN_TEXT.finditer(text)]


def markers_in(output: str | bytes) -> list[str]:
    """The hostile payload markers found in ``output`` (empty when none leaked)."""
    text = output.decode("utf-8", "replace") if isinstance(output, bytes) else output
    return [case.marker for case in CASES if case.marker and case.marker in text]


# In a raw terminal stream written by the cockpit: sequences the app itself never sends.
_HOSTILE_STREAM = re.compile(
    rb"\x1b\]52;|\x1b\]0;COCKPIT|\x1b\]8;;https://cockpit-evil|\x1bP\+q|\x1b\[>0q|\x1b\[6n"
    rb"|\x1b_COCKPIT|\x1b\^COCKPIT|\x1bXCOCKPIT"
    # Any C1 control (UTF-8 encoded: the app writes nothing but UTF-8), bidi controls,
    # line/paragraph separators and tag characters.
    rb"|\xc2[\x80-\x9f]"
    rb"|\xe2\x80[\xa8-\xae]|\xe2\x81[\xa6-\xa9]|\xd8\x9c|\xf3\xa0[\x80\x81]"
)


def hostile_sequences_in_stream(stream: bytes) -> list[bytes]:
    """Hostile escape sequences from the corpus found in a raw terminal capture."""
    return [m.group() for m in _HOSTILE_STREAM.finditer(stream)]
