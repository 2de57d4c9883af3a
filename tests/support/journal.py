"""A private systemd journal: ``systemd-journald NAMESPACE`` plus its native-protocol socket.

journald runs here without systemd as PID 1 when given a namespace; it writes to
``/var/log/journal/<machine-id>.<namespace>`` and listens on ``/run/systemd/journal.<namespace>/``.
Entries are sent the way ``sd_journal_send`` does (one datagram per entry), and read back with the
real ``journalctl --namespace``. Needs root (the paths above) and the systemd package.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import struct
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.backends import backends_required

JOURNALD_PATHS = ("/lib/systemd/systemd-journald", "/usr/lib/systemd/systemd-journald")


def _unavailable(reason: str) -> None:
    if backends_required():
        pytest.fail(reason)
    pytest.skip(reason)


class Journal:
    """A running journald for one namespace."""

    def __init__(self, namespace: str, process: subprocess.Popen[bytes]) -> None:
        self.namespace = namespace
        self.process = process
        self.socket_path = f"/run/systemd/journal.{namespace}/socket"

    def send(
        self,
        message: str | bytes,
        *,
        priority: int = 6,
        identifier: str = "cockpit-test",
        **fields: str,
    ) -> None:
        """Write one entry (any message: multi-line and binary go length-prefixed)."""
        parts = [b"PRIORITY=%d\n" % priority, b"SYSLOG_IDENTIFIER=" + identifier.encode() + b"\n"]
        parts += [f"{k}={v}\n".encode() for k, v in fields.items()]
        data = message.encode() if isinstance(message, str) else message
        parts.append(b"MESSAGE\n" + struct.pack("<Q", len(data)) + data + b"\n")
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
            sock.sendto(b"".join(parts), self.socket_path)

    def entries(self) -> int:
        """How many entries journalctl sees from ``cockpit-test`` right now."""
        out = subprocess.run(
            [
                "journalctl",
                f"--namespace={self.namespace}",
                "--identifier=cockpit-test",
                "--output=cat",
                "--no-pager",
            ],
            capture_output=True,
            timeout=10,
            check=False,
        )
        return len(out.stdout.splitlines())

    def wait_entries(self, n: int, timeout: float = 10.0) -> None:
        """Wait until journalctl can read ``n`` of our entries."""
        deadline = time.monotonic() + timeout
        while self.entries() < n:
            if time.monotonic() > deadline:
                raise AssertionError(f"journal has {self.entries()} entries, expected {n}")
            time.sleep(0.05)


@contextlib.contextmanager
def private_journal() -> Iterator[Journal]:
    """Start journald for a fresh namespace; stop it and remove its files afterwards."""
    binary = next((p for p in JOURNALD_PATHS if os.path.exists(p)), None)
    if binary is None or shutil.which("journalctl") is None:
        _unavailable("systemd-journald/journalctl are not installed (apt-get install systemd)")
    if os.geteuid() != 0:
        _unavailable("a private journald namespace needs root (/run/systemd, /var/log/journal)")
    namespace = f"cockpit{uuid.uuid4().hex[:12]}"
    machine_id = (
        Path("/etc/machine-id").read_text().strip() if Path("/etc/machine-id").exists() else ""
    )
    process = subprocess.Popen(
        [str(binary), namespace], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    journal = Journal(namespace, process)
    try:
        deadline = time.monotonic() + 10
        while not os.path.exists(journal.socket_path):
            if process.poll() is not None:
                err = process.stderr.read().decode(errors="replace") if process.stderr else ""
                _unavailable(f"systemd-journald would not start here: {err.strip()[:300]}")
            if time.monotonic() > deadline:
                _unavailable("systemd-journald did not open its socket within 10s")
            time.sleep(0.02)
        yield journal
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if process.stderr:
            process.stderr.close()
        shutil.rmtree(f"/run/systemd/journal.{namespace}", ignore_errors=True)
        for root in ("/var/log/journal", "/run/log/journal"):
            if machine_id:
                shutil.rmtree(f"{root}/{machine_id}.{namespace}", ignore_errors=True)
