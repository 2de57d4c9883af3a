"""Local processes, busiest first: the cockpit's `top`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import psutil


@dataclass(frozen=True, slots=True)
class ProcessInfo:
    """One process as shown in a table."""

    pid: int
    name: str
    user: str
    cpu_pct: float
    mem_pct: float
    status: str
    cmdline: str


class ProcessSampler:
    """Keeps psutil Process objects between calls so CPU percentages are meaningful."""

    def __init__(self) -> None:
        self._procs: dict[int, psutil.Process] = {}

    def top(self, limit: int = 15) -> list[ProcessInfo]:
        """The ``limit`` busiest processes by CPU, then memory."""
        import psutil

        current: dict[int, psutil.Process] = {}
        rows: list[ProcessInfo] = []
        for proc in psutil.process_iter(["pid", "name", "username", "status", "cmdline"]):
            pid = proc.info["pid"]
            keep = self._procs.get(pid, proc)
            current[pid] = keep
            try:
                cpu = keep.cpu_percent(interval=None)
                mem = keep.memory_percent()
            except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
                continue
            cmd = " ".join(proc.info.get("cmdline") or []) or (proc.info.get("name") or "")
            rows.append(
                ProcessInfo(
                    pid=pid,
                    name=proc.info.get("name") or "?",
                    user=proc.info.get("username") or "?",
                    cpu_pct=cpu,
                    mem_pct=mem,
                    status=proc.info.get("status") or "?",
                    cmdline=cmd,
                )
            )
        self._procs = current
        rows.sort(key=lambda r: (r.cpu_pct, r.mem_pct), reverse=True)
        return rows[:limit]
