"""A container's CPU and memory from the Engine API's stats, computed as `docker stats` does.

One ``GET /containers/{id}/stats?stream=false&one-shot=false`` per reading: without one-shot
the engine samples twice about a second apart and fills ``precpu_stats``, so a single request
gives the CPU rate. The arithmetic follows the docker CLI (``cli/command/container/
stats_helpers.go``): CPU % is the container's share of all host CPU time between the two
samples times the online CPUs (so one busy core reads 100 %), and memory used leaves out the
page cache that can be dropped at once (``total_inactive_file`` on cgroup v1, ``inactive_file``
on cgroup v2; Docker 19.03 and older subtracted ``cache``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from cockpit.config.environments import DockerTarget
from cockpit.config.metrics import DockerMetric
from cockpit.sources.health.describe import describe_error
from cockpit.sources.health.docker import engine_client, judge
from cockpit.sources.metrics.reading import MetricError, Reading
from cockpit.text.sanitize import excerpt

if TYPE_CHECKING:
    import httpx

    from cockpit.config.environments import Environment
    from cockpit.config.metrics import MetricConfig
    from cockpit.sources.health.context import ProbeContext


def cpu_percent(stats: dict[str, Any]) -> float:
    """CPU % of the host between ``precpu_stats`` and ``cpu_stats`` (0 when either is empty)."""
    cpu = stats.get("cpu_stats") or {}
    pre = stats.get("precpu_stats") or {}
    usage = cpu.get("cpu_usage") or {}
    cpu_delta = float(usage.get("total_usage") or 0) - float(
        (pre.get("cpu_usage") or {}).get("total_usage") or 0
    )
    system_delta = float(cpu.get("system_cpu_usage") or 0) - float(pre.get("system_cpu_usage") or 0)
    online = float(cpu.get("online_cpus") or len(usage.get("percpu_usage") or []))
    if system_delta > 0.0 and cpu_delta > 0.0:
        return cpu_delta / system_delta * online * 100.0
    return 0.0


def memory_used(stats: dict[str, Any]) -> float:
    """Bytes in use without the reclaimable page cache, as `docker stats` MEM USAGE shows."""
    memory = stats.get("memory_stats") or {}
    usage = int(memory.get("usage") or 0)
    detail = memory.get("stats") or {}
    v1 = detail.get("total_inactive_file")
    if v1 is not None and int(v1) < usage:
        return float(usage - int(v1))
    v2 = int(detail.get("inactive_file") or 0)
    if v2 < usage:
        return float(usage - v2)
    return float(usage)


def memory_percent(stats: dict[str, Any]) -> float:
    """Memory used as a % of the container's limit (the host's memory when it has none)."""
    limit = float((stats.get("memory_stats") or {}).get("limit") or 0)
    return memory_used(stats) / limit * 100.0 if limit else 0.0


def value_of(metric: str, stats: dict[str, Any]) -> float:
    """One metric (cpu_percent, memory_used, memory_percent) out of a stats answer."""
    if metric == "cpu_percent":
        return cpu_percent(stats)
    if metric == "memory_used":
        return memory_used(stats)
    return memory_percent(stats)


def _stopped(stats: dict[str, Any]) -> bool:
    # A container that is not running answers with an empty sample dated year 1.
    return not stats.get("memory_stats") or str(stats.get("read", "")).startswith("0001-")


async def _get(client: httpx.AsyncClient, url: str, host: str, timeout: float) -> httpx.Response:
    import httpx

    try:
        return await client.get(url, timeout=httpx.Timeout(timeout))
    except httpx.HTTPError as exc:
        reason = describe_error(exc, timeout=timeout)
        raise MetricError(f"docker engine unreachable at {host}: {reason}") from None


def _refused(response: httpx.Response, container: str) -> MetricError:
    if response.status_code == 404:
        return MetricError(f"no container {container!r}")
    message = excerpt(response.text, 200)
    return MetricError(f"docker HTTP {response.status_code}: {message}")


async def read(entry: MetricConfig, env: Environment, ctx: ProbeContext) -> list[Reading]:
    """Read one container's stats and compute the metric as `docker stats` does."""
    spec = entry.docker
    assert isinstance(spec, DockerMetric)
    host = (env.docker or DockerTarget()).host
    try:
        client, base = engine_client(host, ctx)
    except ValueError as exc:
        raise MetricError(str(exc)) from None
    path = f"{base}/containers/{quote(spec.container, safe='')}"
    # The engine takes about a second to sample twice: the timeout covers that wait.
    response = await _get(client, f"{path}/stats?stream=false&one-shot=false", host, spec.timeout)
    if response.status_code != 200:
        raise _refused(response, spec.container)
    stats = response.json()
    if _stopped(stats):
        inspected = await _get(client, f"{path}/json", host, spec.timeout)
        if inspected.status_code != 200:
            raise _refused(inspected, spec.container)
        _, state, _ = judge(inspected.json().get("State") or {})
        raise MetricError(f"container {spec.container!r} is not running: {state}")
    return [Reading("", value_of(spec.metric, stats))]
