"""Ages as panes show them."""

from __future__ import annotations

import pytest

from cockpit.text.age import format_age, format_freshness, format_late


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


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (-5, "0m"),
        (59, "0m"),
        (60, "1m"),
        (3599, "59m"),
        (3600, "1h"),
        (86399, "23h"),
        (2 * 86400, "2d"),
    ],
)
def test_late_moves_in_whole_units(seconds: float, text: str) -> None:
    assert format_late(seconds) == text
