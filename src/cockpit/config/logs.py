"""Log source config (`logs:`): each entry is one kind key plus common fields.

```yaml
logs:
  - name: api-errors
    kubernetes: {deployment: anomaly-detection-api}
    filter: ERROR
    environments: [production]
  - name: readiness
    file: {path: /var/log/ai-data-readiness/error.log}
```
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator

from cockpit.config.base import (
    Duration,
    Environments,
    KindKeyed,
    KindSettings,
    Name,
    kind_fields,
)


def _check_pattern(value: str | None) -> str | None:
    # Imported here: the pattern rules live with the filter that applies them.
    from cockpit.domain.patterns import FilterError, compile_pattern

    if value is not None:
        try:
            compile_pattern(value)
        except FilterError as exc:
            raise ValueError(str(exc)) from None
    return value


class FileLog(KindSettings):
    """A local file followed like ``tail -F`` (rotation and truncation are noticed)."""

    path: str
    """File to follow; a relative path (or ``~``) resolves against the config file's folder."""
    tail: int = Field(default=100, ge=0)
    """Lines shown from the end of the file at start."""
    poll: Duration = Field(default=0.5, ge=0.05, le=10.0)
    """Longest wait between looks at an idle file (checks come faster right after new lines)."""


class KubernetesLog(KindSettings):
    """Pod logs through the Kubernetes API, by pod, deployment or label selector.

    Always uses the environment's explicit context and namespace. Several pods are merged,
    each line tagged with its pod.
    """

    deployment: str | None = None
    """Follow the pods of this deployment (its label selector)."""
    pod: str | None = None
    """Follow this one pod."""
    selector: str | None = None
    """Follow the pods matching this label selector, e.g. ``app=security-scanner``."""
    container: str | None = None
    """Container to follow (default: the pod's default container, else all of them)."""
    since: Duration | None = Field(default=None, gt=0)
    """Only lines newer than this at start, e.g. ``10m``."""
    tail: int | None = Field(default=100, ge=0)
    """Lines per pod shown at start (pods that appear later are shown from their start)."""
    poll: Duration = Field(default=5.0, ge=0.5)
    """How often the pod list is read to pick up new pods."""

    @model_validator(mode="after")
    def _one_target(self) -> KubernetesLog:
        given = [k for k in ("deployment", "pod", "selector") if getattr(self, k)]
        if len(given) != 1:
            raise ValueError(
                "kubernetes log source needs exactly one of deployment, pod or selector"
                + (f" (got {', '.join(given)})" if given else "")
            )
        return self


class DockerLog(KindSettings):
    """A container's output through the Docker Engine API (stdout and stderr told apart)."""

    container: str
    """Container name or id."""
    tail: int = Field(default=100, ge=0)
    """Lines shown at start."""
    since: Duration | None = Field(default=None, gt=0)
    """Only lines newer than this at start, e.g. ``10m``."""


class CommandLog(KindSettings):
    """The output of a command run without a shell (stdout and stderr, tagged).

    For CLIs that stream logs themselves, e.g. ``az containerapp logs show --follow``.
    """

    argv: list[str] = Field(min_length=1)
    """Command and arguments; never run through a shell."""
    cwd: str | None = None
    """Working directory (relative to the config file's folder)."""
    env: dict[str, str] = Field(default_factory=dict)
    """Extra environment variables."""
    timeout: Duration | None = Field(default=None, gt=0)
    """Stop the command after this long (default: let it run; a one-shot read such as
    ``cockpit logs --no-follow`` stops it after 30s)."""
    restart: Literal["on-failure", "always", "never"] = "on-failure"
    """Run the command again (with backoff) when it exits: ``on-failure`` (non-zero status or
    killed), ``always``, or ``never``. A command that ends with status 0 is otherwise ENDED."""


class AzureWebappLog(KindSettings):
    """An App Service's log stream (Kudu ``/api/logstream``), as ``az webapp log tail``."""

    name: str
    """Web app name; the stream is read from ``https://NAME.scm.azurewebsites.net``."""
    scm_url: str | None = None
    """Kudu base URL when it is not the public default (sovereign clouds, ASE)."""
    timeout: Duration = Field(default=10.0, gt=0)
    """Connect and token timeout."""

    @field_validator("scm_url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError(f"scm_url {value!r} must start with https:// (or http://)")
        return value


class JournaldLog(KindSettings):
    """The systemd journal through ``journalctl -o json``."""

    unit: str | None = None
    """Only this systemd unit (``journalctl -u``)."""
    identifier: str | None = None
    """Only this syslog identifier (``journalctl -t``)."""
    namespace: str | None = None
    """Journal namespace (``journalctl --namespace``)."""
    tail: int = Field(default=100, ge=0)
    """Entries shown at start."""


class LogSourceConfig(KindKeyed):
    """A log source to tail: exactly one kind key plus the common fields."""

    what = "a log source"

    name: Name
    """Name shown in the logs pane and given to ``cockpit logs``."""
    environments: Environments = None
    """Environments this source belongs to (default: all)."""
    highlight: list[str] = Field(default_factory=list)
    """Words highlighted wherever they appear, e.g. ``[THREAT, ERROR]``."""
    filter: str | None = None
    """Only lines matching this regular expression (like ``| grep ERROR``; smart case)."""
    exclude: str | None = None
    """Drop lines matching this regular expression."""

    file: FileLog | None = None
    kubernetes: KubernetesLog | None = None
    docker: DockerLog | None = None
    command: CommandLog | None = None
    azure_webapp: AzureWebappLog | None = None
    journald: JournaldLog | None = None

    @field_validator("filter", "exclude")
    @classmethod
    def _pattern(cls, value: str | None) -> str | None:
        return _check_pattern(value)


LOG_KINDS = kind_fields(LogSourceConfig)
"""The log-source kinds, in the order error messages list them (the model's kind fields)."""
