"""Where the state database lives and who the operator is."""

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
    xdg = env.get("XDG_DATA_HOME")
    base = Path(xdg) if xdg and os.path.isabs(xdg) else _home(env) / ".local" / "share"
    return base / APP_DIR / STATE_FILE


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


def default_log_path(environ: Mapping[str, str] | None = None) -> Path:
    """The cockpit's own log: ``$XDG_STATE_HOME/ops-cockpit/cockpit.log`` (~/.local/state)."""
    env = os.environ if environ is None else environ
    xdg = env.get("XDG_STATE_HOME")
    base = Path(xdg) if xdg and Path(xdg).is_absolute() else _home(env) / ".local" / "state"
    return base / "ops-cockpit" / "cockpit.log"
