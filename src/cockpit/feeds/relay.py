"""The loop every feed runs in its relay thread: start a worker process, hand each record on.

A feed names its worker module and what it is called in messages, builds the setup record, and
says what to do with each record; this class owns the process, stopping and the failure message.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from cockpit.sources.worker_process import WorkerProcess


class WorkerRelay:
    """Owns one worker process; :meth:`run` relays its records from a thread until stopped.

    Subclasses set :attr:`module`, :attr:`what` and :attr:`error`, and implement :meth:`setup`
    and :meth:`handle`.
    """

    module: ClassVar[str]
    """The worker's module (``python -m`` style), e.g. ``cockpit.sources.health.worker``."""
    what: ClassVar[str]
    """What the worker does, for the failure message: ``health checks stopped (...)``."""
    error: ClassVar[type[RuntimeError]] = RuntimeError
    """Raised by :meth:`run` when the worker fails or ends."""

    def __init__(self) -> None:
        self._stopping = False
        self._worker: WorkerProcess | None = None

    def setup(self) -> object:
        """The setup record sent to the worker when it starts."""
        raise NotImplementedError

    def handle(self, message: object) -> bool:
        """Deal with one record; False when it is not one this feed expects."""
        raise NotImplementedError

    def run(self, cancelled: Callable[[], bool] = lambda: False) -> None:
        """Start the worker and relay its records until stopped (call from a thread).

        Raises:
            RuntimeError: :attr:`error`, when the worker fails or ends.
        """
        from cockpit.sources.messages import UnexpectedMessage
        from cockpit.sources.worker_process import WorkerEnded, WorkerProcess

        with WorkerProcess(self.module, self.setup()) as worker:
            self._worker = worker
            try:
                for message in worker.messages(lambda: cancelled() or self._stopping):
                    if not self.handle(message):
                        raise UnexpectedMessage(message)
            except WorkerEnded as ended:
                raise self.error(f"{self.what} stopped ({ended})") from None
            finally:
                self._worker = None

    def send(self, message: object) -> None:
        """Send a record to the running worker, if there is one (thread-safe)."""
        worker = self._worker
        if worker is not None:
            worker.send(message)

    def stop(self) -> None:
        """Ask :meth:`run` (and so the worker) to finish (thread-safe)."""
        self._stopping = True
