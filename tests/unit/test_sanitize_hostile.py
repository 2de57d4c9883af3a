"""The shared hostile corpus through the sanitizer: nothing dangerous survives, text does."""

from __future__ import annotations

import time

import pytest

from cockpit.text import sanitize, sanitize_to_text, strip_sgr
from tests.support.hostile import CASES, HostileCase, forbidden_in_text, long_line, markers_in


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_hostile_case(case: HostileCase) -> None:
    for keep_sgr in (True, False):
        out = sanitize(case.data, keep_sgr=keep_sgr)
        assert forbidden_in_text(out) == []
        assert markers_in(out) == []
        if case.visible is not None:
            assert case.visible in strip_sgr(out)
        if not keep_sgr:
            assert "\x1b" not in out
    text = sanitize_to_text(case.data)
    assert forbidden_in_text(text.plain) == []
    assert "\x1b" not in text.plain


def test_whole_corpus_as_one_string() -> None:
    blob = b"\n".join(case.data for case in CASES)
    out = sanitize(blob, max_len=0, newlines=True)
    assert forbidden_in_text(out) == []
    assert markers_in(out) == []
    assert out.count("\n") == len(CASES) - 1


def test_ten_megabyte_line_is_capped_quickly() -> None:
    data = long_line()
    start = time.perf_counter()
    out = sanitize(data)
    elapsed = time.perf_counter() - start
    assert out == "A" * 4096 + f"… [+{len(data) - 4096} chars]"
    # Bound the work, not just the result: the scan stops near the cap (decoding dominates).
    assert elapsed < 0.5, elapsed


def test_ten_megabyte_hostile_line_is_capped() -> None:
    data = b"\x1b]52;c;" + b"Q" * (10 * 1024 * 1024) + b"\x07 tail"
    out = sanitize(data)
    assert forbidden_in_text(out) == [] and "QQQ" not in out
    assert out.startswith("␛]…… [+")  # the trace of the title, then what was left out
