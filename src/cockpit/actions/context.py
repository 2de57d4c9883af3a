"""What every action kind needs to know besides the action: where files and folders are."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from cockpit.config.environments import Environment


@dataclass(frozen=True, slots=True)
class ActionContext:
    """Shared by the kinds for one gate.

    Attributes:
        base_dir: Relative paths in the config resolve against this (the config's folder).
        workdir: Where command actions run unless they set ``cwd`` (the folder the cockpit was
            started in).
        request_timeout: Seconds for one API request (Kubernetes, Docker, Azure, HTTP).
    """

    base_dir: Path
    workdir: Path = field(default_factory=Path.cwd)
    request_timeout: float = 30.0


def environment_values(env: Environment) -> dict[str, str | int]:
    """The built-in placeholders an environment fills (only the ones it has)."""
    values: dict[str, str | int] = {"environment": env.name}
    if env.kubernetes is not None:
        values["context"] = env.kubernetes.context
        values["namespace"] = env.kubernetes.namespace
    if env.azure is not None:
        values["subscription"] = env.azure.subscription
        if env.azure.resource_group:
            values["resource_group"] = env.azure.resource_group
    return values
