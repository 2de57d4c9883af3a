"""The read-only, real-shaped API fixtures (published examples) kept in ``tests/fixtures``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def shared_fixtures_dir() -> Path:
    """The repository's fixtures folder (``tests/fixtures``; see its SOURCES.md)."""
    return FIXTURES


def load_fixture(relative: str) -> Any:
    """Parse one JSON fixture, e.g. ``azure/web/GetWebApp.json``."""
    return json.loads((shared_fixtures_dir() / relative).read_text(encoding="utf-8"))


def example_body(relative: str, status: str = "200") -> Any:
    """The response body of a published API example (``responses[status].body``)."""
    return load_fixture(relative)["responses"][status]["body"]
