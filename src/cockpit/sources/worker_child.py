"""The worker's side of a worker process: one entry point and one way to end, for every kind.

A worker module's ``main`` is ``run_child(serve, ItsSetup)``. :func:`run_child` reads the
:class:`~cockpit.sources.messages.Start` frame, installs the cockpit's secrets for redaction,
and runs ``serve(parent, setup)`` (a function or a coroutine function) with a :class:`Parent`
to talk through. The worker ends normally when the cockpit says :class:`Stop`, closes the pipe
or goes away (:class:`Stopped`). Any other exception ends it the same way for every worker:
``ExceptionType: message`` on one line to stderr, which the cockpit keeps and quotes as the
worker's last words, then a :class:`Failed` frame if the pipe still takes one, and exit 1.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import time
from collections.abc import Callable, Coroutine
from typing import IO, Any, TypeVar

from cockpit.sources.frames import FrameWriter, read_frame
from cockpit.sources.messages import Failed, Start, Stop, UnexpectedMessage
from cockpit.text import redact

S = TypeVar("S")

FAREWELL_SECONDS = 1.0
"""Longest a crashing worker waits for the cockpit to take its Failed frame."""


class Stopped(Exception):
    """The cockpit asked the worker to stop, closed its pipe, or is gone: a normal end."""


class Parent:
    """The cockpit as a worker sees it: commands in, messages out.

    Every message goes through :attr:`writer`, so a frame is never cut by another: a worker
    that manages back-pressure itself (the log worker) uses the writer directly.
    """

    def __init__(self, commands: int, out: IO[bytes]) -> None:
        self._commands = commands
        self._pid = os.getppid()
        self.writer = FrameWriter(out)

    def check(self) -> None:
        """Raise :class:`Stopped` when the cockpit is gone (the worker was orphaned).

        Raises:
            Stopped: The parent process is no longer this process's parent.
        """
        if os.getppid() != self._pid:
            raise Stopped("the cockpit is gone")

    def receive(self, timeout: float) -> object:
        """The next command other than :class:`Stop`, or None when none came within ``timeout``.

        Raises:
            Stopped: The cockpit said Stop, closed the pipe, or is gone.
        """
        self.check()
        try:
            message = read_frame(self._commands, timeout)
        except EOFError:
            raise Stopped("the cockpit closed the pipe") from None
        match message:
            case Stop():
                raise Stopped("asked to stop")
            case _:
                return message

    def send(self, message: object, timeout: float | None = None) -> None:
        """Send ``message`` and wait until the pipe has taken it.

        Args:
            message: The record to send.
            timeout: Longest wait for a cockpit that reads nothing (None: as long as it lives).

        Raises:
            Stopped: The cockpit went away meanwhile.
            BrokenPipeError: It closed the pipe.
        """
        writer = self.writer
        writer.put(message)
        deadline = None if timeout is None else time.monotonic() + timeout
        while writer.queued_bytes:
            self.check()
            left = 0.25 if deadline is None else min(deadline - time.monotonic(), 0.25)
            if left <= 0:
                return
            writer.wait(left)


def read_start(commands: int, setup_type: type[S]) -> S:
    """Read the Start frame, install its secrets here, and return its setup.

    Raises:
        EOFError: The cockpit closed the pipe first.
        UnexpectedMessage: The first frame is not a Start.
        TypeError: Its setup is not a ``setup_type``.
    """
    match read_frame(commands, None):
        case Start(secrets, setup):
            # The worker redacts what the cockpit would: its messages reach the screen and
            # the store.
            redact.install(secrets)
        case other:
            raise UnexpectedMessage(other)
    if not isinstance(setup, setup_type):
        raise TypeError(f"setup is a {type(setup).__name__}, not a {setup_type.__name__}")
    return setup


def run_child(
    serve: Callable[[Parent, S], Coroutine[Any, Any, None] | None], setup_type: type[S]
) -> int:
    """Run a worker process's ``serve`` and end it as every worker ends.

    Args:
        serve: The worker's work; a coroutine it returns runs in a new event loop.
        setup_type: The record its Start frame must carry.

    Returns:
        The exit status: 0 for a normal end, 1 after a crash.
    """
    commands = sys.stdin.fileno()
    out = sys.stdout.buffer
    # Nothing else may write to stdout: it carries frames.
    sys.stdout = sys.stderr
    parent = Parent(commands, out)
    try:
        work = serve(parent, read_start(commands, setup_type))
        if work is not None:
            asyncio.run(work)
    except (Stopped, EOFError, BrokenPipeError, KeyboardInterrupt):
        return 0
    except Exception as exc:
        _report(parent, exc)
        return 1
    return 0


def _report(parent: Parent, exc: Exception) -> None:
    reason = redact.redact(" ".join(f"{type(exc).__name__}: {exc}".split()))
    # Stderr first: it is read even when the pipe is gone or full.
    with contextlib.suppress(OSError, ValueError):
        print(reason, file=sys.stderr, flush=True)
    with contextlib.suppress(OSError, Stopped):
        parent.send(Failed(reason), FAREWELL_SECONDS)
