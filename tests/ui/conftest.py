"""Builders for cockpit apps with fixed data, so Pilot tests and snapshots are deterministic."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from cockpit.config.models import CockpitConfig
from cockpit.sources.metrics.host import HostSample
from cockpit.sources.metrics.processes import ProcessInfo
from cockpit.state.store import Store
from cockpit.ui.app import AppContext, CockpitApp
from tests.support.quiet_feeds import QuietFeeds

FIXED_EPOCH = 1_795_300_000.0  # a fixed UTC moment for the banner clock

THREE_ENVS: dict[str, Any] = {
    "environments": {
        "local": {"description": "This machine", "protection": "none"},
        "staging": {"description": "EKS staging", "protection": "confirm"},
        "production": {"description": "EKS production", "read_only": False},
    }
}


def fixed_sample(i: int = 0) -> HostSample:
    """A host reading with chosen values."""
    return HostSample(
        ts=FIXED_EPOCH + i,
        cpu_pct=12.0 + i,
        mem_pct=41.0,
        mem_used=3 * 2**30,
        mem_total=8 * 2**30,
        swap_pct=0.0,
        load1=0.42,
        net_rx_bps=2048.0,
        net_tx_bps=512.0,
        disks={"/": 93.5},
    )


FIXED_PROCESSES = [
    ProcessInfo(
        pid=101,
        name="postgres",
        user="postgres",
        cpu_pct=12.5,
        mem_pct=3.1,
        status="sleeping",
        cmdline="postgres: checkpointer",
    ),
    ProcessInfo(
        pid=202,
        name="gunicorn",
        user="app",
        cpu_pct=4.0,
        mem_pct=1.2,
        status="running",
        cmdline="gunicorn app:server --workers 4",
    ),
]


@pytest.fixture
def make_app() -> Callable[..., CockpitApp]:
    """Factory: ``make_app(config_dict=None, environment="local", **context_overrides)``."""

    def factory(
        config_dict: dict[str, Any] | None = None, environment: str = "local", **overrides: Any
    ) -> CockpitApp:
        config = CockpitConfig.model_validate(config_dict or THREE_ENVS)
        settings: dict[str, Any] = {
            "feeds": QuietFeeds,
            "clock": lambda: FIXED_EPOCH,
            "user": "tester",
            "store": Store.memory(),
            **overrides,
        }
        context = AppContext(config=config, config_path=None, environment=environment, **settings)
        return CockpitApp(context)

    return factory
