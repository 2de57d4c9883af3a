"""The terminal the cockpit runs in: noticing that it has gone away."""

from __future__ import annotations

import select
import sys


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
