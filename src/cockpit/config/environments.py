"""Environment models: where the cockpit points, and how hard it guards each place."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field, model_validator
from pydantic.json_schema import SkipJsonSchema

from cockpit.config.base import Colour, HttpUrl, Label, Model, Name

PRODUCTION_NAMES = frozenset({"prod", "production", "prd", "live"})


class Protection(StrEnum):
    """How strongly an action against an environment must be confirmed."""

    NONE = "none"
    CONFIRM = "confirm"
    TYPED = "typed"


class KubernetesTarget(Model):
    """Kubernetes context and namespace; always named explicitly in every call."""

    context: str
    """kubeconfig context to use; always passed explicitly, never the current context."""
    namespace: str = "default"
    """Namespace every call is made in."""
    kubeconfig: str | None = None
    """kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)."""


class AzureTarget(Model):
    """Azure subscription and the endpoints to reach it (public Azure by default)."""

    subscription: str
    """Subscription id; often ``${AZURE_SUBSCRIPTION_ID}``."""
    resource_group: str | None = None
    """Default resource group for checks and actions in this environment."""
    tenant: str | None = None
    """Entra ID tenant id (default: the credential's own)."""
    authority_host: str = "https://login.microsoftonline.com"
    """Sign-in endpoint; change it for sovereign clouds."""
    arm_endpoint: str = "https://management.azure.com"
    """Azure Resource Manager base URL; change it for sovereign clouds."""
    disable_instance_discovery: bool = False
    """Skip the authority's instance discovery (private or disconnected clouds)."""


class PrometheusTarget(Model):
    """A Prometheus server's base URL and extra request headers (e.g. auth)."""

    url: HttpUrl
    """Base URL, e.g. ``http://prometheus.monitoring:9090``."""
    headers: dict[str, str] = Field(default_factory=dict)
    """Extra request headers, e.g. ``Authorization: Bearer ${PROM_TOKEN}``."""


class DockerTarget(Model):
    """A Docker Engine API endpoint, e.g. ``unix:///var/run/docker.sock``."""

    host: str = "unix:///var/run/docker.sock"
    """Engine API endpoint: ``unix:///path/docker.sock`` or ``tcp://host:2375``."""


class Environment(Model):
    """One environment (local, staging, prod, ...).

    ``protection`` defaults to ``typed`` for an environment named or marked as production and to
    ``none`` otherwise.
    """

    description: Label = ""
    """One line shown next to the environment's name."""
    colour: Colour | None = None
    """Colour of the environment's banner and badge: a name (``red``) or ``#rrggbb``."""
    badge: Label | None = None
    """Short label shown in the header, e.g. ``PROD``."""
    production: bool | None = None
    """Treat as production (default: when the name is prod, production, prd or live)."""
    protection: Protection | None = Field(default=None, strict=False)
    """How actions are confirmed: none, confirm (a yes/no prompt) or typed (type the name).
    Default: typed for production, none otherwise."""
    read_only: bool = False
    """Refuse every action against this environment."""
    kubernetes: KubernetesTarget | None = None
    """Kubernetes context and namespace."""
    azure: AzureTarget | None = None
    """Azure subscription and endpoints."""
    prometheus: PrometheusTarget | None = None
    """Prometheus server for metrics and prometheus checks."""
    docker: DockerTarget | None = None
    """Docker Engine API endpoint."""
    variables: dict[str, str] = Field(default_factory=dict)
    """Named values for action and check templates (e.g. a database host)."""

    # Filled from the mapping key by CockpitConfig; not something to write in the file.
    name: SkipJsonSchema[Name] = Field(default="", exclude=True)

    @model_validator(mode="after")
    def _defaults(self) -> Environment:
        is_prod = (
            self.production
            if self.production is not None
            else (self.name.lower() in PRODUCTION_NAMES)
        )
        object.__setattr__(self, "production", is_prod)
        if self.protection is None:
            object.__setattr__(self, "protection", Protection.TYPED if is_prod else Protection.NONE)
        return self

    @property
    def is_production(self) -> bool:
        """Whether this environment is production (by name or by the ``production`` flag)."""
        return bool(self.production)

    @property
    def guard(self) -> Protection:
        """The effective protection level."""
        return self.protection or Protection.NONE
