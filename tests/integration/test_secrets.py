"""Secrets from ``${VAR}`` and header values never leave the process: not in `cockpit check`
(table or JSON), not in the state store, not on the TUI's screen, not in the cockpit's own log.

The three leaks seen in the wild, each with real components: a token read from a file with its
trailing newline (httpx refuses the header and quotes it), a ``${VAR}`` host name (the DNS error
names it), and a server that echoes the request headers into its error body.
"""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.http_servers import HttpServer, Response
from tests.support.pty_app import PtyApp

TOKEN = "eyJhbGciOiJIUzI1NiJ9.c2VjcmV0LXRva2Vu.s3cr3t"
API_KEY = "key-4f9a2c7d1e8b"
DB_HOST = "db-hidden-name-7731.invalid"
SECRETS = (TOKEN, API_KEY, DB_HOST, "s3cr3t", "4f9a2c7d1e8b", "hidden-name-7731")


def _echo(request: object) -> Response:
    headers = getattr(request, "headers", {})
    return Response(500, json.dumps({"error": "denied", "you_sent": headers}).encode())


def _setup(tmp_path: Path, server: HttpServer) -> tuple[Path, dict[str, str]]:
    config = tmp_path / "cockpit.yaml"
    config.write_text(
        "environments:\n  local: {protection: none}\n"
        "services:\n"
        "  - name: api\n"
        "    checks:\n"
        f"      - http: {{url: '{server.url}/ok',\n"
        "                headers: {Authorization: 'Bearer ${TOKEN}'}}\n"
        "  - name: echo\n"
        "    checks:\n"
        f"      - http: {{url: '{server.url}/echo', headers: {{X-Api-Key: '${{API_KEY}}'}}}}\n"
        "  - name: db\n"
        "    checks:\n"
        "      - tcp: {host: '${DB_HOST}', port: 5432, timeout: 3s}\n"
    )
    env = {
        **os.environ,
        # Read from a token file: the newline comes along.
        "TOKEN": TOKEN + "\n",
        "API_KEY": API_KEY,
        "DB_HOST": DB_HOST,
        "HOME": str(tmp_path),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "TERM": "xterm-256color",
    }
    env.pop("COCKPIT_STATE", None)
    return config, env


def _leaks(text: str) -> list[str]:
    return [secret for secret in SECRETS if secret in text]


@pytest.mark.integration
def test_check_output_and_the_store_hold_no_secret(tmp_path: Path) -> None:
    server = HttpServer({"/echo": _echo}).start()
    try:
        config, env = _setup(tmp_path, server)
        argv = [sys.executable, "-m", "cockpit", "--config", str(config), "check"]
        table = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60)
        as_json = subprocess.run(
            [*argv, "--json"], env=env, capture_output=True, text=True, timeout=60
        )
    finally:
        server.stop()
    assert table.returncode == 1 and as_json.returncode == 1, table.stderr + as_json.stderr
    # The server did receive the real key (the check used it) ...
    assert any(r.headers.get("x-api-key") == API_KEY for r in server.requests)
    for output in (table.stdout, table.stderr, as_json.stdout, as_json.stderr):
        assert _leaks(output) == [], output
    # ... and each of the three failures says why, with the secret taken out.
    assert "<redacted>" in table.stdout
    assert "<redacted>" in json.dumps(json.loads(as_json.stdout))
    db = tmp_path / "data" / "ops-cockpit" / "state.db"
    with sqlite3.connect(db) as conn:
        stored = conn.execute("SELECT reason FROM health_results").fetchall()
    assert stored and all(_leaks(reason) == [] for (reason,) in stored), stored
    assert any("<redacted>" in reason for (reason,) in stored)
    for path in db.parent.iterdir():
        assert _leaks(path.read_bytes().decode("utf-8", "replace")) == [], path
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    assert stat.S_IMODE(db.parent.stat().st_mode) == 0o700


@pytest.mark.integration
def test_tui_screen_and_own_log_hold_no_secret(tmp_path: Path) -> None:
    server = HttpServer({"/echo": _echo}).start()
    config, env = _setup(tmp_path, server)
    app = PtyApp(
        [sys.executable, "-m", "cockpit", "--config", str(config)], env, columns=160, rows=45
    )
    try:
        app.wait_for(b"Checklists", timeout=20)
        app.pump(6.0)  # every check reports, the feed logs each change
        down = b"\x1b[B"
        app.keys(b"1", down, down, down, pause=0.8)  # each service's detail
    finally:
        status = app.close()
        server.stop()
    assert status == 0
    screen = bytes(app.stream).decode("utf-8", "replace")
    assert "<redacted>" in screen
    assert _leaks(screen) == []
    log = tmp_path / "state" / "ops-cockpit" / "cockpit.log"
    text = log.read_text()
    assert "echo" in text and "<redacted>" in text, text
    assert _leaks(text) == [], text
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    assert stat.S_IMODE(log.parent.stat().st_mode) == 0o700
