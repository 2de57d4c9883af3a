"""Metric thresholds: warn and crit in a direction, optionally held for a while before they count.

Seed 001 alerts on ``cpu_usage_percent > 80% / 90%`` and ``response_time_p95 > 2s / 5s``; seed 003
acts on ``error rate > 1%`` and ``CPU > 80%`` ("Scale up"). A replica count or a target count is
trouble when it falls: ``direction: below``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import IntEnum


class Level(IntEnum):
    """How a value stands against its thresholds, ordered so that ``max`` is the worst."""

    OK = 0
    UNKNOWN = 1
    WARN = 2
    CRIT = 3

    @property
    def label(self) -> str:
        """``ok``, ``unknown``, ``warn`` or ``crit``."""
        return self.name.lower()


@dataclass(frozen=True, slots=True)
class Threshold:
    """Warn and crit limits of one metric.

    Attributes:
        warn: Warning limit, if any.
        crit: Critical limit, if any.
        below: True when a value under the limits is the trouble.
        hold: Seconds a limit must stay crossed before it counts (0: at once).
    """

    warn: float | None = None
    crit: float | None = None
    below: bool = False
    hold: float = 0.0

    @property
    def empty(self) -> bool:
        """No limit at all: every value is OK."""
        return self.warn is None and self.crit is None

    def crossed(self, limit: float | None, value: float) -> bool:
        """Whether ``value`` is past ``limit`` in this threshold's direction."""
        if limit is None:
            return False
        return value < limit if self.below else value > limit

    def level(self, value: float | None) -> Level:
        """The level of one value, ignoring ``hold``."""
        if value is None or math.isnan(value):
            return Level.UNKNOWN
        if self.crossed(self.crit, value):
            return Level.CRIT
        if self.crossed(self.warn, value):
            return Level.WARN
        return Level.OK

    def describe(self, level: Level) -> str:
        """The limit crossed at ``level``, e.g. ``> 90`` (empty for OK and UNKNOWN)."""
        limit = {Level.CRIT: self.crit, Level.WARN: self.warn}.get(level)
        if limit is None:
            return ""
        return f"{'<' if self.below else '>'} {limit:g}"


class HeldLevel:
    """Applies a threshold's ``hold`` to successive values of one series.

    A level counts only once every value for ``hold`` seconds has been at least that bad, as
    Prometheus' ``for:`` does; until then the last level that did hold is reported.
    """

    __slots__ = ("_since", "_threshold", "level")

    def __init__(self, threshold: Threshold) -> None:
        self._threshold = threshold
        # Since when each bad level has held without a break (monotonic seconds).
        self._since: dict[Level, float] = {}
        self.level = Level.UNKNOWN

    def update(self, value: float | None, now: float) -> Level:
        """Take a new value read at ``now``; returns the level that holds."""
        raw = self._threshold.level(value)
        hold = self._threshold.hold
        if raw in (Level.OK, Level.UNKNOWN) or hold <= 0:
            self._since.clear()
            self.level = raw
            return raw
        for bad in (Level.WARN, Level.CRIT):
            if raw >= bad:
                self._since.setdefault(bad, now)
            else:
                self._since.pop(bad, None)
        held = [lvl for lvl, since in self._since.items() if now - since >= hold]
        self.level = max(held) if held else Level.OK
        return self.level

    def pending(self, now: float) -> float | None:
        """Seconds until the worst crossed-but-not-yet-held level would count, if any."""
        waiting = [
            self._threshold.hold - (now - since)
            for lvl, since in self._since.items()
            if lvl > self.level and now - since < self._threshold.hold
        ]
        return min(waiting) if waiting else None
