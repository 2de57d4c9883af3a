"""The one-glance check, scripted: a lab of local services and logs, the cockpit in tmux, keys in,
the captured screen checked line by line and printed.

The lab: services answering 200, 500, hanging (1 minute timeout, checked every 5 s) and slow, a
log file mixing plain and JSON lines, and an environment whose only log source cannot start.

    python bench/glance_lab.py [--cols 80 --rows 24]

Exits 1 when something an on-call engineer must see at a glance is not on the screen.
"""

from __future__ import annotations

import argparse
import contextlib
import http.server
import os
import socketserver
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from tmuxrun import TmuxSession


class _Lab(http.server.BaseHTTPRequestHandler):
    def log_message(self, *_args: object) -> None:
        pass

    def do_GET(self) -> None:
        if self.path == "/hang":
            time.sleep(120)
            return
        if self.path == "/slow":
            time.sleep(1.5)
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # a check gave up
            self.send_response(500 if self.path == "/err" else 200)
            self.end_headers()
            self.wfile.write(b'{"error":"connection refused"}' if self.path == "/err" else b"ok")


class _Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


def _config(folder: Path, port: int) -> Path:
    log = folder / "app.log"
    log.write_text(
        '{"ts": "2026-12-03T08:31:12.867+00:00", "level": "error", "logger": "payments",'
        ' "msg": "payment failed", "order": 42, "user": 7}\n'
        "2026-12-03 08:31:13 INFO GET /health 200 3ms\n"
        "kernel: Out of memory: Killed process 4242 (java)\n"
    )
    url = f"http://127.0.0.1:{port}"
    services = [
        ("orders-api", "/ok", "10s"),
        ("payments-service-backend", "/err", "10s"),
        ("anomaly-detection-worker", "/hang", "1m"),
        ("search", "/slow", "10s"),
    ]
    lines = ["environments:", "  local: {}", "  production: {}", "services:"]
    for name, path, timeout in services:
        lines += [
            f"  - name: {name}",
            "    environments: [local]",
            "    interval: 5s",
            f"    logs: {'[orders-api]' if name == 'orders-api' else '[]'}",
            "    checks:",
            f'      - http: {{url: "{url}{path}", timeout: {timeout}}}',
        ]
    lines += [
        "logs:",
        "  - name: orders-api",
        "    environments: [local]",
        f"    file: {{path: {log}}}",
        "  - name: anomaly-api",
        "    environments: [production]",
        "    kubernetes: {deployment: anomaly-api}",
    ]
    path = folder / "cockpit.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


def _gone(session: TmuxSession, text: str, timeout: float) -> bool:
    """Whether ``text`` leaves the screen within ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if text not in session.screen():
            return True
        time.sleep(0.05)
    return False


def _expect(screen: str, wanted: list[str], what: str) -> list[str]:
    missing = [w for w in wanted if w not in screen]
    print(f"--- {what}\n{screen.rstrip()}")
    for w in missing:
        print(f"MISSING: {w!r}")
    return missing


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cols", type=int, default=80)
    parser.add_argument("--rows", type=int, default=24)
    args = parser.parse_args()
    server = _Server(("127.0.0.1", 0), _Lab)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    missing: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        config = _config(folder, server.server_address[1])
        env = {
            "XDG_CONFIG_HOME": str(folder / "c"),
            "XDG_DATA_HOME": str(folder / "d"),
            "XDG_STATE_HOME": str(folder / "s"),
        }
        argv = [sys.executable, "-m", "cockpit", "--config", str(config)]
        session = TmuxSession(argv, cols=args.cols, rows=args.rows, env=env)
        try:
            session.wait_visible("checking…", timeout=30)
            missing += _expect(
                session.screen(),
                [
                    "✖ 1 DOWN",
                    "checking…",
                    "payment…ackend",
                    "1.5 s",
                    "✖ DOWN",
                    "Help",
                    # The cursor is on the worst row: the detail below is that service's, and
                    # has the reason the table cuts, whole.
                    "payments-service-backend [local]",
                    "[STATUS] == pat(2*)",
                ],
                "health: trouble counted, the cursor on the worst row, its reason whole",
            )
            for key, shown in (
                ("j", "anomaly-detection-worker [local]"),
                ("k", "payments-service-backend [local]"),
                ("G", "search [local]"),
                ("g", "payments-service-backend [local]"),
            ):
                session.send(key)
                time.sleep(0.3)
                missing += _expect(session.screen(), [shown], f"health: {key} moves the cursor")
            session.send("2")
            session.wait_visible("payment failed", timeout=10)
            missing += _expect(
                session.screen(),
                ["ERROR  payment failed  logger=payments", "08:31:13 INFO GET /health"],
                "logs: JSON compact, message first; times short",
            )
            session.send("/")
            session.wait_visible("show only lines matching", timeout=10)
            session.send("ERROR")
            session.press("Enter")
            if not _gone(session, "GET /health", 10.0):
                missing.append("the filter /ERROR left GET /health on screen")
            session.press("Escape")
            session.wait_visible("GET /health", timeout=10)
            missing += _expect(session.screen(), ["GET /health"], "logs: Esc clears the filter")
            session.send("q")
            session.wait_visible("Quit ops-cockpit?", timeout=10)
            missing += _expect(session.screen(), ["Quit ops-cockpit?"], "q alone asks")
            session.send("n")
            time.sleep(0.5)  # the question closes before the next key
            session.send(":")
            session.wait_visible(":env NAME", timeout=10)
            time.sleep(0.3)  # the input has the focus once its screen is up
            session.send("env production")
            session.press("Enter")
            time.sleep(0.5)
            session.send("2")
            session.wait_visible("every log source is failing", timeout=20)
            missing += _expect(
                session.screen(),
                ["PRODUCTION", "every log source is failing: anomaly-api"],
                "production logs: every source failing is an error, with the reason",
            )
            border = next(
                (line for line in session.screen(escapes=True).splitlines() if "╭─" in line),
                "",
            )
            # cockpit-dark's status-down, #FF5F56, as tmux passes it on (true colour or 256).
            if "38;2;255;95;86" not in border and "38;5;203" not in border:
                missing.append(f"the Logs border is not red: {border!r}")
        finally:
            session.close()
            server.shutdown()
    for problem in missing:
        print(f"NOT SEEN: {problem}")
    print("ok" if not missing else f"{len(missing)} expectation(s) not on screen")
    return 1 if missing else 0


if __name__ == "__main__":
    os.environ.pop("COCKPIT_CONFIG", None)
    sys.exit(main())
