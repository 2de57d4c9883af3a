"""Log source config (`logs:`). Schema filled in by the log-tail work."""

from __future__ import annotations

from cockpit.config.base import Model


class LogSourceConfig(Model):
    """A log source to tail."""

    name: str
    environments: list[str] | None = None
