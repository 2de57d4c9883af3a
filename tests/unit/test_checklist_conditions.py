"""Bound checklist items: when a service is UP or a metric within limits, with the evidence."""

from __future__ import annotations

from typing import Any

from cockpit.config.metrics import MetricConfig
from cockpit.domain.health import CheckResult, CheckStatus, ServiceStatus, Status
from cockpit.feeds.checklist_conditions import evidence_for, satisfied
from cockpit.feeds.metric_board import MetricBoard
from cockpit.sources.metrics.poller import PollResult
from cockpit.state.checklists import Checklist, ChecklistItem

T = 1_795_300_000.0  # 2026-11-21 22:26:40 UTC


def service(name: str, status: Status, *, env: str = "prod", stale: bool = False) -> ServiceStatus:
    last = CheckResult(name, env, "http", "http", status, 12.0, "HTTP 200 in 12 ms", [], T)
    check = CheckStatus(
        "http", "http", status, "HTTP 200 in 12 ms", last, T - 60, [status], [12.0], stale
    )
    return ServiceStatus(name, env, status, 12.0, "HTTP 200 in 12 ms", T - 60, [check])


def rows(**values: Any) -> list[Any]:
    board = MetricBoard(
        [MetricConfig.model_validate({"name": "disk", "host": {"metric": "disk_percent"},
                                      "warn": 80, "crit": 90, "interval": "1h"})],
        "prod",
        started=0.0,
    )  # fmt: skip
    if values.get("error"):
        board.apply(PollResult("disk", error="disk /: gone"), monotonic=1)
    else:
        points = tuple((m, T, v) for m, v in values.items())
        board.apply(PollResult("disk", points, at=T), monotonic=1)
    return board.rows(T, 300, monotonic=2)


def test_a_service_up_in_this_environment_holds() -> None:
    assert evidence_for("service:web", "prod", [service("web", Status.UP)], []) == (
        "web UP at 22:26:40 UTC: HTTP 200 in 12 ms"
    )
    assert evidence_for("service:web", "prod", [service("web", Status.DOWN)], []) is None
    assert evidence_for("service:web", "prod", [service("web", Status.UP, stale=True)], []) is None
    assert evidence_for("service:web", "prod", [service("web", Status.UP, env="qa")], []) is None
    assert evidence_for("service:web", "prod", [], []) is None


def test_a_metric_holds_only_when_every_series_is_within_limits() -> None:
    ok = rows(**{"/": 40.0, "/var": 71.5})
    assert evidence_for("metric:disk", "prod", [], ok) == (
        "disk / 40.0 %, disk /var 71.5 %: within limits"
    )
    assert evidence_for("metric:disk", "prod", [], rows(**{"/": 40.0, "/var": 85.0})) is None
    assert evidence_for("metric:disk", "prod", [], rows(error=True)) is None
    assert evidence_for("metric:other", "prod", [], ok) is None


def test_satisfied_lists_each_bound_item_that_holds() -> None:
    items = (
        ChecklistItem("a", "App responds", when="service:web"),
        ChecklistItem("b", "Disk fine", when="metric:disk"),
        ChecklistItem("c", "Read the logs"),
    )
    checklist = Checklist("daily", "Daily", "daily", items, "test")
    found = satisfied([checklist], "prod", [service("web", Status.UP)], rows(**{"/": 95.0}))
    assert [(c.id, item) for c, item, _ in found] == [("daily", "a")]
