"""Host metrics of the cockpit's own machine (psutil), as `top`, `free -h` and `df -h` show them."""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING

from cockpit.config.metrics import HostMetric
from cockpit.sources.metrics.reading import MetricError, Reading

if TYPE_CHECKING:
    from cockpit.config.environments import Environment
    from cockpit.config.metrics import MetricConfig
    from cockpit.sources.health.context import ProbeContext
    from cockpit.sources.metrics.host import HostSample, HostSampler

FRESH_FOR = 0.5
"""Seconds one host reading serves every host metric: rates need time between readings."""


class SharedSample:
    """One :class:`HostSampler` for every host metric of a run, read at most every 0.5 s."""

    def __init__(self) -> None:
        from cockpit.sources.metrics.host import HostSampler

        self._sampler: HostSampler = HostSampler()
        self._sample: HostSample | None = None
        self._at = 0.0
        # Host metrics are read in threads of their own, often at the same moment.
        self._lock = threading.Lock()

    def get(self) -> HostSample:
        """The latest reading, taken now when the last one is older than :data:`FRESH_FOR`."""
        with self._lock:
            now = time.monotonic()
            if self._sample is None or now - self._at >= FRESH_FOR:
                self._sample = self._sampler.sample()
                self._at = now
            return self._sample


def values(spec: HostMetric, sample: HostSample) -> list[Reading]:
    """The readings of one host metric out of one host sample."""
    metric = spec.metric
    if metric == "disk_percent":
        if spec.mount is None:
            return [Reading(mount, pct, sample.ts) for mount, pct in sample.disks.items()]
        if spec.mount not in sample.disks:
            return []
        return [Reading("", sample.disks[spec.mount], sample.ts)]
    value = {
        "cpu_percent": sample.cpu_pct,
        "memory_percent": sample.mem_pct,
        "memory_used": float(sample.mem_used),
        "swap_percent": sample.swap_pct,
        "disk_read": sample.disk_read_bps,
        "disk_write": sample.disk_write_bps,
        "net_rx": sample.net_rx_bps,
        "net_tx": sample.net_tx_bps,
        "load1": sample.load1,
        "load_per_core": sample.load1 / max(sample.cores, 1),
    }[metric]
    return [Reading("", value, sample.ts)]


def _disk(mount: str) -> float:
    import psutil

    try:
        return float(psutil.disk_usage(mount).percent)
    except OSError as exc:
        raise MetricError(f"disk {mount}: {exc.strerror or exc}") from None


async def read(entry: MetricConfig, env: Environment, ctx: ProbeContext) -> list[Reading]:
    """Read one host metric (the sample is shared by every host metric of the run)."""
    spec = entry.host
    assert isinstance(spec, HostMetric)
    if spec.metric == "disk_percent" and spec.mount is not None:
        # A named mount that is not a "real disk" (tmpfs, overlay) is still worth reading.
        mount = spec.mount
        return [Reading("", await ctx.run_blocking(lambda: _disk(mount)))]
    shared = ctx.cached(("host-sample",), SharedSample)
    # A few /proc reads, shared by every host metric of the tick: cheaper in the loop than a
    # thread per metric per second (this runs in the metrics process, not the UI's).
    return values(spec, shared.get())
