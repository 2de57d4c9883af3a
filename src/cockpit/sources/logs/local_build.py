"""Builders for the local kinds: ``file``, ``command`` and ``journald`` entries -> sources."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cockpit.sources.logs.base import LogSource, NotConfigured

if TYPE_CHECKING:
    from cockpit.config.logs import LogSourceConfig
    from cockpit.sources.logs.factory import BuildContext


def build_file(cfg: LogSourceConfig, ctx: BuildContext) -> LogSource:
    """A :class:`~cockpit.sources.logs.file.FileSource` for a ``file:`` entry."""
    from cockpit.sources.logs.file import FileSource

    spec = cfg.file
    if spec is None:
        raise NotConfigured(f"log source {cfg.name!r} has no file settings")
    return FileSource(
        cfg.name, ctx.path(spec.path), ctx.options, tail_default=spec.tail, poll=spec.poll
    )


def build_command(cfg: LogSourceConfig, ctx: BuildContext) -> LogSource:
    """A :class:`~cockpit.sources.logs.command.CommandSource` for a ``command:`` entry."""
    from cockpit.sources.logs.command import CommandSource

    spec = cfg.command
    if spec is None:
        raise NotConfigured(f"log source {cfg.name!r} has no command settings")
    return CommandSource(
        cfg.name,
        spec.argv,
        ctx.options,
        cwd=ctx.path(spec.cwd) if spec.cwd else None,
        env=spec.env,
        restart=spec.restart,
        timeout=spec.timeout,
    )


def build_journald(cfg: LogSourceConfig, ctx: BuildContext) -> LogSource:
    """A :class:`~cockpit.sources.logs.journald.JournaldSource` for a ``journald:`` entry."""
    from cockpit.sources.logs.journald import JournaldSource

    spec = cfg.journald
    if spec is None:
        raise NotConfigured(f"log source {cfg.name!r} has no journald settings")
    return JournaldSource(
        cfg.name,
        ctx.options,
        unit=spec.unit,
        identifier=spec.identifier,
        namespace=spec.namespace,
        tail_default=spec.tail,
    )
