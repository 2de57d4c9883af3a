"""Bounded metric history: one ring of raw points and two rings of time-bucket averages.

Memory is fixed by the capacities, whatever the uptime: a war-room screen runs for days. The raw
ring serves the 5 m and 1 h windows, one-minute averages the 24 h window and fifteen-minute
averages the 7 d window.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable

RAW = 0
MINUTE = 60
QUARTER = 900
RESOLUTIONS = (RAW, MINUTE, QUARTER)
"""Bucket sizes in seconds; 0 is the raw points as read."""

CAPACITY = {RAW: 3600, MINUTE: 1500, QUARTER: 720}
"""Points kept per resolution: 1 h at 1 Hz, 25 h of minutes, 7.5 d of quarter hours."""

WINDOWS: dict[str, float] = {"5m": 300.0, "1h": 3600.0, "24h": 86400.0, "7d": 604800.0}
"""The windows the pane and ``cockpit metrics --window`` offer."""


def resolution_for(window: float) -> int:
    """The coarsest resolution that still draws ``window`` in detail."""
    if window <= 3600:
        return RAW
    if window <= 86400:
        return MINUTE
    return QUARTER


class Ring:
    """The newest ``capacity`` (time, value) points in time order, in two flat arrays."""

    __slots__ = ("_size", "_start", "_ts", "_values", "capacity")

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._ts = array("d", bytes(8 * capacity))
        self._values = array("d", bytes(8 * capacity))
        self._start = 0
        self._size = 0

    def __len__(self) -> int:
        return self._size

    def append(self, ts: float, value: float) -> None:
        """Add a point; a point not newer than the last replaces it or is ignored."""
        if self._size:
            last = (self._start + self._size - 1) % self.capacity
            if ts == self._ts[last]:
                self._values[last] = value
                return
            if ts < self._ts[last]:
                self.merge([(ts, value)])
                return
        if self._size < self.capacity:
            index = (self._start + self._size) % self.capacity
            self._size += 1
        else:
            index = self._start
            self._start = (self._start + 1) % self.capacity
        self._ts[index] = ts
        self._values[index] = value

    def points(self, since: float = float("-inf")) -> list[tuple[float, float]]:
        """Points at or after ``since``, oldest first (a binary search, then C-level slices)."""
        cap, start, size = self.capacity, self._start, self._size
        lo, hi = 0, size
        while lo < hi:
            mid = (lo + hi) // 2
            if self._ts[(start + mid) % cap] < since:
                lo = mid + 1
            else:
                hi = mid
        first = (start + lo) % cap
        count = size - lo
        if first + count <= cap:
            end = first + count
            return list(zip(self._ts[first:end], self._values[first:end], strict=True))
        wrap = first + count - cap
        return list(zip(self._ts[first:cap], self._values[first:cap], strict=True)) + list(
            zip(self._ts[:wrap], self._values[:wrap], strict=True)
        )

    @property
    def last(self) -> tuple[float, float] | None:
        """The newest point."""
        if not self._size:
            return None
        index = (self._start + self._size - 1) % self.capacity
        return self._ts[index], self._values[index]

    def merge(self, points: Iterable[tuple[float, float]]) -> None:
        """Add points of any age (history from a range query or the store); newer wins a tie."""
        combined = dict(self.points())
        combined.update(points)
        self._start = self._size = 0
        for ts in sorted(combined)[-self.capacity :]:
            index = self._size
            self._ts[index] = ts
            self._values[index] = combined[ts]
            self._size += 1


class _Bucket:
    __slots__ = ("count", "start", "total")

    def __init__(self, start: float) -> None:
        self.start = start
        self.total = 0.0
        self.count = 0


class SeriesHistory:
    """The history of one series at every resolution.

    :meth:`add` returns the buckets it closed, so the caller can persist them.
    """

    __slots__ = ("_open", "rings")

    def __init__(self) -> None:
        self.rings = {res: Ring(CAPACITY[res]) for res in RESOLUTIONS}
        self._open: dict[int, _Bucket] = {}

    def add(self, ts: float, value: float) -> list[tuple[int, float, float]]:
        """Record a live value; returns the closed buckets as ``(resolution, start, average)``."""
        self.rings[RAW].append(ts, value)
        closed = []
        for res in (MINUTE, QUARTER):
            start = ts - ts % res
            bucket = self._open.get(res)
            if bucket is not None and bucket.start != start:
                if bucket.count:
                    average = bucket.total / bucket.count
                    self.rings[res].append(bucket.start, average)
                    closed.append((res, bucket.start, average))
                bucket = None
            if bucket is None:
                bucket = self._open[res] = _Bucket(start)
            bucket.total += value
            bucket.count += 1
        return closed

    def fill(self, resolution: int, points: Iterable[tuple[float, float]]) -> None:
        """Add history at ``resolution`` (from the store or a range query)."""
        self.rings[resolution].merge(points)

    def window(self, seconds: float, now: float) -> list[tuple[float, float]]:
        """The points of the last ``seconds``, at the resolution that window is drawn with.

        The bucket still filling is included as it stands, so a long window is never a step
        behind the live value.
        """
        res = resolution_for(seconds)
        points = self.rings[res].points(now - seconds)
        if res != RAW:
            bucket = self._open.get(res)
            if bucket is not None and bucket.count:
                last = points[-1][0] if points else float("-inf")
                if bucket.start > last:
                    points.append((bucket.start, bucket.total / bucket.count))
            if not points:
                # Nothing averaged yet (a fresh start): the raw points are all there is.
                points = self.rings[RAW].points(now - seconds)
        return points

    @property
    def last(self) -> tuple[float, float] | None:
        """The newest raw point."""
        return self.rings[RAW].last
