"""The whole cockpit under a real pseudo-terminal, fed the hostile corpus through a followed file.

The raw byte stream the terminal receives is captured and searched: no payload of a hostile line
(clipboard writes, titles, links, device queries, C1 controls) may reach it, while the harmless
parts of those lines are shown.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from tests.support.hostile import hostile_log_bytes, hostile_sequences_in_stream, markers_in
from tests.support.pty_app import PtyApp


@pytest.mark.integration
def test_hostile_log_lines_never_reach_the_terminal(tmp_path: Path) -> None:
    log = tmp_path / "hostile.log"
    log.write_bytes(hostile_log_bytes() + b"last line\n")
    cfg = tmp_path / "cockpit.yaml"
    cfg.write_text(
        "environments:\n  local: {protection: none}\n"
        "logs:\n  - name: evil\n    file: {path: hostile.log}\n"
    )
    env = {
        **os.environ,
        "TERM": "xterm-256color",
        "XDG_CONFIG_HOME": str(tmp_path / "c"),
        "XDG_DATA_HOME": str(tmp_path / "d"),
        "XDG_STATE_HOME": str(tmp_path / "s"),
    }
    # 100x60: the compact layout, so the Logs pane alone shows every corpus line at once.
    app = PtyApp([sys.executable, "-m", "cockpit", "--config", str(cfg)], env, columns=100, rows=60)
    try:
        app.wait_for(b"Checklists", timeout=20)
        # Pretty JSON decodes escapes: what it shows must be sanitized too.
        app.keys(b"2", b"J", pause=4.0)
    finally:
        app.close()
    stream = bytes(app.stream)
    assert b"after title" in stream, "the hostile lines were never painted"
    assert markers_in(stream) == []
    assert hostile_sequences_in_stream(stream) == []
