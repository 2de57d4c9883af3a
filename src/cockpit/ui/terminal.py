"""The terminal the cockpit runs in: noticing that it has gone away."""

from __future__ import annotations

import logging
import os
import select
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, NoReturn

if TYPE_CHECKING:
    from cockpit.state.store import Store


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


def end_without_terminal(stop_feeds: Callable[[], None], store: Store | None) -> NoReturn:
    """End the process now: the terminal is gone, so the usual exit cannot restore it.

    Textual's exit writes to the terminal through its output thread, which died on the first
    write after the hang-up; the write would wait for ever. Everything that matters is already
    safe (ticks and audit records are committed as they happen); the worker processes see their
    pipe close and end by themselves.
    """
    logging.getLogger("cockpit").warning("terminal closed: exiting")
    stop_feeds()
    if store is not None:
        store.close()
    logging.shutdown()
    os._exit(0)
