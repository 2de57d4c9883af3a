"""A cockpit worker process (health checks, log sources) and the pipe to it.

The child is ``python -m MODULE``; the first frame it reads is its setup (with the secrets to
redact, see :func:`read_setup`), then commands; it
answers with frames on its stdout (see :mod:`cockpit.sources.frames`). Closing sends
``("stop",)``, waits briefly, then kills.
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
import tempfile
import threading
from types import TracebackType
from typing import Any

from cockpit.sources.frames import FrameReader, enlarge_pipe, read_frame, write_frame
from cockpit.text import redact


def read_setup(commands: int) -> Any:
    """In the child: the setup its parent sent, once the parent's secrets are installed here.

    Raises:
        EOFError: The parent closed the pipe first.
    """
    secrets, setup = read_frame(commands, None)
    redact.install(secrets)
    return setup


class WorkerProcess:
    """Start ``python -m module`` and hand it ``setup``; thread-safe :meth:`send`."""

    def __init__(self, module: str, setup: object) -> None:
        # Its stderr goes to a private, already unlinked file: a crash's last words (a
        # traceback) are there to quote, and nothing is written to the screen.
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
        self._lock = threading.Lock()
        self._closed = False
        # The child redacts what the parent would: its messages reach the screen and the store.
        self.send((redact.installed(), setup))

    @property
    def exit_code(self) -> int | None:
        """The child's exit status once it has ended."""
        return self._process.poll()

    def last_words(self, limit: int = 300) -> str:
        """How it ended: ``exit N`` and the last line it wrote to stderr (sanitized)."""
        from cockpit.text.sanitize import plain

        code = self._process.poll()
        if code is None:
            # Its output ended a moment before the process did.
            with contextlib.suppress(subprocess.TimeoutExpired):
                code = self._process.wait(0.2)
        said = ""
        with contextlib.suppress(OSError, ValueError):
            size = self._stderr.seek(0, 2)
            self._stderr.seek(max(size - 4096, 0))
            lines = self._stderr.read().decode("utf-8", "replace").strip().splitlines()
            said = plain(lines[-1], limit) if lines else ""
        what = "still running" if code is None else f"exit {code}"
        return f"{what}: {said}" if said else what

    def receive(self, timeout: float) -> Any:
        """The next frame, or None when none arrived within ``timeout``.

        Raises:
            EOFError: the worker closed its end (it ended).
        """
        return read_frame(self._frames, timeout)

    def reader(self) -> FrameReader:
        """A reader of the worker's frames that never waits (use it instead of :meth:`receive`)."""
        return FrameReader(self._frames)

    def send(self, message: object) -> None:
        """Send a frame; a worker that is gone is not an error here (its EOF is)."""
        with self._lock, contextlib.suppress(OSError, ValueError):
            if not self._closed:
                write_frame(self._commands, message)

    def close(self) -> None:
        """Ask the worker to stop, then make sure it has."""
        self.send(("stop",))
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
