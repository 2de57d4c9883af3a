"""Per-check state: failure/success thresholds (Gatus semantics), staleness, ring buffers."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable

from cockpit.domain.health import CheckResult, CheckStatus, ServiceStatus, Status, worst
from cockpit.sources.health.plan import CheckJob

DEFAULT_HISTORY = 60
STALE_AFTER_INTERVALS = 2.0


class CheckTracker:
    """The effective status of one check.

    The first result is taken as is. After that, ``failure_threshold`` consecutive non-UP
    results are needed to leave UP and ``success_threshold`` consecutive UP results to return;
    between non-UP states (DOWN, DEGRADED, UNKNOWN) the latest result applies at once.

    Args:
        job: The check this tracks.
        history: How many recent results the ring buffer keeps.
    """

    def __init__(self, job: CheckJob, history: int = DEFAULT_HISTORY) -> None:
        self.job = job
        self.results: deque[CheckResult] = deque(maxlen=history)
        self.effective: Status | None = None
        self.effective_reason = ""
        self.last_change: float | None = None
        self.last_mono: float | None = None
        self.running_since: tuple[float, float] | None = None
        """(monotonic, epoch) start of the run in flight, if any."""
        self._fail_streak = 0
        self._ok_streak = 0

    def seed(self, results: Iterable[CheckResult]) -> None:
        """Fill the ring buffer from history (oldest first) without touching the live state."""
        for result in results:
            self.results.append(result)

    def begin(self, mono: float, ts: float) -> None:
        """A run of the check starts at monotonic time ``mono`` (epoch ``ts``)."""
        self.running_since = (mono, ts)

    def overdue(self, now_mono: float) -> bool:
        """Whether a run has been in flight for longer than the check's interval."""
        running = self.running_since
        return running is not None and now_mono - running[0] > self.job.interval

    def record(self, result: CheckResult, mono: float) -> bool:
        """Take a new result observed at monotonic time ``mono``; True if the status changed."""
        self.results.append(result)
        self.last_mono = mono
        self.running_since = None
        before = self.effective
        cfg = self.job.config
        if result.status is Status.UP:
            self._ok_streak += 1
            self._fail_streak = 0
            if before is None or before is Status.UP or self._ok_streak >= cfg.success_threshold:
                self._set(Status.UP, result)
        else:
            self._fail_streak += 1
            self._ok_streak = 0
            if (
                before is None
                or before is not Status.UP
                or self._fail_streak >= cfg.failure_threshold
            ):
                self._set(result.status, result)
        return self.effective is not before

    def _set(self, status: Status, result: CheckResult) -> None:
        if status is not self.effective:
            self.last_change = result.ts
        self.effective = status
        self.effective_reason = result.reason

    def _pending_note(self) -> str:
        cfg = self.job.config
        if self.effective is Status.UP and self._fail_streak:
            return f" (failing {self._fail_streak}/{cfg.failure_threshold})"
        if self.effective not in (None, Status.UP) and self._ok_streak:
            return f" (recovering {self._ok_streak}/{cfg.success_threshold})"
        return ""

    def status(self, now_mono: float) -> CheckStatus:
        """The check's state as of ``now_mono``.

        A run in flight past the interval keeps the last result and says since when it runs.
        Without a fresh result for two intervals (and nothing in flight) an UP turns STALE,
        while a problem stays what it was, marked stale: a DOWN never turns grey.
        """
        last = self.results[-1] if self.results and self.last_mono is not None else None
        overdue = self.overdue(now_mono)
        stale = False
        if self.effective is None or self.last_mono is None:
            status, reason = Status.UNKNOWN, "not checked yet"
        elif not overdue and now_mono - self.last_mono > STALE_AFTER_INTERVALS * self.job.interval:
            # No age in the text: it is published once and drawn for minutes; screens show
            # the age from the last result's time.
            if self.effective is Status.UP:
                status = Status.STALE
                reason = f"no fresh result (last UP: {self.effective_reason})"
            else:
                status, stale = self.effective, True
                reason = f"{self.effective_reason} (no fresh result)"
        else:
            status = self.effective
            latest = self.results[-1]
            reason = self.effective_reason
            if latest.status is not self.effective:
                reason = f"{reason}; latest {latest.status.value}: {latest.reason}"
            reason += self._pending_note()
        return CheckStatus(
            name=self.job.check,
            kind=self.job.kind,
            status=status,
            reason=reason,
            last=last,
            last_change=self.last_change,
            uptime=[r.status for r in self.results],
            latencies=[r.latency_ms for r in self.results],
            stale=stale,
            checking_since=self.running_since[1] if overdue and self.running_since else None,
        )


def roll_up(service: str, environment: str, checks: list[CheckStatus]) -> ServiceStatus:
    """A service's status from its checks: worst wins; the reason is the worst check's."""
    status = worst([c.status for c in checks])
    culprit = max(checks, key=lambda c: c.status.severity) if checks else None
    if culprit is None:
        reason = "no checks"
    elif len(checks) == 1:
        reason = culprit.reason
    elif status is Status.UP:
        reason = f"all {len(checks)} checks UP"
    else:
        reason = f"{culprit.name}: {culprit.reason}"
    latencies = [c.last.latency_ms for c in checks if c.last and c.last.latency_ms is not None]
    changes = [c.last_change for c in checks if c.last_change is not None]
    return ServiceStatus(
        name=service,
        environment=environment,
        status=status,
        latency_ms=max(latencies) if latencies else None,
        reason=reason,
        last_change=max(changes) if changes else None,
        checks=checks,
    )
