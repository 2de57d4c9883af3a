"""Prometheus checks against a real Prometheus serving imported, fixed data."""

from __future__ import annotations

import pytest

from cockpit.domain.health import Status
from tests.support.fixtures_prometheus import PrometheusFactory
from tests.support.health_checks import run_checks
from tests.support.processes import free_port
from tests.support.prometheus import (
    minute_anchor,
    openmetrics_document,
    openmetrics_family,
)

pytestmark = pytest.mark.integration


async def test_instant_query_conditions(prometheus_server: PrometheusFactory) -> None:
    end = minute_anchor()
    prom = prometheus_server(
        openmetrics_document(
            openmetrics_family(
                "up",
                "gauge",
                [
                    ({"job": "api", "instance": "a"}, [(end, 1.0)]),
                    ({"job": "api", "instance": "b"}, [(end, 1.0)]),
                    ({"job": "worker", "instance": "c"}, [(end, 0.0)]),
                ],
            ),
            openmetrics_family("error_ratio", "gauge", [({"job": "api"}, [(end, 0.07)])]),
        )
    )
    env = {"prod": {"prometheus": {"url": prom.url}}}
    results = await run_checks(
        {
            "api": [{"prometheus": {"query": 'up{job="api"}', "condition": "== 1"}}],
            "worker": [{"prometheus": {"query": 'up{job="worker"}', "condition": "== 1"}}],
            "errors": [{"prometheus": {"query": "error_ratio", "conditions": ["[VALUE] < 0.05"]}}],
            "scalar": [{"prometheus": {"query": "scalar(sum(up))", "condition": ">= 2"}}],
            "absent": [{"prometheus": {"query": "nothing_here", "condition": "== 1"}}],
            "absent-ok": [
                {"prometheus": {"query": "nothing_here", "condition": "> 0", "on_empty": "up"}}
            ],
            "bad-query": [{"prometheus": {"query": "up{", "condition": "== 1"}}],
        },
        environments=env,
    )
    api = results["api"]
    assert api.status is Status.UP, api.reason
    assert api.reason == "all 2 series pass"
    assert [c.expr for c in api.conditions] == [
        'up{instance="a",job="api"} [VALUE] == 1',
        'up{instance="b",job="api"} [VALUE] == 1',
    ]
    worker = results["worker"]
    assert worker.status is Status.DOWN
    assert (
        worker.reason == '1 of 1 series fail: up{instance="c",job="worker"} [VALUE] == 1 (actual 0)'
    )
    errors = results["errors"]
    assert errors.status is Status.DOWN and "(actual 0.07)" in errors.reason
    assert results["scalar"].status is Status.UP
    assert results["scalar"].reason == "scalar = 2"
    assert results["absent"].status is Status.UNKNOWN
    assert results["absent"].reason == "query returned no series"
    assert results["absent-ok"].status is Status.UP
    bad = results["bad-query"]
    assert bad.status is Status.UNKNOWN and bad.reason.startswith("prometheus HTTP 400")


async def test_unreachable_prometheus_is_unknown() -> None:
    env = {"prod": {"prometheus": {"url": f"http://127.0.0.1:{free_port()}"}}}
    results = await run_checks(
        {"api": [{"prometheus": {"query": "up", "condition": "== 1"}}]}, environments=env
    )
    assert results["api"].status is Status.UNKNOWN
    assert results["api"].reason == "prometheus unreachable: connection refused"


async def test_environment_without_prometheus_is_unknown() -> None:
    results = await run_checks({"api": [{"prometheus": {"query": "up", "condition": "== 1"}}]})
    assert results["api"].status is Status.UNKNOWN
    assert "has no prometheus" in results["api"].reason
