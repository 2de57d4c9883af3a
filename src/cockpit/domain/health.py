"""Typed health results: statuses, condition outcomes, check results and service roll-ups."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Status(StrEnum):
    """Health of one check or one service.

    Severity (worst first): DOWN, UNKNOWN, DEGRADED, STALE, UP. UNKNOWN ranks above DEGRADED
    because a service we cannot see may well be down; STALE ranks just above UP because the last
    fresh result may still hold.
    """

    UP = "UP"
    STALE = "STALE"
    DEGRADED = "DEGRADED"
    UNKNOWN = "UNKNOWN"
    DOWN = "DOWN"

    @property
    def severity(self) -> int:
        """Rank for roll-ups and sorting: higher is worse."""
        return _SEVERITY[self]


_SEVERITY = {
    Status.UP: 0,
    Status.STALE: 1,
    Status.DEGRADED: 2,
    Status.UNKNOWN: 3,
    Status.DOWN: 4,
}


def worst(statuses: list[Status]) -> Status:
    """The worst of ``statuses``; UNKNOWN when there is nothing to judge."""
    return max(statuses, key=lambda s: s.severity) if statuses else Status.UNKNOWN


@dataclass(frozen=True, slots=True)
class ConditionResult:
    """How one condition evaluated: the expression, whether it held, and the value it saw."""

    expr: str
    ok: bool
    actual: str


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a probe found, before it is stamped with service, environment and time."""

    status: Status
    reason: str
    latency_ms: float | None = None
    conditions: list[ConditionResult] = field(default_factory=list)
    detail: str = ""


@dataclass(frozen=True, slots=True)
class CheckResult:
    """One executed check.

    Attributes:
        service: Service name.
        environment: Environment name.
        check: Check name (unique within the service).
        kind: Check kind (http, tcp, ...).
        status: Raw status of this single execution (before failure/success thresholds).
        latency_ms: How long the probe took, when it got that far.
        reason: One line saying why.
        conditions: Each condition with its outcome.
        ts: Wall-clock time (epoch seconds) of completion, for display and history.
        detail: Sanitized excerpt of the response or error.
    """

    service: str
    environment: str
    check: str
    kind: str
    status: Status
    latency_ms: float | None
    reason: str
    conditions: list[ConditionResult]
    ts: float
    detail: str = ""


@dataclass(frozen=True, slots=True)
class CheckStatus:
    """The effective state of one check after thresholds and staleness.

    Attributes:
        name: Check name.
        kind: Check kind.
        status: Effective status (thresholds applied, STALE when no fresh result).
        reason: One line; mentions a pending flip (e.g. ``1/3 failures``).
        last: The latest result, if any.
        last_change: Epoch seconds when ``status`` last changed (None before the first result).
        uptime: Raw statuses of the recent results, oldest first.
        latencies: Latencies (ms) of the recent results, oldest first (None where not measured).
        stale: No fresh result for two intervals while a problem was last seen: ``status`` stays
            that problem (a DOWN never turns grey), marked stale.
        checking_since: Epoch seconds when a run still in flight past its interval began (the
            last result is kept meanwhile); None otherwise.
    """

    name: str
    kind: str
    status: Status
    reason: str
    last: CheckResult | None
    last_change: float | None
    uptime: list[Status]
    latencies: list[float | None]
    stale: bool = False
    checking_since: float | None = None


@dataclass(frozen=True, slots=True)
class ServiceStatus:
    """A service in one environment, rolled up from its checks (worst wins).

    Attributes:
        name: Service name.
        environment: Environment name.
        status: Worst effective status of its checks.
        latency_ms: Highest latency among the checks' latest results.
        reason: Reason of the worst check, prefixed with its name when there are several.
        last_change: Most recent status change among its checks.
        checks: Per-check detail.
    """

    name: str
    environment: str
    status: Status
    latency_ms: float | None
    reason: str
    last_change: float | None
    checks: list[CheckStatus]

    @property
    def stale(self) -> bool:
        """Whether the check behind the service's status has no fresh result."""
        return any(c.stale and c.status is self.status for c in self.checks)

    @property
    def checking_since(self) -> float | None:
        """When the oldest run still in flight past its interval began, if any."""
        started = [c.checking_since for c in self.checks if c.checking_since is not None]
        return min(started) if started else None

    def to_json(self) -> dict[str, object]:
        """The shape printed by ``cockpit check --json``."""
        return {
            "name": self.name,
            "environment": self.environment,
            "status": self.status.value,
            "latency_ms": _round(self.latency_ms),
            "reason": self.reason,
            "last_change": self.last_change,
            "stale": self.stale,
            "checking_since": self.checking_since,
            "checks": [_check_json(c) for c in self.checks],
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _check_json(check: CheckStatus) -> dict[str, object]:
    last = check.last
    return {
        "name": check.name,
        "kind": check.kind,
        "status": check.status.value,
        "reason": check.reason,
        "stale": check.stale,
        "checking_since": check.checking_since,
        "latency_ms": _round(last.latency_ms) if last else None,
        "ts": last.ts if last else None,
        "conditions": [
            {"expr": c.expr, "ok": c.ok, "actual": c.actual}
            for c in (last.conditions if last else [])
        ],
        "detail": last.detail if last else "",
    }


def sort_key(status: ServiceStatus) -> tuple[int, float, str, str]:
    """Worst first, then slowest, then by name."""
    return (-status.status.severity, -(status.latency_ms or 0.0), status.name, status.environment)
