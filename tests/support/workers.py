"""Finding and ending this test's worker processes, to see how their feeds report it."""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from collections.abc import Callable

import psutil


def worker_pid(module: str, timeout: float = 10.0) -> int:
    """The pid of the worker process (a child of this process) that runs ``module``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for child in psutil.Process().children():
            with contextlib.suppress(psutil.Error):
                if module in child.cmdline():
                    return child.pid
        time.sleep(0.05)
    raise TimeoutError(f"no worker runs {module}")


def crash_natively(module: str) -> None:
    """End the worker as a crash in native code would: SIGSEGV, no record sent.

    With ``PYTHONFAULTHANDLER`` set when it started, it writes a stack dump to its stderr first.
    """
    os.kill(worker_pid(module), signal.SIGSEGV)


class InThread:
    """A feed's blocking ``run`` on a thread of its own, and what it raised."""

    def __init__(self, run: Callable[[], None]) -> None:
        self.error: BaseException | None = None
        self._run = run
        self.thread = threading.Thread(target=self._main, daemon=True)
        self.thread.start()

    def _main(self) -> None:
        try:
            self._run()
        except BaseException as exc:  # kept for the test to look at
            self.error = exc

    def ended(self, timeout: float) -> BaseException | None:
        """Wait for ``run`` to return or raise; what it raised, if anything."""
        self.thread.join(timeout)
        assert not self.thread.is_alive(), "the feed did not end"
        return self.error
