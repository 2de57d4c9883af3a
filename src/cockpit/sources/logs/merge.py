"""Merging lines of several sources (or pods) by time without reordering any one of them."""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from operator import attrgetter

from cockpit.sources.logs.base import LogRow

_TS = attrgetter("ts")


def merge_by_time(batch: Sequence[LogRow]) -> list[LogRow]:
    """Interleave sources by their lines' timestamps, never reordering within one source.

    A source's own order is the truth (its clock may jump, its lines may lack times); merging
    sorted runs keeps it while putting concurrent sources side by side. A run is a source and
    an origin (pod or container).
    """
    runs: dict[tuple[str, str | None], list[LogRow]] = {}
    for row in batch:
        runs.setdefault((row.source, row.origin), []).append(row)
    if len(runs) < 2:
        return list(batch)
    return list(heapq.merge(*runs.values(), key=_TS))
