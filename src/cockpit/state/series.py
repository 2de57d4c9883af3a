"""Bounded time series for sparklines: memory stays flat however long the screen runs."""

from __future__ import annotations

from collections import deque


class Series:
    """The last ``maxlen`` (timestamp, value) points of one metric."""

    __slots__ = ("_points", "name", "unit")

    def __init__(self, name: str, unit: str = "", maxlen: int = 120) -> None:
        self.name = name
        self.unit = unit
        self._points: deque[tuple[float, float]] = deque(maxlen=maxlen)

    def add(self, ts: float, value: float) -> None:
        """Append one point, dropping the oldest when full."""
        self._points.append((ts, value))

    def values(self) -> list[float]:
        """Values oldest first."""
        return [v for _, v in self._points]

    @property
    def last(self) -> float | None:
        """The newest value, if any."""
        return self._points[-1][1] if self._points else None

    @property
    def last_ts(self) -> float | None:
        """When the newest value was taken."""
        return self._points[-1][0] if self._points else None

    def __len__(self) -> int:
        return len(self._points)
