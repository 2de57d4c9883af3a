"""Merging lines of several sources (or pods) by time without reordering any one of them."""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from operator import itemgetter
from typing import TypeVar

Row = TypeVar("Row", bound=tuple)  # type: ignore[type-arg]

_TS = itemgetter(2)
"""A row's time: rows and :class:`~cockpit.sources.logs.base.LogLine` are (source, text, ts,...)."""


def merge_by_time(batch: Sequence[Row]) -> list[Row]:
    """Interleave sources by their lines' timestamps, never reordering within one source.

    A source's own order is the truth (its clock may jump, its lines may lack times); merging
    sorted runs keeps it while putting concurrent sources side by side. A run is a source and
    an origin (pod or container): fields 0 and 5.
    """
    runs: dict[tuple[object, object], list[Row]] = {}
    for row in batch:
        runs.setdefault((row[0], row[5]), []).append(row)
    if len(runs) < 2:
        return list(batch)
    return list(heapq.merge(*runs.values(), key=_TS))
