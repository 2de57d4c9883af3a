"""Build a :class:`LogSource` from its config entry.

Each kind has its own module named after it, ``cockpit.sources.logs.<kind>``, with a builder
``build(cfg, ctx) -> LogSource``; the module is imported only when a source of that kind is built
(kubernetes, azure and httpx stay unimported otherwise).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from cockpit.sources.logs.base import LogSource, StreamOptions

if TYPE_CHECKING:
    from cockpit.config.environments import Environment
    from cockpit.config.logs import LogSourceConfig


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


def builder_for(kind: str) -> Builder:
    """The ``build(cfg, ctx)`` function of ``kind``'s module."""
    fn: Builder = importlib.import_module(f"{__package__}.{kind}").build
    return fn


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
        NotConfigured: the entry lacks what its kind needs.
    """
    builder = builder_for(cfg.kind)
    ctx = BuildContext(env_name, base_dir, options or StreamOptions(), environment)
    return builder(cfg, ctx)
