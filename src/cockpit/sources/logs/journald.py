"""The systemd journal through ``journalctl -o json`` (``-f`` when following).

Each JSON entry becomes one line per line of its ``MESSAGE``, with the entry's
``__REALTIME_TIMESTAMP``, its ``PRIORITY`` as the level and its unit (or syslog identifier) as
the origin. journalctl's own complaints (no journal files, no permission) arrive on stderr and
are shown as lines of that stream.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from typing import TYPE_CHECKING

from cockpit.sources.logs.base import (
    TAIL_ALL,
    Backoff,
    LogRow,
    LogSource,
    NotConfigured,
    StreamOptions,
)
from cockpit.sources.logs.command import CommandSource, Decoder
from cockpit.sources.logs.levels import syslog_level
from cockpit.sources.logs.lines import StreamDecoder, json_object

if TYPE_CHECKING:
    from cockpit.config.logs import LogSourceConfig
    from cockpit.sources.logs.factory import BuildContext

FIELDS = ("MESSAGE", "PRIORITY", "_SYSTEMD_UNIT", "SYSLOG_IDENTIFIER", "_COMM")


def journalctl_argv(
    *,
    follow: bool,
    lines: int,
    since: float | None = None,
    unit: str | None = None,
    identifier: str | None = None,
    namespace: str | None = None,
    journalctl: str = "journalctl",
) -> list[str]:
    """The journalctl command line for these settings (``lines`` may be :data:`TAIL_ALL`)."""
    argv = [journalctl, "--output=json", "--no-pager", f"--output-fields={','.join(FIELDS)}"]
    argv.append("--lines=all" if lines == TAIL_ALL else f"--lines={max(lines, 0)}")
    if follow:
        argv.append("--follow")
    if since is not None:
        argv.append(f"--since=@{since:.6f}")
    if unit:
        argv.append(f"--unit={unit}")
    if identifier:
        argv.append(f"--identifier={identifier}")
    if namespace:
        argv.append(f"--namespace={namespace}")
    return argv


class JournalDecoder:
    """journalctl JSON entries -> log lines; anything that is not an entry is shown as text."""

    def __init__(self, source: str, max_len: int) -> None:
        self.source = source
        self.max_len = max_len
        self.cursor: str | None = None
        self._text = StreamDecoder(source, max_len=max_len)

    def decode(self, raws: list[bytes], received: float) -> list[LogRow]:
        """Decode a batch of journalctl output lines."""
        out: list[LogRow] = []
        for raw in raws:
            entry = json_object(raw) if raw[:1] == b"{" else None
            if entry is None:
                out.append(self._text.line(raw, received))
                continue
            cursor = entry.get("__CURSOR")
            if isinstance(cursor, str):
                self.cursor = cursor
            message = entry.get("MESSAGE")
            if isinstance(message, list):  # not valid UTF-8: journalctl gives the bytes
                message = bytes(b for b in message if isinstance(b, int) and 0 <= b < 256)
            elif not isinstance(message, str):
                message = ""
            stamp = entry.get("__REALTIME_TIMESTAMP")
            ts = int(stamp) / 1e6 if isinstance(stamp, str) and stamp.isdigit() else received
            level = syslog_level(entry.get("PRIORITY"))
            origin = next((v for k in FIELDS[2:] if isinstance(v := entry.get(k), str) and v), None)
            parts: Sequence[str | bytes] = (
                message.split(b"\n") if isinstance(message, bytes) else message.split("\n")
            )
            for part in parts:
                out.append(self._text.line(part, received, ts=ts, level=level, origin=origin))
        return out


class JournaldSource(CommandSource):
    """Entries of the journal, optionally of one unit, identifier or namespace."""

    kind = "journald"

    def __init__(
        self,
        name: str,
        options: StreamOptions | None = None,
        *,
        unit: str | None = None,
        identifier: str | None = None,
        namespace: str | None = None,
        tail_default: int = 100,
        backoff: Backoff | None = None,
        journalctl: str = "journalctl",
    ) -> None:
        opts = options or StreamOptions()
        argv = journalctl_argv(
            follow=opts.follow,
            lines=opts.tail if opts.tail is not None else tail_default,
            since=opts.since,
            unit=unit,
            identifier=identifier,
            namespace=namespace,
            journalctl=journalctl,
        )
        super().__init__(name, argv, opts, restart="on-failure", backoff=backoff)
        self.unit = unit
        self._decoder: JournalDecoder | None = None

    def command(self) -> list[str]:
        """After a restart, carry on after the last entry shown instead of repeating the tail."""
        cursor = self._decoder.cursor if self._decoder is not None else None
        if cursor is None:
            return self.argv
        argv = [a for a in self.argv if not a.startswith(("--lines=", "--since="))]
        return [*argv, f"--after-cursor={cursor}"]

    def describe(self) -> str:
        """``journald`` and the unit, if any."""
        return f"journald {self.unit}" if self.unit else "journald"

    def make_decoder(self, stream: str) -> Decoder:
        """JSON entries on stdout; journalctl's messages on stderr as plain lines."""
        if stream == "stdout":
            previous = self._decoder.cursor if self._decoder is not None else None
            self._decoder = JournalDecoder(self.name, self.options.max_len)
            self._decoder.cursor = previous
            return self._decoder
        return super().make_decoder(stream)

    def not_found(self) -> str:
        """journalctl is missing: say which package brings it."""
        return "journalctl is not installed (it comes with systemd)"


def journalctl_available() -> bool:
    """Whether a journalctl binary is on PATH."""
    return shutil.which("journalctl") is not None


def build(cfg: LogSourceConfig, ctx: BuildContext) -> LogSource:
    """A :class:`JournaldSource` for a ``journald:`` entry."""
    spec = cfg.journald
    if spec is None:
        raise NotConfigured(f"log source {cfg.name!r} has no journald settings")
    return JournaldSource(
        cfg.name,
        ctx.options,
        unit=spec.unit,
        identifier=spec.identifier,
        namespace=spec.namespace,
        tail_default=spec.tail,
    )
