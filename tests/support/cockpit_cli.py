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


def cockpit_in(
    home: Path,
    *args: str,
    user: str = "alice",
    stdin: str = "",
    extra_env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """``cockpit ARGS`` run from ``home`` as ``user``, with its own state file there."""
    env = cockpit_env(home) | {"COCKPIT_USER": user, "COCKPIT_STATE": str(home / "state.db")}
    return subprocess.run(
        cockpit_argv(*args),
        cwd=home,
        env=env | (extra_env or {}),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def action_cli(
    home: Path, *args: str, extra_env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``cockpit --config c.yaml action run ARGS`` run from ``home`` (see :func:`cockpit_in`)."""
    return cockpit_in(home, "--config", "c.yaml", "action", "run", *args, extra_env=extra_env)
