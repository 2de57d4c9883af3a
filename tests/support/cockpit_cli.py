"""The installed ``cockpit`` command, run as a user would, with its own HOME and XDG folders."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def cockpit_env(home: Path) -> dict[str, str]:
    """The process environment with HOME and every XDG folder inside ``home``, no COCKPIT_*."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("COCKPIT_")}
    env["HOME"] = str(home)
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        env[var] = str(home / var.lower())
    return env


def cockpit_argv(*args: str) -> list[str]:
    """The argv of the ``cockpit`` script installed beside this Python."""
    return [str(Path(sys.executable).with_name("cockpit")), *args]


def run_cockpit(
    args: list[str], home: Path, cwd: Path, timeout: float = 60.0
) -> subprocess.CompletedProcess[str]:
    """Run ``cockpit ARGS`` in ``cwd`` and wait for it."""
    return subprocess.run(
        cockpit_argv(*args),
        cwd=cwd,
        env=cockpit_env(home),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
