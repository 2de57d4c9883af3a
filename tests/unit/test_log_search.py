"""`n` / `N`: the next or previous row holding the search term, wrapping round."""

from __future__ import annotations

import re

from cockpit.ui.widgets.log_search import Match, find_row

ROWS = [f"{'ERROR timeout' if i % 25 == 3 else 'INFO ok'} {i}" for i in range(100)]
TIMEOUT = re.compile("timeout")


def test_next_and_previous_step_through_the_matches_and_wrap() -> None:
    assert find_row(ROWS, TIMEOUT, -1, 1) == Match(3, 1, 4)
    assert find_row(ROWS, TIMEOUT, 3, 1) == Match(28, 2, 4)
    assert find_row(ROWS, TIMEOUT, 78, 1) == Match(3, 1, 4)  # past the last: the first
    assert find_row(ROWS, TIMEOUT, 3, -1) == Match(78, 4, 4)  # before the first: the last
    assert find_row(ROWS, TIMEOUT, 60, -1) == Match(53, 3, 4)


def test_a_start_off_the_rows_searches_from_the_screen_edge() -> None:
    assert find_row(ROWS, TIMEOUT, 140, -1) == Match(78, 4, 4)
    assert find_row(ROWS, TIMEOUT, 29, 1) == Match(53, 3, 4)


def test_no_match_is_none() -> None:
    assert find_row(ROWS, re.compile("nowhere"), -1, 1) is None
    assert find_row([], TIMEOUT, -1, -1) is None
