"""Thresholds (Gatus semantics), staleness and the worst-wins roll-up."""

from __future__ import annotations

from cockpit.config.models import CockpitConfig
from cockpit.domain.health import CheckResult, Status, worst
from cockpit.sources.health.plan import CheckJob, plan
from cockpit.sources.health.tracker import CheckTracker, roll_up


def _job(failure: int = 1, success: int = 1, interval: str = "10s") -> CheckJob:
    config = CockpitConfig.model_validate(
        {
            "environments": {"local": {}},
            "services": [
                {
                    "name": "api",
                    "interval": interval,
                    "checks": [
                        {
                            "tcp": {"host": "127.0.0.1", "port": 1},
                            "failure_threshold": failure,
                            "success_threshold": success,
                        }
                    ],
                }
            ],
        }
    )
    return plan(config)[0]


def _result(status: Status, reason: str = "", ts: float = 0.0) -> CheckResult:
    return CheckResult("api", "local", "tcp", "tcp", status, 1.0, reason or status.value, [], ts)


def test_first_result_is_taken_as_is_then_thresholds_apply() -> None:
    tracker = CheckTracker(_job(failure=3, success=2))
    assert tracker.status(0.0).status is Status.UNKNOWN
    assert tracker.record(_result(Status.UP, ts=1), 1.0)
    assert not tracker.record(_result(Status.DOWN, "refused", ts=2), 2.0)
    state = tracker.status(2.0)
    assert state.status is Status.UP
    assert "failing 1/3" in state.reason and "refused" in state.reason
    assert not tracker.record(_result(Status.DOWN, ts=3), 3.0)
    assert tracker.record(_result(Status.DOWN, "refused", ts=4), 4.0)
    assert tracker.status(4.0).status is Status.DOWN
    assert tracker.last_change == 4
    # Between failure states the latest applies at once.
    assert tracker.record(_result(Status.DEGRADED, ts=5), 5.0)
    assert not tracker.record(_result(Status.UP, ts=6), 6.0)
    assert "recovering 1/2" in tracker.status(6.0).reason
    assert tracker.record(_result(Status.UP, ts=7), 7.0)
    assert tracker.status(7.0).status is Status.UP
    # A success streak is broken by a failure.
    assert tracker.status(7.0).uptime == [
        Status.UP,
        *[Status.DOWN] * 3,
        Status.DEGRADED,
        Status.UP,
        Status.UP,
    ]


def test_first_failure_is_down_at_once_even_with_thresholds() -> None:
    tracker = CheckTracker(_job(failure=3))
    tracker.record(_result(Status.DOWN), 0.0)
    assert tracker.status(0.0).status is Status.DOWN


def test_stale_after_two_intervals_without_a_fresh_result() -> None:
    tracker = CheckTracker(_job(interval="10s"))
    tracker.record(_result(Status.UP, "HTTP 200"), 100.0)
    assert tracker.status(119.0).status is Status.UP
    stale = tracker.status(121.0)
    assert stale.status is Status.STALE
    assert stale.reason == "no fresh result (last UP: HTTP 200)" and not stale.stale


def test_stale_never_hides_a_down() -> None:
    tracker = CheckTracker(_job(interval="10s"))
    tracker.record(_result(Status.DOWN, "HTTP 500"), 100.0)
    state = tracker.status(121.0)
    assert state.status is Status.DOWN and state.stale
    assert state.reason == "HTTP 500 (no fresh result)"
    service = roll_up("api", "prod", [state])
    assert service.status is Status.DOWN and service.stale


def test_a_run_in_flight_past_its_interval_keeps_the_last_result() -> None:
    tracker = CheckTracker(_job(interval="10s"))
    tracker.record(_result(Status.DOWN, "timed out after 1m"), 100.0)
    tracker.begin(105.0, 5005.0)
    assert tracker.status(114.0).checking_since is None  # within its interval: nothing to say
    late = tracker.status(140.0)  # past two intervals too: checking, not stale
    assert late.status is Status.DOWN and not late.stale
    assert late.checking_since == 5005.0 and late.reason == "timed out after 1m"
    assert roll_up("api", "prod", [late]).checking_since == 5005.0
    tracker.record(_result(Status.UP, "HTTP 200"), 141.0)
    assert tracker.status(141.0).checking_since is None


def test_the_first_run_in_flight_says_so() -> None:
    tracker = CheckTracker(_job(interval="10s"))
    tracker.begin(0.0, 7000.0)
    state = tracker.status(25.0)
    assert state.status is Status.UNKNOWN and state.checking_since == 7000.0


def test_ring_buffer_is_bounded() -> None:
    tracker = CheckTracker(_job(), history=5)
    for i in range(12):
        tracker.record(_result(Status.UP, ts=i), float(i))
    state = tracker.status(12.0)
    assert len(state.uptime) == 5 and len(state.latencies) == 5
    assert state.last is not None and state.last.ts == 11


def test_worst_order_and_roll_up() -> None:
    assert worst([Status.UP, Status.STALE]) is Status.STALE
    assert worst([Status.DEGRADED, Status.STALE]) is Status.DEGRADED
    assert worst([Status.DEGRADED, Status.UNKNOWN]) is Status.UNKNOWN
    assert worst([Status.UNKNOWN, Status.DOWN, Status.UP]) is Status.DOWN
    assert worst([]) is Status.UNKNOWN
    up = CheckTracker(_job())
    up.record(_result(Status.UP), 0.0)
    down = CheckTracker(_job())
    down.record(_result(Status.DOWN, "refused"), 0.0)
    checks = [up.status(0.0), down.status(0.0)]
    service = roll_up("api", "local", checks)
    assert service.status is Status.DOWN
    assert service.reason == "tcp: refused"
    assert roll_up("api", "local", [checks[0], checks[0]]).reason == "all 2 checks UP"
