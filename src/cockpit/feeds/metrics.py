"""Feeds the UI host samples from the sampling process (see
:mod:`cockpit.sources.metrics.sampler_process`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cockpit.sources.metrics.host import HostSample
    from cockpit.sources.metrics.processes import ProcessInfo


class HostFeedError(RuntimeError):
    """The sampling process stopped or failed; the message says why."""


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
            HostFeedError: when the process ends or reports a failure.
        """
        from cockpit.sources.worker_process import WorkerProcess

        module = "cockpit.sources.metrics.sampler_process"
        with WorkerProcess(module, (self._interval, self._limit)) as worker:
            while not cancelled() and not self._stopping:
                try:
                    message = worker.receive(0.25)
                except EOFError:
                    if self._stopping or cancelled():
                        return
                    raise HostFeedError(f"host sampling stopped ({worker.last_words()})") from None
                if message is None:
                    continue
                if message[0] == "sample":
                    self._publish(message[1], message[2])
                elif message[0] == "error":
                    raise HostFeedError(f"host sampling failed: {message[1]}")

    def stop(self) -> None:
        """Ask :meth:`run` to finish (thread-safe)."""
        self._stopping = True
