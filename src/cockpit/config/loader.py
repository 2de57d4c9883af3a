"""Load a config file into :class:`CockpitConfig`, or fail with every problem it has."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from cockpit.config.base import Loc
from cockpit.config.errors import ConfigError, ConfigIssue
from cockpit.config.models import CockpitConfig

M = TypeVar("M", bound=BaseModel)

# The largest config file read; a runaway file should fail clearly, not slowly.
MAX_CONFIG_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True)
class LoadedConfig:
    """A validated config and where it came from.

    Attributes:
        config: the validated model (``${VAR}`` references already expanded).
        path: the file it was read from; ``None`` for the built-in local default.
        base_dir: relative paths in the config resolve against this (the config file's folder).
        raw: the data as written, with ``${VAR}`` references left unexpanded. Anything written
            back or exported must use this, so expanded secrets never leave the process.
        expanded: the paths (as in a pydantic ``loc``) whose strings held ``${VAR}`` references;
            a display of the config should hide their values.
    """

    config: CockpitConfig
    path: Path | None
    base_dir: Path
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)
    expanded: frozenset[Loc] = field(default=frozenset(), repr=False, compare=False)
    secrets: frozenset[str] = field(default=frozenset(), repr=False, compare=False)
    """Values that must never be shown, stored or logged: every ``${VAR}`` value (except one
    that is also a name in the config) and every request header value."""


def load_config(path: Path, environ: Mapping[str, str] | None = None) -> LoadedConfig:
    """Read, parse and validate the config file at ``path``.

    Raises:
        ConfigError: listing every problem as ``FILE:LINE:COL: message``.
    """
    text = read_config_text(path)
    return load_config_text(text, str(path), path.resolve().parent, environ, path=path)


def load_config_text(
    text: str,
    filename: str,
    base_dir: Path,
    environ: Mapping[str, str] | None = None,
    *,
    path: Path | None = None,
) -> LoadedConfig:
    """Parse and validate config text; ``filename`` is only used in messages.

    Raises:
        ConfigError: listing every problem as ``FILE:LINE:COL: message``.
    """
    config, raw, expanded, secrets = _load(CockpitConfig, text, filename, environ)
    names = {
        *config.environments,
        *(s.name for s in config.services),
        *(e.name for e in config.logs),
    }
    return LoadedConfig(config, path, base_dir, raw, expanded, frozenset(secrets - names))


def load_model_text(
    model: type[M], text: str, filename: str, environ: Mapping[str, str] | None = None
) -> M:
    """Parse YAML text and validate it as ``model`` with the same checks and messages as the config.

    For other YAML files of the cockpit (themes, checklists) that want the same strictness.

    Raises:
        ConfigError: listing every problem as ``FILE:LINE:COL: message``.
    """
    return _load(model, text, filename, environ)[0]


def read_config_text(path: Path) -> str:
    """Read a config file as UTF-8 text.

    Raises:
        ConfigError: when the file is missing, unreadable, too large or not UTF-8 text.
    """
    from cockpit.config.discovery import not_a_config_file

    name = str(path)
    problem = not_a_config_file(path)
    if problem is not None:
        raise ConfigError.single(name, problem)
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_CONFIG_BYTES + 1)
    except FileNotFoundError:
        raise ConfigError.single(name, "no such file") from None
    except IsADirectoryError:
        raise ConfigError.single(name, "is a directory, not a config file") from None
    except OSError as exc:
        raise ConfigError.single(name, f"cannot read: {exc.strerror or exc}") from None
    if len(data) > MAX_CONFIG_BYTES:
        raise ConfigError.single(
            name,
            f"larger than {MAX_CONFIG_BYTES // 1024 // 1024} MiB; is this really the config file?",
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        col = exc.start - (before.rfind(b"\n") + 1) + 1
        raise ConfigError.single(
            name, "not UTF-8 text: save the file as UTF-8", line=line, col=col
        ) from None


def _load(
    model: type[M], text: str, filename: str, environ: Mapping[str, str] | None
) -> tuple[M, dict[str, Any], frozenset[Loc], set[str]]:
    # Imported here: PyYAML is only needed when a file is actually read.
    from cockpit.config.messages import code_filled_keys, issues_from_validation
    from cockpit.config.yaml_loader import YamlSyntaxError, parse_yaml

    env = os.environ if environ is None else environ
    try:
        parsed = parse_yaml(text, env)
    except YamlSyntaxError as exc:
        raise ConfigError.single(filename, exc.message, exc.mark.line, exc.mark.col) from None
    issues = [ConfigIssue(filename, p.mark.line, p.mark.col, p.message) for p in parsed.problems]
    issues += code_filled_keys(parsed, filename, model)
    data = parsed.data
    if isinstance(data, dict):
        # Top-level x-* keys hold YAML anchors for reuse (as in docker compose); not config.
        data = {k: v for k, v in data.items() if not k.startswith("x-")}
    result: M | None = None
    try:
        result = model.model_validate(data)
    except ValidationError as exc:
        issues += issues_from_validation(exc, parsed, filename, model)
    except Exception as exc:  # a validator that raised something other than ValueError
        # Still one line, not a traceback: the user can act on the rest of the report.
        issues.append(
            ConfigIssue(
                filename,
                1,
                1,
                f"validation stopped on an internal error ({type(exc).__name__}: {exc}); "
                "this is a bug in the cockpit, please report it with this file",
            )
        )
    if issues or result is None:
        raise ConfigError(issues or [ConfigIssue(filename, 1, 1, "the config is not valid")])
    raw = parsed.raw_data()
    raw = {k: v for k, v in raw.items() if not k.startswith("x-")} if isinstance(raw, dict) else {}
    secrets = {value for value in parsed.variables.values() if value.strip()}
    secrets |= _header_values(parsed.data)
    return result, raw, frozenset(parsed.raw_strings), secrets


def _header_values(data: Any) -> set[str]:
    """Every value under a ``headers:`` mapping, and each long word of it (the token after
    ``Bearer``), wherever it is in the config."""
    found: set[str] = set()
    if isinstance(data, dict):
        for key, value in data.items():
            if key == "headers" and isinstance(value, dict):
                for text in value.values():
                    if isinstance(text, str) and text.strip():
                        found.add(text)
                        found.update(word for word in text.split() if len(word) >= 8)
            else:
                found |= _header_values(value)
    elif isinstance(data, list):
        for item in data:
            found |= _header_values(item)
    return found
