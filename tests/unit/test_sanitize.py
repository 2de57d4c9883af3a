"""The sanitizer against every hostile case a log line can carry."""

from __future__ import annotations

import re

import pytest

from cockpit.text import sanitize, sanitize_to_text, strip_sgr

ESC_NOT_SGR = re.compile(r"\x1b(?!\[[0-9;]*m)")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("x\x1b]52;c;ZXZpbA==\x07y", "x␛]…y"),  # OSC 52 clipboard write: the payload goes
        ("x\x1b]52;c;ZXZpbA==\x1b\\y", "x␛]…y"),  # ... terminated by ST
        ("\x1b]0;owned\x07title", "␛]…title"),  # OSC 0 window title
        ("\x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\", "␛]…link␛]…"),  # OSC 8 hyperlink
        ("a\x1b[2J\x1b[Hb", "a␛[2J␛[Hb"),  # erase screen, cursor home: shown, inert
        ("q\x1b[>0q", "q␛[>0q"),  # XTVERSION query: the reply would arrive as key presses
        ("q\x1b[6n", "q␛[6n"),  # cursor position report
        ("m\x1b[?1000hm", "m␛[?1000hm"),  # mouse tracking on
        ("d\x1bP+q544e\x1b\\", "d␛P…"),  # DCS request
        ("a\x1b_apc\x1b\\b\x1b^pm\x1b\\c\x1bXsos\x1b\\d", "a␛_…b␛^…c␛X…d"),
        ("trail\x1b]2;unterminated", "trail␛]…"),  # a terminal would swallow the rest too
        ("reset\x1bc!", "reset␛c!"),  # two-byte escape (full reset)
        ("c1\x9b31m", "c1<U+009B>31m"),  # 8-bit CSI: a placeholder, the text after stays
        ("c1\x9d0;title\x9cok", "c1<U+009D>0;title<U+009C>ok"),  # 8-bit OSC ... ST
        ("c1\x85x", "c1<U+0085>x"),  # next line (NEL)
        ("cut\x1b[", "cut␛["),  # a sequence cut short by the end of the text
    ],
)
def test_escape_sequences_defused_with_a_trace(raw: str, expected: str) -> None:
    assert sanitize(raw) == expected
    assert sanitize(raw, keep_sgr=False) == expected


def test_sgr_kept_only_when_asked() -> None:
    raw = "\x1b[1;31mERROR\x1b[0m boom"
    assert sanitize(raw) == raw
    assert sanitize(raw, keep_sgr=False) == "ERROR boom"
    assert strip_sgr(sanitize(raw)) == "ERROR boom"
    text = sanitize_to_text(raw)
    assert text.plain == "ERROR boom"
    (span,) = text.spans
    assert (span.start, span.end) == (0, 5)
    assert span.style.bold and span.style.color.number == 1  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("\x1b[5;31mblink", "\x1b[31mblink\x1b[0m"),  # blink goes, the colour stays
        ("\x1b[8mhidden", "hidden"),  # conceal: nothing kept, no reset needed
        ("\x1b[9;1mx\x1b[0m", "\x1b[1mx\x1b[0m"),  # strike-through goes
        ("\x1b[38;5;196;6mx\x1b[0m", "\x1b[38;5;196mx\x1b[0m"),
        ("\x1b[38;2;1;2;3;25mx\x1b[0m", "\x1b[38;2;1;2;3mx\x1b[0m"),
        ("\x1b[38:2::1:2:3mx\x1b[0m", "\x1b[38:2::1:2:3mx\x1b[0m"),  # colon form
        ("\x1b[4:3mx\x1b[0m", "x\x1b[0m"),  # curly underline: not a colour
        ("\x1b[92;44;7mx\x1b[m", "\x1b[92;44;7mx\x1b[m"),
    ],
)
def test_only_colours_and_plain_attributes_survive(raw: str, expected: str) -> None:
    assert sanitize(raw) == expected
    assert sanitize(raw, keep_sgr=False) == strip_sgr(expected)


def test_open_sgr_is_closed_at_the_end() -> None:
    # Without the reset, the next line (and the stern-style prefix) would be painted too.
    assert sanitize("\x1b[41mred background") == "\x1b[41mred background\x1b[0m"
    assert sanitize("\x1b[41mred\x1b[m") == "\x1b[41mred\x1b[m"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("over\rwrite", "over␍write"),
        ("nul\x00", "nul␀"),
        ("bell\x07", "bell␇"),
        ("bs\x08", "bs␈"),
        ("del\x7f", "del␡"),
        ("esc\x1b", "esc␛"),  # a lone ESC starts nothing, so it is shown
        ("rtl\u202eevil", "rtl<U+202E>evil"),
        ("iso\u2066x\u2069", "iso<U+2066>x<U+2069>"),
        ("marks\u200e\u200f\u061c", "marks<U+200E><U+200F><U+061C>"),
        ("lines\u2028\u2029", "lines<U+2028><U+2029>"),
        ("tag\U000e0041", "tag<U+E0041>"),
        ("ERR\u200bOR", "ERR<U+200B>OR"),  # looks like ERROR, is not
        ("zw\u200c\u200d\u2060\ufeff", "zw<U+200C><U+200D><U+2060><U+FEFF>"),
        ("soft\u00adhyphen", "soft<U+00AD>hyphen"),
        ("fill\u115f\u3164\uffa0", "fill<U+115F><U+3164><U+FFA0>"),
        ("sur\ud800x", "sur\ufffdx"),
        ("a\nb", "a␊b"),
        ("t\tx", "t       x"),  # next tab stop at column 8
        ("tabs\t\tx", "tabs            x"),
        ("12345678\tx", "12345678        x"),
    ],
)
def test_controls_made_visible(raw: str, expected: str) -> None:
    assert sanitize(raw) == expected


def test_newlines_kept_when_asked_and_tab_stops_restart() -> None:
    assert sanitize("a\r\n\tb", newlines=True) == "a␍\n        b"


def test_markup_is_plain_text() -> None:
    assert sanitize("[/] [bold red]x[/]") == "[/] [bold red]x[/]"
    assert sanitize_to_text("[/] [bold]x[/bold]").plain == "[/] [bold]x[/bold]"


def test_invalid_utf8_and_binary() -> None:
    out = sanitize(b"ok \xff\xfe \x00\x1b[31mred\x1b[0m")
    assert out == "ok \ufffd\ufffd ␀\x1b[31mred\x1b[0m"
    binary = bytes(range(256)) * 4
    cleaned = sanitize(binary, max_len=0)
    assert not ESC_NOT_SGR.search(cleaned)
    assert not re.search(r"[\x00-\x08\x0a-\x1a\x1c-\x1f\x7f-\x9f]", cleaned)


def test_clean_text_is_returned_as_is() -> None:
    line = "2024-05-01T12:00:00Z INFO api GET /v1/items status=200 é 中 🙂"
    assert sanitize(line) is line
    assert sanitize(line.encode()) == line


def test_length_cap_with_marker() -> None:
    out = sanitize("a" * 10_000, max_len=100)
    assert out == "a" * 100 + "… [+9900 chars]"
    huge = sanitize("b" * 10_000_000, max_len=50)
    assert huge == "b" * 50 + "… [+9999950 chars]"
    hostile_huge = sanitize("\x1b[2J" + "c" * 10_000_000, max_len=50)
    # The trace counts as shown; what is left out is counted in input characters.
    assert hostile_huge == "␛[2J" + "c" * 46 + "… [+9999954 chars]"
    assert sanitize("x" * 100, max_len=0) == "x" * 100


def test_cap_counts_visible_characters_and_never_splits_sgr() -> None:
    raw = ("\x1b[31m" + "r" * 10 + "\x1b[0m") * 50
    out = sanitize(raw, max_len=25)
    assert strip_sgr(out) == "r" * 25 + "… [+902 chars]"
    assert out.count("\x1b[31m") == 3
    assert not ESC_NOT_SGR.search(out)
    assert "\x1b[0m… [+" in out  # colours are closed before the marker


def test_cap_does_not_split_a_replacement() -> None:
    out = sanitize("ab\u202ecd", max_len=5)
    assert out == "ab… [+3 chars]"


def test_sanitizing_twice_changes_nothing() -> None:
    samples = [
        "a" * 10_000,
        ("\x1b[31m" + "r" * 10 + "\x1b[0m") * 50,
        "x\x1b]0;t\x07\r\u202e\ty" * 600,
        "\x1b[32mopen",
    ]
    for raw in samples:
        once = sanitize(raw, max_len=100)
        assert sanitize(once, max_len=100) == once
        assert sanitize(once, max_len=4096) == once


def test_capping_capped_text_adds_up_what_was_left_out() -> None:
    once = sanitize("a" * 1000, max_len=100)
    assert sanitize(once, max_len=10) == "a" * 10 + "… [+990 chars]"


def test_hostile_mix_leaves_only_sgr() -> None:
    raw = "\x1b[32mok\x1b[0m\x1b]52;c;AAAA\x07\x1b[?1049h\x1b[>c\x9b2J\r\u202e"
    out = sanitize(raw)
    assert not ESC_NOT_SGR.search(out)
    assert "\x9b" not in out and "\r" not in out and "\u202e" not in out
    assert "AAAA" not in out
