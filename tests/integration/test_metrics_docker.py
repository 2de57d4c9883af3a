"""Docker metrics against a real private engine, cross-checked with the real `docker stats`.

The machine has 2 CPUs shared with other work, so CPU figures move between samples: each
assertion names the band it allows and why. ``docker stats --no-stream`` and the metric each
take their own two samples about a second apart, so the two never see the same interval; what
must agree is the scale (a capped container near its cap, a busy loop near one whole core, an
idle one near zero) and memory within a small margin.
"""

from __future__ import annotations

import asyncio
import json
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from cockpit.sources.metrics.poller import PollResult
from tests.support.docker_engine import IDLE, DockerEngine
from tests.support.metric_reads import read_metrics, values
from tests.support.processes import wait_until
from tests.support.tcp_relay import TcpRelay

pytestmark = pytest.mark.integration

MIB = 1024 * 1024
LIMIT = 96 * MIB
SHM = 32
"""MiB the memory container keeps in a tmpfs: page cache that cannot be dropped, so it counts."""
CACHE = 48
"""MiB the cached container writes to a plain file: page cache the kernel may drop, left out."""
SPIN = "trap 'exit 0' TERM INT; while :; do :; done"


@dataclass(frozen=True)
class Fleet:
    """Names of the containers of one test (see :func:`fleet`)."""

    busy: str
    capped: str
    idle: str
    memory: str
    cached: str
    exited: str


@pytest.fixture
def fleet(docker_engine: DockerEngine) -> Iterator[Fleet]:
    """A spinning, a capped (half a core), an idle, a memory-holding, a file-writing and an
    exited container, each in its final state."""
    tag = secrets.token_hex(3)
    kinds = ("busy", "capped", "idle", "memory", "cached", "exited")
    names = Fleet(*(f"{kind}-{tag}" for kind in kinds))
    try:
        docker_engine.run(names.busy, "sh", "-c", SPIN)
        docker_engine.run(names.capped, "sh", "-c", SPIN, extra_args=["--cpus", "0.5"])
        docker_engine.run(names.idle, "sh", "-c", IDLE)
        fill = f"dd if=/dev/zero of=/scratch/f bs=1M count={SHM} 2>/dev/null; touch /tmp/done; "
        docker_engine.run(
            names.memory,
            "sh",
            "-c",
            fill + IDLE,
            extra_args=["--memory", f"{LIMIT // MIB}m", "--tmpfs", "/scratch:size=64m"],
        )
        write = (
            f"dd if=/dev/zero of=/tmp/f bs=1M count={CACHE} 2>/dev/null; sync; touch /tmp/done; "
        )
        docker_engine.run(names.cached, "sh", "-c", write + IDLE)
        docker_engine.run(names.exited, "sh", "-c", "exit 3")
        for name in (names.memory, names.cached):
            wait_until(
                lambda name=name: (
                    docker_engine.cli(
                        "exec", name, "test", "-e", "/tmp/done", check=False
                    ).returncode
                    == 0
                ),
                timeout=20,
                what=f"{name} to write its file",
            )
        wait_until(
            lambda: docker_engine.inspect_state(names.exited).get("Status") == "exited",
            timeout=20,
            what="the exited container",
        )
        yield names
    finally:
        docker_engine.cli("rm", "-f", *vars(names).values(), check=False)


_UNITS = {"B": 1, "KiB": 1024, "MiB": MIB, "GiB": 1024 * MIB, "kB": 1000, "MB": 1e6, "GB": 1e9}


def _bytes(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)\s*([A-Za-z]+)", text.strip())
    assert match, text
    return float(match[1]) * _UNITS[match[2]]


Stats = dict[str, dict[str, float]]
"""`docker stats` figures by container name."""


def docker_stats(engine: DockerEngine, *names: str) -> Stats:
    """`docker stats --no-stream` per container: cpu %, memory used and memory %."""
    out = engine.cli("stats", "--no-stream", "--format", "{{json .}}", *names, timeout=60).stdout
    rows: dict[str, dict[str, float]] = {}
    for line in out.splitlines():
        row = json.loads(line)
        used, limit = row["MemUsage"].split(" / ")
        rows[row["Name"]] = {
            "cpu": float(row["CPUPerc"].rstrip("%")),
            "used": _bytes(used),
            "limit": _bytes(limit),
            "mem_pct": float(row["MemPerc"].rstrip("%")),
        }
    return rows


def _metrics(fleet: Fleet) -> list[dict[str, object]]:
    cpu = [{"name": f"cpu-{n}", "docker": {"container": n}} for n in vars(fleet).values()]
    memory = [
        {"name": "used", "docker": {"container": fleet.memory, "metric": "memory_used"}},
        {"name": "pct", "docker": {"container": fleet.memory, "metric": "memory_percent"}},
        {"name": "idle-used", "docker": {"container": fleet.idle, "metric": "memory_used"}},
        {"name": "cached-used", "docker": {"container": fleet.cached, "metric": "memory_used"}},
    ]
    return [*cpu, *memory]


def _cpu_trouble(fleet: Fleet, ours: dict[str, PollResult], theirs: Stats) -> list[str]:
    """What is off about the CPU figures of one round (empty when all is as expected)."""
    off = []
    for name, low, high in ((fleet.busy, 15, 110), (fleet.capped, 15, 60), (fleet.idle, 0, 5)):
        mine, cli = values(ours[f"cpu-{name}"])[""], theirs[name]["cpu"]
        # Bands that hold whatever else runs: a spinning shell uses at most one core (100 %,
        # a little more from sampling jitter) and gets a fair part of one even when other
        # work keeps both CPUs of this machine busy; --cpus 0.5 caps one at half a core
        # (50 %, plus a scheduler period at the ends of the ~1 s interval).
        if not (low <= mine <= high and low <= cli <= high):
            off.append(f"{name}: metric {mine:.1f}, docker stats {cli:.1f}")
        # Read together, both usually get the same two samples from the engine and agree to
        # the digit; a round that straddles one of the engine's 1 s ticks compares two
        # different seconds. A missing (or doubled) factor of online CPUs is off by half.
        elif abs(mine - cli) > 2 + 0.1 * cli:
            off.append(f"{name}: metric {mine:.1f} but docker stats {cli:.1f}")
    return off


async def test_cpu_and_memory_match_docker_stats(docker_engine: DockerEngine, fleet: Fleet) -> None:
    env = {"docker": {"host": docker_engine.host}}
    running = (fleet.busy, fleet.capped, fleet.idle, fleet.memory, fleet.cached)
    rounds: list[list[str]] = []
    # A round where the two sides saw different seconds is measured again (a wrong formula
    # is off in every round).
    for _ in range(4):
        # Both sides sample at the same time, so load elsewhere hits both alike.
        ours, theirs = await asyncio.gather(
            read_metrics(_metrics(fleet), env),
            asyncio.to_thread(docker_stats, docker_engine, *running),
        )
        rounds.append(_cpu_trouble(fleet, ours, theirs))
        if not rounds[-1]:
            break
    assert not rounds[-1], rounds

    used = values(ours["used"])[""]
    pct = values(ours["pct"])[""]
    cli = theirs[fleet.memory]
    assert cli["limit"] == LIMIT
    # The tmpfs pages stay in memory; sh and busybox add a few hundred KiB.
    assert SHM * MIB <= used <= (SHM + 8) * MIB, used / MIB
    assert SHM * MIB <= cli["used"] <= (SHM + 8) * MIB, cli
    # Nothing runs in the container between the two samples: the docker CLI prints 4
    # significant digits, so allow 1 % of the value plus 64 KiB of drift.
    assert abs(used - cli["used"]) <= used * 0.01 + 64 * 1024, (used, cli)
    assert pct == pytest.approx(used / LIMIT * 100, abs=0.2)
    assert pct == pytest.approx(cli["mem_pct"], abs=0.2)
    idle_used = values(ours["idle-used"])[""]
    assert 0 < idle_used < 8 * MIB, idle_used
    assert 0 < theirs[fleet.idle]["used"] < 8 * MIB

    # The written file sits in the page cache, charged to the container: the engine's raw
    # usage holds it, docker stats (and the metric) leave it out.
    with docker_engine.api() as api:
        raw = api.get(f"/containers/{fleet.cached}/stats", params={"stream": "false"}).json()
    # The kernel may already have reclaimed some of those pages on a busy machine (seen: 46.8
    # of 48 MiB), so ask for most of them, not all.
    assert raw["memory_stats"]["usage"] >= CACHE * MIB // 2, raw["memory_stats"]
    cached_used = values(ours["cached-used"])[""]
    assert 0 < cached_used < 8 * MIB, cached_used / MIB
    assert 0 < theirs[fleet.cached]["used"] < 8 * MIB, theirs[fleet.cached]


async def test_tcp_endpoint(docker_engine: DockerEngine, fleet: Fleet) -> None:
    with TcpRelay(docker_engine.socket) as relay:
        got = await read_metrics(
            [{"name": "used", "docker": {"container": fleet.memory, "metric": "memory_used"}}],
            {"docker": {"host": relay.host}},
        )
    assert SHM * MIB <= values(got["used"])[""] <= (SHM + 8) * MIB


async def test_unknown_stopped_and_unreachable(docker_engine: DockerEngine, fleet: Fleet) -> None:
    env = {"docker": {"host": docker_engine.host}}
    got = await read_metrics(
        [
            {"name": "missing", "docker": {"container": "no-such-container"}},
            {"name": "exited", "docker": {"container": fleet.exited}},
        ],
        env,
    )
    assert got["missing"].error == "no container 'no-such-container'"
    assert got["missing"].points == ()
    assert got["exited"].error == f"container {fleet.exited!r} is not running: exited (code 3)"

    gone = await read_metrics(
        [{"name": "m", "docker": {"container": fleet.busy}}],
        {"docker": {"host": "unix:///nonexistent/docker.sock"}},
    )
    error = gone["m"].error or ""
    assert error.startswith("docker engine unreachable at unix:///nonexistent/docker.sock: "), error

    with TcpRelay(docker_engine.socket) as relay:
        relay.refuse()
        refused = await read_metrics(
            [{"name": "m", "docker": {"container": fleet.busy}}], {"docker": {"host": relay.host}}
        )
    error = refused["m"].error
    assert error == f"docker engine unreachable at {relay.host}: connection refused"
