"""Where exported reports go: a `reports` folder beside the state file."""

from __future__ import annotations

import os
import re
from pathlib import Path

from cockpit.domain.paths import default_state_path

_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


def report_dir() -> Path:
    """The reports folder (created on demand)."""
    return default_state_path(os.environ).parent / "reports"


def write_report(name: str, text: str, folder: Path | None = None) -> Path:
    """Write ``text`` to ``folder/name`` (name made filesystem-safe) atomically; return the path."""
    target_dir = folder or report_dir()
    target_dir.mkdir(parents=True, exist_ok=True)
    path = target_dir / _SAFE.sub("_", name)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
    return path
