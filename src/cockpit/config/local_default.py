"""The built-in `local` environment used when no config file exists.

It is never empty: host health (disk, memory, load), the host's readable logs plus the cockpit's
own log, and (from the state layer) the daily host checklist. Everything here is discovered on
this machine at start, so the defaults show real data and nothing that is not there.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

# Well-known host logs, most useful first; only the readable ones are used.
HOST_LOGS = (
    ("syslog", "/var/log/syslog"),
    ("messages", "/var/log/messages"),
    ("kern", "/var/log/kern.log"),
    ("auth", "/var/log/auth.log"),
    ("dpkg", "/var/log/dpkg.log"),
)
JOURNAL_DIRS = ("/var/log/journal", "/run/log/journal")

# What the Metrics pane shows of this machine, with the seed runbooks' limits: 001's CPU > 80/90%
# and memory > 85/95%, 003's disk > 90% ("Clean up / expand").
HOST_METRICS: list[dict[str, Any]] = [
    {
        "name": "cpu",
        "host": {"metric": "cpu_percent"},
        "warn": 80,
        "crit": 90,
        "for": "1m",
        "action": "find the busy process (p)",
    },
    {"name": "memory", "host": {"metric": "memory_percent"}, "warn": 85, "crit": 95},
    {"name": "swap", "host": {"metric": "swap_percent"}, "warn": 50, "crit": 80},
    {"name": "load/core", "host": {"metric": "load_per_core"}, "warn": 1.5, "crit": 3},
    {
        "name": "disk",
        "host": {"metric": "disk_percent"},
        "warn": 80,
        "crit": 90,
        "action": "clean up or expand",
    },
    {"name": "disk read", "host": {"metric": "disk_read"}},
    {"name": "disk write", "host": {"metric": "disk_write"}},
    {"name": "net in", "host": {"metric": "net_rx"}},
    {"name": "net out", "host": {"metric": "net_tx"}},
]


def _readable(path: str) -> bool:
    return os.path.isfile(path) and os.access(path, os.R_OK)


def _has_journal() -> bool:
    if shutil.which("journalctl") is None:
        return False
    for folder in JOURNAL_DIRS:
        try:
            for _root, _dirs, files in os.walk(folder):
                if any(name.endswith(".journal") for name in files):
                    return True
        except OSError:
            continue
    return False


def local_default_data(own_log: Path, environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The raw config of the built-in local environment (validated like any file)."""
    logs: list[dict[str, Any]] = [
        {"name": name, "file": {"path": path}, "highlight": ["error", "fail"]}
        for name, path in HOST_LOGS
        if _readable(path)
    ]
    if _has_journal():
        logs.append({"name": "journal", "journald": {}})
    logs.append({"name": "cockpit", "file": {"path": str(own_log)}})
    return {
        "environments": {
            "local": {"description": "This machine", "protection": "none"},
        },
        "services": [
            {
                "name": "host",
                "description": "disk, memory and load of this machine (runbook daily checks)",
                "interval": "10s",
                "checks": [
                    {
                        "host": {
                            "disk": {"warn": 80, "crit": 90},
                            "memory": {"warn": 85, "crit": 95},
                        }
                    }
                ],
            }
        ],
        "logs": logs,
        "metrics": HOST_METRICS,
    }
