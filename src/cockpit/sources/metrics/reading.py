"""What a metric source returns, and how the kind modules are found.

A kind module ``cockpit.sources.metrics.kinds.<kind>`` defines::

    async def read(entry: MetricConfig, env: Environment, ctx: ProbeContext) -> list[Reading]

and, when its backend keeps history (Prometheus, Azure Monitor), also::

    async def backfill(entry, env, ctx, start: float, end: float, step: float) -> list[Reading]

Both raise :class:`MetricError` with a one-line reason when the backend cannot answer.
"""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cockpit.config.environments import Environment
    from cockpit.config.metrics import MetricConfig
    from cockpit.sources.health.context import ProbeContext


@dataclass(frozen=True, slots=True)
class Reading:
    """One value of one series.

    Attributes:
        series: What tells this series apart within its metric (``""`` for a single series),
            e.g. ``pod=api-7f9c`` or ``/var``.
        value: The value in the metric's own unit, before the config's ``scale``.
        ts: When it was true (seconds since the epoch); None means "now, as read".
    """

    series: str
    value: float
    ts: float | None = None


class MetricError(Exception):
    """The backend could not give a value; ``str()`` is the one-line reason shown in the pane."""


ReadFn = Callable[["MetricConfig", "Environment", "ProbeContext"], Awaitable[list[Reading]]]
BackfillFn = Callable[
    ["MetricConfig", "Environment", "ProbeContext", float, float, float], Awaitable[list[Reading]]
]


def kind_module(kind: str) -> ModuleType:
    """The module that reads ``kind`` (named after it)."""
    return importlib.import_module(f"cockpit.sources.metrics.kinds.{kind}")


def reader_for(kind: str) -> ReadFn:
    """The ``read`` coroutine function of ``kind``."""
    fn: ReadFn = kind_module(kind).read
    return fn


def backfiller_for(kind: str) -> BackfillFn | None:
    """The ``backfill`` coroutine function of ``kind``, when its backend keeps history."""
    fn: BackfillFn | None = getattr(kind_module(kind), "backfill", None)
    return fn
