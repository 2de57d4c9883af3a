"""Action kinds: one module per kind, found by name.

Each module has ``async prepare(action, env, values, ctx, dry_run) -> Call`` (the exact call,
reading the backend's current state where that tells the operator what changes) and
``async execute(plan, ctx, on_line, cancel) -> Outcome``. Only the gate calls them.
"""

from __future__ import annotations

import importlib
from types import ModuleType


def kind_module(kind: str) -> ModuleType:
    """The module that implements ``kind`` (imported on first use)."""
    return importlib.import_module(f"cockpit.actions.kinds.{kind}")
