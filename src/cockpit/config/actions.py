"""Action config (`actions:`): remediations run through the one executor gate.

```yaml
actions:
  - name: scale-web
    environments: [production]
    kubernetes: {operation: scale, name: web, replicas: "{replicas}"}
    params:
      replicas: {type: int, min: 1, max: 20}
    verify: {services: [web], for: 2m}
  - name: touch-marker
    command: {argv: [touch, "{path}"]}
    params:
      path: {type: pattern, pattern: "^[a-z0-9-]+$"}
```

Values reach a command only as whole argv elements (``{path}`` above), as positional arguments of
a ``script:`` (``$1``) or as environment variables: never spliced into a shell string.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, field_validator, model_validator

from cockpit.config.base import (
    Duration,
    Environments,
    KindKeyed,
    KindSettings,
    Label,
    Loc,
    LocatedError,
    Model,
    Name,
    kind_fields,
)

PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_]*)\}")
"""``{name}`` is a value; ``{{`` and ``}}`` are literal braces (Go templates stay as written)."""

BUILTINS = frozenset({"environment", "namespace", "context", "resource_group", "subscription"})
"""Placeholders every action may use: filled from the environment in focus."""

ParamType = Literal["int", "choice", "name", "pattern"]


def placeholders(template: str) -> list[str]:
    """The ``{name}`` placeholders in ``template``, in order (literal ``{{`` / ``}}`` skipped)."""
    return [m.group(1) for m in PLACEHOLDER.finditer(template) if m.group(1)]


class ParamSpec(Model):
    """A typed parameter, validated before anything runs."""

    type: ParamType
    """int (with min/max), choice (one of choices), name (a DNS-1123 name, as Kubernetes
    objects have) or pattern (a full match of `pattern`)."""
    description: Label = ""
    """Shown beside the field in the form and in `cockpit action list`."""
    min: int | None = None
    """For int: the smallest value allowed."""
    max: int | None = None
    """For int: the largest value allowed."""
    choices: list[str] | None = None
    """For choice: the values allowed."""
    pattern: str | None = None
    """For pattern: a regular expression the whole value must match."""
    default: str | int | None = None
    """Used when no value is given (validated like a given one)."""

    @model_validator(mode="after")
    def _fits_type(self) -> ParamSpec:
        if self.type != "int" and (self.min is not None or self.max is not None):
            raise ValueError(f"min/max go with `type: int`, not {self.type}")
        if (
            self.type == "int"
            and self.min is not None
            and self.max is not None
            and (self.min > self.max)
        ):
            raise ValueError(f"min ({self.min}) is above max ({self.max}): swap them")
        if self.type == "int" and self.min is not None and self.min < 0:
            raise ValueError("values never start with `-`: write min: 0 or more")
        if (self.type == "choice") != (self.choices is not None):
            raise ValueError(
                "`type: choice` needs `choices: [a, b]`"
                if self.type == "choice"
                else f"choices go with `type: choice`, not {self.type}"
            )
        if self.choices is not None:
            if not self.choices:
                raise ValueError("choices is empty: list the values allowed")
            bad = [c for c in self.choices if c.startswith("-") or not c.strip()]
            if bad:
                raise ValueError(f"choice {bad[0]!r} is blank or starts with `-`: values never do")
        if (self.type == "pattern") != (self.pattern is not None):
            raise ValueError(
                '`type: pattern` needs `pattern: "^[a-z0-9-]+$"`'
                if self.type == "pattern"
                else f"pattern goes with `type: pattern`, not {self.type}"
            )
        if self.pattern is not None:
            try:
                re.compile(self.pattern)
            except re.error as exc:
                raise ValueError(
                    f"pattern {self.pattern!r} is not a regular expression: {exc}"
                ) from None
        return self


KubeOperation = Literal["rollout_restart", "rollout_undo", "scale", "delete_pods"]


class KubernetesAction(KindSettings):
    """A change to a workload through the Kubernetes API, in the environment's context and
    namespace (both always passed explicitly)."""

    operation: KubeOperation
    """rollout_restart, rollout_undo (of a deployment, to the previous revision or `revision`),
    scale (to `replicas`) or delete_pods (`pod` by name or `selector`)."""
    resource: Literal["deployment", "statefulset", "daemonset"] = "deployment"
    """The kind of workload for rollout and scale operations."""
    name: str | None = None
    """The workload's name (a template: `{service}`)."""
    replicas: str | None = None
    """For scale: the replica count (a template: `{replicas}`)."""
    revision: str | None = None
    """For rollout_undo: the revision to go back to (default: the one before the current)."""
    pod: str | None = None
    """For delete_pods: one pod by name."""
    selector: str | None = None
    """For delete_pods: a label selector (`app=web`)."""

    @model_validator(mode="after")
    def _needs(self) -> KubernetesAction:
        op = self.operation
        if op == "delete_pods":
            if (self.pod is None) == (self.selector is None):
                raise ValueError("delete_pods needs one of `pod:` or `selector:`")
        elif self.name is None:
            raise ValueError(f"{op} needs `name:` (the {self.resource})")
        if op == "scale" and self.replicas is None:
            raise ValueError('scale needs `replicas:` (e.g. replicas: "{replicas}")')
        if op != "scale" and self.replicas is not None:
            raise ValueError("`replicas:` goes with `operation: scale`")
        if op != "rollout_undo" and self.revision is not None:
            raise ValueError("`revision:` goes with `operation: rollout_undo`")
        if op == "scale" and self.resource == "daemonset":
            raise ValueError("a daemonset cannot be scaled: use a deployment or statefulset")
        if op == "rollout_undo" and self.resource != "deployment":
            raise ValueError(
                f"rollout_undo goes back to a deployment's ReplicaSet; a {self.resource} keeps "
                "its history in ControllerRevisions: use `resource: deployment`"
            )
        return self


class DockerAction(KindSettings):
    """Restart, stop or start a container through the environment's Docker Engine API."""

    operation: Literal["restart", "stop", "start"]
    """What to do with the container."""
    container: str
    """The container's name or id (a template: `{container}`)."""
    wait: int = Field(default=10, ge=0, le=300)
    """Seconds the engine waits for the container to stop before killing it."""


class AzureWebappAction(KindSettings):
    """Restart, stop or start an App Service web app through Azure Resource Manager."""

    operation: Literal["restart", "stop", "start"]
    """What to do with the web app."""
    name: str
    """The web app's name (a template)."""
    resource_group: str | None = None
    """Its resource group (default: the environment's `azure.resource_group`)."""


class HttpAction(KindSettings):
    """One HTTP request, e.g. a pipeline job restart (`POST .../jobs/{job}/restart`)."""

    url: str
    """The URL (a template; values are percent-encoded where they land)."""
    method: Literal["GET", "POST", "PUT", "PATCH", "DELETE"] = "POST"
    """The request method."""
    headers: dict[str, str] = Field(default_factory=dict)
    """Request headers (values may be `${SECRET}`; they are never shown or recorded)."""
    body: str | None = None
    """The request body (a template; values are JSON-escaped when the body is JSON)."""
    expect: list[int] | None = None
    """Statuses counted as success (default: any 2xx)."""

    @field_validator("url")
    @classmethod
    def _scheme(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError(f"url {value!r} must start with http:// or https://")
        return value


class CommandAction(KindSettings):
    """A program run as an argv list (never a shell string built from values)."""

    argv: list[str] | None = Field(default=None, min_length=1)
    """The program and its arguments; `{param}` fills a whole argument or a part of one."""
    script: str | None = None
    """A shell snippet run by `sh -c`; values reach it only as `$1`, `$2` (from `args:`) or as
    environment variables (from `env:`), never written into the snippet."""
    args: list[str] = Field(default_factory=list)
    """For script: the positional arguments ($1, $2, ...), templates."""
    dry_run: list[str] | None = Field(default=None, min_length=1)
    """An argv that shows what would happen without doing it (e.g. with `--dry-run`)."""
    cwd: str | None = None
    """Working folder (default: the folder the cockpit was started in; relative to the config)."""
    env: dict[str, str] = Field(default_factory=dict)
    """Environment variables for the program (values are templates)."""

    @model_validator(mode="after")
    def _one(self) -> CommandAction:
        if (self.argv is None) == (self.script is None):
            raise ValueError(
                'a command action needs one of `argv: [systemctl, restart, "{unit}"]` '
                "or `script: ...` with `args:`"
            )
        if self.script is not None and placeholders(self.script):
            names = ", ".join(f"{{{n}}}" for n in placeholders(self.script))
            raise ValueError(
                f"script: holds {names}: values never go into a shell snippet; "
                'pass them as `args: ["{value}"]` and write "$1" in the script'
            )
        if self.args and self.script is None:
            raise ValueError("`args:` goes with `script:`; with argv, write the values in argv")
        return self


class ProcedureAction(KindSettings):
    """A runbook procedure: its steps in order, each mutating step confirmed on its own."""

    runbook: str = Field(min_length=1)
    """The Markdown runbook (relative to the config file)."""
    procedure: str = Field(min_length=1)
    """The procedure's heading, as `cockpit runbook import` lists it."""


class VerifySpec(Model):
    """Health checks watched after a successful run: recovered or not recovered."""

    services: list[Name] = Field(min_length=1)
    """Services (under `services:`) that should be UP afterwards."""
    within: Duration = Field(default=60.0, alias="for")
    """How long to watch them."""


class ActionConfig(KindKeyed):
    """One remediation: a kind key plus name, scope, parameters, timeout and verification."""

    what = "an action"

    name: Name
    """Shown in the palette and typed in `cockpit action run NAME`."""
    description: Label = ""
    """One line shown in the palette and the preview."""
    environments: Environments = None
    """Environments this action exists in (default: all)."""
    params: dict[str, ParamSpec] = Field(default_factory=dict)
    """Typed parameters by name, filled in the form or with `--param name=value`."""
    timeout: Duration = 120.0
    """The run is stopped (its whole process group killed) after this long."""
    verify: VerifySpec | None = None
    """Health checks to watch after the run."""
    kubernetes: KubernetesAction | None = None
    docker: DockerAction | None = None
    azure_webapp: AzureWebappAction | None = None
    http: HttpAction | None = None
    command: CommandAction | None = None
    procedure: ProcedureAction | None = None

    @field_validator("params")
    @classmethod
    def _param_names(cls, value: dict[str, ParamSpec]) -> dict[str, ParamSpec]:
        for name in value:
            if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
                raise ValueError(
                    f"parameter name {name!r}: use letters, digits and _ (e.g. replicas)"
                )
            if name in BUILTINS:
                raise ValueError(f"parameter name {name!r} is taken by the environment's own value")
        return value

    @model_validator(mode="after")
    def _known_placeholders(self) -> ActionConfig:
        problems: list[tuple[Loc, str]] = []
        known = set(self.params) | BUILTINS
        for loc, template in self.templates():
            for name in placeholders(template):
                if name not in known:
                    declared = ", ".join(sorted(self.params)) or "none"
                    problems.append(
                        (
                            (self.kind, *loc),
                            f"{{{name}}} is not a parameter of {self.name} (declared: {declared}); "
                            f"add it under params:, e.g. {name}: {{type: name}}",
                        )
                    )
        if problems:
            raise LocatedError(problems)
        return self

    def templates(self) -> list[tuple[Loc, str]]:
        """Every templated string of the kind's settings, with its path under the kind key."""
        found: list[tuple[Loc, str]] = []
        for field, value in self.spec:
            if field in ("operation", "resource", "method", "script", "runbook", "procedure"):
                continue
            if isinstance(value, str):
                found.append(((field,), value))
            elif isinstance(value, list):
                found.extend(((field, i), v) for i, v in enumerate(value) if isinstance(v, str))
            elif isinstance(value, dict):
                found.extend(((field, k), v) for k, v in value.items() if isinstance(v, str))
        return found


ACTION_KINDS = kind_fields(ActionConfig)
"""The action kinds, in the order they are declared."""
