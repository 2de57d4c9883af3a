"""A container's CPU and memory from the Engine API's stats, computed as `docker stats` does.

CPU is the container's share of the host's CPU time between two samples the engine takes a
second apart (``stream=false``), times the online CPUs: 100 % is one full core, as the CLI
shows it. Memory used leaves out the inactive page cache (``inactive_file`` on cgroup v2,
``total_inactive_file`` on v1), which the kernel can take back at any time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from cockpit.config.environments import DockerTarget
from cockpit.config.metrics import DockerMetric
from cockpit.sources.health.describe import describe_error
from cockpit.sources.metrics.reading import MetricError, Reading
from cockpit.text.sanitize import excerpt

if TYPE_CHECKING:
    from cockpit.config.environments import Environment
    from cockpit.config.metrics import MetricConfig
    from cockpit.sources.health.context import ProbeContext

NEVER = "0001-01-01T00:00:00Z"
"""The ``read`` time the engine gives a container that is not running."""


def cpu_percent(stats: dict[str, Any]) -> float:
    """CPU use in percent of one core between the engine's two samples."""
    cpu = stats.get("cpu_stats") or {}
    pre = stats.get("precpu_stats") or {}
    used = (cpu.get("cpu_usage") or {}).get("total_usage", 0) - (pre.get("cpu_usage") or {}).get(
        "total_usage", 0
    )
    system = cpu.get("system_cpu_usage", 0) - pre.get("system_cpu_usage", 0)
    online = cpu.get("online_cpus") or len((cpu.get("cpu_usage") or {}).get("percpu_usage") or [])
    if used <= 0 or system <= 0:
        return 0.0
    return float(used) / float(system) * float(online or 1) * 100.0


def memory_used(stats: dict[str, Any]) -> tuple[float, float]:
    """Bytes used without the inactive page cache, and the limit."""
    memory = stats.get("memory_stats") or {}
    usage = float(memory.get("usage") or 0)
    detail = memory.get("stats") or {}
    for key in ("total_inactive_file", "inactive_file"):
        inactive = detail.get(key)
        if inactive is not None and inactive < usage:
            usage -= float(inactive)
            break
    return usage, float(memory.get("limit") or 0)


async def read(entry: MetricConfig, env: Environment, ctx: ProbeContext) -> list[Reading]:
    """Ask the engine for the container's stats and take the metric from them."""
    import httpx

    from cockpit.sources.health.docker import engine_client

    spec = entry.docker
    assert isinstance(spec, DockerMetric)
    host = (env.docker or DockerTarget()).host
    try:
        client, base = engine_client(host, ctx)
    except ValueError as exc:
        raise MetricError(str(exc)) from None
    try:
        response = await client.get(
            f"{base}/containers/{quote(spec.container, safe='')}/stats",
            params={"stream": "false"},
            timeout=httpx.Timeout(spec.timeout),
        )
    except httpx.HTTPError as exc:
        reason = describe_error(exc, timeout=spec.timeout)
        raise MetricError(f"docker engine unreachable at {host}: {reason}") from None
    if response.status_code == 404:
        raise MetricError(f"no container {excerpt(spec.container, 80)!r}")
    if response.status_code != 200:
        raise MetricError(f"docker HTTP {response.status_code}: {excerpt(response.text, 200)}")
    stats = response.json()
    if stats.get("read") == NEVER or not stats.get("memory_stats"):
        raise MetricError(f"container {excerpt(spec.container, 80)!r} is not running")
    if spec.metric == "cpu_percent":
        return [Reading("", cpu_percent(stats))]
    used, limit = memory_used(stats)
    if spec.metric == "memory_used":
        return [Reading("", used)]
    if limit <= 0:
        raise MetricError("the engine gives no memory limit for this container")
    return [Reading("", used / limit * 100.0)]
