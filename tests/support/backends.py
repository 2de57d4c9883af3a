"""Helpers to decide whether a missing backend skips a test (developer box) or fails it (CI)."""

from __future__ import annotations

import os
import shutil

import pytest


def backends_required() -> bool:
    """Under CI a missing backend is a failure, not a skip."""
    return bool(os.environ.get("COCKPIT_REQUIRE_BACKENDS") or os.environ.get("CI"))


def require_binary(name: str) -> str:
    """Return the path of ``name`` or skip (fail under CI) with a clear reason."""
    path = shutil.which(name) or next(
        (
            p
            for p in (f"/usr/sbin/{name}", f"/usr/bin/{name}", f"/sbin/{name}")
            if os.path.exists(p)
        ),
        None,
    )
    if path:
        return path
    reason = f"{name} is not installed (apt-get install the package that provides it)"
    if backends_required():
        pytest.fail(reason)
    pytest.skip(reason)
