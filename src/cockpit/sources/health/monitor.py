"""`HealthMonitor`: schedules checks for a set of environments and keeps their live state.

The TUI drives it (``start``/``stop``, ``snapshot``, the ``updates`` queue or ``on_update``);
``cockpit check`` uses :meth:`HealthMonitor.run_once`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Protocol

from cockpit.config.models import CockpitConfig
from cockpit.domain.health import CheckResult, ServiceStatus, sort_key
from cockpit.sources.health.context import DEFAULT_CONCURRENCY, ProbeContext
from cockpit.sources.health.plan import CheckJob, plan
from cockpit.sources.health.runner import execute_limited, run_round
from cockpit.sources.health.tracker import DEFAULT_HISTORY, CheckTracker, roll_up

log = logging.getLogger(__name__)

HealthUpdate = CheckResult | ServiceStatus
"""What the monitor publishes: each new result, then its service's new roll-up."""

UPDATE_QUEUE_SIZE = 1000
TICK_SECONDS = 1.0


class ResultSink(Protocol):
    """Where results are persisted (the SQLite health history)."""

    def add(self, results: list[CheckResult]) -> None:
        """Store a batch of results."""

    def recent(
        self, service: str, environment: str, check: str, limit: int, *, kind: str = ""
    ) -> list[CheckResult]:
        """The latest ``limit`` results of one check, oldest first."""


class HealthMonitor:
    """Runs the checks of the chosen environments and services and tracks their state.

    Args:
        config: The loaded configuration.
        environments: Environment names to watch (all when None).
        services: Service names to watch (all when None).
        base_dir: Directory for relative paths in the config.
        concurrency: How many checks may run at once.
        history: Size of each check's in-memory ring buffer (uptime strip, latency series).
        sink: Optional persistent history; results are written in batches once a second.
        on_update: Optional callback called (in the loop) with every update.
        jitter: Fraction of the interval by which each run is randomly shifted, so checks
            with the same interval do not fire in lock-step.

    Raises:
        UnknownName: when a named environment or service is not in the config.
    """

    def __init__(
        self,
        config: CockpitConfig,
        environments: Iterable[str] | None = None,
        services: Iterable[str] | None = None,
        *,
        base_dir: Path | None = None,
        concurrency: int = DEFAULT_CONCURRENCY,
        history: int = DEFAULT_HISTORY,
        sink: ResultSink | None = None,
        on_update: Callable[[HealthUpdate], None] | None = None,
        jitter: float = 0.1,
    ) -> None:
        self.jobs: list[CheckJob] = plan(config, environments, services)
        self.base_dir = base_dir
        self.concurrency = concurrency
        self.sink = sink
        self.on_update = on_update
        self.jitter = jitter
        self.updates: asyncio.Queue[HealthUpdate] = asyncio.Queue(maxsize=UPDATE_QUEUE_SIZE)
        self.dropped_updates = 0
        self._trackers = {job.key: CheckTracker(job, history) for job in self.jobs}
        self._groups: dict[tuple[str, str], list[CheckTracker]] = {}
        for tracker in self._trackers.values():
            key = (tracker.job.service, tracker.job.environment)
            self._groups.setdefault(key, []).append(tracker)
        self._ctx: ProbeContext | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._wake: dict[tuple[str, str, str], asyncio.Event] = {}
        self._pending: list[CheckResult] = []
        self._last_published: dict[tuple[str, str], tuple[str, bool, float | None]] = {}
        if sink is not None:
            self._seed_from(sink, history)

    def _seed_from(self, sink: ResultSink, history: int) -> None:
        for tracker in self._trackers.values():
            job = tracker.job
            try:
                tracker.seed(
                    sink.recent(job.service, job.environment, job.check, history, kind=job.kind)
                )
            except Exception:  # history is a convenience; a broken store must not stop checks
                log.warning("could not read health history", exc_info=True)
                return

    @property
    def running(self) -> bool:
        """Whether the scheduler is running."""
        return bool(self._tasks)

    async def start(self) -> None:
        """Start one scheduling task per check plus a ticker for staleness and persistence."""
        if self._tasks:
            return
        self._ctx = ProbeContext(self.base_dir, self.concurrency)
        for job in self.jobs:
            self._wake[job.key] = asyncio.Event()
            self._tasks.append(asyncio.create_task(self._loop(job), name=f"health:{job.key}"))
        self._tasks.append(asyncio.create_task(self._ticker(), name="health:ticker"))

    async def stop(self) -> None:
        """Cancel every task, flush pending history and close shared clients."""
        tasks, self._tasks = self._tasks, []
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._flush()
        if self._ctx is not None:
            await self._ctx.aclose()
            self._ctx = None

    def refresh(self, service: str | None = None) -> None:
        """Run the checks (of one service, or all) now instead of at their next due time."""
        for key, event in self._wake.items():
            if service is None or key[0] == service:
                event.set()

    async def run_once(self) -> list[ServiceStatus]:
        """Run every check once (no scheduler) and return the snapshot."""
        ctx = ProbeContext(self.base_dir, self.concurrency)
        try:
            results = await run_round(self.jobs, ctx)
        finally:
            await ctx.aclose()
        now = time.monotonic()
        for job, result in zip(self.jobs, results, strict=True):
            self._trackers[job.key].record(result, now)
        self._pending.extend(results)
        self._flush()
        return self.snapshot()

    def snapshot(self) -> list[ServiceStatus]:
        """Every (service, environment) roll-up, worst first."""
        now = time.monotonic()
        statuses = [
            roll_up(service, env, [t.status(now) for t in trackers])
            for (service, env), trackers in self._groups.items()
        ]
        return sorted(statuses, key=sort_key)

    def service_status(self, service: str, environment: str) -> ServiceStatus:
        """The current roll-up of one service in one environment."""
        now = time.monotonic()
        trackers = self._groups[(service, environment)]
        return roll_up(service, environment, [t.status(now) for t in trackers])

    async def _loop(self, job: CheckJob) -> None:
        assert self._ctx is not None
        wake = self._wake[job.key]
        # Spread the first runs a little so a large config does not fire all at once.
        await self._sleep(wake, random.uniform(0.0, min(job.interval * self.jitter, 0.5)))
        while True:
            started = time.monotonic()
            self._trackers[job.key].begin(started, time.time())
            result = await execute_limited(job, self._ctx)
            self._record(job, result)
            spread = job.interval * self.jitter
            due = started + job.interval + random.uniform(-spread / 2, spread / 2)
            await self._sleep(wake, due - time.monotonic())

    @staticmethod
    async def _sleep(wake: asyncio.Event, seconds: float) -> None:
        if seconds > 0:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wake.wait(), seconds)
        wake.clear()

    def _record(self, job: CheckJob, result: CheckResult) -> None:
        self._trackers[job.key].record(result, time.monotonic())
        self._pending.append(result)
        self._publish(result)
        self._publish(self.service_status(job.service, job.environment))

    def _publish(self, update: HealthUpdate) -> None:
        if isinstance(update, ServiceStatus):
            self._last_published[(update.name, update.environment)] = _published_state(update)
        if self.on_update is not None:
            try:
                self.on_update(update)
            except Exception:
                log.exception("health update callback failed")
        if self.updates.full():
            # The newest state matters most: drop the oldest update and count it.
            self.updates.get_nowait()
            self.dropped_updates += 1
        self.updates.put_nowait(update)

    async def _ticker(self) -> None:
        while True:
            await asyncio.sleep(TICK_SECONDS)
            self._flush()
            # Staleness and runs overdue change with time alone; publish those roll-ups too.
            for service, env in self._groups:
                status = self.service_status(service, env)
                seen = self._last_published.get((service, env))
                if seen is None or seen != _published_state(status):
                    self._publish(status)

    def _flush(self) -> None:
        if not self._pending or self.sink is None:
            self._pending.clear()
            return
        batch, self._pending = self._pending, []
        try:
            self.sink.add(batch)
        except Exception:
            log.warning("could not store %d health results", len(batch), exc_info=True)


def _published_state(status: ServiceStatus) -> tuple[str, bool, float | None]:
    # What the ticker compares to decide whether a roll-up changed with time alone (the reason
    # carries ages, which change every second; those are drawn by the screen from timestamps).
    return (status.status.value, status.stale, status.checking_since)
