"""The metrics of one environment as the pane and ``cockpit metrics`` show them.

Readings go in (:meth:`MetricBoard.apply`); rows come out (:meth:`MetricBoard.rows`): one per
series, with its value, window, min/avg/max, threshold level, staleness and error, trouble first.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from cockpit.domain.thresholds import HeldLevel, Level, Threshold
from cockpit.state.metric_ring import RAW, SeriesHistory, resolution_for

if TYPE_CHECKING:
    from cockpit.config.metrics import MetricConfig
    from cockpit.sources.metrics.poller import PollResult

STALE_AFTER = 2.0
"""Intervals without an answer after which a metric's values are marked stale."""


def threshold_of(entry: MetricConfig) -> Threshold:
    """The entry's thresholds as a :class:`Threshold`."""
    return Threshold(entry.warn, entry.crit, entry.direction == "below", entry.hold or 0.0)


@dataclass(frozen=True, slots=True)
class MetricRow:
    """One series of one metric, ready to show.

    Attributes:
        metric: The metric's name.
        series: What tells the series apart (``""`` for a single series).
        unit: The unit of ``value``.
        value: The newest value (None before the first).
        ts: When ``value`` was true (seconds since the epoch).
        level: How the value stands against the thresholds (UNKNOWN on error or before data).
        limit: The threshold crossed, e.g. ``> 90``.
        action: What the config says to do when a threshold is crossed.
        error: Why the last read failed, if it did.
        stale: True when the metric has not answered within two intervals.
        points: The window's points, oldest first.
        low: Smallest value in the window.
        mean: Average over the window.
        high: Largest value in the window.
        threshold: The metric's limits (for chart lines).
        interval: Seconds between reads.
    """

    metric: str
    series: str
    unit: str
    value: float | None
    ts: float | None
    level: Level
    limit: str
    action: str | None
    error: str | None
    stale: bool
    points: list[tuple[float, float]]
    low: float | None
    mean: float | None
    high: float | None
    threshold: Threshold
    interval: float

    @property
    def title(self) -> str:
        """``cpu`` or ``disk /var``: the metric's name and its series label."""
        return f"{self.metric} {self.series}" if self.series else self.metric

    @property
    def key(self) -> str:
        """A stable identity for the row."""
        return f"{self.metric}\x00{self.series}"

    @property
    def in_trouble(self) -> bool:
        """A threshold crossed, a failed read or stale data."""
        return self.level in (Level.WARN, Level.CRIT) or self.error is not None or self.stale


@dataclass
class _Metric:
    entry: MetricConfig
    threshold: Threshold
    order: int
    series: dict[str, SeriesHistory] = field(default_factory=dict)
    held: dict[str, HeldLevel] = field(default_factory=dict)
    current: set[str] = field(default_factory=set)
    error: str | None = None
    last_ok: float | None = None
    started: float = 0.0


class MetricBoard:
    """Live state of the metrics of one environment.

    Args:
        entries: The environment's metrics.
        environment: Its name.
        started: Monotonic time the board began (a metric never answered is stale two
            intervals after it).
    """

    def __init__(self, entries: list[MetricConfig], environment: str, started: float) -> None:
        self.environment = environment
        self._metrics = {
            e.name: _Metric(e, threshold_of(e), index, started=started)
            for index, e in enumerate(entries)
        }

    @property
    def names(self) -> list[str]:
        """Metric names in config order."""
        return list(self._metrics)

    def entry(self, name: str) -> MetricConfig:
        """The config of the metric called ``name``."""
        return self._metrics[name].entry

    def apply(self, result: PollResult, monotonic: float) -> None:
        """Take one read's outcome."""
        metric = self._metrics.get(result.metric)
        if metric is None:
            return
        if result.backfill:
            if result.error is None:
                self._fill(metric, result)
            return
        if result.error is not None:
            metric.error = result.error
            return
        metric.error = None
        metric.last_ok = monotonic
        metric.current = {series for series, _, _ in result.points}
        for series, ts, value in result.points:
            history = metric.series.get(series)
            if history is None:
                history = metric.series[series] = SeriesHistory()
            history.add(ts, value)
            held = metric.held.get(series)
            if held is None:
                held = metric.held[series] = HeldLevel(metric.threshold)
            held.update(value, monotonic)

    def _fill(self, metric: _Metric, result: PollResult) -> None:
        by_series: dict[str, list[tuple[float, float]]] = {}
        for series, ts, value in result.points:
            by_series.setdefault(series, []).append((ts, value))
        resolution = RAW if result.step < 60 else resolution_for(result.step * 300)
        for series, points in by_series.items():
            history = metric.series.get(series)
            if history is None:
                history = metric.series[series] = SeriesHistory()
            history.fill(resolution, points)
        if not metric.current:
            metric.current = set(by_series)

    def fill(
        self, name: str, series: str, resolution: int, points: list[tuple[float, float]]
    ) -> None:
        """Add stored history of one series (from the state store)."""
        metric = self._metrics.get(name)
        if metric is None:
            return
        history = metric.series.get(series)
        if history is None:
            history = metric.series[series] = SeriesHistory()
        history.fill(resolution, points)
        if not metric.current and metric.last_ok is None:
            metric.current.add(series)

    def fill_stored(self, name: str, points: Iterable[tuple[str, int, float, float]]) -> None:
        """Add stored history of one metric: ``(series, resolution, ts, value)`` in any order."""
        grouped: dict[tuple[str, int], list[tuple[float, float]]] = {}
        for series, resolution, ts, value in points:
            grouped.setdefault((series, resolution), []).append((ts, value))
        for (series, resolution), history in grouped.items():
            self.fill(name, series, resolution, history)

    def rows(self, now: float, window: float, monotonic: float) -> list[MetricRow]:
        """One row per series of every metric, trouble first, then in config order."""
        out: list[tuple[tuple[int, int, int], MetricRow]] = []
        for metric in self._metrics.values():
            entry = metric.entry
            unit = entry.shown_unit
            every = entry.every
            since = metric.last_ok if metric.last_ok is not None else metric.started
            stale = monotonic - since > STALE_AFTER * every + 1.0
            names = sorted(metric.current) or [""]
            for position, series in enumerate(names):
                history = metric.series.get(series)
                points = history.window(window, now) if history is not None else []
                last = history.last if history is not None else None
                held = metric.held.get(series)
                level = held.level if held is not None else Level.UNKNOWN
                if metric.error is not None:
                    level = Level.UNKNOWN
                values = [v for _, v in points if not math.isnan(v)]
                row = MetricRow(
                    metric=entry.name,
                    series=series,
                    unit=unit,
                    value=last[1] if last is not None else None,
                    ts=last[0] if last is not None else None,
                    level=level,
                    limit=metric.threshold.describe(level),
                    action=entry.action if level in (Level.WARN, Level.CRIT) else None,
                    error=metric.error,
                    stale=stale and metric.error is None,
                    points=points,
                    low=min(values) if values else None,
                    mean=sum(values) / len(values) if values else None,
                    high=max(values) if values else None,
                    threshold=metric.threshold,
                    interval=every,
                )
                trouble = 0 if level == Level.CRIT else 1 if level == Level.WARN else 2
                if trouble == 2 and (row.error is not None or row.stale):
                    trouble = 1
                out.append(((trouble, metric.order, position), row))
        out.sort(key=lambda pair: pair[0])
        return [row for _, row in out]

    def worst(self, monotonic: float) -> Level:
        """The worst threshold level of any series (errors count as UNKNOWN)."""
        levels = [h.level for m in self._metrics.values() for h in m.held.values()]
        levels += [Level.UNKNOWN for m in self._metrics.values() if m.error is not None]
        return max(levels, default=Level.OK)
