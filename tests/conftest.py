"""Test-wide setup: keep the developer's real config and state out of every test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

# Fixture plugins for real backends live in tests/support/fixtures_*.py.
pytest_plugins = sorted(
    f"tests.support.{p.stem}" for p in (Path(__file__).parent / "support").glob("fixtures_*.py")
)


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Point XDG dirs and cockpit variables at temp dirs so no test reads or writes real state."""
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        d = tmp_path / "xdg" / var.lower()
        d.mkdir(parents=True)
        monkeypatch.setenv(var, str(d))
    monkeypatch.delenv("COCKPIT_CONFIG", raising=False)
    monkeypatch.delenv("COCKPIT_STATE", raising=False)
    monkeypatch.setenv("COCKPIT_USER", "tester")
    yield
