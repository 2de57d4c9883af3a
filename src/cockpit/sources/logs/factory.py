"""Build a :class:`LogSource` from its config entry.

Each kind has a builder ``build(cfg, ctx) -> LogSource`` in its own module, imported only when a
source of that kind is built (kubernetes, azure and httpx stay unimported otherwise). A kind
whose builder is not listed here raises :class:`NotConfigured`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from cockpit.sources.logs.base import LogSource, NotConfigured, StreamOptions

if TYPE_CHECKING:
    from cockpit.config.environments import Environment
    from cockpit.config.logs import LogSourceConfig

BUILDERS: dict[str, str] = {
    "file": "cockpit.sources.logs.local_build:build_file",
    "command": "cockpit.sources.logs.local_build:build_command",
    "journald": "cockpit.sources.logs.local_build:build_journald",
    "docker": "cockpit.sources.logs.docker:build",
    "kubernetes": "cockpit.sources.logs.kubernetes:build",
    "azure_webapp": "cockpit.sources.logs.azure_webapp:build",
}
"""kind -> ``module:function`` of its builder."""


@dataclass(frozen=True)
class BuildContext:
    """What a builder gets besides the entry.

    Attributes:
        env_name: The environment the source is built for.
        base_dir: Relative paths in the config resolve against this folder.
        options: How to read (follow, tail, since).
        environment: The environment's settings (kubernetes context, docker host, ...), when the
            caller has them.
    """

    env_name: str
    base_dir: Path
    options: StreamOptions = field(default_factory=StreamOptions)
    environment: Environment | None = None

    def path(self, value: str) -> Path:
        """``value`` with ``~`` expanded, relative to :attr:`base_dir`."""
        p = Path(value).expanduser()
        return p if p.is_absolute() else self.base_dir / p


Builder = Callable[["LogSourceConfig", BuildContext], LogSource]


def build_source(
    cfg: LogSourceConfig,
    env_name: str,
    base_dir: Path,
    *,
    options: StreamOptions | None = None,
    environment: Environment | None = None,
) -> LogSource:
    """The source for ``cfg`` in environment ``env_name``.

    Raises:
        NotConfigured: the kind is not available in this version, or lacks what it needs.
    """
    target = BUILDERS.get(cfg.kind)
    if target is None:
        raise NotConfigured(
            f"log source {cfg.name!r}: {cfg.kind} logs are not available in this version yet"
        )
    module_name, _, func = target.partition(":")
    builder: Builder = getattr(importlib.import_module(module_name), func)
    ctx = BuildContext(env_name, base_dir, options or StreamOptions(), environment)
    return builder(cfg, ctx)
