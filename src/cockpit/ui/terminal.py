"""The terminal the cockpit runs in: noticing that it has gone away."""

from __future__ import annotations

import logging
import os
import select
import sys
import threading
import time
from collections.abc import Callable
from typing import NoReturn


def terminal_hung_up() -> bool:
    """True when the controlling terminal is gone (its pty master closed, SSH dropped).

    A session that loses its terminal without a SIGHUP (started with ``nohup`` or ``setsid``,
    or an SSH server that never sends one) would otherwise find end-of-file on its input for
    ever and spin a core; a war-room screen must not outlive its terminal like that.
    """
    stream = sys.__stdin__
    if stream is None:
        return False
    # Not `isatty()`: once the terminal is gone it answers False, like for a pipe.
    poller = select.poll()
    poller.register(stream.fileno(), select.POLLHUP | select.POLLERR)
    return any(mask & (select.POLLHUP | select.POLLERR) for _fd, mask in poller.poll(0))


HANGUP_POLL = 0.5
"""Seconds between looks at the terminal."""


def end_without_terminal() -> NoReturn:
    """End the process now: the terminal is gone, so the usual exit cannot restore it.

    Textual's exit writes to the terminal through its output thread, which died on the first
    write after the hang-up; the write would wait for ever. Everything that matters is already
    safe (ticks and audit records are committed as they happen, SQLite keeps them without a
    close); the worker processes see their pipes close with this process and end by themselves.
    """
    logging.getLogger("cockpit").warning("terminal closed: exiting")
    logging.shutdown()
    os._exit(0)


def watch_for_hangup(on_gone: Callable[[], object] = end_without_terminal) -> threading.Thread:
    """Look at the terminal twice a second from a thread of its own; call ``on_gone`` once gone.

    Not from the app's event loop: once the terminal is gone, the loop itself blocks on the
    first screen update that finds the output queue full, and would never look again.
    """

    def watch() -> None:
        while not terminal_hung_up():
            time.sleep(HANGUP_POLL)
        on_gone()

    thread = threading.Thread(target=watch, name="hangup-watch", daemon=True)
    thread.start()
    return thread
