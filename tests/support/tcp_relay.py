"""A TCP listener on 127.0.0.1 relaying each connection to a unix socket (an Engine API on tcp://).

dockerd is started on a unix socket only; this gives tests a ``tcp://127.0.0.1:PORT`` address
for the same engine without opening a TCP port on the daemon itself. It is a
:class:`UdsProxy` that listens on TCP: :meth:`refuse` leaves the port closed, so connections
to :attr:`host` are refused as with a daemon that is not running.
"""

from __future__ import annotations

import socket

from tests.support.uds_proxy import UdsProxy


class TcpRelay(UdsProxy):
    """Relay ``tcp://127.0.0.1:<port>`` to the unix socket ``target``."""

    _port = 0

    @property
    def host(self) -> str:
        """The ``tcp://`` address (a ``docker: {host}`` value)."""
        return f"tcp://127.0.0.1:{self._port}"

    def _listen(self) -> socket.socket:
        # The same port on every (re)start: the address in a config stays valid.
        server = socket.create_server(("127.0.0.1", self._port))
        self._port = int(server.getsockname()[1])
        return server
