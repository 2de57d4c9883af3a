"""azure_monitor metrics: the real azure-mgmt-monitor client against the local Azure stand-in."""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from cockpit.config.environments import Environment
from cockpit.config.metrics import MetricConfig
from cockpit.sources.metrics.poller import MetricPoller
from tests.support.azure_server import METRICS, METRICS_ERROR, AzureStandIn
from tests.support.cockpit_cli import run_cockpit
from tests.support.config_files import write_config
from tests.support.processes import free_port
from tests.support.shared_fixtures import example_body

pytestmark = pytest.mark.integration

SUB = "00000000-1111-2222-3333-444444444444"
SITE = f"/subscriptions/{SUB}/resourceGroups/ops-rg/providers/Microsoft.Web/sites/sitef6141"
HOUR = 3600.0


def _metric(name: str = "blobs", **spec: Any) -> MetricConfig:
    settings = {"resource": SITE, "metric": "BlobCount", "granularity": "1h", **spec}
    return MetricConfig.model_validate({"name": name, "azure_monitor": settings})


def _env(arm: str | None) -> Environment:
    return Environment.model_validate(
        {"azure": {"subscription": SUB, "arm_endpoint": arm}} if arm else {}
    )


def _this_hour() -> float:
    return time.time() // HOUR * HOUR


def _shift_to_now(server: AzureStandIn) -> float:
    """Move the example's hourly points so the newest is at the start of this hour."""
    hour = _this_hour()
    server.shift_metrics(dt.datetime.fromtimestamp(hour + HOUR, dt.UTC))
    return hour


def _example_points(metric: str, field: str, shift: float) -> dict[str, list[tuple[float, float]]]:
    """The published example's points of one metric by tier, moved by ``shift`` seconds."""
    (body,) = [m for m in example_body(METRICS)["value"] if m["name"]["value"] == metric]
    return {
        f"tier={series['metadatavalues'][0]['value']}": [
            (dt.datetime.fromisoformat(p["timeStamp"]).timestamp() + shift, p[field])
            for p in series["data"]
        ]
        for series in body["timeseries"]
    }


def _example_shift(hour: float) -> float:
    end = example_body(METRICS)["timespan"].split("/")[1]
    return hour + HOUR - dt.datetime.fromisoformat(end).timestamp()


def _metric_requests(server: AzureStandIn) -> list[Any]:
    return [r for r in server.arm_requests() if r.path.endswith("/Microsoft.Insights/metrics")]


def _timespan(request: Any) -> tuple[float, float]:
    start, end = request.param("timespan").split("/")
    return dt.datetime.fromisoformat(start).timestamp(), dt.datetime.fromisoformat(end).timestamp()


@pytest.fixture
async def poller_for(
    azure_managed_identity: AzureStandIn,
) -> AsyncIterator[Callable[..., MetricPoller]]:
    made: list[MetricPoller] = []

    def make(entry: MetricConfig, arm: str | None = "", **kwargs: Any) -> MetricPoller:
        env = _env(azure_managed_identity.url if arm == "" else arm)
        made.append(MetricPoller([entry], env, **kwargs))
        return made[-1]

    yield make
    for poller in made:
        await poller.aclose()


async def test_read_gives_the_newest_point_of_each_dimension(
    azure_managed_identity: AzureStandIn, poller_for: Callable[..., MetricPoller]
) -> None:
    server = azure_managed_identity
    hour = _shift_to_now(server)
    entry = _metric(namespace="Microsoft.Storage/storageAccounts/blobServices")
    before = time.time()
    result = await poller_for(entry).read(entry)
    after = time.time()

    assert result.error is None
    expected = _example_points("BlobCount", "average", _example_shift(hour))
    assert sorted(result.points) == sorted(
        (tier, points[-1][0], points[-1][1]) for tier, points in expected.items()
    )
    # What the published example holds for BlobCount's average, newest hour.
    assert {series: value for series, _, value in result.points} == {
        "tier=Hot": 7.0,
        "tier=Standard": 2.0,
        "tier=Cool": 0.0,
        "tier=Archive": 0.0,
        "tier=Untiered": 0.0,
    }
    assert {ts for _, ts, _ in result.points} == {hour}

    (request,) = _metric_requests(server)
    assert request.path == f"{SITE}/providers/Microsoft.Insights/metrics"
    assert request.param("metricnames") == "BlobCount"
    assert request.param("aggregation") == "Average"
    assert request.param("interval") == "PT1H"
    assert request.param("metricnamespace") == "Microsoft.Storage/storageAccounts/blobServices"
    assert request.param("api-version") == "2024-02-01"
    start, end = _timespan(request)
    assert int(before) <= end <= after
    assert end - start == 3 * HOUR


async def test_an_aggregation_the_points_lack_is_a_reason(
    azure_managed_identity: AzureStandIn, poller_for: Callable[..., MetricPoller]
) -> None:
    server = azure_managed_identity
    _shift_to_now(server)
    entry = _metric("requests", metric="Http5xx", aggregation="Total")
    result = await poller_for(entry).read(entry)
    # GetMetric carries average, minimum and maximum only: no point has a total.
    assert result.error == "no Total value in the last 3h"
    assert _metric_requests(server)[0].param("aggregation") == "Total"


async def test_backfill_gives_every_point_of_the_window(
    azure_managed_identity: AzureStandIn, poller_for: Callable[..., MetricPoller]
) -> None:
    server = azure_managed_identity
    hour = _shift_to_now(server)
    entry = _metric(aggregation="Maximum")
    # A minute past the hour, four hours back: the oldest of the example's five hours is out.
    poller = poller_for(entry, clock=lambda: hour + 60)
    result = await poller.backfill(entry, 4 * HOUR)

    assert result.error is None and result.backfill
    expected = _example_points("BlobCount", "maximum", _example_shift(hour))
    wanted = sorted(
        (tier, ts, value)
        for tier, points in expected.items()
        for ts, value in points
        if hour + 60 - 4 * HOUR <= ts <= hour + 60
    )
    assert len(wanted) == 5 * 4
    assert sorted(result.points) == wanted
    assert {ts for _, ts, _ in result.points} == {hour - n * HOUR for n in range(4)}
    (request,) = _metric_requests(server)
    assert _timespan(request) == (hour + 60 - 4 * HOUR, hour + 60)
    assert (request.param("interval"), request.param("aggregation")) == ("PT1H", "Maximum")


async def test_errors_become_short_reasons(
    azure_managed_identity: AzureStandIn, poller_for: Callable[..., MetricPoller]
) -> None:
    server = azure_managed_identity
    failed = _metric("mongo", metric="MongoRequestsCount")
    result = await poller_for(failed).read(failed)
    (published,) = [
        m
        for m in example_body(METRICS_ERROR)["value"]
        if m["name"]["value"] == "MongoRequestsCount"
    ]
    assert result.error == f"{published['errorCode']}: {published['errorMessage']}"
    assert result.error.startswith("InvalidSamplingType: Sampling type is not found.")

    entry = _metric()
    poller = poller_for(entry)
    server.fail_next("/providers/Microsoft.Insights/metrics", 400, code="BadRequest")
    assert (await poller.read(entry)).error == "Azure Monitor HTTP 400 BadRequest: injected failure"

    server.expire_tokens()
    assert (await poller.read(entry)).error == (
        "Azure Monitor refused the credential (HTTP 401) ExpiredAuthenticationToken: "
        "The access token expiry UTC time is in the past."
    )


async def test_credential_failure_unreachable_arm_and_no_azure_settings(
    azure_managed_identity: AzureStandIn, poller_for: Callable[..., MetricPoller]
) -> None:
    server = azure_managed_identity
    entry = _metric(timeout="5s")
    server.fail_tokens = True
    refused = await poller_for(entry).read(entry)
    assert refused.error is not None
    assert refused.error.startswith("no Azure credential: ")
    assert "\n" not in refused.error
    assert _metric_requests(server) == []

    server.fail_tokens = False
    # The token comes from the stand-in's identity endpoint; nothing listens at ARM's address.
    unreachable = await poller_for(entry, f"http://127.0.0.1:{free_port()}").read(entry)
    assert unreachable.error == "Azure Monitor unreachable: connection refused"

    bare = await poller_for(entry, None).read(entry)
    assert (
        bare.error == "the environment has no azure: section: add azure: {subscription: ID} to it"
    )


def test_cli_reports_the_examples_value(
    azure_managed_identity: AzureStandIn, tmp_path: Path
) -> None:
    server = azure_managed_identity
    hour = _shift_to_now(server)
    config = write_config(
        tmp_path,
        f"""
        environments:
          prod:
            azure: {{subscription: "{SUB}", arm_endpoint: "{server.url}"}}
        metrics:
          - name: http5xx
            azure_monitor: {{resource: "{SITE}", metric: Http5xx, aggregation: Maximum,
                             granularity: 1h}}
            warn: 5
            crit: 10
        """,
    )
    done = run_cockpit(
        ["--config", str(config), "metrics", "--json", "--window", "24h"],
        tmp_path / "home",
        tmp_path,
    )
    assert done.returncode == 0, done.stderr
    rows = {row["labels"]: row for row in json.loads(done.stdout)["metrics"]}
    # Http5xx is answered with the example's data (its first metric) under the name asked for.
    expected = _example_points("BlobCount", "maximum", _example_shift(hour))
    assert {label: row["value"] for label, row in rows.items()} == {
        tier: points[-1][1] for tier, points in expected.items()
    }
    assert rows["tier=Hot"]["value"] == 7.0
    assert rows["tier=Hot"]["status"] == "warn"
    assert rows["tier=Standard"]["status"] == "ok"
    # The window was backfilled with the five hourly points.
    assert [t for t, _ in rows["tier=Hot"]["series"]] == [t for t, _ in expected["tier=Hot"]]
    requests = _metric_requests(server)
    assert {r.param("metricnames") for r in requests} == {"Http5xx"}
    assert {r.param("aggregation") for r in requests} == {"Maximum"}
