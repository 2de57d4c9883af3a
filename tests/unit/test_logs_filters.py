"""Filters: safe patterns accepted, backtracking shapes refused, matching and levels."""

from __future__ import annotations

import re
import time

import pytest

from cockpit.sources.logs.base import LogLine
from cockpit.sources.logs.filters import MATCH_CAP, FilterError, LineFilter, compile_pattern
from cockpit.text.safe_regex import compile_safe

ACCEPTED = [
    "error",
    "error.*timeout",
    ".*error.*",
    r"\S+ \S+",
    r"\d+\.\d+",
    r"(\d{1,3}\.){3}\d{1,3}",
    r"(\d+\.)+",
    "(foo|bar)+",
    r"[^,]*,[^,]*,",
    "level=(error|warn)",
    r"\bERROR\b",
    r"^\s+at ",
    r"\[([^\]]*)\] \"([^\"]*)\"",
    r"\w+@\w+\.com",
    "(ab|ac)*",
    r"(?=.*a)b",
    r"status=5\d\d",
]

REFUSED = [
    ("(a+)+", "quantifier inside a repeated group"),
    ("(a*)*", "can match nothing"),
    ("(a?)*", "can match nothing"),
    (r"(\w+\s?)+$", "quantifier inside a repeated group"),
    ("(a+){2}", "quantifier inside a repeated group"),
    (r"(a{1,3}){5}", "quantifier inside a repeated group"),
    ("(.*a){20}", "quantifier inside a repeated group"),
    ("(a|a)*", "repeated alternatives"),
    ("(a|a)*b", "repeated alternatives"),
    (r"(ab|cd|a\w)+", "repeated alternatives"),
    (r"\d+\d+x", "two quantifiers in a row"),
    (".*a.*b.*c", "two quantifiers in a row"),
    ("a.*b.*c", "two quantifiers in a row"),
    (r"a.*\s*x", "two quantifiers in a row"),
    ("(x.*|y).*z", "two quantifiers in a row"),
    (r"(a)\1", "backreferences"),
    ("[unclosed", "invalid pattern"),
    ("x" * 1001, "too long"),
    ("(" * 499 + "a" + ")" * 499, "nested too deeply"),
    ("", "empty pattern"),
]

# Lines on which the refused shapes backtrack for seconds to hours in Python's re.
PATHOLOGICAL = "a" * 28 + "!"


@pytest.mark.parametrize("pattern", ACCEPTED)
def test_accepted(pattern: str) -> None:
    compiled = compile_pattern(pattern)
    # Even the worst line of the capped length costs little.
    for worst in ("a" * MATCH_CAP, "1" * MATCH_CAP, "ab" * (MATCH_CAP // 2), " " * MATCH_CAP):
        start = time.perf_counter()
        compiled.search(worst)
        assert time.perf_counter() - start < 0.5, (pattern, worst[:4])


@pytest.mark.parametrize(("pattern", "why"), REFUSED, ids=[p[:20] for p, _ in REFUSED])
def test_refused_with_a_plain_message(pattern: str, why: str) -> None:
    with pytest.raises(FilterError, match=re.escape(why)):
        compile_pattern(pattern)


def test_refused_shapes_really_are_slow_in_plain_re() -> None:
    # The reason for the check: `(a|a)*b` needs ~2**n steps. 20 characters is enough to see it.
    start = time.perf_counter()
    re.search("(a|a)*b", "a" * 20)
    slow = time.perf_counter() - start
    start = time.perf_counter()
    re.search("a*b", "a" * 20)
    fast = time.perf_counter() - start
    assert slow > fast * 20


def test_leading_and_trailing_dot_star_are_dropped_for_search() -> None:
    assert compile_safe(".*error.*").pattern == "error"
    assert compile_safe(r"x\.*").pattern == r"x\.*"  # an escaped dot stays
    assert compile_safe(".*?x").pattern == ".*?x"
    assert compile_safe(".*error.*", search=False).pattern == ".*error.*"


def _line(text: str, level: str | None = None) -> LogLine:
    return LogLine("app", text, 0.0, level)


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
