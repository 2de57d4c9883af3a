"""Feeds the UI host samples from the sampling process (see
:mod:`cockpit.sources.metrics.sampler_process`) and the readings of the environment's metrics
from the metrics process (see :mod:`cockpit.sources.metrics.worker`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from cockpit.feeds.relay import WorkerRelay

if TYPE_CHECKING:
    from cockpit.sources.messages import MetricsSetup
    from cockpit.sources.metrics.host import HostSample
    from cockpit.sources.metrics.processes import ProcessInfo


MODULE = "cockpit.sources.metrics.sampler_process"


class HostFeedError(RuntimeError):
    """The sampling process failed or ended; the message says how (its last words)."""


class HostFeed(WorkerRelay):
    """Owns the sampling process; :meth:`run` relays its samples from a thread."""

    module = MODULE
    what = "host sampling"
    error = HostFeedError

    def __init__(
        self,
        publish: Callable[[HostSample, list[ProcessInfo]], object],
        interval: float = 1.0,
        limit: int = 25,
    ) -> None:
        super().__init__()
        self._publish = publish
        self._interval = interval
        self._limit = limit

    def setup(self) -> object:
        """How often to sample and how many processes to list."""
        from cockpit.sources.messages import SamplerSetup

        return SamplerSetup(self._interval, self._limit)

    def handle(self, message: object) -> bool:
        """Publish each sample."""
        from cockpit.sources.messages import Sample

        if not isinstance(message, Sample):
            return False
        self._publish(message.host, message.processes)
        return True


METRICS_MODULE = "cockpit.sources.metrics.worker"


class MetricFeedError(RuntimeError):
    """The metrics process failed or ended; the message says how (its last words)."""


class MetricFeed(WorkerRelay):
    """Owns the metrics process of one environment; :meth:`run` relays its records from a thread.

    Args:
        setup: What to read and where history is kept.
        publish: Called (from the relay thread) with each ``MetricResults`` or ``MetricStored``.
    """

    module = METRICS_MODULE
    what = "metric reading"
    error = MetricFeedError

    def __init__(self, setup: MetricsSetup, publish: Callable[[object], object]) -> None:
        super().__init__()
        self._setup = setup
        self._publish = publish

    def setup(self) -> object:
        """The metrics of the environment and where their history is kept."""
        return self._setup

    def handle(self, message: object) -> bool:
        """Publish readings and stored history."""
        from cockpit.sources.messages import MetricResults, MetricStored

        if not isinstance(message, MetricResults | MetricStored):
            return False
        self._publish(message)
        return True

    def backfill(self, window: float) -> None:
        """Ask for ``window`` seconds of history from backends that keep it."""
        from cockpit.sources.messages import Backfill

        self.send(Backfill(window))
