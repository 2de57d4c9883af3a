"""Helpers for config tests: write a real file, load it, and look at the issues reported."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from pathlib import Path

import pytest

from cockpit.config import ConfigError, ConfigIssue, LoadedConfig, load_config

CONTRACT = """\
environments:
  local:
    description: This machine
    protection: none
  prod:
    description: Production
    protection: typed
    read_only: false
"""
"""The reference config every version must accept (and reject with one more line)."""


def write_config(directory: Path, text: str, name: str = "cockpit.yaml") -> Path:
    """Write dedented ``text`` to ``directory/name`` and return the path."""
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def load_ok(path: Path, environ: Mapping[str, str] | None = None) -> LoadedConfig:
    """Load a config that must be valid; on failure show every issue."""
    try:
        return load_config(path, environ or {})
    except ConfigError as exc:  # pragma: no cover - only on a failing test
        pytest.fail(f"config unexpectedly invalid:\n{exc}")


def issues_of(path: Path, environ: Mapping[str, str] | None = None) -> list[ConfigIssue]:
    """Load a config that must be invalid and return its issues."""
    with pytest.raises(ConfigError) as caught:
        load_config(path, environ or {})
    return caught.value.issues


def only_issue(path: Path, environ: Mapping[str, str] | None = None) -> ConfigIssue:
    """The one issue of an invalid config."""
    issues = issues_of(path, environ)
    assert len(issues) == 1, "\n".join(map(str, issues))
    return issues[0]
