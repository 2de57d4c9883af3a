"""Every way outside text reaches the screen, hostile, through every view, on the raw pty stream.

Outside text here: log lines (plain, pretty JSON, wrapped, with timestamps, searched), an HTTP
body and a command's output in the health detail, a process's command line in the process
table, config text (a log file's path, quoted by its error) in the Logs pane, a checklist note
and the name of who ticked; the banner, the environment switcher and the command palette are
opened too. Each carries a payload (a title, a C1 CSI, a bidi override) and a harmless part: the
harmless part must be painted, the payload must never reach the terminal, and the cockpit must
still be running after every key, `t` twenty times included.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cockpit.config.models import CockpitConfig
from cockpit.runbooks.configured import checklists_for
from cockpit.state.checklists import DAILY_HOST_CHECKLIST, ChecklistBook
from cockpit.state.store import Store
from tests.support.hostile import (
    CASES,
    hostile_log_bytes,
    hostile_sequences_in_stream,
    markers_in,
)
from tests.support.http_servers import HttpServer, Response
from tests.support.pty_app import PtyApp


def _payload(marker: str, visible: str) -> str:
    """A title change around ``marker``, C1 CSI/OSC and a bidi override, then ``visible``."""
    return f"\x1b]0;{marker}\x07 \u009b2J\u009d0;t\u009c \u202e{visible}\u202c"


MARKERS = {
    "config": "COCKPIT-CFG-TITLE",
    "http": "COCKPIT-HTTP-TITLE",
    "command": "COCKPIT-CMD-TITLE",
    "process": "COCKPIT-PROC-TITLE",
    "note": "COCKPIT-NOTE-TITLE",
    "who": "COCKPIT-WHO-TITLE",
}

# What must be painted: proof that each view drew the hostile text's harmless part.
VISIBLE = {
    "config": "path-visible",
    "description": "desc-visible",
    "http": "http-visible",
    "command": "cmd-visible",
    "process": "proc-visible",
    "note": "note-visible",
    "log": "after title",
    "json": '"level": "info"',
}

BUSY = "while 1: pass"


def _config(tmp_path: Path, http_url: str) -> Path:
    command = (
        "import sys; sys.stdout.write(sys.argv[1]); sys.exit(1)",
        _payload(MARKERS["command"], "cmd-visible"),
    )
    config = {
        "environments": {
            "local": {"protection": "none", "description": "desc-visible", "badge": "LOCAL"},
            "other": {"protection": "confirm", "description": "other-visible"},
        },
        "logs": [
            {"name": "evil", "environments": ["local"], "file": {"path": "hostile.log"}},
            # Names and descriptions refuse control characters at load; a path may hold any,
            # and a missing file's error quotes it.
            {
                "name": "gone",
                "environments": ["other"],  # alone there: its error fills the empty view
                "file": {"path": _payload(MARKERS["config"], "path-visible")},
            },
        ],
        "services": [
            {"name": "web", "environments": ["local"], "checks": [{"http": {"url": http_url}}]},
            {
                "name": "job",
                "environments": ["local"],
                "checks": [{"command": {"argv": [sys.executable, "-c", *command]}}],
            },
        ],
    }
    # The host checklist, configured: its first item carries the hostile note and who below.
    config["checklists"] = [
        {
            "name": DAILY_HOST_CHECKLIST.title,
            "environments": ["local"],
            "items": [{"text": item.text} for item in DAILY_HOST_CHECKLIST.items],
        }
    ]
    path = tmp_path / "cockpit.yaml"
    # JSON is YAML: its \\u escapes are YAML's too.
    path.write_text(json.dumps(config, indent=2))
    return path


@pytest.mark.integration
def test_hostile_text_never_reaches_the_terminal_in_any_view(tmp_path: Path) -> None:
    log = tmp_path / "hostile.log"
    # The JSON cases once more as whole lines, so that pretty JSON (`J`) takes them.
    json_lines = b"".join(case.data + b"\n" for case in CASES if case.name.startswith("json"))
    log.write_bytes(hostile_log_bytes() + json_lines + b"last line\n")
    body = _payload(MARKERS["http"], "http-visible").encode()
    server = HttpServer({"/evil": lambda _request: Response(500, body)}).start()
    cfg = _config(tmp_path, f"{server.url}/evil")
    env = {
        **os.environ,
        "TERM": "xterm-256color",
        "XDG_CONFIG_HOME": str(tmp_path / "c"),
        "XDG_DATA_HOME": str(tmp_path / "d"),
        "XDG_STATE_HOME": str(tmp_path / "s"),
    }
    env.pop("COCKPIT_STATE", None)
    # A note and a name in the state store, as another cockpit (or a hand-edited row) left them.
    store = Store.open(tmp_path / "d" / "ops-cockpit" / "state.db")
    configured = checklists_for(
        CockpitConfig.model_validate_json(cfg.read_text()), "local", tmp_path, config_file=True
    )[0]
    ChecklistBook(store).tick(
        "local",
        configured,
        configured.items[0].id,
        who=_payload(MARKERS["who"], "w"),
        note=_payload(MARKERS["note"], "note-visible"),
    )
    store.close()
    # Any local user can name a process: a busy one, so it is at the top of the table.
    busy = subprocess.Popen(
        ["busy", "-c", BUSY, _payload(MARKERS["process"], "proc-visible")],
        executable=sys.executable,
    )
    app = PtyApp([sys.executable, "-m", "cockpit", "--config", str(cfg)], env, columns=160, rows=45)
    try:
        app.wait_for(b"Checklists", timeout=20)
        app.pump(3.0)  # the health checks and the host sampler report
        down, esc = b"\x1b[B", b"\x1b"
        app.keys(b"1", down, down, down, b"\x1b[A", b"E", b"E", b"p", b"p")
        app.keys(b"z", pause=0.6)
        app.keys(esc)
        app.keys(b"2", b"J", b"W", b"T", b"J", b"W", b"T", pause=0.6)
        app.keys(b"s", *[bytes([c]) for c in b"csi"], b"\r", b"n", b"N", b"l", b"l", b"l")
        app.keys(b"l", b"l", b"o", esc, b"\x1b[F", b"z", pause=0.6)
        app.keys(esc, esc)  # the first clears the filters, the second restores the layout
        app.keys(b"3", b"4", down, b"\x1b[A", b"n", esc)
        app.keys(b"e", down, esc, b"\x10", *[bytes([c]) for c in b"env"], esc)
        app.keys(b"?", esc)
        app.keys(b"e", down, b"\r", b"2", pause=1.5)  # the other environment's Logs pane
        app.keys(*[b"t"] * 20, pause=0.15)
        app.keys(b"2", b"J", pause=0.6)
        assert app.proc.poll() is None, "the cockpit ended during the key script"
    finally:
        status = app.close()
        busy.kill()
        busy.wait()
        server.stop()
    stream = bytes(app.stream)
    assert status == 0
    text = stream.decode("utf-8", "replace")
    missing = [name for name, seen in VISIBLE.items() if seen not in text]
    assert missing == [], f"never painted: {missing}"
    leaked = [name for name, marker in MARKERS.items() if marker in text]
    assert leaked == [], f"payload text reached the terminal from: {leaked}"
    assert markers_in(stream) == []
    assert hostile_sequences_in_stream(stream) == []
