"""From raw chunks to log lines: splitting, timestamps, levels, JSON fields, inheritance."""

from __future__ import annotations

import calendar
import time

import pytest

from cockpit.sources.logs.levels import (
    detect_level,
    level_rank,
    normalise_level,
    parse_level_name,
    syslog_level,
)
from cockpit.sources.logs.lines import CutLine, LineSplitter, StreamDecoder, make_line
from cockpit.sources.logs.timestamps import parse_prefix, parse_value

T0 = calendar.timegm((2024, 5, 1, 12, 0, 0, 0, 0, 0))


def test_splitter_joins_chunks_and_drops_line_ends() -> None:
    splitter = LineSplitter()
    assert splitter.feed(b"one\r\ntw") == [b"one"]
    assert splitter.pending == 2
    assert splitter.feed(b"o\n\nthree") == [b"two", b""]
    assert splitter.flush() == [b"three"]
    assert splitter.flush() == []


def test_splitter_keeps_the_head_of_a_long_line_and_counts_the_rest() -> None:
    splitter = LineSplitter(max_line=1000)
    lines: list[bytes] = []
    for _ in range(100):  # a 100 kB line, no newline yet
        lines += splitter.feed(b"x" * 1000)
        assert splitter.pending <= 1000 and lines == []
    lines += splitter.feed(b"y\nz\n")
    assert lines == [b"x" * 1000, b"z"]
    assert isinstance(lines[0], CutLine) and lines[0].dropped == 99_001
    # Cut inside one chunk too, and flushed unterminated.
    lines = splitter.feed(b"w" * 2500 + b"\n" + b"v" * 1500)
    assert lines == [b"w" * 1000] and lines[0].dropped == 1500  # type: ignore[attr-defined]
    (tail,) = splitter.flush()
    assert tail == b"v" * 1000 and tail.dropped == 500  # type: ignore[attr-defined]


def test_a_cut_line_carries_one_honest_marker() -> None:
    decoder = StreamDecoder("app")
    (line,) = decoder.decode([CutLine(b"A" * 16384, 10 * 1024 * 1024 - 16384)], 0.0)
    assert line.text == "A" * 4096 + "… [+10.0 MiB]"
    (short,) = decoder.decode([CutLine(b"abc", 2000)], 0.0)
    assert short.text == "abc… [+2.0 KiB]"


def test_splitter_never_cuts_inside_a_utf8_character() -> None:
    splitter = LineSplitter(max_line=10)
    text = "aé" * 20  # 3 bytes per pair
    (head,) = splitter.feed(text.encode()) + splitter.flush()
    assert len(head) <= 10 and text.startswith(head.decode("utf-8"))  # decodes alone
    assert len(head) + head.dropped == len(text.encode())  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-05-01T12:00:00Z x", T0),
        ("2024-05-01T12:00:00.250Z x", T0 + 0.25),
        ("2024-05-01T12:00:00.123456789Z x", T0 + 0.123456789),
        ("2024-05-01T14:00:00+02:00 x", T0),
        ("2024-05-01T07:30:00-0430 x", T0),
        ("2024-05-01 12:00:00,500 +0000 x", T0 + 0.5),
        ("[2024-05-01T12:00:00Z] x", T0),
    ],
)
def test_rfc3339_prefix(text: str, expected: float) -> None:
    found = parse_prefix(text)
    assert found is not None
    assert found[0] == pytest.approx(expected, abs=1e-6)
    assert text[found[1] :].strip() == "x"


def test_prefix_without_zone_is_local_time() -> None:
    found = parse_prefix("2024-05-01 12:00:00 x")
    assert found is not None
    assert found[0] == time.mktime((2024, 5, 1, 12, 0, 0, 0, 0, -1))


@pytest.mark.parametrize("text", ["12:00:00 x", "2024-13-01T00:00:00Z", "hello", "", "2024-05-01"])
def test_not_a_timestamp(text: str) -> None:
    assert parse_prefix(text) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (T0, T0),
        (T0 * 1000, T0),
        (T0 * 1_000_000, T0),
        (T0 * 1_000_000_000, T0),
        ("2024-05-01T12:00:00Z", T0),
        ("soon", None),
        (True, None),
        (None, None),
    ],
)
def test_structured_time_values(value: object, expected: float | None) -> None:
    assert parse_value(value) == expected


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("2024-05-01T12:00:00Z ERROR db down", "ERROR"),
        ("INFO  started; the last run had an ERROR", "INFO"),
        ("level=warn msg=slow", "WARN"),
        ('{"level":"debug","msg":"x"}', "DEBUG"),
        ("severity: Critical", "ERROR"),
        ("E0501 12:00:00.000000       1 controller.go:1] failed", "ERROR"),
        ("W0501 12:00:00.000000       1 x.go:1] careful", "WARN"),
        ("error: could not connect", "ERROR"),
        ("[warn] upstream slow", "WARN"),
        ("2024/05/01 12:00:00 [error] 7#7: open() failed", "ERROR"),
        ("WARNING:root:disk at 91%", "WARN"),
        ("FATAL: out of memory", "ERROR"),
        ("no error was found", None),
        ("ERRORS_TOTAL=0", None),
        ("information only", None),
    ],
)
def test_level_detection(text: str, level: str | None) -> None:
    assert detect_level(text) == level


def test_level_helpers() -> None:
    assert normalise_level("Warning") == "WARN"
    assert normalise_level(50) == "ERROR" and normalise_level(30) == "INFO"
    assert normalise_level(True) is None
    assert [syslog_level(p) for p in ("0", 3, "4", "6", "7", "x")] == [
        "ERROR",
        "ERROR",
        "WARN",
        "INFO",
        "DEBUG",
        None,
    ]
    assert level_rank("ERROR") > level_rank("WARN") > level_rank("INFO") > level_rank(None)
    assert parse_level_name("warning") == "WARN"
    with pytest.raises(ValueError, match="use one of ERROR, WARN, INFO, DEBUG"):
        parse_level_name("loud")


def test_decoder_reads_time_and_level_and_sanitizes() -> None:
    decoder = StreamDecoder("app", stream="stderr", origin="pod-1")
    (line,) = decoder.decode([b"2024-05-01T12:00:00Z \x1b[31mERROR\x1b[0m boom\x1b]0;t\x07"], 5.0)
    assert line.text == "2024-05-01T12:00:00Z \x1b[31mERROR\x1b[0m boom␛]…"
    assert (line.source, line.ts, line.level, line.stream, line.origin) == (
        "app",
        T0,
        "ERROR",
        "stderr",
        "pod-1",
    )


def test_decoder_json_fields() -> None:
    decoder = StreamDecoder("api")
    line = decoder.line(b'{"time":"2024-05-01T12:00:00Z","level":"warn","msg":"ERROR-ish"}', 9.0)
    assert (line.ts, line.level) == (T0, "WARN")
    line = decoder.line(b'{"ts": 1714564800123, "severity": "ERROR"}', 9.0)
    assert (line.ts, line.level) == (pytest.approx(T0 + 0.123), "ERROR")
    line = decoder.line(b'{"level": 30, "msg": "pino"}', 9.0)
    assert line.level == "INFO"


def test_continuation_lines_inherit_time_and_level() -> None:
    decoder = StreamDecoder("app")
    lines = decoder.decode(
        [
            b"2024-05-01T12:00:00Z ERROR request failed",
            b"Traceback (most recent call last):",
            b'  File "app.py", line 1, in <module>',
            b"\tat com.example.Main(Main.java:1)",
            b"2024-05-01T12:00:01Z INFO recovered",
        ],
        99.0,
    )
    assert [line.ts for line in lines] == [T0, T0, T0, T0, T0 + 1]
    assert [line.level for line in lines] == ["ERROR", "ERROR", "ERROR", "ERROR", "INFO"]


def test_indented_lines_inherit_level_without_timestamps() -> None:
    decoder = StreamDecoder("app")
    lines = decoder.decode([b"WARN slow", b"    detail", b"next thing", b"  more"], 1.0)
    assert [line.level for line in lines] == ["WARN", "WARN", None, None]


def test_lines_without_time_use_receive_time() -> None:
    line = make_line("app", "plain text", received=123.5)
    assert line.ts == 123.5 and line.level is None
