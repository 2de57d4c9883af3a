"""Bounded history: fixed memory, minute and quarter-hour averages, windows at their resolution."""

from __future__ import annotations

from cockpit.state.metric_ring import CAPACITY, MINUTE, QUARTER, RAW, Ring, SeriesHistory


def test_ring_keeps_the_newest_points_in_order() -> None:
    ring = Ring(3)
    for t in range(5):
        ring.append(float(t), t * 10.0)
    assert ring.points() == [(2.0, 20.0), (3.0, 30.0), (4.0, 40.0)]
    assert ring.last == (4.0, 40.0)
    assert len(ring) == 3


def test_ring_replaces_a_repeated_time_and_merges_older_points() -> None:
    ring = Ring(4)
    ring.append(10.0, 1.0)
    ring.append(10.0, 2.0)
    assert ring.points() == [(10.0, 2.0)]
    ring.merge([(5.0, 0.5), (7.0, 0.7), (10.0, 9.0)])
    assert ring.points() == [(5.0, 0.5), (7.0, 0.7), (10.0, 9.0)]
    ring.append(8.0, 0.8)  # late point: merged in its place
    assert [t for t, _ in ring.points()] == [5.0, 7.0, 8.0, 10.0]
    assert ring.points(since=7.5) == [(8.0, 0.8), (10.0, 9.0)]


def test_buckets_close_into_averages() -> None:
    history = SeriesHistory()
    closed = []
    for second in range(0, 121):
        closed += history.add(float(second), 1.0 if second < 60 else 3.0)
    minutes = [c for c in closed if c[0] == MINUTE]
    assert minutes == [(MINUTE, 0.0, 1.0), (MINUTE, 60.0, 3.0)]
    assert history.rings[MINUTE].points() == [(0.0, 1.0), (60.0, 3.0)]
    assert not [c for c in closed if c[0] == QUARTER]


def test_windows_use_their_resolution_and_the_open_bucket() -> None:
    history = SeriesHistory()
    for second in range(0, 150):
        history.add(float(second), float(second))
    raw = history.window(300, now=150)
    assert len(raw) == 150
    day = history.window(86400, now=150)
    # Two closed minutes and the one still filling.
    assert [t for t, _ in day] == [0.0, 60.0, 120.0]
    assert day[0][1] == sum(range(60)) / 60


def test_memory_is_bounded_whatever_the_uptime() -> None:
    history = SeriesHistory()
    for second in range(0, 3 * 86400, 7):
        history.add(float(second), 1.0)
    assert len(history.rings[RAW]) == CAPACITY[RAW]
    assert len(history.rings[MINUTE]) <= CAPACITY[MINUTE]
    assert len(history.rings[QUARTER]) <= CAPACITY[QUARTER]


def test_points_since_finds_the_start_across_the_wrap() -> None:
    ring = Ring(5)
    for t in range(8):  # wraps: holds 3..7, stored from the middle of the arrays
        ring.append(float(t), float(t))
    assert ring.points(since=4.5) == [(5.0, 5.0), (6.0, 6.0), (7.0, 7.0)]
    assert ring.points(since=0) == [(float(t), float(t)) for t in range(3, 8)]
    assert ring.points(since=99) == []
