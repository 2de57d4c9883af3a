"""Nothing the cockpit started outlives it, even what a library started for it.

The top-level ``cockpit`` process puts an owner mark in its environment; every process started
from it inherits the mark (worker processes, command checks, credential plugins, the children
they start, also those that left their session). At exit the owner ends every process that
still carries its mark.
"""

from __future__ import annotations

import contextlib
import os
import uuid

OWNER = "COCKPIT_OWNER"


def claim() -> str | None:
    """Mark this process as the owner of what it starts; None when an owner is already set
    (a cockpit started by a cockpit: the outer one cleans up)."""
    if os.environ.get(OWNER):
        return None
    owner = uuid.uuid4().hex
    os.environ[OWNER] = owner
    return owner


def end(owner: str) -> int:
    """Kill every other process carrying ``owner``'s mark; returns how many there were."""
    return kill_marked(OWNER, owner)


def kill_marked(variable: str, value: str) -> int:
    """Kill every process but this one whose environment has ``variable`` set to ``value``.

    Blocking (it reads every process's environment): call it from a thread in async code. A
    child that called ``setsid`` or forked twice has left its parent's process group, but not
    its environment.
    """
    import psutil

    me = os.getpid()
    killed = 0
    for process in psutil.process_iter():
        if process.pid == me:
            continue
        with contextlib.suppress(psutil.Error, OSError):
            if process.environ().get(variable) == value:
                process.kill()
                killed += 1
    return killed
