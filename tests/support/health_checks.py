"""Build health-check jobs from plain dicts and run them through the real engine."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cockpit.config.models import CockpitConfig
from cockpit.domain.health import CheckResult
from cockpit.sources.health.context import ProbeContext
from cockpit.sources.health.plan import CheckJob, plan
from cockpit.sources.health.runner import run_round


def config_for(
    checks: dict[str, list[dict[str, Any]]], environments: dict[str, Any] | None = None
) -> CockpitConfig:
    """A config with one service per key of ``checks``."""
    return CockpitConfig.model_validate(
        {
            "environments": environments or {"local": {}},
            "services": [{"name": name, "checks": c} for name, c in checks.items()],
        }
    )


def jobs_for(
    checks: dict[str, list[dict[str, Any]]], environments: dict[str, Any] | None = None
) -> list[CheckJob]:
    """Every job of :func:`config_for`."""
    return plan(config_for(checks, environments))


async def run_checks(
    checks: dict[str, list[dict[str, Any]]],
    environments: dict[str, Any] | None = None,
    base_dir: Path | None = None,
) -> dict[str, CheckResult]:
    """Run one round; results keyed by service name (first check of each)."""
    ctx = ProbeContext(base_dir)
    try:
        results = await run_round(jobs_for(checks, environments), ctx)
    finally:
        await ctx.aclose()
    out: dict[str, CheckResult] = {}
    for result in results:
        out.setdefault(result.service, result)
    return out
