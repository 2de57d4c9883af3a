"""Fixture plugin: a state store on a real SQLite file in the test's temp dir."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from cockpit.state.store import Store


@pytest.fixture
def state_store(tmp_path: Path) -> Iterator[Store]:
    """A freshly created store at ``tmp_path/state/state.db``, closed after the test."""
    store = Store.open(tmp_path / "state" / "state.db")
    assert store.warning is None, store.warning
    yield store
    store.close()
