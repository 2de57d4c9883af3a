"""Which module probes which check kind: ``cockpit.sources.health.<kind>``, imported on first use.

A probe module defines ``async def probe(job, ctx) -> Outcome`` and, when it asks a control
plane (the Kubernetes API, a Docker engine, ARM, Prometheus) rather than the service itself,
``ASKS_CONTROL_PLANE = True``: when that plane cannot be reached the service's health is
unknown, so a timeout means UNKNOWN rather than DOWN.
"""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cockpit.domain.health import Outcome
    from cockpit.sources.health.context import ProbeContext
    from cockpit.sources.health.plan import CheckJob

ProbeFn = Callable[["CheckJob", "ProbeContext"], Awaitable["Outcome"]]


def probe_module(kind: str) -> ModuleType:
    """The module that probes ``kind`` (named after it)."""
    return importlib.import_module(f"{__package__}.{kind}")


def probe_for(kind: str) -> ProbeFn:
    """The ``probe(job, ctx)`` coroutine function for ``kind``."""
    fn: ProbeFn = probe_module(kind).probe
    return fn


def asks_control_plane(kind: str) -> bool:
    """Whether ``kind``'s probe asks a control plane about the service (see module docs)."""
    return bool(getattr(probe_module(kind), "ASKS_CONTROL_PLANE", False))
