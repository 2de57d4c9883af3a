"""Ages as panes show them."""

from __future__ import annotations

import pytest

from cockpit.text.age import format_age, format_freshness


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (-3, "0s"),
        (4.9, "4s"),
        (59, "59s"),
        (60, "1m"),
        (3599, "59m"),
        (3660, "1h01m"),
        (90000, "1d"),
    ],
)
def test_age(seconds: float, text: str) -> None:
    assert format_age(seconds) == text


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "just now"),
        (9.9, "just now"),
        (10, "10s ago"),
        (19, "10s ago"),
        (59, "50s ago"),
        (61, "1m ago"),
        (7200, "2h00m ago"),
    ],
)
def test_freshness_moves_in_steps(seconds: float, text: str) -> None:
    assert format_freshness(seconds) == text
