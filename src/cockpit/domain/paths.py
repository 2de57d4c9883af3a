"""Where the cockpit keeps things (XDG base directories) and who the operator is."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

APP_DIR = "ops-cockpit"
STATE_FILE = "state.db"

# The variables getpass.getuser() consults, in its order.
_LOGIN_VARS = ("LOGNAME", "USER", "LNAME", "USERNAME")


def _home(env: Mapping[str, str]) -> Path:
    home = env.get("HOME")
    return Path(home) if home else Path.home()


def xdg_dir(variable: str, fallback: str, environ: Mapping[str, str] | None = None) -> Path:
    """The cockpit's folder under an XDG base directory, e.g. ``$XDG_CONFIG_HOME/ops-cockpit``.

    Args:
        variable: ``XDG_CONFIG_HOME``, ``XDG_DATA_HOME`` or ``XDG_STATE_HOME``.
        fallback: Under the home folder when the variable is unset or relative (the XDG spec
            says relative values are invalid and must be ignored): ``.config``, ...
        environ: Variables to read; ``os.environ`` when omitted.
    """
    env = os.environ if environ is None else environ
    value = env.get(variable)
    base = Path(value) if value and os.path.isabs(value) else _home(env) / fallback
    return base / APP_DIR


def user_config_path(environ: Mapping[str, str] | None = None) -> Path:
    """``$XDG_CONFIG_HOME/ops-cockpit/config.yaml`` (under ``~/.config`` by default)."""
    return xdg_dir("XDG_CONFIG_HOME", ".config", environ) / "config.yaml"


def user_theme_dir(environ: Mapping[str, str] | None = None) -> Path:
    """Where users drop their own ``*.yaml`` themes."""
    return xdg_dir("XDG_CONFIG_HOME", ".config", environ) / "themes"


def default_state_path(environ: Mapping[str, str] | None = None) -> Path:
    """The SQLite file that holds checklists, the audit trail and health history.

    ``$COCKPIT_STATE`` wins; otherwise ``$XDG_DATA_HOME/ops-cockpit/state.db`` with
    ``~/.local/share`` when ``XDG_DATA_HOME`` is unset or relative (the XDG spec says relative
    values are invalid and must be ignored).

    Args:
        environ: Variables to read; ``os.environ`` when omitted.

    Returns:
        The path; neither the file nor its folder is created here.
    """
    env = os.environ if environ is None else environ
    explicit = env.get("COCKPIT_STATE")
    if explicit:
        return Path(explicit).expanduser()
    return xdg_dir("XDG_DATA_HOME", ".local/share", env) / STATE_FILE


def current_user(environ: Mapping[str, str] | None = None) -> str:
    """The name recorded as "who" on ticks and audit records.

    ``$COCKPIT_USER`` wins (useful on shared jump hosts where everyone is ``ops``); otherwise
    what ``getpass.getuser()`` would answer; ``"unknown"`` when nothing identifies the user.

    Args:
        environ: Variables to read; ``os.environ`` when omitted.
    """
    env = os.environ if environ is None else environ
    explicit = env.get("COCKPIT_USER", "").strip()
    if explicit:
        return explicit
    if environ is None:
        import getpass  # deferred: it pulls in termios and friends

        try:
            return getpass.getuser() or "unknown"
        except (OSError, KeyError, ImportError):
            return "unknown"
    # Same lookup as getpass.getuser(), but reading the given mapping instead of os.environ.
    for var in _LOGIN_VARS:
        value = env.get(var, "").strip()
        if value:
            return value
    try:
        import pwd

        return pwd.getpwuid(os.getuid()).pw_name or "unknown"
    except (ImportError, KeyError, OSError):
        return "unknown"


def operator_id(environ: Mapping[str, str] | None = None) -> str:
    """Who ticks and acts, as ``user@host`` (see :func:`current_user`).

    A ``$COCKPIT_USER`` that already names a host (``alice@jump1``) is used as it is.

    Args:
        environ: Variables to read; ``os.environ`` when omitted.
    """
    user = current_user(environ)
    if "@" in user:
        return user
    import socket

    host = socket.gethostname().split(".")[0] or "localhost"
    return f"{user}@{host}"


def default_log_path(environ: Mapping[str, str] | None = None) -> Path:
    """The cockpit's own log: ``$XDG_STATE_HOME/ops-cockpit/cockpit.log`` (~/.local/state)."""
    env = os.environ if environ is None else environ
    return xdg_dir("XDG_STATE_HOME", ".local/state", env) / "cockpit.log"
