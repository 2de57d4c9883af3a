"""The `docker stats` arithmetic on answers of both cgroup versions (the test engine runs v1)."""

from __future__ import annotations

from typing import Any

import pytest

from cockpit.sources.metrics.kinds.docker import cpu_percent, memory_percent, memory_used


def _cpu(total: int, system: int, online: int | None, cores: int = 4) -> dict[str, Any]:
    usage: dict[str, Any] = {"total_usage": total, "percpu_usage": [total // cores] * cores}
    out: dict[str, Any] = {"cpu_usage": usage, "system_cpu_usage": system}
    if online is not None:
        out["online_cpus"] = online
    return out


def test_cpu_is_the_share_of_all_cpu_time_times_online_cpus() -> None:
    # 0.5 s of CPU while the host's 4 CPUs ran 4 s between samples: half of one core.
    stats = {
        "precpu_stats": _cpu(10**9, 10**12, 4),
        "cpu_stats": _cpu(15 * 10**8, 10**12 + 4 * 10**9, 4),
    }
    assert cpu_percent(stats) == pytest.approx(50.0)


def test_cpu_counts_per_cpu_entries_when_online_cpus_is_missing() -> None:
    pre, now = _cpu(0, 0, None), _cpu(2 * 10**9, 4 * 10**9, None)
    # 2 s of CPU in 4 s of host time on the 4 CPUs the per-CPU list counts.
    assert cpu_percent({"precpu_stats": pre, "cpu_stats": now}) == pytest.approx(200.0)


def test_cpu_is_zero_without_a_previous_sample() -> None:
    # A one-shot answer has an empty precpu_stats; the CLI shows 0 rather than a huge rate.
    assert cpu_percent({"precpu_stats": {}, "cpu_stats": _cpu(5, 0, 2)}) == 0.0


def test_memory_leaves_out_inactive_file_on_cgroup_v2() -> None:
    stats = {
        "memory_stats": {"usage": 300, "limit": 1000, "stats": {"inactive_file": 100, "file": 150}}
    }
    assert memory_used(stats) == 200
    assert memory_percent(stats) == pytest.approx(20.0)


def test_memory_leaves_out_total_inactive_file_on_cgroup_v1() -> None:
    stats = {
        "memory_stats": {
            "usage": 300,
            "limit": 600,
            "stats": {"total_inactive_file": 120, "inactive_file": 10, "cache": 200},
        }
    }
    assert memory_used(stats) == 180
    assert memory_percent(stats) == pytest.approx(30.0)


def test_memory_is_the_raw_usage_when_the_cache_figure_is_larger() -> None:
    stats = {"memory_stats": {"usage": 50, "limit": 0, "stats": {"inactive_file": 80}}}
    assert memory_used(stats) == 50
    assert memory_percent(stats) == 0.0
