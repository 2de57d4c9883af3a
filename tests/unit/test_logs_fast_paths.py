"""The shortcuts taken for floods give exactly what the general rules give."""

from __future__ import annotations

import calendar
import itertools
import json
import random
import time
import unicodedata
from typing import Any

import pytest

from cockpit.sources.logs import levels, timestamps
from cockpit.sources.logs.base import MAX_LINE, LogRow
from cockpit.sources.logs.levels import DETECT_SPAN, detect_level
from cockpit.sources.logs.lines import StreamDecoder
from cockpit.text.sanitize import sanitize

STAMPS = [
    "2026-11-22T06:00:00.123Z",
    "2026-11-22T06:00:00.123456789Z",
    "2026-11-22T06:00:00Z",
    "2026-11-22t06:00:00.5z",
    "2026-11-22 06:00:00,123",
    "2026-11-22T06:00:00+02:00",
    "2026-11-22T06:00:00.250-0130",
    "[2026-11-22T06:00:00]",
    "2026-11-22T06:00:60Z",
    "2026-13-22T06:00:00Z",
]
BODIES = [
    "INFO request served",
    "WARN disk 85%",
    "ERROR payment failed",
    "level=warn msg=slow",
    "request served level=error",
    "[error] upstream timed out",
    "no error found",
    "",
]
CONTINUATIONS = ["    at com.example.Main(Main.java:12)", "\tat x", "Caused by: boom"]
JSON = [
    '{"level":"error","time":"2026-11-22T06:00:01Z","msg":"x"}',
    '{"severity":"WARNING","msg":"no time"}',
    '{"lvl":30,"ts":1795327200123}',
]


def _lines(rng: random.Random, count: int) -> list[str]:
    out = []
    for _ in range(count):
        kind = rng.random()
        if kind < 0.6:
            out.append(f"{rng.choice(STAMPS)} {rng.choice(BODIES)}".rstrip())
        elif kind < 0.75:
            out.append(rng.choice(CONTINUATIONS))
        elif kind < 0.85:
            out.append(rng.choice(JSON))
        elif kind < 0.92:
            out.append(f"E1122 06:00:0{rng.randrange(10)}.000 1 main.go:1] klog line")
        else:
            out.append(rng.choice(BODIES))
    return out


@pytest.mark.parametrize("seed", range(30))
def test_batch_decode_equals_line_by_line(seed: int) -> None:
    rng = random.Random(seed)
    lines = _lines(rng, rng.randrange(1, 60))
    raws = [line.encode() for line in lines]
    batch = StreamDecoder("app", origin="pod-1").decode(raws, 1000.0)
    one = StreamDecoder("app", origin="pod-1")
    assert batch == [one.line(raw, 1000.0) for raw in raws]


def test_batches_with_something_to_sanitize_still_are() -> None:
    raws = [b"ok line", b"tab\there", b"esc \x1b]0;title\x07 x", "caf\u00e9".encode(), b"x" * 5000]
    texts = [line.text for line in StreamDecoder("app").decode(raws, 0.0)]
    assert texts[1] == "tab     here"
    assert "\x1b" not in texts[2] and texts[2].endswith(" x")
    assert texts[3] == "caf\u00e9"
    assert texts[4].endswith("chars]") and len(texts[4]) < 4200


def _expected(stamp: str) -> float | None:
    # Independent arithmetic, not the parser: fields, fraction, zone.
    body = stamp.strip("[]")
    date, clock = body[:10], body[11:19]
    y, mo, d = (int(x) for x in date.split("-"))
    h, mi, s = (int(x) for x in clock.split(":"))
    if not (1 <= mo <= 12) or s > 60:
        return None
    rest = body[19:]
    frac = 0.0
    if rest[:1] in (".", ","):
        digits = ""
        for ch in rest[1:]:
            if not ch.isdigit():
                break
            digits += ch
        frac = int(digits) / 10 ** len(digits)
        rest = rest[1 + len(digits) :]
    fields = (y, mo, d, h, mi, 0, 0, 0)
    if rest[:1] in ("Z", "z"):
        return calendar.timegm((*fields, 0)) + s + frac
    if rest[:1] in ("+", "-"):
        hours, minutes = int(rest[1:3]), int(rest[-2:])
        offset = (hours * 3600 + minutes * 60) * (1 if rest[0] == "+" else -1)
        return calendar.timegm((*fields, 0)) + s + frac - offset
    return time.mktime((*fields, -1)) + s + frac


@pytest.mark.parametrize("stamp", STAMPS)
def test_timestamps_match_independent_arithmetic(stamp: str) -> None:
    for line in (f"{stamp} INFO x", f"{stamp} INFO x"):  # the second one may come from the cache
        found = timestamps.parse_prefix(line)
        expected = _expected(stamp)
        if expected is None:
            assert found is None
        else:
            assert found is not None and abs(found[0] - expected) < 1e-6, stamp


def test_a_cached_prefix_never_answers_for_a_different_stamp() -> None:
    # Same first 24 characters, different meaning after them.
    local = timestamps.parse_prefix("2026-11-22T06:00:00.123 INFO a")
    zoned = timestamps.parse_prefix("2026-11-22T06:00:00.123 +0200 b")
    longer = timestamps.parse_prefix("2026-11-22T06:00:00.1234Z c")
    assert local is not None and zoned is not None and longer is not None
    assert abs(local[0] - time.mktime((2026, 11, 22, 6, 0, 0, 0, 0, -1)) - 0.123) < 1e-6
    assert abs(zoned[0] - (calendar.timegm((2026, 11, 22, 4, 0, 0, 0, 0, 0)) + 0.123)) < 1e-6
    assert abs(longer[0] - (calendar.timegm((2026, 11, 22, 6, 0, 0, 0, 0, 0)) + 0.1234)) < 1e-6


@pytest.mark.parametrize(
    ("text", "start", "level"),
    [
        ("INFO request", 0, "INFO"),
        ("2026-11-22T06:00:00Z  WARN x", 20, "WARN"),
        ("ERR: x", 0, "ERROR"),
        ("INFOx y", 0, None),
        ("level=error INFO", 0, "ERROR"),
        ("INFO level=error", 0, "INFO"),
        ("E1122 06:00:00.000 x", 0, "ERROR"),
        ("info: started", 0, "INFO"),
        ("TRACE deep", 0, "DEBUG"),
    ],
)
def test_level_shortcut_agrees_with_the_pattern(text: str, start: int, level: str | None) -> None:
    assert detect_level(text, start) == level


# ---- decode: more batches against line() --------------------------------------------------------


def _one_by_one(raws: list[bytes], received: list[float], **kwargs: Any) -> list[LogRow]:
    decoder = StreamDecoder("app", **kwargs)
    return [decoder.line(raw, at) for raw, at in zip(raws, received, strict=True)]


@pytest.mark.parametrize("seed", range(10))
def test_consecutive_batches_equal_line_by_line(seed: int) -> None:
    rng = random.Random(1000 + seed)
    batches = [[line.encode() for line in _lines(rng, rng.randrange(0, 25))] for _ in range(8)]
    for batch in batches[::3]:  # a slow batch now and then: the state must carry across
        batch.insert(rng.randrange(len(batch) + 1), b"\tindented by a tab")
    decoder = StreamDecoder("app", stream="stdout", origin="c1")
    got = [line for k, batch in enumerate(batches) for line in decoder.decode(batch, 50.0 + k)]
    raws = [raw for batch in batches for raw in batch]
    received = [50.0 + k for k, batch in enumerate(batches) for _ in batch]
    assert got == _one_by_one(raws, received, stream="stdout", origin="c1")


def test_lines_at_and_past_max_len() -> None:
    raws = [b"x" * 20, b"2026-11-22T06:00:00Z ERROR", b"z" * 19, b"y" * 21]
    for batch in (raws[:3], raws, [raws[3]]):
        got = StreamDecoder("app", max_len=20).decode(batch, 1.0)
        assert got == _one_by_one(batch, [1.0] * len(batch), max_len=20)
    assert [line.text for line in StreamDecoder("app", max_len=20).decode(raws[:1], 1.0)] == [
        "x" * 20
    ]


def test_a_raw_line_holding_a_newline_stays_one_line() -> None:
    raws = [b"first", b"two\nparts", b"last"]
    got = StreamDecoder("app").decode(raws, 1.0)
    assert got == _one_by_one(raws, [1.0] * 3)  # one line each, the newline shown, not obeyed


@pytest.mark.parametrize(
    "odd",
    [
        b"tab\there",
        b"erase \x1b[2J screen",
        b"\x1b]0;title\x07 osc",
        b"del \x7f char",
        b"cr \r char",
        b"nul \x00 char",
        b"\xff\xfe not utf-8",
        "caf\u00e9 \u202e bidi".encode(),
        b"o" * (MAX_LINE + 1),
    ],
    ids=["tab", "csi", "osc", "del", "cr", "nul", "bad-utf8", "non-ascii", "too-long"],
)
def test_a_batch_with_one_line_to_sanitize_takes_the_careful_path(odd: bytes) -> None:
    raws = [b"2026-11-22T06:00:00Z INFO before", odd, b"    continuation", b"plain"]
    got = StreamDecoder("app").decode(raws, 1.0)
    assert got == _one_by_one(raws, [1.0] * 4)
    text = got[1].text
    assert text == sanitize(odd, max_len=MAX_LINE)
    assert not any(unicodedata.category(ch) == "Cc" for ch in text)
    assert "\u202e" not in text and len(text) < MAX_LINE + 40
    assert got[2].level == "INFO"  # the continuation still follows the line above it


# ---- parse_prefix: shortcut and cache against the pattern ---------------------------------------


def _by_pattern(text: str) -> tuple[float, int] | None:
    """The regex path's answer, computed here from the pattern's groups."""
    m = timestamps._PREFIX.match(text)
    if m is None:
        return None
    year, month, day, hour, minute, second = (int(m.group(i)) for i in range(1, 7))
    if not (1 <= month <= 12 and 1 <= day <= 31 and hour <= 23 and minute <= 59):
        return None
    if second > 60:
        return None
    fields = (year, month, day, hour, minute, 0)
    try:
        if m.group("z") or m.group("sign"):
            base = float(calendar.timegm((*fields, 0, 0, 0)))
        else:
            base = time.mktime((*fields, 0, 0, -1))
    except (OverflowError, ValueError):
        return None  # a year no calendar has (0000)
    if m.group("sign"):
        offset = int(m.group(10)) * 3600 + int(m.group(11)) * 60
        if offset > 24 * 3600:
            return None
        base += -offset if m.group("sign") == "+" else offset
    frac = m.group(7)
    return base + second + (int(frac) / 10 ** len(frac) if frac else 0.0), m.end()


def _differs(text: str) -> tuple[str, object, object] | None:
    """None when the parser agrees with the pattern on the time and on the stamp's extent."""
    try:
        found: object = timestamps.parse_prefix(text)
    except Exception as exc:  # reported, not raised: the comparison lists every difference
        found = exc
    expected = _by_pattern(text)
    if found is None and expected is None:
        return None
    if (
        isinstance(found, tuple)
        and expected is not None
        and abs(found[0] - expected[0]) < 1e-6  # 9-digit fractions: below a microsecond
        # The same stamp, give or take a blank or a stray `]` after it (the pattern takes
        # either; a line answered from the cache may not).
        and text[: found[1]].rstrip(" ]") == text[: expected[1]].rstrip(" ]")
    ):
        return None
    return text, found, expected


ZONES = ["", "Z", "z", "+02:00", "-0530", " +0200", " -05:30", "+00:00"]


@pytest.mark.parametrize("zone", ZONES)
def test_prefix_shortcut_and_cache_equal_the_pattern(zone: str) -> None:
    day = 10 + ZONES.index(zone)  # a date of its own: no other test warms the cache for it
    dates = [f"2026-11-{day}", f"2024-02-{day}", f"1999-12-{day}", "2026-02-30", "2026-13-01"]
    tails = ["", " INFO request served", " - WARN x", "  ERROR two", "] x", " " + "y" * 60]
    differences = []
    for date, sep, clock, frac, tail in itertools.product(
        dates,
        ["T", "t", " "],
        ["06:00:00", "23:59:59", "00:00:60"],
        ["", ".5", ",123", ".123", ".1234", ".123456", ".123456789"],
        tails,
    ):
        stamp = f"{date}{sep}{clock}{frac}{zone}"
        for line in (stamp + tail, f"[{stamp}]{tail}"):
            for _ in range(2):  # the second answer may come from the cache
                difference = _differs(line)
                if difference is not None:
                    differences.append(difference)
    assert not differences, differences[:5]


@pytest.mark.parametrize(
    "line",
    [
        "2026-11-23T06:00:00.123+05:30|main|" + "x" * 40,
        "2026-11-23T06:00:00.250Z[main-worker-thread-pool-1-thread-7] INFO x",
        "2026-11-23T06:00:00-08:00," + "field," * 10,
        "2026-11-23 06:00:00.500+01:00;" + "x" * 60,
    ],
    ids=["pipes", "space-after-48", "csv", "semicolon"],
)
def test_a_stamp_followed_by_no_space_for_long_is_read_whole(line: str) -> None:
    # Zone and fraction count whatever follows the stamp.
    assert _differs(line) is None


@pytest.mark.parametrize(
    "line", ["2026-11-24T06:00:00.123 Z INFO x", "2026-11-24 06:00:00 z x"], ids=["Z", "z"]
)
def test_a_z_after_a_blank_is_a_zone_on_every_path(line: str) -> None:
    assert _differs(line) is None


@pytest.mark.parametrize(
    "line",
    [
        "2026-11-22T0645",
        "2026-11-22T064530Z",
        "2026-11-22T06:00Z",
        "2026-11-22T06:00+02:00 x",
    ],
    ids=["basic-local", "basic-utc", "no-seconds-z", "no-seconds-offset"],
)
def test_the_shortcut_reads_no_shape_the_pattern_refuses(line: str) -> None:
    assert _differs(line) is None


@pytest.mark.parametrize(
    "line",
    ["2026-11-22T06", "2026-11-22 06", "0000-01-01T00:00:00Z x", "0000-06-01 00:00:00+01:00 x"],
    ids=["hour-only-T", "hour-only-space", "year-0-utc", "year-0-offset"],
)
def test_odd_stamps_never_raise(line: str) -> None:
    assert timestamps.parse_prefix(line) is None
    decoded = StreamDecoder("app").decode([line.encode(), b"next"], 7.0)
    assert [(d.text, d.ts) for d in decoded] == [(line, 7.0), ("next", 7.0)]
    as_json = StreamDecoder("app").line(json.dumps({"time": line, "msg": "m"}), 7.0)
    assert as_json.ts == 7.0


def test_an_hour_only_offset_means_the_same_on_every_path() -> None:
    lines = [
        "2026-11-25T06:00:00+02 x",  # the shortcut's shape
        "2026-11-25t06:00:00+02 x",  # the pattern's only
        "[2026-11-25T06:00:00+02] x",
    ]
    found = {line: timestamps.parse_prefix(line) for line in lines}
    assert len({value[0] if value else None for value in found.values()}) == 1, found


def test_an_answer_does_not_depend_on_the_lines_before_it() -> None:
    long = "2026-11-26T06:00:00.123Z|" + "x" * 40
    alone = timestamps.parse_prefix(long)
    timestamps.parse_prefix("2026-11-26T06:00:00.123Z INFO")  # the same first 24 characters
    assert timestamps.parse_prefix(long) == alone


def test_lines_sharing_24_characters_in_either_order() -> None:
    plain = "2026-11-27T06:00:00.123 INFO a"
    zoned = "2026-11-27T06:00:00.123 +0200 b"
    zulu = "2026-11-27T06:00:00.123Z INFO"
    zulu_more = "2026-11-27T06:00:00.123Z +0200 c"  # a stamp with a zone, then text
    for line in (plain, zoned, plain, zulu, zulu_more, zoned, zulu, plain, zulu_more):
        assert _differs(line) is None
    assert timestamps.parse_prefix(zulu_more) == timestamps.parse_prefix(zulu)


# ---- detect_level: shortcut against the pattern -------------------------------------------------


def _level_by_pattern(text: str, start: int = 0) -> str | None:
    head = text[start : start + DETECT_SPAN].lstrip(" ") if start else text[:DETECT_SPAN]
    m = levels._DETECT.search(head)
    return None if m is None else levels._WORDS.get(m.group(m.lastgroup or "kv").upper())


_LEVEL_TOKENS = [
    "INFO", "WARN", "ERROR", "ERR", "WARNING", "FATAL", "DEBUG", "TRACE", "NOTICE", "CRIT",
    "PANIC", "SEVERE", "ALERT", "EMERG", "CRITICAL", "INFORMATIONAL", "E", "F", "W", "I",
    "info", "error:", "warn", "[warn]", "(info)", "<error>", "[ERROR]", "INFO:", "ERROR,",
    "level=warn", "lvl:", "severity: error", '"level":"warn"', "Level: Error", "loglevel=debug",
    "E1122", "I1122", "W0101", "F0101", "06:00:00.000", "12345", "main.go:12]", "x", "no",
    "request", "-", "|", "",
]  # fmt: skip


def test_level_shortcut_equals_the_pattern_on_generated_lines() -> None:
    rng = random.Random(7)
    differences = []
    for _ in range(20_000):
        count = rng.randrange(1, 6)
        text = "".join(
            rng.choice(_LEVEL_TOKENS) + rng.choice([" ", " ", "  ", "", ":", "|"])
            for _ in range(count)
        )
        if rng.random() < 0.3:
            text = " " * rng.randrange(1, 4) + text
        if rng.random() < 0.3:
            stamp = "2026-11-22T06:00:00.123Z"
            text = stamp + rng.choice([" ", "  ", ""]) + text
            start = len(stamp)
        else:
            start = min(rng.choice([0, 0, 0, 1, 2, 5]), len(text))
        if detect_level(text, start) != _level_by_pattern(text, start):
            differences.append((text, start, detect_level(text, start)))
    assert not differences, differences[:5]


@pytest.mark.parametrize(
    ("text", "start"),
    [
        (" " * 300 + "ERROR x", 0),
        ("2026-11-22T06:00:00Z" + " " * 300 + "WARN x", 20),
    ],
    ids=["from-start", "after-stamp"],
)
def test_no_level_is_read_past_the_detect_span(text: str, start: int) -> None:
    assert detect_level(text, start) == _level_by_pattern(text, start)
