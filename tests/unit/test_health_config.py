"""The `services:` schema: kind keys, conditions and references reported at their position."""

from __future__ import annotations

from pathlib import Path

import pytest

from cockpit.cli.check import format_table
from cockpit.config import ConfigError, load_config_text
from cockpit.domain.health import ServiceStatus, Status
from cockpit.sources.health.plan import plan

HEAD = "environments:\n  dev: {}\n  prod: {}\nservices:\n"


def _issues(body: str) -> list[str]:
    with pytest.raises(ConfigError) as info:
        load_config_text(HEAD + body, "c.yaml", Path("."))
    return [str(i) for i in info.value.issues]


def test_malformed_condition_points_at_the_list_item() -> None:
    issues = _issues(
        "  - name: web\n"
        "    checks:\n"
        "      - http:\n"
        "          url: http://x/\n"
        "          conditions:\n"
        '            - "[STATUS] == 200"\n'
        '            - "[BODY].x <> 1"\n'
    )
    assert len(issues) == 1
    assert issues[0].startswith("c.yaml:11:")
    assert "[BODY].x <> 1" in issues[0]


def test_kind_keys_and_kind_specific_rules() -> None:
    issues = _issues(
        "  - name: a\n"
        "    checks:\n"
        "      - {http: {url: 'http://x/'}, tcp: {host: h, port: 1}}\n"
        "      - {name: only-common}\n"
        "      - prometheus: {query: up}\n"
        "      - kubernetes: {}\n"
        "      - http: {url: 'ftp://x/'}\n"
        "      - tcp: {host: h, port: 70000}\n"
    )
    text = "\n".join(issues)
    assert "several kind keys (http, tcp)" in text
    assert "needs exactly one kind key" in text
    assert "prometheus check needs a condition" in text
    assert "kubernetes check needs a deployment or a selector" in text
    assert "must start with http:// or https://" in text
    assert "65535" in text
    assert len(issues) == 6


def test_check_environments_and_duplicate_names() -> None:
    issues = _issues(
        "  - name: a\n"
        "    environments: [dev]\n"
        "    checks:\n"
        "      - {name: x, tcp: {host: h, port: 1}}\n"
        "      - {name: x, tcp: {host: h, port: 2}, environments: [prod]}\n"
    )
    assert any(i.startswith("c.yaml:9:16:") and "duplicate check name 'x'" in i for i in issues)
    assert any("environment 'prod' is not among the service's: dev" in i for i in issues)


def test_plan_names_checks_and_spreads_environments() -> None:
    loaded = load_config_text(
        HEAD + "  - name: a\n    interval: 1m\n    checks:\n"
        "      - {tcp: {host: h, port: 1}}\n"
        "      - {tcp: {host: h, port: 2}, interval: 5s, environments: [prod]}\n"
        "      - {name: db, tcp: {host: h, port: 3}}\n",
        "c.yaml",
        Path("."),
    )
    jobs = plan(loaded.config)
    assert [(j.check, j.environment, j.interval) for j in jobs] == [
        ("tcp", "dev", 60.0),
        ("tcp", "prod", 60.0),
        ("tcp-2", "prod", 5.0),
        ("db", "dev", 60.0),
        ("db", "prod", 60.0),
    ]
    assert jobs[0].timeout == 10.0


def test_table_colours_only_the_status_and_shows_env_when_several() -> None:
    rows = [
        ServiceStatus("api", "prod", Status.DOWN, 12.3, "connection refused", None, []),
        ServiceStatus("web", "dev", Status.UP, None, "HTTP 200 in 3 ms", None, []),
    ]
    plain = format_table(rows, colour=False, width=None).splitlines()
    assert plain[0].split() == ["STATUS", "SERVICE", "ENV", "LATENCY", "REASON"]
    assert plain[1].split()[:5] == ["DOWN", "api", "prod", "12", "ms"]
    assert plain[2].split()[:4] == ["UP", "web", "dev", "-"]
    coloured = format_table(rows, colour=True, width=30).splitlines()
    assert coloured[1].startswith("\x1b[1;31mDOWN\x1b[0m")
    assert coloured[0] == plain[0][:29] + "…"
    assert format_table([], colour=False, width=None) == "no services configured"
