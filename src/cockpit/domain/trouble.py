"""What is wrong in an environment, in one line: counts by status and the newest problem."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from cockpit.domain.health import ServiceStatus, Status

TROUBLE = (Status.DOWN, Status.UNKNOWN, Status.DEGRADED, Status.STALE)
"""Statuses counted as trouble, worst first."""


@dataclass(frozen=True, slots=True)
class Trouble:
    """Trouble among services.

    Attributes:
        counts: How many services are in each trouble status, worst first (absent: none).
        newest: The service whose trouble began last, if any.
        total: How many services were looked at.
    """

    counts: tuple[tuple[Status, int], ...]
    newest: ServiceStatus | None
    total: int

    @property
    def worst(self) -> Status:
        """The worst status among the services (UP when none is in trouble)."""
        return self.counts[0][0] if self.counts else Status.UP

    def count(self, status: Status) -> int:
        """How many services are ``status``."""
        return dict(self.counts).get(status, 0)

    def label(self) -> str:
        """``3 DOWN · 1 DEGRADED``, or ``all N UP``, or ``no services``."""
        if not self.total:
            return "no services"
        if not self.counts:
            return f"all {self.total} UP"
        return " · ".join(f"{n} {status.value}" for status, n in self.counts)


def trouble_in(statuses: Iterable[ServiceStatus], environment: str | None = None) -> Trouble:
    """Summarize ``statuses`` (of ``environment`` only, when given)."""
    shown = [s for s in statuses if environment is None or s.environment == environment]
    counts = []
    for status in TROUBLE:
        n = sum(1 for s in shown if s.status is status)
        if n:
            counts.append((status, n))
    troubled = [s for s in shown if s.status in TROUBLE]
    newest = max(troubled, key=lambda s: s.last_change or 0.0, default=None)
    return Trouble(tuple(counts), newest, len(shown))


def by_environment(statuses: Iterable[ServiceStatus]) -> dict[str, Trouble]:
    """One summary per environment that has services."""
    grouped: dict[str, list[ServiceStatus]] = {}
    for s in statuses:
        grouped.setdefault(s.environment, []).append(s)
    return {env: trouble_in(group) for env, group in grouped.items()}


class DownWatch:
    """Remembers each service's status between snapshots to tell what changed.

    A service first seen (the cockpit just started) has not changed: the banner shows it.
    """

    def __init__(self) -> None:
        self._last: dict[tuple[str, str], Status] = {}

    def changes(self, statuses: Iterable[ServiceStatus]) -> list[tuple[ServiceStatus, Status]]:
        """Each service whose status differs from the last snapshot's, with the status before."""
        changed = []
        for s in statuses:
            key = (s.environment, s.name)
            before = self._last.get(key)
            if before is not None and before is not s.status:
                changed.append((s, before))
            self._last[key] = s.status
        return changed


def newly_down(changes: Iterable[tuple[ServiceStatus, Status]]) -> list[ServiceStatus]:
    """The services that went DOWN from UP, DEGRADED or STALE (news; from UNKNOWN it is not:
    that service was never seen working)."""
    return [
        s
        for s, before in changes
        if s.status is Status.DOWN and before in (Status.UP, Status.DEGRADED, Status.STALE)
    ]
