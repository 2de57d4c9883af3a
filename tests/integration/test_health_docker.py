"""Docker checks against a real private Docker engine over its unix socket."""

from __future__ import annotations

import asyncio
import time

import pytest

from cockpit.domain.health import Status
from tests.support.docker_engine import DockerContainers, DockerEngine
from tests.support.health_checks import run_checks

pytestmark = pytest.mark.integration


async def test_container_state_and_health(
    docker_engine: DockerEngine, docker_containers: DockerContainers
) -> None:
    env = {"local": {"docker": {"host": docker_engine.host}}}
    c = docker_containers
    checks = {
        "healthy": [{"docker": {"container": c.healthy.name}}],
        "unhealthy": [{"docker": {"container": c.unhealthy.name}}],
        "exited": [{"docker": {"container": c.exited.name}}],
        "plain": [{"docker": {"container": c.chatty.id}}],
        "missing": [{"docker": {"container": "no-such-container"}}],
    }
    results = await run_checks(checks, environments=env)
    assert results["healthy"].status is Status.UP
    assert results["healthy"].reason == "running, healthy"
    unhealthy = results["unhealthy"]
    assert unhealthy.status is Status.DOWN
    assert unhealthy.reason.startswith("running, unhealthy (health check exit 1")
    exited = results["exited"]
    assert exited.status is Status.DOWN and exited.reason == "exited (code 3)"
    assert results["plain"].status is Status.UP and results["plain"].reason == "running"
    missing = results["missing"]
    assert missing.status is Status.DOWN and missing.reason == "no container 'no-such-container'"

    # The healthy container turns unhealthy for real; the check follows.
    docker_engine.cli("exec", c.healthy.id, "touch", "/tmp/sick")
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        result = (await run_checks({"healthy": checks["healthy"]}, environments=env))["healthy"]
        if result.status is Status.DOWN:
            break
        await asyncio.sleep(0.3)
    assert result.status is Status.DOWN, result.reason
    assert result.reason.startswith("running, unhealthy")


async def test_unreachable_engine_is_unknown() -> None:
    env = {"local": {"docker": {"host": "unix:///nonexistent/docker.sock"}}}
    results = await run_checks({"c": [{"docker": {"container": "x"}}]}, environments=env)
    result = results["c"]
    assert result.status is Status.UNKNOWN
    assert result.reason.startswith("docker engine unreachable at unix:///nonexistent/docker.sock")
