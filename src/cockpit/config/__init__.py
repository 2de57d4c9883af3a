"""Configuration: pydantic models, YAML loading with file positions, discovery and schema.

Public entry points (see :mod:`cockpit.config.loader` and :mod:`cockpit.config.discovery`)::

    resolve(cli_path, environ=None, cwd=None) -> LoadedConfig   # discovery, then load or default
    load_config(path, environ=None) -> LoadedConfig
    load_config_text(text, filename, base_dir, environ=None) -> LoadedConfig
    discover_config(cli_path, environ, cwd) -> Path | None
    default_config() -> LoadedConfig

Every failure is a :class:`ConfigError` whose ``issues`` print as ``FILE:LINE:COL: message``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cockpit.lazy import lazy_exports

if TYPE_CHECKING:
    from cockpit.config.discovery import default_config, discover_config, resolve
    from cockpit.config.errors import ConfigError, ConfigIssue
    from cockpit.config.loader import LoadedConfig, load_config, load_config_text, load_model_text
    from cockpit.config.models import CockpitConfig

# Names are imported on first use: submodules such as `cockpit.config.themes` must not pay for
# pydantic just because they live in this package (the TUI paints before config is validated).
_EXPORTS = {
    "CockpitConfig": "cockpit.config.models",
    "ConfigError": "cockpit.config.errors",
    "ConfigIssue": "cockpit.config.errors",
    "LoadedConfig": "cockpit.config.loader",
    "default_config": "cockpit.config.discovery",
    "discover_config": "cockpit.config.discovery",
    "load_config": "cockpit.config.loader",
    "load_config_text": "cockpit.config.loader",
    "load_model_text": "cockpit.config.loader",
    "resolve": "cockpit.config.discovery",
}


__getattr__ = lazy_exports("cockpit.config", _EXPORTS)


__all__ = [
    "CockpitConfig",
    "ConfigError",
    "ConfigIssue",
    "LoadedConfig",
    "default_config",
    "discover_config",
    "load_config",
    "load_config_text",
    "load_model_text",
    "resolve",
]
