"""Batch filtering (one scan of the joined batch) gives exactly the line-by-line result."""

from __future__ import annotations

import random
import time

import pytest

from cockpit.domain.patterns import MATCH_CAP, compile_pattern
from cockpit.sources.logs.base import LogRow
from cockpit.sources.logs.filters import LineFilter

# Patterns whose matches can cross the line breaks of a joined batch, or that lean on line
# starts and ends, word boundaries, empty matches, case and literal text.
PATTERNS = [
    "error",
    "ERROR",
    "a b",
    r"\s",
    r"\s+\S",
    "[^z]+q",
    "(?s)r.o",
    r"\n",
    r"\bid\b",
    r"\B",
    "^INFO",
    "^",
    "$",
    r"5$",
    "x*",
    "e?",
    r"^\s*$",
    r"\Aid",
    r"\d\z",
    r"(?m)o$",
    "(?-m)^INFO",
    "(?i-m:^error)",
    "(?s-m:r.$)",
    "(error|warn).*[0-9]",
    "[[:upper:]]{3}",
    r"\pL+\d",
    "é",
    "ÉTÉ",
    "q$|^w",
    "s",
    "k",
    "ss",
    "ff",
]

WORDS = [
    "INFO",
    "error",
    "ERROR",
    "warn",
    "id",
    "5",
    "x",
    "été",
    "ÉTÉ",
    " ",
    "",
    "\t",
    "z",
    "q",
    "w",
]


def _corpus(seed: int, n: int = 300) -> list[LogRow]:
    rng = random.Random(seed)
    lines = []
    for i in range(n):
        words = [rng.choice(WORDS) for _ in range(rng.randint(0, 6))]
        text = " ".join(words) if rng.random() < 0.8 else "".join(words)
        if rng.random() < 0.1:
            text = f"\x1b[31m{text}\x1b[0m"
        lines.append(LogRow("s", text, float(i), rng.choice([None, "ERROR", "WARN", "DEBUG"])))
    return lines


def _one_by_one(f: LineFilter, batch: list[LogRow]) -> list[LogRow]:
    return [line for line in batch if f.matches(line)]


@pytest.mark.parametrize("pattern", PATTERNS)
def test_each_pattern_matches_the_same_lines_in_a_batch(pattern: str) -> None:
    compiled = compile_pattern(pattern)
    for seed in range(20):
        batch = _corpus(seed)
        texts = [line.text for line in batch]
        expected = [i for i, line in enumerate(batch) if LineFilter(include=pattern).matches(line)]
        # The joined scan, however common the pattern is in the batch ...
        assert compiled.matching(texts, dense=None) == expected, (pattern, seed)
        # ... and the choice made from a sample, through the filter.
        f = LineFilter(include=pattern)
        assert f.apply(batch) == _one_by_one(f, batch), (pattern, seed)
        g = LineFilter(exclude=pattern)
        assert g.apply(batch) == _one_by_one(g, batch), (pattern, seed)


def test_includes_excludes_and_level_together() -> None:
    rng = random.Random(7)
    for seed in range(200):
        batch = _corpus(seed, rng.randint(0, 40))
        f = LineFilter(
            include=rng.sample(PATTERNS, rng.randint(0, 2)),
            exclude=rng.sample(PATTERNS, rng.randint(0, 2)),
            level=rng.choice([None, "INFO", "WARN", "ERROR"]),
        )
        assert f.apply(batch) == _one_by_one(f, batch)


def test_lines_past_the_cap_or_holding_a_newline_fall_back_to_one_by_one() -> None:
    long_line = "a" * MATCH_CAP + " error"
    batch = [LogRow("s", t, 0.0) for t in ("error here", long_line, "no", "raw\nerror")]
    f = LineFilter(include="error")
    assert f.apply(batch) == _one_by_one(f, batch)
    assert [line.text for line in f.apply(batch)] == ["error here", "raw\nerror"]


def test_a_pattern_matching_across_every_break_still_checks_each_line() -> None:
    # `[^q]*` from the first line's end swallows the whole batch: every line is rechecked.
    pattern = compile_pattern("n[^q]*w")
    texts = ["n", "a", "nw", "b", "w"]
    assert pattern.matching(texts, dense=None) == [2]


def test_common_patterns_are_matched_line_by_line() -> None:
    # Every line matches: the sample says so, and the scan (a reported match per line) is
    # skipped. Same answer either way.
    batch = [LogRow("s", f"INFO served {i}", 0.0) for i in range(500)]
    compiled = compile_pattern("served")
    texts = [line.text for line in batch]
    assert compiled.matching(texts) == compiled.matching(texts, dense=None) == list(range(500))


def test_batches_are_faster_than_one_call_a_line() -> None:
    # The point of the batch path, measured in the same run (ratio, not a time limit).
    batch = [
        LogRow("s", f"2026-11-22T06:00:00.{i % 1000:03d}Z INFO request served id={i:09d}", 0.0)
        for i in range(20_000)
    ]
    f = LineFilter(include=r"id=\d+5$")

    def best(fn: object) -> float:
        times = []
        for _ in range(3):
            start = time.perf_counter()
            fn()  # type: ignore[operator]
            times.append(time.perf_counter() - start)
        return min(times)

    batched = best(lambda: f.apply(batch))
    single = best(lambda: _one_by_one(f, batch))
    assert f.apply(batch) == _one_by_one(f, batch)
    assert batched < single, (batched, single)
