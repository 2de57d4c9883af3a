"""Locate the read-only, real-shaped API fixtures (published examples) shared by the tests."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

ENV_VAR = "COCKPIT_FIXTURES"


def shared_fixtures_dir() -> Path:
    """The fixtures directory: ``$COCKPIT_FIXTURES``, else ``shared/fixtures`` beside the repo.

    With the repository at /work/main the default is /work/shared/fixtures.

    Raises:
        FileNotFoundError: Neither location exists; the message says how to point at it.
    """
    candidates: list[Path] = []
    if os.environ.get(ENV_VAR):
        candidates.append(Path(os.environ[ENV_VAR]))
    candidates.append(Path(__file__).resolve().parents[3] / "shared" / "fixtures")
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    tried = ", ".join(str(c) for c in candidates)
    raise FileNotFoundError(f"API fixtures not found (tried {tried}); set {ENV_VAR}")


def load_fixture(relative: str) -> Any:
    """Parse one JSON fixture, e.g. ``azure/web/GetWebApp.json``."""
    return json.loads((shared_fixtures_dir() / relative).read_text(encoding="utf-8"))


def example_body(relative: str, status: str = "200") -> Any:
    """The response body of a published API example (``responses[status].body``)."""
    return load_fixture(relative)["responses"][status]["body"]
