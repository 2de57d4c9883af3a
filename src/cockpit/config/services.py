"""Service health-check config (`services:`). Schema filled in by the health-check work."""

from __future__ import annotations

from cockpit.config.base import Model


class ServiceConfig(Model):
    """A monitored service with one or more checks."""

    name: str
    environments: list[str] | None = None
