"""Reads the metrics of one environment, each on its own interval, and reports what came back.

Used by the metrics worker process (for the TUI) and by ``cockpit metrics`` (once, or watching).
A failing or slow backend costs only its own metric: every read has a timeout, and its reason
is reported in place of values.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from cockpit.sources.health.context import ProbeContext
from cockpit.sources.health.describe import describe_error
from cockpit.sources.metrics.reading import MetricError, Reading, backfiller_for, reader_for
from cockpit.text.sanitize import excerpt

if TYPE_CHECKING:
    from cockpit.config.environments import Environment
    from cockpit.config.metrics import MetricConfig
    from cockpit.state.health_history import HealthHistory

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 10.0
"""Seconds a read may take when its kind names no timeout."""


class MetricContext(ProbeContext):
    """A :class:`ProbeContext` that also lends the health history to derived metrics."""

    def __init__(
        self,
        base_dir: Path | None = None,
        concurrency: int = 16,
        health_history: HealthHistory | None = None,
    ) -> None:
        super().__init__(base_dir, concurrency)
        self.health_history = health_history


@dataclass(frozen=True, slots=True)
class PollResult:
    """What one read of one metric gave.

    Attributes:
        metric: The metric's name.
        points: ``(series, ts, value)`` with the config's ``scale`` applied.
        error: Why there are no points, when the read failed.
        at: When the read ended (seconds since the epoch).
        backfill: True when the points are history from a range query.
        step: The spacing of backfilled points (seconds), 0 for live reads.
    """

    metric: str
    points: tuple[tuple[str, float, float], ...] = ()
    error: str | None = None
    at: float = 0.0
    backfill: bool = False
    step: float = 0.0


def timeout_of(entry: MetricConfig) -> float:
    """The read timeout: the kind's ``timeout`` when it has one."""
    value = getattr(entry.spec, "timeout", None)
    return float(value) if isinstance(value, (int, float)) else DEFAULT_TIMEOUT


@dataclass
class _Due:
    entry: MetricConfig
    next_at: float
    running: asyncio.Task[None] | None = field(default=None)


class MetricPoller:
    """Reads ``entries`` against ``env``.

    Args:
        entries: The metrics of the environment.
        env: The environment (its prometheus url, azure subscription, kubernetes context...).
        base_dir: Folder relative paths in the config are resolved from.
        clock: Wall clock for the points' times.
        health_history: Where ``health`` metrics read results from.
    """

    def __init__(
        self,
        entries: list[MetricConfig],
        env: Environment,
        base_dir: Path | None = None,
        *,
        clock: Callable[[], float] = time.time,
        health_history: HealthHistory | None = None,
    ) -> None:
        self.entries = list(entries)
        self.env = env
        self.clock = clock
        self.ctx = MetricContext(base_dir, health_history=health_history)

    def _points(self, entry: MetricConfig, readings: list[Reading], now: float) -> PollResult:
        scale = entry.scale
        points = tuple(
            (r.series, r.ts if r.ts is not None else now, r.value * scale) for r in readings
        )
        return PollResult(entry.name, points, at=now)

    async def read(self, entry: MetricConfig) -> PollResult:
        """Read one metric now; a failure comes back as the result's ``error``."""
        timeout = timeout_of(entry)
        try:
            reader = reader_for(entry.kind)
            async with self.ctx.semaphore:
                readings = await asyncio.wait_for(reader(entry, self.env, self.ctx), timeout)
        except MetricError as exc:
            return PollResult(entry.name, error=excerpt(str(exc), 300), at=self.clock())
        except TimeoutError:
            return PollResult(entry.name, error=f"no answer in {timeout:g}s", at=self.clock())
        except Exception as exc:  # a backend's own error type: show it, never crash the feed
            log.debug("metric %s failed", entry.name, exc_info=True)
            return PollResult(entry.name, error=describe_error(exc), at=self.clock())
        if not readings:
            return PollResult(entry.name, error="no data", at=self.clock())
        return self._points(entry, readings, self.clock())

    async def backfill(self, entry: MetricConfig, seconds: float, points: int = 300) -> PollResult:
        """History of the last ``seconds`` from backends that keep it (empty when none does)."""
        fill = backfiller_for(entry.kind)
        if fill is None:
            return PollResult(entry.name, at=self.clock(), backfill=True)
        end = self.clock()
        step = max(entry.every, seconds / points)
        timeout = timeout_of(entry) * 2
        try:
            async with self.ctx.semaphore:
                readings = await asyncio.wait_for(
                    fill(entry, self.env, self.ctx, end - seconds, end, step), timeout
                )
        except MetricError as exc:
            return PollResult(entry.name, error=excerpt(str(exc), 300), at=end, backfill=True)
        except TimeoutError:
            return PollResult(entry.name, error=f"no answer in {timeout:g}s", at=end, backfill=True)
        except Exception as exc:
            log.debug("metric %s backfill failed", entry.name, exc_info=True)
            return PollResult(entry.name, error=describe_error(exc), at=end, backfill=True)
        result = self._points(entry, readings, end)
        return PollResult(entry.name, result.points, at=end, backfill=True, step=step)

    async def read_all(self) -> list[PollResult]:
        """Read every metric once, at the same time."""
        return list(await asyncio.gather(*(self.read(e) for e in self.entries)))

    async def run(
        self,
        publish: Callable[[PollResult], object],
        stop: asyncio.Event,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        """Read each metric on its interval and ``publish`` each result, until ``stop`` is set.

        A read still running when its next turn comes is not started twice: a slow backend
        stretches its own interval, never piles up requests.
        """
        start = monotonic()
        dues = [_Due(entry, start) for entry in self.entries]

        async def one(due: _Due) -> None:
            try:
                publish(await self.read(due.entry))
            finally:
                due.running = None

        try:
            while not stop.is_set():
                now = monotonic()
                for due in dues:
                    if due.running is None and due.next_at <= now:
                        due.next_at = max(due.next_at + due.entry.every, now)
                        due.running = asyncio.create_task(one(due))
                idle = [d.next_at for d in dues if d.running is None]
                wait = max(min(idle, default=now + 1.0) - monotonic(), 0.01)
                with contextlib.suppress(TimeoutError, asyncio.TimeoutError):
                    await asyncio.wait_for(stop.wait(), min(wait, 1.0))
        finally:
            tasks = [d.running for d in dues if d.running is not None]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    async def aclose(self) -> None:
        """Close the shared clients."""
        await self.ctx.aclose()
