"""`cockpit` / `cockpit run`: open the TUI, then resolve config and state behind its first frame."""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cockpit.ui.app import AppContext, CockpitApp


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """`run` takes only the common options (--config, --env, --read-only, --theme, --state)."""


def setup_own_log() -> str | None:
    """Send the cockpit's own log (health changes, source errors) to a rotating file.

    Returns:
        A warning when the file cannot be opened (the cockpit then logs nowhere).
    """
    import logging

    from cockpit.cli.own_log import PrivateLogHandler, RedactingFormatter
    from cockpit.domain.paths import default_log_path

    path = default_log_path(os.environ)
    try:
        handler = PrivateLogHandler(path, maxBytes=1_000_000, backupCount=3, encoding="utf-8")
    except OSError as exc:
        return f"own log disabled: {exc}"
    handler.setFormatter(
        RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s", "%Y-%m-%dT%H:%M:%S")
    )
    root = logging.getLogger("cockpit")
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    # Nothing from the cockpit's loggers may reach the terminal under the TUI.
    root.propagate = False
    return None


def build_context(args: argparse.Namespace) -> AppContext:
    """Resolve config, environment and state for the app.

    Raises:
        StartupError: with FILE:LINE:COL lines for a bad config, or an unknown environment.
    """
    from pathlib import Path

    from cockpit.config import ConfigError, resolve
    from cockpit.domain.paths import default_state_path
    from cockpit.state.store import Store
    from cockpit.ui.context import AppContext, StartupError

    try:
        loaded = resolve(getattr(args, "config", None))
    except ConfigError as exc:
        raise StartupError(str(exc)) from None
    from cockpit.text import redact

    redact.install(loaded.secrets)
    config = loaded.config
    env = (
        getattr(args, "env", None)
        or config.ui.default_environment
        or next(iter(config.environments))
    )
    if env not in config.environments:
        raise StartupError(
            f"cockpit: unknown environment {env!r}; configured: {', '.join(config.environments)}"
        )
    import logging

    from cockpit import __version__

    warnings: list[str] = []
    log_warning = setup_own_log()
    if log_warning:
        warnings.append(log_warning)
    logging.getLogger("cockpit").info(
        "cockpit %s started: config %s, environment %s",
        __version__,
        loaded.path or "built-in local default",
        env,
    )
    state_arg = getattr(args, "state", None)
    store = Store.open(Path(state_arg) if state_arg else default_state_path(os.environ))
    if store.warning:
        warnings.append(f"state in memory only: {store.warning}")
    return AppContext(
        config=config,
        config_path=str(loaded.path) if loaded.path else None,
        environment=env,
        read_only=bool(getattr(args, "read_only", False)),
        theme=getattr(args, "theme", None),
        warnings=warnings,
        store=store,
        base_dir=loaded.base_dir,
    )


SCREEN_FPS = "240"
"""Textual's frame-rate cap. Our own panes paint at most 30 times a second; the cap only sets
how long a change (a key's effect) can wait for the next screen update: at the default 60 a
resumed update timer can wait up to two frames (33 ms), at 240 under 9 ms."""


def run(args: argparse.Namespace) -> int:
    """Open the cockpit; exit 2 with FILE:LINE:COL lines on a bad config."""
    os.environ.setdefault("TEXTUAL_FPS", SCREEN_FPS)  # read when Textual is first imported
    from cockpit.ui import heap
    from cockpit.ui.app import CockpitApp

    app = CockpitApp(loader=lambda: build_context(args), on_started=heap.freeze_startup_heap)
    try:
        result = app.run()
    finally:
        if app.started and app.context.store is not None:
            app.context.store.close()
    return exit_status(app, result)


def exit_status(app: CockpitApp, result: int | None) -> int:
    """What the shell gets when the screen ends: 2 for a refused start, non-zero for a crash.

    Textual returns the app's *result* (None after a crash) from ``run()``; its return code
    says what happened. A crash is reported on stderr and never as success, so a war-room
    wrapper that restarts on failure does restart.
    """
    if app.startup_error:
        print(app.startup_error, file=sys.stderr)
        return 2
    code = app.return_code
    if code:
        # Textual printed the traceback above; say plainly that the cockpit did not mean to stop.
        print(f"cockpit: the screen ended unexpectedly (exit {code})", file=sys.stderr)
        return code
    return int(result or 0)
