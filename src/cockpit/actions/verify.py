"""After a run: watch the action's health checks and say recovered or not recovered."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path

from cockpit.actions.model import Plan
from cockpit.config.models import CockpitConfig
from cockpit.text.sanitize import plain

ROUND = 3.0
"""Seconds between two rounds of the checks while watching."""


class ProbeVerifier:
    """Runs the checks of ``verify.services`` in rounds until all are UP or time runs out.

    Args:
        config: The config the services come from.
        base_dir: Relative paths in checks resolve against this.
        pause: Seconds between rounds.
    """

    def __init__(self, config: CockpitConfig, base_dir: Path, pause: float = ROUND) -> None:
        self._config = config
        self._base_dir = base_dir
        self._pause = pause

    async def __call__(self, plan: Plan, on_line: Callable[[str], None]) -> str | None:
        """``recovered after N s``, or ``not recovered after N s: web DOWN (reason)``."""
        from cockpit.sources.health.monitor import HealthMonitor

        spec = plan.action.verify
        if spec is None:
            return None
        env = plan.environment.name
        monitor = HealthMonitor(self._config, [env], spec.services, base_dir=self._base_dir)
        started = time.monotonic()
        names = ", ".join(spec.services)
        on_line(f"verifying: watching {names} in {env} for up to {spec.within:g} s")
        while True:
            statuses = await monitor.run_once()
            waited = time.monotonic() - started
            down = [s for s in statuses if s.status.name != "UP"]
            if statuses and not down:
                verdict = f"recovered after {waited:.0f} s ({names} UP)"
                on_line(f"verifying: {verdict}")
                return verdict
            if waited + self._pause > spec.within:
                worst = "; ".join(
                    f"{s.name} {s.status.name} ({plain(s.reason, 120)})" for s in down
                )
                verdict = f"not recovered after {waited:.0f} s: {worst or 'no result'}"
                on_line(f"verifying: {verdict}")
                return verdict
            await asyncio.sleep(self._pause)
