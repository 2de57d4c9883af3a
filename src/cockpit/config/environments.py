"""Environment models: where the cockpit points, and how hard it guards each place."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field, model_validator

from cockpit.config.base import Model

PRODUCTION_NAMES = frozenset({"prod", "production", "prd", "live"})


class Protection(StrEnum):
    """How strongly an action against an environment must be confirmed."""

    NONE = "none"
    CONFIRM = "confirm"
    TYPED = "typed"


class KubernetesTarget(Model):
    """Kubernetes context and namespace; always named explicitly in every call."""

    context: str
    namespace: str = "default"
    kubeconfig: str | None = None


class AzureTarget(Model):
    """Azure subscription and the endpoints to reach it (public Azure by default)."""

    subscription: str
    resource_group: str | None = None
    tenant: str | None = None
    authority_host: str = "https://login.microsoftonline.com"
    arm_endpoint: str = "https://management.azure.com"
    disable_instance_discovery: bool = False


class PrometheusTarget(Model):
    """A Prometheus server's base URL and extra request headers (e.g. auth)."""

    url: str
    headers: dict[str, str] = Field(default_factory=dict)


class DockerTarget(Model):
    """A Docker Engine API endpoint, e.g. ``unix:///var/run/docker.sock``."""

    host: str = "unix:///var/run/docker.sock"


class Environment(Model):
    """One environment (local, staging, prod, ...).

    ``protection`` defaults to ``typed`` for an environment named or marked as production and to
    ``none`` otherwise.
    """

    description: str = ""
    colour: str | None = None
    badge: str | None = None
    production: bool | None = None
    protection: Protection | None = Field(default=None, strict=False)
    read_only: bool = False
    kubernetes: KubernetesTarget | None = None
    azure: AzureTarget | None = None
    prometheus: PrometheusTarget | None = None
    docker: DockerTarget | None = None
    variables: dict[str, str] = Field(default_factory=dict)

    name: str = Field(default="", exclude=True)

    @model_validator(mode="after")
    def _defaults(self) -> Environment:
        is_prod = self.production if self.production is not None else (
            self.name.lower() in PRODUCTION_NAMES
        )
        object.__setattr__(self, "production", is_prod)
        if self.protection is None:
            object.__setattr__(
                self, "protection", Protection.TYPED if is_prod else Protection.NONE
            )
        return self

    @property
    def is_production(self) -> bool:
        """Whether this environment is production (by name or by the ``production`` flag)."""
        return bool(self.production)

    @property
    def guard(self) -> Protection:
        """The effective protection level."""
        return self.protection or Protection.NONE
