"""Prometheus metrics against a real Prometheus serving imported, fixed data."""

from __future__ import annotations

import json
import math
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from cockpit.sources.metrics.poller import PollResult
from cockpit.sources.metrics.reading import MetricError
from tests.support.cockpit_cli import run_cockpit
from tests.support.fixtures_http import HttpServerFactory
from tests.support.fixtures_prometheus import PrometheusFactory
from tests.support.http_servers import Response
from tests.support.processes import free_port
from tests.support.prom_metrics import entry_named, gatekeeper, poller_for, sorted_points
from tests.support.prometheus import (
    PromServer,
    linear_points,
    minute_anchor,
    openmetrics_document,
    openmetrics_family,
)

pytestmark = pytest.mark.integration

MINUTES = 10
"""Minutes of imported history before the anchor."""


def _queue_points(end: float, base: float, slope: float) -> list[tuple[float, float]]:
    return linear_points(end=end, step=60, count=MINUTES + 1, increment=slope, start_value=base)


def _serve_queues(prometheus_server: PrometheusFactory) -> tuple[PromServer, float]:
    """Two queue_depth series (a: 0,1,..,10 and b: 100,102,..,120, one a minute) and odd values."""
    end = minute_anchor()
    text = openmetrics_document(
        openmetrics_family(
            "queue_depth",
            "gauge",
            [
                ({"job": "api", "instance": "a", "zone": "x"}, _queue_points(end, 0.0, 1.0)),
                ({"job": "api", "instance": "b", "zone": "y"}, _queue_points(end, 100.0, 2.0)),
            ],
        ),
        openmetrics_family(
            "odd",
            "gauge",
            [({"kind": "nan"}, [(end, math.nan)]), ({"kind": "inf"}, [(end, math.inf)])],
        ),
    )
    return prometheus_server(text), end


async def _read(
    metrics: list[dict[str, Any]], prometheus: dict[str, Any] | None, name: str
) -> PollResult:
    """One read of the metric ``name`` through a fresh poller."""
    poller = poller_for(metrics, prometheus)
    try:
        return await poller.read(entry_named(poller, name))
    finally:
        await poller.aclose()


async def test_instant_queries_give_exact_values_named_by_their_labels(
    prometheus_server: PrometheusFactory,
) -> None:
    prom, _ = _serve_queues(prometheus_server)
    metrics = [
        {"name": "one", "prometheus": {"query": 'queue_depth{instance="a"}'}},
        {"name": "each", "prometheus": {"query": "queue_depth"}},
        {"name": "by-zone", "prometheus": {"query": "queue_depth", "label": "zone"}},
        {"name": "by-job", "prometheus": {"query": "queue_depth", "label": "job"}},
        {"name": "total", "prometheus": {"query": "queue_depth", "sum": True}},
        {"name": "scalar", "prometheus": {"query": "scalar(sum(queue_depth))"}},
        {"name": "odd", "prometheus": {"query": "odd"}},
    ]
    poller = poller_for(metrics, {"url": prom.url})
    try:
        before = time.time()
        results = {e.name: await poller.read(e) for e in poller.entries}
        after = time.time()
    finally:
        await poller.aclose()

    def values(name: str) -> list[tuple[str, float]]:
        return [(series, value) for series, _, value in sorted_points(results[name])]

    assert values("one") == [("", 10.0)]
    assert values("each") == [("instance=a,zone=x", 10.0), ("instance=b,zone=y", 120.0)]
    assert values("by-zone") == [("zone=x", 10.0), ("zone=y", 120.0)]
    # Series sharing the named label's value are one row, as `sum by (job)` would give.
    assert values("by-job") == [("job=api", 130.0)]
    assert values("total") == [("", 130.0)]
    assert values("scalar") == [("", 130.0)]
    odd = dict(values("odd"))
    assert set(odd) == {"kind=inf", "kind=nan"}
    assert math.isnan(odd["kind=nan"]) and odd["kind=inf"] == math.inf
    # The time is Prometheus' evaluation time (millisecond precision), not the poller's clock.
    stamps = {ts for r in results.values() for _, ts, _ in r.points}
    assert all(before - 0.001 <= ts <= after + 0.001 for ts in stamps), (before, stamps, after)
    assert all(ts == round(ts, 3) for ts in stamps)


async def test_backfill_gives_every_minute_of_every_series(
    prometheus_server: PrometheusFactory,
) -> None:
    prom, end = _serve_queues(prometheus_server)
    metrics = [
        {"name": "each", "interval": "1m", "prometheus": {"query": "queue_depth"}},
        {"name": "total", "interval": "1m", "prometheus": {"query": "queue_depth", "sum": True}},
        {"name": "fine", "interval": "100ms", "prometheus": {"query": 'queue_depth{zone="x"}'}},
        {"name": "off", "prometheus": {"query": "queue_depth", "backfill": False}},
    ]
    # The window ends on the last imported sample; step = interval = 60 s over 10 minutes.
    poller = poller_for(metrics, {"url": prom.url}, clock=lambda: end)
    try:
        each = await poller.backfill(entry_named(poller, "each"), MINUTES * 60)
        total = await poller.backfill(entry_named(poller, "total"), MINUTES * 60)
        fine = await poller.backfill(entry_named(poller, "fine"), 2.0)
        off = await poller.backfill(entry_named(poller, "off"), MINUTES * 60)
    finally:
        await poller.aclose()

    minutes = [end - 60 * (MINUTES - i) for i in range(MINUTES + 1)]
    assert each.step == 60.0
    assert sorted_points(each) == [
        *[("instance=a,zone=x", ts, float(i)) for i, ts in enumerate(minutes)],
        *[("instance=b,zone=y", ts, 100.0 + 2 * i) for i, ts in enumerate(minutes)],
    ]
    assert sorted_points(total) == [("", ts, 100.0 + 3 * i) for i, ts in enumerate(minutes)]
    # A step under a second is asked as one second: three points over two seconds, the last
    # minute's sample (9) until the final one (10) at the anchor.
    assert sorted_points(fine) == [("", end - 2, 9.0), ("", end - 1, 9.0), ("", end, 10.0)]
    assert off.error is None and off.points == ()


async def test_headers_reach_prometheus_on_every_request(
    prometheus_server: PrometheusFactory, http_server_factory: HttpServerFactory
) -> None:
    prom, end = _serve_queues(prometheus_server)
    required = {"Authorization": "Bearer s3cret-token", "X-Scope-OrgID": "team-a"}
    proxy = http_server_factory({"/": gatekeeper(prom.url, required)}, defaults=False)
    metrics = [{"name": "a", "interval": "1m", "prometheus": {"query": 'queue_depth{zone="x"}'}}]

    poller = poller_for(metrics, {"url": proxy.url, "headers": required}, clock=lambda: end)
    try:
        entry = entry_named(poller, "a")
        live = await poller.read(entry)
        history = await poller.backfill(entry, 120.0)
    finally:
        await poller.aclose()
    assert [(s, v) for s, _, v in sorted_points(live)] == [("", 10.0)]
    assert sorted_points(history) == [("", end - 120, 8.0), ("", end - 60, 9.0), ("", end, 10.0)]
    seen = [
        (r.path, r.headers.get("authorization"), r.headers.get("x-scope-orgid"))
        for r in proxy.requests
    ]
    assert seen == [
        ("/api/v1/query", "Bearer s3cret-token", "team-a"),
        ("/api/v1/query_range", "Bearer s3cret-token", "team-a"),
    ]

    wrong = await _read(metrics, {"url": proxy.url, "headers": {"Authorization": "Bearer no"}}, "a")
    assert wrong.error == (
        "prometheus HTTP 401 without JSON: 401 Unauthorized: missing or wrong credentials"
    )
    bare = await _read(metrics, {"url": proxy.url}, "a")
    assert bare.error == wrong.error


async def test_errors_are_short_reasons(
    prometheus_server: PrometheusFactory, http_server_factory: HttpServerFactory
) -> None:
    prom, _ = _serve_queues(prometheus_server)
    bad = {"name": "bad", "prometheus": {"query": "queue_depth{"}}
    own = httpx.get(f"{prom.url}/api/v1/query", params={"query": "queue_depth{"}).json()["error"]
    assert (await _read([bad], {"url": prom.url}, "bad")).error == f"prometheus HTTP 400: {own}"

    ranged = await _read(
        [{"name": "r", "prometheus": {"query": "queue_depth[5m]"}}], {"url": prom.url}, "r"
    )
    assert ranged.error is not None and ranged.error.startswith("the query gives a range vector")

    down = {"url": f"http://127.0.0.1:{free_port()}"}
    up = {"name": "up", "prometheus": {"query": "up"}}
    assert (await _read([up], down, "up")).error == "prometheus unreachable: connection refused"
    poller = poller_for([up], down)
    try:
        refused = await poller.backfill(entry_named(poller, "up"), 600)
    finally:
        await poller.aclose()
    assert refused.error == "prometheus unreachable: connection refused"

    hostile = http_server_factory(
        {
            "/api/": lambda _r: Response.text(
                "<html>\x1b[2J\x1b]0;pwned\x07 proxy error</html>", 502
            )
        },
        defaults=False,
    )
    garbled = await _read([up], {"url": hostile.url}, "up")
    assert garbled.error is not None
    assert garbled.error.startswith("prometheus HTTP 502 without JSON: <html>")
    assert "\x1b" not in garbled.error and "\x07" not in garbled.error

    missing = await _read([up], None, "up")
    assert missing.error == (
        "environment 'staging' has no prometheus: add `prometheus: {url: ...}` to it"
    )


async def test_missing_prometheus_is_a_metric_error_for_backfill_too() -> None:
    from cockpit.sources.metrics.kinds import prometheus

    poller = poller_for([{"name": "up", "prometheus": {"query": "up"}}], None, environment="qa")
    try:
        with pytest.raises(MetricError, match=r"^environment 'qa' has no prometheus: add"):
            await prometheus.backfill(
                poller.entries[0], poller.env, poller.ctx, time.time() - 60, time.time(), 15
            )
    finally:
        await poller.aclose()


CONTRACT = """\
environments:
  local:
    protection: none
    prometheus: {url: "URL"}
metrics:
  - name: cpu
    host: {metric: cpu_percent}
    warn: 80
    crit: 90
  - name: targets-up
    prometheus: {query: "sum(up)"}
    warn: 1
    crit: 0
    direction: below
"""


def test_cli_reports_sum_of_up_and_host_cpu(
    prometheus_server: PrometheusFactory, tmp_path: Path
) -> None:
    end = minute_anchor()
    targets = [
        ({"job": "api", "instance": n}, [(end, v)]) for n, v in (("a", 1), ("b", 1), ("c", 0))
    ]
    prom = prometheus_server(openmetrics_document(openmetrics_family("up", "gauge", targets)))
    config = tmp_path / "cockpit.yaml"
    config.write_text(CONTRACT.replace("URL", prom.url))
    home = tmp_path / "home"
    home.mkdir()

    done = run_cockpit(["--config", str(config), "metrics", "--json"], home, tmp_path)

    rows = {row["name"]: row for row in json.loads(done.stdout)["metrics"]}
    assert set(rows) == {"cpu", "targets-up"}, done.stderr
    expected = float(prom.query("sum(up)")[0]["value"][1])
    assert expected == 2.0
    targets_up = rows["targets-up"]
    assert (targets_up["value"], targets_up["status"], targets_up["environment"]) == (
        expected,
        "ok",
        "local",
    )
    assert "error" not in targets_up
    # The backfilled hour and the live read all saw the same two targets up.
    assert len(targets_up["series"]) > 1
    assert {value for _, value in targets_up["series"]} == {expected}
    cpu = rows["cpu"]
    assert isinstance(cpu["value"], float) and 0.0 <= cpu["value"] <= 100.0
    assert done.returncode == (1 if cpu["status"] == "crit" else 0), done.stderr


def test_cli_without_config_lists_host_cpu_and_memory(tmp_path: Path) -> None:
    home, cwd = tmp_path / "home", tmp_path / "empty"
    home.mkdir()
    cwd.mkdir()

    done = run_cockpit(["metrics", "--json"], home, cwd)

    assert done.returncode in (0, 1), done.stderr
    rows = {row["name"]: row for row in json.loads(done.stdout)["metrics"]}
    assert {"cpu", "memory"} <= set(rows), rows
    for name in ("cpu", "memory"):
        assert isinstance(rows[name]["value"], float), rows[name]
        assert rows[name]["unit"] == "%"
