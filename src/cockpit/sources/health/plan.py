"""Expand the `services:` config into concrete check jobs (service x check x environment)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from cockpit.config.environments import Environment
from cockpit.config.models import CockpitConfig
from cockpit.config.services import CheckConfig


@dataclass(frozen=True, slots=True)
class CheckJob:
    """One check of one service in one environment.

    Attributes:
        service: Service name.
        environment: Environment name.
        check: Check display name.
        config: The check's config.
        env: The environment's config (targets for kubernetes, azure, ...).
        interval: Seconds between runs.
    """

    service: str
    environment: str
    check: str
    config: CheckConfig
    env: Environment
    interval: float

    @property
    def key(self) -> tuple[str, str, str]:
        """(service, environment, check): unique within a run."""
        return (self.service, self.environment, self.check)

    @property
    def kind(self) -> str:
        """The check kind."""
        return self.config.kind

    @property
    def timeout(self) -> float:
        """The probe's own timeout in seconds."""
        return self.config.probe.timeout


class UnknownName(ValueError):
    """An environment or service name given on the command line that the config lacks."""


def plan(
    config: CockpitConfig,
    environments: Iterable[str] | None = None,
    services: Iterable[str] | None = None,
) -> list[CheckJob]:
    """Every check job for the given environments and services (all when None).

    Raises:
        UnknownName: when a requested environment or service is not in the config.
    """
    env_filter = list(environments) if environments is not None else None
    svc_filter = list(services) if services is not None else None
    for name in env_filter or ():
        if name not in config.environments:
            raise UnknownName(
                f"unknown environment {name!r}; known: {', '.join(config.environments)}"
            )
    known_services = {s.name for s in config.services}
    for name in svc_filter or ():
        if name not in known_services:
            listed = ", ".join(sorted(known_services)) or "none configured"
            raise UnknownName(f"unknown service {name!r}; known: {listed}")
    jobs: list[CheckJob] = []
    for service in config.services:
        if svc_filter is not None and service.name not in svc_filter:
            continue
        service_envs = config.environment_names_for(service.environments)
        for check, label in zip(service.checks, service.check_names(), strict=True):
            for env_name in check.environments or service_envs:
                if env_name not in config.environments:
                    continue
                if env_filter is not None and env_name not in env_filter:
                    continue
                jobs.append(
                    CheckJob(
                        service=service.name,
                        environment=env_name,
                        check=label,
                        config=check,
                        env=config.environments[env_name],
                        interval=check.interval or service.interval,
                    )
                )
    return jobs
