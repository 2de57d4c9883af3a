"""Items that tick themselves: a bound service UP, or a bound metric within its limits.

Given what the cockpit sees now (health roll-ups and metric rows of the environment in focus),
:func:`satisfied` says which bound items hold and with what evidence; the Checklists pane ticks
those not ticked yet in the current run, as the cockpit, with that evidence.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import TYPE_CHECKING

from cockpit.domain.health import Status
from cockpit.domain.thresholds import Level
from cockpit.text.sanitize import plain
from cockpit.text.units import format_value

if TYPE_CHECKING:
    from cockpit.domain.health import ServiceStatus
    from cockpit.feeds.metric_board import MetricRow
    from cockpit.state.checklists import Checklist


def evidence_for(
    when: str, environment: str, statuses: Iterable[ServiceStatus], rows: Iterable[MetricRow]
) -> str | None:
    """The evidence that ``when`` (``service:NAME`` / ``metric:NAME``) holds now, else None."""
    kind, _, name = when.partition(":")
    if kind == "service":
        for status in statuses:
            if status.name == name and status.environment == environment:
                if status.status is not Status.UP or status.stale:
                    return None
                seen = (
                    time.strftime("%H:%M:%S UTC", time.gmtime(status.checks[0].last.ts))
                    if (status.checks and status.checks[0].last is not None)
                    else "now"
                )
                return plain(f"{name} UP at {seen}: {status.reason}", 500)
        return None
    if kind == "metric":
        mine = [row for row in rows if row.metric == name]
        if not mine or any(
            row.error is not None or row.stale or row.value is None or row.level != Level.OK
            for row in mine
        ):
            return None
        shown = ", ".join(f"{row.title} {format_value(row.value, row.unit)}" for row in mine)
        return plain(f"{shown}: within limits", 500)
    return None


def satisfied(
    checklists: Iterable[Checklist],
    environment: str,
    statuses: Iterable[ServiceStatus],
    rows: Iterable[MetricRow],
) -> list[tuple[Checklist, str, str]]:
    """``(checklist, item id, evidence)`` for every bound item whose condition holds now."""
    statuses, rows = list(statuses), list(rows)
    out = []
    for checklist in checklists:
        for item in checklist.items:
            if item.when is None:
                continue
            evidence = evidence_for(item.when, environment, statuses, rows)
            if evidence is not None:
                out.append((checklist, item.id, evidence))
    return out
