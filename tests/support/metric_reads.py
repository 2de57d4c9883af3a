"""Read one configured metric once through the real poller (clients closed afterwards)."""

from __future__ import annotations

import asyncio
from typing import Any

from cockpit.config.models import CockpitConfig
from cockpit.sources.metrics.poller import MetricPoller, PollResult


def read_metric(config: dict[str, Any], environment: str) -> PollResult:
    """Validate ``config`` and read its first metric in ``environment``."""
    loaded = CockpitConfig.model_validate(config)
    poller = MetricPoller(loaded.metrics, loaded.environments[environment])

    async def once() -> PollResult:
        try:
            return await poller.read(loaded.metrics[0])
        finally:
            await poller.aclose()

    return asyncio.run(once())
