"""The sanitizer against every hostile case a log line can carry."""

from __future__ import annotations

import re

import pytest

from cockpit.text import sanitize, sanitize_to_text, strip_sgr

ESC_NOT_SGR = re.compile(r"\x1b(?!\[[0-9;:]*m)")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("x\x1b]52;c;ZXZpbA==\x07y", "xy"),  # OSC 52 clipboard write
        ("x\x1b]52;c;ZXZpbA==\x1b\\y", "xy"),  # ... terminated by ST
        ("\x1b]0;owned\x07title", "title"),  # OSC 0 window title
        ("\x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\", "link"),  # OSC 8 hyperlink
        ("a\x1b[2J\x1b[Hb", "ab"),  # erase screen, cursor home
        ("q\x1b[>0q", "q"),  # XTVERSION query: the reply would arrive as key presses
        ("q\x1b[6n", "q"),  # cursor position report
        ("d\x1bP+q544e\x1b\\", "d"),  # DCS request
        ("trail\x1b]2;unterminated", "trail"),
        ("esc\x1b", "esc"),
    ],
)
def test_escape_sequences_dropped(raw: str, expected: str) -> None:
    assert sanitize(raw) == expected
    assert sanitize(raw, keep_sgr=False) == expected


def test_sgr_kept_only_when_asked() -> None:
    raw = "\x1b[1;31mERROR\x1b[0m boom"
    assert sanitize(raw) == raw
    assert sanitize(raw, keep_sgr=False) == "ERROR boom"
    assert strip_sgr(sanitize(raw)) == "ERROR boom"
    text = sanitize_to_text(raw)
    assert text.plain == "ERROR boom" and text.spans


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("over\rwrite", "over␍write"),
        ("nul\x00", "nul␀"),
        ("bell\x07", "bell␇"),
        ("bs\x08", "bs␈"),
        ("del\x7f", "del␡"),
        ("c1\x9b31m", "c1<9B>31m"),  # 8-bit CSI
        ("c1\x85", "c1<85>"),
        ("rtl\u202eevil", "rtl<U+202E>evil"),
        ("iso\u2066x\u2069", "iso<U+2066>x<U+2069>"),
        ("a\nb", "a␊b"),
        ("t\tx", "t    x"),
    ],
)
def test_controls_made_visible(raw: str, expected: str) -> None:
    assert sanitize(raw) == expected


def test_markup_is_plain_text() -> None:
    assert sanitize("[/] [bold red]x[/]") == "[/] [bold red]x[/]"
    assert sanitize_to_text("[/]").plain == "[/]"


def test_invalid_utf8_and_binary() -> None:
    out = sanitize(b"ok \xff\xfe \x00\x1b[31mred\x1b[0m")
    assert "�" in out and "␀" in out
    binary = bytes(range(256)) * 4
    cleaned = sanitize(binary, max_len=0)
    assert not ESC_NOT_SGR.search(cleaned)
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", cleaned)


def test_length_cap_with_marker() -> None:
    out = sanitize("a" * 10_000, max_len=100)
    assert out.startswith("a" * 100) and out.endswith("… [+9900 chars]")
    huge = sanitize("b" * 10_000_000, max_len=50)
    assert huge == "b" * 50 + "… [+9999950 chars]"


def test_cap_never_splits_sgr() -> None:
    raw = ("\x1b[31m" + "r" * 10 + "\x1b[0m") * 50
    out = sanitize(raw, max_len=25)
    assert strip_sgr(out).startswith("r" * 25)
    assert not ESC_NOT_SGR.search(out)
    assert "[+475 chars]" in out


def test_hostile_mix_leaves_only_sgr() -> None:
    raw = "\x1b[32mok\x1b[0m\x1b]52;c;AAAA\x07\x1b[?1049h\x1b[>c\x9b2J\r\u202e"
    out = sanitize(raw)
    assert not ESC_NOT_SGR.search(out)
    assert "\x9b" not in out and "\r" not in out and "\u202e" not in out
