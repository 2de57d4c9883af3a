"""The cockpit's side of a worker process (health checks, log sources, host sampling).

:class:`WorkerProcess` starts ``python -m MODULE`` (whose ``main`` is
:func:`~cockpit.sources.worker_child.run_child`), hands it a
:class:`~cockpit.sources.messages.Start` with the setup, reads its records (see
:mod:`cockpit.sources.messages`) and stops it. A worker that ends while it is still wanted,
crashed or killed, is a :class:`WorkerEnded` whose text is its last words: ``exit 1:
ValueError: ...``. Closing sends :class:`~cockpit.sources.messages.Stop`, waits briefly, then
kills.
"""

from __future__ import annotations

import contextlib
import select
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from types import TracebackType

from cockpit.sources.frames import FrameReader, enlarge_pipe, write_frame
from cockpit.sources.messages import Failed, Start, Stop
from cockpit.text import redact


class WorkerEnded(Exception):
    """The worker process ended while the cockpit still read it.

    Its text is how: the exit status and the reason the worker gave (its :class:`Failed`
    frame, else the last line it wrote to stderr), e.g. ``exit 1: ValueError: bad entry``.
    """


class WorkerProcess:
    """Start ``python -m module`` with ``setup``; read what it says, send it commands, stop it.

    :meth:`send` and :meth:`close` are thread-safe; reading belongs to one thread, either
    without waiting (:meth:`poll`, on a UI tick) or waiting (:meth:`receive`, :meth:`messages`).
    """

    def __init__(self, module: str, setup: object) -> None:
        # Its stderr goes to a private, already unlinked file: a crash's last words are there
        # to quote, and nothing is written to the screen.
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 - closed in close()
        self._process = subprocess.Popen(
            [sys.executable, "-m", module],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            start_new_session=True,
        )
        assert self._process.stdin is not None and self._process.stdout is not None
        self._commands = self._process.stdin
        self._frames = self._process.stdout.fileno()
        enlarge_pipe(self._frames)
        self._reader = FrameReader(self._frames)
        self._lock = threading.Lock()
        self._closed = False
        # The worker redacts what the cockpit would: its messages reach the screen and the store.
        self.send(Start(redact.installed(), setup))

    @property
    def exit_code(self) -> int | None:
        """The worker's exit status once it has ended."""
        return self._process.poll()

    def last_words(self, limit: int = 300, reason: str | None = None) -> str:
        """How it ended: ``exit N`` and why (sanitized).

        Args:
            limit: Most characters of the reason kept.
            reason: What the worker said when it failed; else the last line of its stderr.
        """
        from cockpit.text.sanitize import plain

        code = self._process.poll()
        if code is None:
            # Its output ended a moment before the process did.
            with contextlib.suppress(subprocess.TimeoutExpired):
                code = self._process.wait(0.2)
        if reason is None:
            reason = ""
            with contextlib.suppress(OSError, ValueError):
                size = self._stderr.seek(0, 2)
                self._stderr.seek(max(size - 4096, 0))
                lines = self._stderr.read().decode("utf-8", "replace").strip().splitlines()
                reason = lines[-1].strip() if lines else ""
        said = plain(reason, limit) if reason else ""
        what = "still running" if code is None else f"exit {code}"
        return f"{what}: {said}" if said else what

    def poll(self) -> object:
        """The next record the worker sent, or None when none is complete yet; never waits.

        Raises:
            WorkerEnded: It failed or ended; the text is its last words.
        """
        try:
            message = self._reader.next()
        except EOFError:
            raise WorkerEnded(self.last_words()) from None
        match message:
            case Failed(reason):
                raise WorkerEnded(self.last_words(reason=reason))
            case _:
                return message

    def receive(self, timeout: float) -> object:
        """The next record, or None when none arrived within ``timeout`` seconds.

        Raises:
            WorkerEnded: It failed or ended; the text is its last words.
        """
        deadline = time.monotonic() + timeout
        while (message := self.poll()) is None:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            select.select([self._frames], [], [], left)
        return message

    def messages(self, done: Callable[[], bool], every: float = 0.25) -> Iterator[object]:
        """The worker's records as they come, until ``done()`` (asked at least ``every`` s).

        Raises:
            WorkerEnded: It failed or ended before ``done()``.
        """
        while not done():
            try:
                message = self.receive(every)
            except WorkerEnded:
                if done():
                    return
                raise
            if message is not None:
                yield message

    def send(self, message: object) -> None:
        """Send a record; a worker that is gone is not an error here (its end is)."""
        with self._lock, contextlib.suppress(OSError, ValueError):
            if not self._closed:
                write_frame(self._commands, message)

    def close(self) -> None:
        """Ask the worker to stop, then make sure it has."""
        self.send(Stop())
        with self._lock:
            self._closed = True
        try:
            self._process.wait(2)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait(1)
        # A worker that died leaves a broken pipe: flushing it on close must not raise.
        with contextlib.suppress(OSError):
            self._commands.close()
        assert self._process.stdout is not None
        self._process.stdout.close()
        self._stderr.close()

    def __enter__(self) -> WorkerProcess:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
