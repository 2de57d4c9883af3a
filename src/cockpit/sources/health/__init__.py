"""Health checks: probes for each check kind, the scheduler and the typed results.

Public API (no textual here; httpx, kubernetes and azure-* are imported only by the probes):

* :class:`cockpit.sources.health.monitor.HealthMonitor`: ``await start()`` / ``await stop()``,
  ``updates`` (an ``asyncio.Queue`` of ``CheckResult`` and ``ServiceStatus``) or ``on_update``,
  ``snapshot()`` (worst first), ``refresh(service)``, ``await run_once()``.
* :mod:`cockpit.domain.health`: ``Status`` (UP, STALE, DEGRADED, UNKNOWN, DOWN, in
  rising severity), ``ConditionResult``, ``CheckResult``, ``CheckStatus``, ``ServiceStatus``.
* :mod:`cockpit.state.health_history`: persisted results, uptime strip, 24 h availability.
"""
