"""The one-line trouble summary: counts worst first, the newest problem, per environment."""

from __future__ import annotations

from cockpit.domain.health import ServiceStatus, Status
from cockpit.domain.trouble import by_environment, trouble_in


def _s(name: str, status: Status, changed: float | None, env: str = "prod") -> ServiceStatus:
    return ServiceStatus(name, env, status, None, "why", changed, [])


STATUSES = [
    _s("api", Status.DOWN, 100.0),
    _s("worker", Status.DOWN, 300.0),
    _s("db", Status.UP, 50.0),
    _s("cache", Status.DEGRADED, 200.0),
    _s("web", Status.DOWN, 400.0, env="staging"),
    _s("queue", Status.DOWN, 500.0),
    _s("batch", Status.STALE, 600.0),
]


def test_counts_worst_first_and_the_newest_problem() -> None:
    trouble = trouble_in(STATUSES, "prod")
    assert trouble.label() == "3 DOWN · 1 DEGRADED · 1 STALE"
    assert trouble.worst is Status.DOWN and trouble.count(Status.DOWN) == 3
    assert trouble.newest is not None and trouble.newest.name == "batch"
    assert trouble.total == 6


def test_all_up_and_none() -> None:
    assert trouble_in([_s("db", Status.UP, 1.0)]).label() == "all 1 UP"
    assert trouble_in([_s("db", Status.UP, 1.0)]).newest is None
    assert trouble_in([], "prod").label() == "no services"


def test_per_environment() -> None:
    per = by_environment(STATUSES)
    assert per["staging"].label() == "1 DOWN"
    assert per["prod"].count(Status.DOWN) == 3


def test_a_change_to_down_is_news_once() -> None:
    from cockpit.domain.trouble import DownWatch, newly_down

    watch = DownWatch()

    def news(statuses: list[ServiceStatus]) -> list[str]:
        return [s.name for s in newly_down(watch.changes(statuses))]

    assert news([_s("api", Status.DOWN, 1.0), _s("db", Status.UP, 1.0)]) == []
    assert news([_s("api", Status.DOWN, 1.0), _s("db", Status.DOWN, 2.0)]) == ["db"]
    assert news([_s("db", Status.DOWN, 2.0)]) == []
    assert news([_s("new", Status.UNKNOWN, None)]) == []
    assert news([_s("new", Status.DOWN, 3.0)]) == []  # never seen working
    changed = watch.changes([_s("new", Status.UP, 4.0)])
    assert [(s.name, before) for s, before in changed] == [("new", Status.DOWN)]
