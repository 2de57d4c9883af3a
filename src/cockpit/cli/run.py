"""`cockpit` / `cockpit run`: resolve config and state, then open the TUI."""

from __future__ import annotations

import argparse
import os
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """`run` takes only the common options (--config, --env, --read-only, --theme, --state)."""


def run(args: argparse.Namespace) -> int:
    """Open the cockpit; exit 2 with FILE:LINE:COL lines on a bad config."""
    from pathlib import Path

    from cockpit.config import ConfigError, resolve
    from cockpit.state.paths import default_state_path
    from cockpit.state.store import Store

    try:
        loaded = resolve(getattr(args, "config", None))
    except ConfigError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    config = loaded.config
    env = (
        getattr(args, "env", None)
        or config.ui.default_environment
        or next(iter(config.environments))
    )
    if env not in config.environments:
        print(
            f"cockpit: unknown environment {env!r}; configured: {', '.join(config.environments)}",
            file=sys.stderr,
        )
        return 2
    state_arg = getattr(args, "state", None)
    store = Store.open(Path(state_arg) if state_arg else default_state_path(os.environ))
    warnings: list[str] = []
    if store.warning:
        warnings.append(f"state in memory only: {store.warning}")

    from cockpit.ui.app import AppContext, CockpitApp

    context = AppContext(
        config=config,
        config_path=str(loaded.path) if loaded.path else None,
        environment=env,
        read_only=bool(getattr(args, "read_only", False)),
        theme=getattr(args, "theme", None),
        warnings=warnings,
        store=store,
        base_dir=loaded.base_dir,
    )
    try:
        result = CockpitApp(context).run()
    finally:
        store.close()
    return int(result or 0)
