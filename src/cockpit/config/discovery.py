"""Which config file to use, and the built-in default when there is none.

Order: ``--config PATH``, ``$COCKPIT_CONFIG``, ``./cockpit.yaml``,
``$XDG_CONFIG_HOME/ops-cockpit/config.yaml`` (``~/.config/...`` when the variable is unset). A
path named explicitly (option or variable) must exist: falling back silently to another file, or to
the default, would point the cockpit somewhere the user did not ask for.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from cockpit.config.errors import ConfigError
from cockpit.config.loader import LoadedConfig, load_config
from cockpit.config.models import CockpitConfig
from cockpit.domain.paths import user_config_path

LOCAL_FILE = "cockpit.yaml"


def not_a_config_file(path: Path) -> str | None:
    """Why ``path`` cannot be read as a config file, or None when it is a regular file.

    Looked at without opening it: a FIFO would block the read, a device never ends.
    """
    import errno
    import stat

    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        if path.is_symlink():
            return f"is a symbolic link to {os.readlink(path)}, which does not exist"
        return "no such file"
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "is a loop of symbolic links; point it at the config file"
        return f"cannot read: {exc.strerror or exc}"
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "is a directory, not a config file"
    kind = (
        "a named pipe (FIFO)"
        if stat.S_ISFIFO(mode)
        else "a device"
        if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
        else "a socket"
        if stat.S_ISSOCK(mode)
        else "not a regular file"
    )
    return f"is {kind}, not a config file; give the path of a YAML file"


def discover_config(cli_path: str | None, environ: Mapping[str, str], cwd: Path) -> Path | None:
    """The config file to load, or ``None`` for the built-in default.

    Raises:
        ConfigError: when ``cli_path`` or ``$COCKPIT_CONFIG`` names a file that does not exist.
    """
    for given, source in (
        (cli_path, "--config"),
        (environ.get("COCKPIT_CONFIG"), "$COCKPIT_CONFIG"),
    ):
        if given:
            path = Path(given).expanduser()
            path = path if path.is_absolute() else cwd / path
            problem = not_a_config_file(path)
            if problem is not None:
                raise ConfigError.single(str(path), f"{problem} (given by {source})")
            return path
    for candidate in (cwd / LOCAL_FILE, user_config_path(environ)):
        if candidate.is_file():
            return candidate
    return None


def default_config() -> LoadedConfig:
    """The built-in config used when no file is found: one ``local`` environment, unguarded.

    It watches this host: disk/memory/load health, readable host logs, the cockpit's own log.
    """
    from cockpit.config.local_default import local_default_data
    from cockpit.domain.paths import default_log_path

    config = CockpitConfig.model_validate(local_default_data(default_log_path()))
    return LoadedConfig(config=config, path=None, base_dir=Path.cwd())


def resolve(
    cli_path: str | None,
    environ: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> LoadedConfig:
    """Discover the config file and load it, or return the built-in default.

    Raises:
        ConfigError: when the chosen file is missing or invalid.
    """
    env = os.environ if environ is None else environ
    path = discover_config(cli_path, env, Path.cwd() if cwd is None else cwd)
    if path is None:
        return default_config()
    return load_config(path, env)
