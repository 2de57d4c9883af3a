"""The `metrics:` section: every kind validates, mistakes are reported at FILE:LINE with a fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from cockpit.config import ConfigError, load_config_text
from cockpit.config.metrics import METRIC_KINDS

HEAD = """\
environments:
  local: {protection: none}
  prod: {prometheus: {url: "http://127.0.0.1:9090"}}
services:
  - name: web
    checks: [{tcp: {host: 127.0.0.1, port: 80}}]
metrics:
"""


def load(body: str) -> object:
    return load_config_text(HEAD + body, "cockpit.yaml", Path("/tmp")).config


def problems(body: str) -> str:
    with pytest.raises(ConfigError) as caught:
        load(body)
    return str(caught.value)


def test_every_kind_validates_with_its_defaults() -> None:
    config = load(
        """\
  - {name: cpu, host: {metric: cpu_percent}, warn: 80, crit: 90, for: 5m, action: Scale up}
  - {name: up, prometheus: {query: "sum(up)"}, warn: 1, crit: 0, direction: below}
  - name: 5xx
    azure_monitor:
      resource: /subscriptions/s/resourceGroups/g/providers/Microsoft.Web/sites/w
      metric: Http5xx
      aggregation: Total
  - {name: api, docker: {container: api}}
  - {name: pods, kubernetes: {selector: app=api, metric: memory}, environments: [prod]}
  - {name: web p95, health: {service: web}}
"""
    )
    metrics = config.metrics  # type: ignore[attr-defined]
    assert [m.kind for m in metrics] == [
        "host",
        "prometheus",
        "azure_monitor",
        "docker",
        "kubernetes",
        "health",
    ]
    assert METRIC_KINDS == ("host", "prometheus", "azure_monitor", "docker", "kubernetes", "health")
    assert metrics[0].hold == 300.0 and metrics[0].action == "Scale up"
    assert [m.every for m in metrics] == [1.0, 15.0, 60.0, 5.0, 15.0, 10.0]
    assert [m.shown_unit for m in metrics] == ["%", "", "", "%", "B", "ms"]
    assert config.metrics_for("local") == metrics[:4] + metrics[5:]  # type: ignore[attr-defined]


def test_limits_in_the_wrong_order_name_the_line_and_the_fix() -> None:
    text = problems("  - name: cpu\n    host: {metric: cpu_percent}\n    warn: 90\n    crit: 80\n")
    assert "cockpit.yaml:10:" in text and "swap them" in text and "direction: below" in text
    text = problems(
        "  - name: up\n    prometheus: {query: up}\n    warn: 0\n    crit: 1\n"
        "    direction: below\n"
    )
    assert "cockpit.yaml:10:" in text and "falling value warns first" in text


def test_kind_mistakes_are_refused() -> None:
    assert "exactly one kind key" in problems("  - {name: x, warn: 1}\n")
    assert "several kind keys" in problems(
        "  - {name: x, host: {metric: load1}, docker: {container: a}}\n"
    )
    assert "cpu_percent" in problems("  - {name: x, host: {metric: cpu}}\n")
    assert "exactly one of pod, selector, node" in problems(
        "  - {name: x, kubernetes: {pod: a, nodes: true}}\n"
    )


def test_references_to_unknown_names_list_the_known_ones() -> None:
    text = problems("  - {name: x, host: {metric: load1}, environments: [staging]}\n")
    assert "unknown environment 'staging'" in text and "known: local, prod" in text
    text = problems("  - {name: x, health: {service: api}}\n")
    assert "cockpit.yaml:8:" in text and "no service named 'api'" in text and "web" in text


def test_a_unit_must_be_short_and_printable() -> None:
    assert "short unit" in problems("  - {name: x, host: {metric: load1}, unit: requests per s}\n")
