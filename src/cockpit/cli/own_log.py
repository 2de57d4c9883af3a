"""The cockpit's own log file: private to its user, and never holding a secret."""

from __future__ import annotations

import logging
import os
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import Any

from cockpit.text.redact import redact


class PrivateLogHandler(RotatingFileHandler):
    """A rotating log whose folder is 0700 and whose files are 0600, rotated ones included.

    Health reasons and source errors name hosts, paths and users: the log is nobody else's
    business. A file left 0644 by an older version is tightened when it is opened.
    """

    def __init__(self, path: Path, **kwargs: Any) -> None:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(path.parent, 0o700)
        super().__init__(path, **kwargs)

    def _open(self) -> Any:
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        os.fchmod(fd, 0o600)
        return open(fd, "a", encoding=self.encoding, errors=self.errors)


class RedactingFormatter(logging.Formatter):
    """Formats as usual, then takes out every installed secret (tracebacks included)."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))
