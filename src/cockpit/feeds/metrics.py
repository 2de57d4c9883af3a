"""Feeds the UI host samples from the sampling process (see
:mod:`cockpit.sources.metrics.sampler_process`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cockpit.sources.metrics.host import HostSample
    from cockpit.sources.metrics.processes import ProcessInfo


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
