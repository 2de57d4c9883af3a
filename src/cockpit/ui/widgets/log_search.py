"""`n` / `N` in the Logs pane: the next or previous row holding the search term, wrapping round."""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from typing import NamedTuple


class Match(NamedTuple):
    """A row found, and where it stands among all the rows found."""

    row: int
    """Index of the row."""
    number: int
    """Its place among the matches, from 1."""
    total: int
    """Rows matching."""


def find_row(
    rows: Sequence[str], pattern: re.Pattern[str], start: int, direction: int
) -> Match | None:
    """The first row past ``start`` in ``direction`` (1 or -1) that ``pattern`` finds.

    Past the last match it wraps round to the first (and before the first, to the last).

    Args:
        rows: The text of every row, as shown.
        pattern: The search term, compiled.
        start: Row to search from, itself excluded (it may lie outside the rows).
        direction: 1 for the next match, -1 for the previous one.

    Returns:
        The match, or None when no row holds the term.
    """
    hits = [i for i, text in enumerate(rows) if pattern.search(text)]
    if not hits:
        return None
    if direction > 0:
        k = bisect.bisect_right(hits, start) % len(hits)
    else:
        k = (bisect.bisect_left(hits, start) - 1) % len(hits)
    return Match(hits[k], k + 1, len(hits))
