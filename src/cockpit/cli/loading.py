"""The config a subcommand works on: found, validated, its secrets redacted from all output."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cockpit.config.loader import LoadedConfig
    from cockpit.state.store import Store


def load_or_report(args: argparse.Namespace) -> LoadedConfig | None:
    """Resolve the config named on the command line and install secret redaction.

    Returns:
        The loaded config, or None after printing every problem (FILE:LINE) to stderr; the
        caller then exits 2.
    """
    from cockpit.config import ConfigError, resolve

    try:
        loaded = resolve(getattr(args, "config", None))
    except ConfigError as exc:
        print(str(exc), file=sys.stderr)
        return None
    from cockpit.text import redact

    redact.install(loaded.secrets)
    return loaded


def open_store(args: argparse.Namespace) -> Store:
    """The state store named by ``--state``, else ``$COCKPIT_STATE``, else the XDG data dir."""
    import os
    from pathlib import Path

    from cockpit.domain.paths import default_state_path
    from cockpit.state.store import Store

    state_arg = getattr(args, "state", None)
    return Store.open(Path(state_arg) if state_arg else default_state_path(os.environ))
