"""The App Service log stream (Kudu ``/api/logstream``): its own messages around the app's lines.

On connect Kudu writes ``<time>  Welcome, you are now connected to log-streaming service.``
(and a line on how to change its timeout), then, on Linux, the last lines of each log file
between ``Starting Log Tail -n 10 of existing logs ----`` and ``Ending Log Tail of existing
logs ---`` (each file's path first), then ``Starting Live Log Stream ---``. While idle it
writes ``No new trace in the past N min(s).``, and ``Stream terminated due to ...`` before
closing. Those are Kudu's, not the app's: they are told apart here so the source can drop them
and use the last one as a reason.
"""

from __future__ import annotations

import enum
import re

_TIME = rb"(?:\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\S*\s+)?"
_MESSAGE = re.compile(
    _TIME + rb"(Welcome, you are now connected to log-streaming service"
    rb"|Change the timeout with the App Setting SCM_LOGSTREAM_TIMEOUT"
    rb"|No new trace in the past \d+ min"
    rb"|Stream terminated due to"
    rb"|Error has occured and stream is terminated"
    rb"|The application was terminated)"
)
_TAIL_START = re.compile(rb"Starting Log Tail -n \d+ of existing logs")
_TAIL_END = re.compile(rb"Ending Log Tail of existing logs")
_LIVE_START = re.compile(rb"Starting Live Log Stream")
# A file header inside the tail: `/home/LogFiles/x.log  (https://.../api/vfs/LogFiles/x.log)`.
_FILE = re.compile(rb"(?:/|[A-Za-z]:\\)\S*(?:\s+\(\S+\))?\s*$")


class Kind(enum.Enum):
    """What a line of the stream is."""

    MESSAGE = "message"
    """Kudu's own (welcome, heartbeat, termination)."""
    TAIL_START = "tail-start"
    TAIL_END = "tail-end"
    TAIL = "tail"
    """A line of the replayed ends of the log files."""
    LIVE = "live"
    """A new line."""
    SKIP = "skip"
    """A file header or blank line inside the tail."""


class KuduLines:
    """Sorts the lines of one connection (see the module docstring)."""

    def __init__(self) -> None:
        self.in_tail = False
        self.message = ""
        """Kudu's last message, without its time (e.g. why it ended the stream)."""

    def classify(self, raw: bytes) -> Kind:
        """The kind of ``raw`` (a line without its line end)."""
        line = raw.strip()
        found = _MESSAGE.match(line)
        if found is not None:
            self.message = line[found.start(1) :].decode("utf-8", "replace")
            return Kind.MESSAGE
        if _TAIL_START.match(line):
            self.in_tail = True
            return Kind.TAIL_START
        if _TAIL_END.match(line) or _LIVE_START.match(line):
            was_in_tail, self.in_tail = self.in_tail, False
            return Kind.TAIL_END if was_in_tail else Kind.SKIP
        if self.in_tail:
            return Kind.SKIP if not line or _FILE.match(line) else Kind.TAIL
        return Kind.LIVE
