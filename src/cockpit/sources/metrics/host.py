"""Host metrics from psutil: the numbers behind `top`, `free -h` and `df -h`."""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass, field

# Pseudo and container filesystems say nothing about the host's disks.
_SKIP_FSTYPES = frozenset(
    {
        "tmpfs",
        "devtmpfs",
        "overlay",
        "squashfs",
        "proc",
        "sysfs",
        "cgroup",
        "cgroup2",
        "nsfs",
        "devpts",
        "mqueue",
        "autofs",
        "fuse.lxcfs",
        "tracefs",
        "debugfs",
        "securityfs",
        "pstore",
        "binfmt_misc",
        "configfs",
        "bpf",
        "fusectl",
        "hugetlbfs",
        "ramfs",
        "rpc_pipefs",
    }
)


@dataclass(frozen=True, slots=True)
class HostSample:
    """One reading of the host. Percentages are 0-100; rates are bytes per second."""

    ts: float
    cpu_pct: float
    mem_pct: float
    mem_used: int
    mem_total: int
    swap_pct: float
    load1: float
    net_rx_bps: float
    net_tx_bps: float
    disks: dict[str, float] = field(default_factory=dict)
    disk_read_bps: float = 0.0
    disk_write_bps: float = 0.0
    cores: int = 1


class HostSampler:
    """Takes successive host samples; rates come from the difference between two calls."""

    def __init__(self, max_disks: int = 6) -> None:
        self._max_disks = max_disks
        self._last_net: tuple[float, int, int] | None = None
        self._last_io: tuple[float, int, int] | None = None
        # psutil is imported here, not at module load: the UI starts faster without it.
        import psutil

        self._psutil = psutil
        # The first cpu_percent() call only primes psutil's counters.
        psutil.cpu_percent(interval=None)

    def sample(self) -> HostSample:
        """Read the host now. Cheap (a few /proc reads); call it from a worker thread."""
        psutil = self._psutil
        now = time.monotonic()
        vm = psutil.virtual_memory()
        sw = psutil.swap_memory()
        try:
            load1 = psutil.getloadavg()[0]
        except (AttributeError, OSError):
            load1 = 0.0
        rx_bps = tx_bps = 0.0
        try:
            net = psutil.net_io_counters()
        except OSError:
            net = None
        if net is not None:
            if self._last_net is not None:
                t0, rx0, tx0 = self._last_net
                dt = max(now - t0, 1e-6)
                rx_bps = max(net.bytes_recv - rx0, 0) / dt
                tx_bps = max(net.bytes_sent - tx0, 0) / dt
            self._last_net = (now, net.bytes_recv, net.bytes_sent)
        read_bps, write_bps = self._disk_io(now)
        return HostSample(
            ts=time.time(),
            cpu_pct=psutil.cpu_percent(interval=None),
            mem_pct=vm.percent,
            mem_used=vm.total - vm.available,
            mem_total=vm.total,
            swap_pct=sw.percent,
            load1=load1,
            net_rx_bps=rx_bps,
            net_tx_bps=tx_bps,
            disks=self._disks(),
            disk_read_bps=read_bps,
            disk_write_bps=write_bps,
            cores=psutil.cpu_count() or 1,
        )

    def _disk_io(self, now: float) -> tuple[float, float]:
        try:
            io = self._psutil.disk_io_counters()
        except (OSError, RuntimeError):
            io = None
        if io is None:
            return 0.0, 0.0
        rates = (0.0, 0.0)
        if self._last_io is not None:
            t0, r0, w0 = self._last_io
            dt = max(now - t0, 1e-6)
            rates = (max(io.read_bytes - r0, 0) / dt, max(io.write_bytes - w0, 0) / dt)
        self._last_io = (now, io.read_bytes, io.write_bytes)
        return rates

    def _disks(self) -> dict[str, float]:
        psutil = self._psutil
        out: dict[str, float] = {}
        seen_devices: set[str] = set()
        for part in psutil.disk_partitions(all=False):
            if part.fstype in _SKIP_FSTYPES or part.device in seen_devices:
                continue
            try:
                usage = psutil.disk_usage(part.mountpoint)
            except OSError:
                continue
            seen_devices.add(part.device)
            out[part.mountpoint] = usage.percent
            if len(out) >= self._max_disks:
                break
        if not out:
            with contextlib.suppress(OSError):
                out["/"] = psutil.disk_usage("/").percent
        return out
