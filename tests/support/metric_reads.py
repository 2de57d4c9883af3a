"""Read metrics from plain dicts through the real config models and :class:`MetricPoller`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cockpit.config.models import CockpitConfig
from cockpit.sources.metrics.poller import MetricPoller, PollResult


async def read_metrics(
    metrics: list[dict[str, Any]],
    environment: dict[str, Any] | None = None,
    base_dir: Path | None = None,
) -> dict[str, PollResult]:
    """Read every metric once against one environment ``local``; results keyed by name."""
    config = CockpitConfig.model_validate(
        {"environments": {"local": environment or {}}, "metrics": metrics}
    )
    poller = MetricPoller(config.metrics, config.environments["local"], base_dir)
    try:
        results = await poller.read_all()
    finally:
        await poller.aclose()
    return {r.metric: r for r in results}


def values(result: PollResult) -> dict[str, float]:
    """The values of one read by series (failing with the reason when the read failed)."""
    assert result.error is None, result.error
    return {series: value for series, _, value in result.points}
