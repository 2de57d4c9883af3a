"""Service health-check config (`services:`): each service has kind-keyed checks.

```yaml
services:
  - name: api
    checks:
      - http: {url: "https://api.example.com/health", conditions: ["[STATUS] == 200"]}
        failure_threshold: 2
      - kubernetes: {deployment: api}
```
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field, field_validator, model_validator

from cockpit.config.base import (
    Duration,
    Environments,
    HttpUrl,
    KindKeyed,
    KindSettings,
    Label,
    Loc,
    LocatedError,
    Model,
    Name,
    kind_fields,
)

HTTP_PLACEHOLDERS = frozenset({"STATUS", "RESPONSE_TIME", "BODY", "CERTIFICATE_EXPIRATION"})
PROMETHEUS_PLACEHOLDERS = frozenset({"VALUE"})


def _check_condition(text: str, allowed: frozenset[str]) -> str:
    # Imported here: the condition grammar lives with its evaluator in the health sources.
    from cockpit.domain.conditions import parse_condition

    parse_condition(text, allowed)
    return text


def _http_condition(text: str) -> str:
    return _check_condition(text, HTTP_PLACEHOLDERS)


def _prometheus_condition(text: str) -> str:
    return _check_condition(text, PROMETHEUS_PLACEHOLDERS)


# Validated one by one so a config error points at the list item that is wrong.
HttpCondition = Annotated[str, AfterValidator(_http_condition)]
PrometheusCondition = Annotated[str, AfterValidator(_prometheus_condition)]


class Probe(KindSettings):
    """Fields every check kind shares."""

    timeout: Duration = Field(default=10.0, gt=0)


class HttpProbe(Probe):
    """An HTTP(S) request judged by conditions (default: status 2xx)."""

    url: HttpUrl
    method: str = "GET"
    headers: dict[str, str] = Field(default_factory=dict)
    body: str | None = None
    verify: bool | str = True
    follow_redirects: bool = False
    conditions: list[HttpCondition] = Field(default_factory=list)
    warn_conditions: list[HttpCondition] = Field(default_factory=list)


class TcpProbe(Probe):
    """A TCP connect to host:port (Postgres, Redis, ...)."""

    host: str
    port: int = Field(ge=1, le=65535)


class KubernetesProbe(Probe):
    """A deployment's replicas and its pods, or the pods matching a label selector.

    Always uses the environment's explicit context and namespace.
    """

    deployment: str | None = None
    selector: str | None = None
    max_restarts: int | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _target(self) -> KubernetesProbe:
        if not self.deployment and not self.selector:
            raise ValueError("kubernetes check needs a deployment or a selector")
        return self


class DockerProbe(Probe):
    """A container's state and HEALTHCHECK status through the Engine API."""

    container: str


class AzureWebappProbe(Probe):
    """An App Service (Microsoft.Web/sites) state through Azure Resource Manager."""

    name: str
    resource_group: str | None = None


class PrometheusProbe(Probe):
    """A PromQL instant query; every returned series must satisfy the conditions."""

    query: str
    condition: str | None = None
    conditions: list[PrometheusCondition] = Field(default_factory=list)
    on_empty: Literal["up", "down", "unknown"] = "unknown"

    @field_validator("condition")
    @classmethod
    def _condition(cls, value: str | None) -> str | None:
        if value is not None:
            _prometheus_condition(f"[VALUE] {value}")
        return value

    @model_validator(mode="after")
    def _needs_condition(self) -> PrometheusProbe:
        if not self.condition and not self.conditions:
            raise ValueError(
                'prometheus check needs a condition (e.g. condition: "== 1") or conditions'
            )
        return self

    @property
    def all_conditions(self) -> list[str]:
        """``condition`` (shorthand for ``[VALUE] <condition>``) plus ``conditions``."""
        short = [f"[VALUE] {self.condition.strip()}"] if self.condition else []
        return short + list(self.conditions)


class ProcessProbe(Probe):
    """A local process found by exact name or by a command-line substring."""

    name: str | None = None
    cmdline: str | None = None
    min_count: int = Field(default=1, ge=1)

    @model_validator(mode="after")
    def _target(self) -> ProcessProbe:
        if not self.name and not self.cmdline:
            raise ValueError("process check needs a name or a cmdline substring")
        return self


class CommandProbe(Probe):
    """An argv list run without a shell; exit code 0 means up.

    With ``nagios: true`` the exit code follows the Nagios plugin convention
    (0 up, 1 degraded, 2 down, anything else unknown).
    """

    argv: list[str] = Field(min_length=1)
    cwd: str | None = None
    env: dict[str, str] = Field(default_factory=dict)
    nagios: bool = False


class Thresholds(Model):
    """Warn (DEGRADED) and critical (DOWN) limits."""

    # A number (80 or 80.5), never text ("80") or NaN: a threshold that compares false with
    # everything would never fire.
    warn: float | None = Field(default=None, ge=0, allow_inf_nan=False)
    crit: float | None = Field(default=None, ge=0, allow_inf_nan=False)

    @model_validator(mode="after")
    def _order(self) -> Thresholds:
        if self.warn is not None and self.crit is not None and self.warn > self.crit:
            raise LocatedError(
                [(("warn",), f"warn ({self.warn:g}) is above crit ({self.crit:g}); swap them")]
            )
        return self


class PercentThresholds(Thresholds):
    """Limits in percent (0-100)."""

    @model_validator(mode="after")
    def _percent(self) -> PercentThresholds:
        over = [
            (name, value)
            for name in ("warn", "crit")
            if (value := getattr(self, name)) is not None and value > 100
        ]
        if over:
            raise LocatedError(
                [
                    ((name,), f"{name} is {value:g}%, over 100%; write a percentage such as 80")
                    for name, value in over
                ]
            )
        return self


class DiskThresholds(PercentThresholds):
    """Disk usage limits in percent, for the listed mount points."""

    mounts: list[str] = Field(default_factory=lambda: ["/"])


class HostProbe(Probe):
    """Local disk, memory and load against thresholds (percent; load per core)."""

    disk: DiskThresholds | None = Field(
        default_factory=lambda: DiskThresholds(warn=80.0, crit=90.0)
    )
    memory: PercentThresholds | None = None
    load: Thresholds | None = None


class CheckConfig(KindKeyed):
    """One check of a service: exactly one kind key plus scheduling fields.

    ``failure_threshold`` consecutive failures turn an UP check DOWN, and ``success_threshold``
    consecutive successes turn it UP again (the first result is taken as is).
    """

    what = "a check"

    name: Name | None = None
    environments: Environments = None
    interval: Duration | None = Field(default=None, gt=0)
    failure_threshold: int = Field(default=1, ge=1)
    success_threshold: int = Field(default=1, ge=1)

    http: HttpProbe | None = None
    tcp: TcpProbe | None = None
    kubernetes: KubernetesProbe | None = None
    docker: DockerProbe | None = None
    azure_webapp: AzureWebappProbe | None = None
    prometheus: PrometheusProbe | None = None
    process: ProcessProbe | None = None
    command: CommandProbe | None = None
    host: HostProbe | None = None

    @property
    def probe(self) -> Probe:
        """The kind's settings."""
        value = getattr(self, self.kind)
        assert isinstance(value, Probe)
        return value


CHECK_KINDS = kind_fields(CheckConfig)
"""The check kinds, in the order error messages list them (the model's kind fields)."""


class ServiceConfig(Model):
    """A monitored service with one or more checks."""

    name: Name
    environments: Environments = None
    description: Label = ""
    interval: Duration = Field(default=30.0, gt=0)
    checks: list[CheckConfig] = Field(min_length=1)
    logs: list[Name] = Field(default_factory=list)
    """Names of its log sources (under `logs:`): `L` on the service narrows Logs to them."""

    @model_validator(mode="after")
    def _names(self) -> ServiceConfig:
        problems: list[tuple[Loc, str]] = []
        seen: set[str] = set()
        for index, check in enumerate(self.checks):
            if check.name and check.name in seen:
                problems.append((("checks", index, "name"), f"duplicate check name {check.name!r}"))
            seen.add(check.name or "")
            for position, env in enumerate(check.environments or ()):
                if self.environments and env not in self.environments:
                    problems.append(
                        (
                            ("checks", index, "environments", position),
                            f"environment {env!r} is not among the service's: "
                            f"{', '.join(self.environments)}",
                        )
                    )
        if problems:
            raise LocatedError(problems)
        return self

    def check_names(self) -> list[str]:
        """Display names: the given name, else the kind (numbered when a kind repeats)."""
        taken = {c.name for c in self.checks if c.name}
        seen: dict[str, int] = {}
        out: list[str] = []
        for check in self.checks:
            if check.name:
                out.append(check.name)
                continue
            seen[check.kind] = seen.get(check.kind, 0) + 1
            label = check.kind if seen[check.kind] == 1 else f"{check.kind}-{seen[check.kind]}"
            while label in taken:
                label += "'"
            taken.add(label)
            out.append(label)
        return out
