"""Feeds the UI host samples from the sampling process (see
:mod:`cockpit.sources.metrics.sampler_process`) and the readings of the environment's metrics
from the metrics process (see :mod:`cockpit.sources.metrics.worker`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cockpit.sources.messages import MetricsSetup
    from cockpit.sources.metrics.host import HostSample
    from cockpit.sources.metrics.processes import ProcessInfo
    from cockpit.sources.worker_process import WorkerProcess


MODULE = "cockpit.sources.metrics.sampler_process"


class HostFeedError(RuntimeError):
    """The sampling process failed or ended; the message says how (its last words)."""


class HostFeed:
    """Owns the sampling process; :meth:`run` relays its samples from a thread."""

    def __init__(
        self,
        publish: Callable[[HostSample, list[ProcessInfo]], object],
        interval: float = 1.0,
        limit: int = 25,
    ) -> None:
        self._publish = publish
        self._interval = interval
        self._limit = limit
        self._stopping = False

    def run(self, cancelled: Callable[[], bool] = lambda: False) -> None:
        """Start the process and relay samples until stopped (call from a thread).

        Raises:
            HostFeedError: when the process fails or ends.
        """
        from cockpit.sources.messages import Sample, SamplerSetup, UnexpectedMessage
        from cockpit.sources.worker_process import WorkerEnded, WorkerProcess

        with WorkerProcess(MODULE, SamplerSetup(self._interval, self._limit)) as worker:
            try:
                for message in worker.messages(lambda: cancelled() or self._stopping):
                    match message:
                        case Sample(host, processes):
                            self._publish(host, processes)
                        case _:
                            raise UnexpectedMessage(message)
            except WorkerEnded as ended:
                raise HostFeedError(f"host sampling stopped ({ended})") from None

    def stop(self) -> None:
        """Ask :meth:`run` to finish (thread-safe)."""
        self._stopping = True


METRICS_MODULE = "cockpit.sources.metrics.worker"


class MetricFeedError(RuntimeError):
    """The metrics process failed or ended; the message says how (its last words)."""


class MetricFeed:
    """Owns the metrics process of one environment; :meth:`run` relays its records from a thread.

    Args:
        setup: What to read and where history is kept.
        publish: Called (from the relay thread) with each ``MetricResults`` or ``MetricStored``.
    """

    def __init__(self, setup: MetricsSetup, publish: Callable[[object], object]) -> None:
        self.setup = setup
        self._publish = publish
        self._stopping = False
        self._worker: WorkerProcess | None = None

    def run(self, cancelled: Callable[[], bool] = lambda: False) -> None:
        """Start the process and relay its records until stopped (call from a thread).

        Raises:
            MetricFeedError: when the process fails or ends.
        """
        from cockpit.sources.messages import MetricResults, MetricStored, UnexpectedMessage
        from cockpit.sources.worker_process import WorkerEnded, WorkerProcess

        with WorkerProcess(METRICS_MODULE, self.setup) as worker:
            self._worker = worker
            try:
                for message in worker.messages(lambda: cancelled() or self._stopping):
                    match message:
                        case MetricResults() | MetricStored():
                            self._publish(message)
                        case _:
                            raise UnexpectedMessage(message)
            except WorkerEnded as ended:
                raise MetricFeedError(f"metric reading stopped ({ended})") from None
            finally:
                self._worker = None

    def backfill(self, window: float) -> None:
        """Ask for ``window`` seconds of history from backends that keep it."""
        from cockpit.sources.messages import Backfill

        worker = self._worker
        if worker is not None:
            worker.send(Backfill(window))

    def stop(self) -> None:
        """Ask :meth:`run` to finish (thread-safe)."""
        self._stopping = True
