"""The shortcuts taken for floods give exactly what the general rules give."""

from __future__ import annotations

import calendar
import random
import time

import pytest

from cockpit.sources.logs import timestamps
from cockpit.sources.logs.levels import detect_level
from cockpit.sources.logs.lines import StreamDecoder

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
