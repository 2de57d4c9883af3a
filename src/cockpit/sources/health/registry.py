"""Which module probes which check kind; modules are imported on first use."""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cockpit.domain.health import Outcome
    from cockpit.sources.health.context import ProbeContext
    from cockpit.sources.health.plan import CheckJob

ProbeFn = Callable[["CheckJob", "ProbeContext"], Awaitable["Outcome"]]

_MODULES = {
    "http": "cockpit.sources.health.http",
    "tcp": "cockpit.sources.health.tcp",
    "kubernetes": "cockpit.sources.health.kubernetes",
    "docker": "cockpit.sources.health.docker",
    "azure_webapp": "cockpit.sources.health.azure_webapp",
    "prometheus": "cockpit.sources.health.prometheus",
    "process": "cockpit.sources.health.process",
    "command": "cockpit.sources.health.command",
    "host": "cockpit.sources.health.host",
}

# Kinds that ask a control plane about the service: when that plane cannot be reached we cannot
# tell the service's health, so a timeout means UNKNOWN rather than DOWN.
BACKEND_KINDS = frozenset({"kubernetes", "docker", "azure_webapp", "prometheus"})


def probe_for(kind: str) -> ProbeFn:
    """The ``probe(job, ctx)`` coroutine function for ``kind``."""
    module = importlib.import_module(_MODULES[kind])
    fn: ProbeFn = module.probe
    return fn
