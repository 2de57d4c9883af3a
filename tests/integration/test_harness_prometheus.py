"""The Prometheus harness serves imported fixed data exactly, and scrapes a live node-exporter."""

from __future__ import annotations

import httpx
import pytest

from tests.support.fixtures_prometheus import PrometheusFactory
from tests.support.processes import wait_until
from tests.support.prometheus import (
    LivePrometheus,
    PrometheusError,
    linear_points,
    minute_anchor,
    openmetrics_document,
    openmetrics_family,
)

pytestmark = pytest.mark.integration


def test_imported_counter_rate_is_exact(prometheus_server: PrometheusFactory) -> None:
    end = minute_anchor()
    # +10 per sample, one sample a minute: 10 per minute.
    points = linear_points(end=end, step=60, count=31, increment=10)
    text = openmetrics_document(
        openmetrics_family("requests", "counter", [({"job": "api"}, points)], "Requests served."),
        openmetrics_family(
            "queue_depth", "gauge", [({"job": "api"}, [(end - 60, 4.0), (end, 7.5)])]
        ),
    )
    prom = prometheus_server(text)

    # 30 s off the sample grid the 5 m window holds 5 samples spanning 240 s; Prometheus
    # extrapolates by 300/240 = 1.25, and 40 * 1.25 / 300 rounds to the nearest double of 1/6.
    result = prom.query("rate(requests_total[5m])", at=end - 30)
    assert [r["metric"] for r in result] == [{"job": "api"}]
    assert result[0]["value"] == [end - 30, "0.16666666666666666"]

    assert prom.query("queue_depth", at=end)[0]["value"][1] == "7.5"
    assert prom.query("queue_depth", at=end - 30)[0]["value"][1] == "4"
    # Nothing before the imported range: the data is really only there at its timestamps.
    assert prom.query("requests_total", at=end - 3 * 3600) == []
    print(f"prometheus ready in {prom.ready_seconds:.2f}s")


def test_servers_are_independent_and_stopped(prometheus_server: PrometheusFactory) -> None:
    end = minute_anchor()
    first = prometheus_server(
        openmetrics_document(openmetrics_family("a", "gauge", [({}, [(end, 1.0)])]))
    )
    second = prometheus_server(
        openmetrics_document(openmetrics_family("b", "gauge", [({}, [(end, 2.0)])]))
    )
    assert first.url != second.url
    assert first.query("b", at=end) == []
    assert second.query("b", at=end)[0]["value"][1] == "2"
    first.stop()
    assert first.process.poll() is not None
    with pytest.raises(httpx.TransportError):
        httpx.get(f"{first.url}/-/ready", timeout=1.0)


def test_live_prometheus_scrapes_node_exporter(prometheus_live: LivePrometheus) -> None:
    prom = prometheus_live.server
    assert prom.query('up{job="node"}')[0]["value"][1] == "1"
    assert float(prom.query("node_load1")[0]["value"][1]) >= 0.0

    staging = prometheus_live.textfile_dir / "cockpit.prom.tmp"
    staging.write_text("# TYPE cockpit_probe gauge\ncockpit_probe 42\n")
    staging.rename(prometheus_live.textfile_dir / "cockpit.prom")
    sample = wait_until(
        lambda: prom.query("cockpit_probe"), timeout=10.0, interval=0.2, what="textfile metric"
    )
    assert sample[0]["value"][1] == "42"
    print(f"live prometheus first sample after {prometheus_live.first_sample_seconds:.2f}s")


def test_a_document_promtool_rejects_fails_with_its_reason(
    prometheus_server: PrometheusFactory,
) -> None:
    with pytest.raises(PrometheusError, match="promtool failed"):
        prometheus_server("# TYPE x gauge\nx 1 1700000000\n")  # no "# EOF"
