"""Pytest fixtures for real Prometheus servers (imported fixed data, and live scrapes)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from tests.support.backends import require_binary
from tests.support.prometheus import (
    LivePrometheus,
    PromServer,
    import_openmetrics,
    start_live_prometheus,
    start_prometheus,
)

PrometheusFactory = Callable[[str], PromServer]


@pytest.fixture
def prometheus_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrometheusFactory]:
    """Factory: ``prometheus_server(openmetrics_text)`` imports the text and serves it.

    Every server started through the factory is stopped (by PID) when the test ends.
    """
    prometheus = require_binary("prometheus")
    promtool = require_binary("promtool")
    servers: list[PromServer] = []

    def make(openmetrics_text: str) -> PromServer:
        directory = tmp_path_factory.mktemp("prom")
        import_openmetrics(promtool, openmetrics_text, directory)
        server = start_prometheus(prometheus, directory)
        servers.append(server)
        return server

    try:
        yield make
    finally:
        for server in servers:
            server.stop()


@pytest.fixture(scope="session")
def prometheus_live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LivePrometheus]:
    """Prometheus scraping a real node-exporter every second, ready once a first sample exists."""
    prometheus = require_binary("prometheus")
    exporter = require_binary("prometheus-node-exporter")
    live = start_live_prometheus(prometheus, exporter, tmp_path_factory.mktemp("prom-live"))
    try:
        yield live
    finally:
        live.server.stop()
