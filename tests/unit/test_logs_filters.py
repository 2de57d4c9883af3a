"""Filters: any pattern is matched in linear time (RE2), plain words with re; levels; smart case."""

from __future__ import annotations

import re
import time

import pytest

from cockpit.domain.patterns import MATCH_CAP, FilterError, compile_pattern
from cockpit.sources.logs.base import LogRow
from cockpit.sources.logs.filters import LineFilter

# Patterns that backtrack for seconds to hours in Python's re on a crafted line, and that a
# filter must nevertheless run in about the time of reading the line.
HOSTILE = [
    ("(a+)+$", "a" * 40 + "!"),
    ("(a|a)*b", "a" * 40),
    (r"(\w+\s?)+$", "word " * 30 + "!"),
    ("(.*a){20}", "a" * 40),
    ("a.*b.*c.*d.*e", "a" + "b" * MATCH_CAP),
    (r"(\d+\.?)+x", "1" * 60),
]

VALID = [
    "error",
    "payment failed",
    "error.*timeout",
    r"\S+ \S+",
    r"(\d{1,3}\.){3}\d{1,3}",
    "level=(error|warn)",
    r"\bERROR\b",
    r"^\s+at ",
    r"status=5\d\d",
    "[[:alpha:]]+",
]

INVALID = [
    (r"(a)\1", "invalid escape sequence"),
    ("(?<=a)b", "invalid perl operator"),
    ("[unclosed", "missing ]"),
    ("(unclosed", "missing )"),
    ("a{1001}", "invalid repetition size"),
    ("x" * 1001, "too long"),
    ("", "empty pattern"),
]


@pytest.mark.parametrize(("pattern", "line"), HOSTILE, ids=[p for p, _ in HOSTILE])
def test_backtracking_shapes_run_in_linear_time(pattern: str, line: str) -> None:
    compiled = compile_pattern(pattern)
    start = time.perf_counter()
    for _ in range(100):
        compiled.search(line)
    assert time.perf_counter() - start < 0.5, pattern


def test_those_shapes_really_are_slow_in_plain_re() -> None:
    # Why a linear-time engine: `(a|a)*b` needs ~2**n steps in re. 20 characters show it.
    start = time.perf_counter()
    re.search("(a|a)*b", "a" * 20)
    slow = time.perf_counter() - start
    start = time.perf_counter()
    compile_pattern("(a|a)*b").search("a" * 20)
    fast = time.perf_counter() - start
    assert slow > fast * 20


@pytest.mark.parametrize("pattern", VALID)
def test_valid_patterns_match_like_re(pattern: str) -> None:
    compiled = compile_pattern(pattern)
    samples = ["an error after timeout", "10.0.0.1 up", "  at frame", "status=503", "ERROR x"]
    flags = 0 if any(c.isupper() for c in re.sub(r"\\.", "", pattern)) else re.IGNORECASE
    expected = re.compile(pattern.replace("[[:alpha:]]", "[a-zA-Z]"), flags)
    for text in samples:
        assert bool(compiled.search(text)) == bool(expected.search(text)), (pattern, text)


@pytest.mark.parametrize(("pattern", "why"), INVALID, ids=[p[:20] for p, _ in INVALID])
def test_invalid_with_a_plain_message(pattern: str, why: str) -> None:
    with pytest.raises(FilterError, match=re.escape(why)):
        compile_pattern(pattern)


def test_plain_words_are_literal() -> None:
    # No syntax: a literal search, and characters like `=` or `/` are themselves.
    assert compile_pattern("path=/api").search("GET path=/api/v1")
    assert not compile_pattern("path=/api").search("GET path=/apx")


def _line(text: str, level: str | None = None) -> LogRow:
    return LogRow("app", text, 0.0, level)


def test_smart_case() -> None:
    assert LineFilter(include="timeout").matches(_line("Read TIMEOUT"))
    assert not LineFilter(include="Timeout").matches(_line("read timeout"))
    assert LineFilter(include=r"\Stimeout").matches(_line("xTIMEOUT"))  # \S is not upper case


def test_include_all_exclude_any_and_colours_ignored() -> None:
    f = LineFilter(include=["error", "db"], exclude=["retrying", "healthz"])
    assert f.matches(_line("\x1b[31merror\x1b[0m: db down"))
    assert not f.matches(_line("error: cache down"))
    assert not f.matches(_line("error: db down, retrying"))
    assert f.apply([_line("db error"), _line("ok")]) == [_line("db error")]


def test_level_filter_counts_unlevelled_as_info() -> None:
    lines = [
        _line("a", "DEBUG"),
        _line("b", "INFO"),
        _line("c"),
        _line("d", "WARN"),
        _line("e", "ERROR"),
    ]
    assert [x.text for x in lines if LineFilter(level="info").matches(x)] == ["b", "c", "d", "e"]
    assert [x.text for x in lines if LineFilter(level="WARNING").matches(x)] == ["d", "e"]
    assert [x.text for x in lines if LineFilter(level="error").matches(x)] == ["e"]
    assert LineFilter().passes_everything and not LineFilter(level="warn").passes_everything
    with pytest.raises(FilterError, match="unknown level"):
        LineFilter(level="loud")


def test_only_the_capped_start_of_a_line_is_searched() -> None:
    f = LineFilter(include="needle")
    assert f.matches(_line("x" * (MATCH_CAP - 10) + "needle"))
    assert not f.matches(_line("x" * MATCH_CAP + "needle"))


def test_a_monstrous_program_is_refused_and_regular_expressions_are_marked_costly() -> None:
    from cockpit.domain.patterns import FilterError, compile_pattern
    from cockpit.sources.logs.filters import LineFilter

    try:
        compile_pattern(r"[\pL\pN]{20}")
    except FilterError as exc:
        assert "too complex" in str(exc) and "RE2 instructions" in str(exc)
    else:
        raise AssertionError("a 26,864-instruction program was accepted")
    assert compile_pattern(r"\pL+\d").costly  # big but fast: accepted
    assert not compile_pattern("payment failed").costly
    assert LineFilter(include="(.*a){5}").costly and not LineFilter(include="ERROR").costly
