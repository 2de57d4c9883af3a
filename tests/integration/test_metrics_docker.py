"""`docker` metrics against a real engine, cross-checked with the real `docker stats`."""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from typing import Any

import pytest

from cockpit.sources.metrics.poller import PollResult
from tests.support.docker_engine import DockerEngine
from tests.support.metric_reads import read_metric

pytestmark = pytest.mark.integration

MiB = 2**20


@pytest.fixture
def busy_and_idle(docker_engine: DockerEngine) -> Iterator[tuple[str, str]]:
    tag = secrets.token_hex(3)
    busy = f"busy-{tag}"
    idle = f"idle-{tag}"
    docker_engine.run(busy, "sh", "-c", "while :; do :; done", extra_args=["--memory", "64m"])
    docker_engine.run(idle, "sleep", "3600", extra_args=["--memory", "32m"])
    try:
        yield busy, idle
    finally:
        docker_engine.cli("rm", "-f", busy, idle, check=False)


def read(engine: DockerEngine, container: str, metric: str, host: str | None = None) -> PollResult:
    config = {
        "environments": {"local": {"docker": {"host": host or engine.host}}},
        "metrics": [{"name": "m", "docker": {"container": container, "metric": metric}}],
    }
    return read_metric(config, "local")


def value(result: PollResult) -> float:
    assert result.error is None, result.error
    ((series, _, number),) = result.points
    assert series == ""
    return number


def cli_stats(engine: DockerEngine, container: str) -> dict[str, Any]:
    out = engine.cli("stats", "--no-stream", "--format", "{{json .}}", container).stdout
    stats: dict[str, Any] = json.loads(out)
    return stats


def test_cpu_and_memory_read_like_docker_stats(
    docker_engine: DockerEngine, busy_and_idle: tuple[str, str]
) -> None:
    busy, idle = busy_and_idle
    busy_cpu = value(read(docker_engine, busy, "cpu_percent"))
    idle_cpu = value(read(docker_engine, idle, "cpu_percent"))
    # A shell spinning on one core: near 100 % of a core (the machine is shared, so loosely).
    assert busy_cpu > 40.0
    assert idle_cpu < 5.0
    cli_busy = float(cli_stats(docker_engine, busy)["CPUPerc"].rstrip("%"))
    assert cli_busy > 40.0 and abs(busy_cpu - cli_busy) < 40.0

    used = value(read(docker_engine, idle, "memory_used"))
    percent = value(read(docker_engine, idle, "memory_percent"))
    assert 0 < used < 32 * MiB
    assert percent == pytest.approx(used / (32 * MiB) * 100, rel=0.2)
    # docker stats prints "1.2MiB / 32MiB": the same figure, within what a second changes.
    shown = cli_stats(docker_engine, idle)["MemUsage"].split(" / ")
    assert shown[1] == "32MiB"
    cli_used = float(shown[0].removesuffix("MiB").removesuffix("KiB"))
    cli_used *= MiB if shown[0].endswith("MiB") else 1024
    assert abs(used - cli_used) < 2 * MiB


def test_missing_stopped_and_unreachable_are_reasons(
    docker_engine: DockerEngine, tmp_path: Any
) -> None:
    tag = secrets.token_hex(3)
    assert read(docker_engine, f"nope-{tag}", "cpu_percent").error == f"no container 'nope-{tag}'"
    stopped = f"stopped-{tag}"
    docker_engine.run(stopped, "true", detach=False)
    try:
        got = read(docker_engine, stopped, "memory_used")
        assert got.error == f"container '{stopped}' is not running"
    finally:
        docker_engine.cli("rm", "-f", stopped, check=False)
    gone = f"unix://{tmp_path}/docker.sock"
    got = read(docker_engine, "api", "cpu_percent", host=gone)
    assert got.error is not None and got.error.startswith(f"docker engine unreachable at {gone}: ")
