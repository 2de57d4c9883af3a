"""`cockpit logs SOURCE`: a configured log source's lines, sanitized, prefixed like stern.

Each line prints as ``app │ text`` (``app/pod │ text`` in merged views). Colour (the prefix by
level, and the log's own SGR colours) only on a terminal; in a pipe the output is plain text and
a closed pipe (``| head``) ends quietly. Status changes (reconnecting, file replaced, errors) go
to stderr. Exit status: 0 when the source ended normally (``--no-follow``) or the reader went
away, 1 when the source failed, 2 for a config or usage error, 130 on Ctrl-C.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import TYPE_CHECKING, BinaryIO

if TYPE_CHECKING:
    import asyncio

    from cockpit.config.logs import LogSourceConfig
    from cockpit.config.models import CockpitConfig
    from cockpit.sources.logs.base import LogLine, LogSource, SourceState
    from cockpit.sources.logs.filters import LineFilter

SEPARATOR = " │ "
_LEVEL_COLOUR = {"ERROR": "1;31", "WARN": "33", "INFO": "36", "DEBUG": "2"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register the options of ``cockpit logs``."""
    parser.add_argument(
        "source", nargs="?", metavar="SOURCE", help="a name from `logs:` (omit to list them)"
    )
    # SUPPRESS keeps a root-level `cockpit --env X logs` from being reset to None here.
    parser.add_argument(
        "--env",
        metavar="NAME",
        default=argparse.SUPPRESS,
        help="environment (default: ui.default_environment, else the source's first)",
    )
    parser.add_argument(
        "--filter",
        action="append",
        metavar="RE",
        help="only lines matching RE (repeatable: all must match; smart case)",
    )
    parser.add_argument(
        "--exclude", action="append", metavar="RE", help="drop lines matching RE (repeatable)"
    )
    parser.add_argument(
        "--level", metavar="LEVEL", help="only lines at LEVEL or above: error, warn, info"
    )
    parser.add_argument("--since", metavar="DURATION", help="only lines newer than this, e.g. 10m")
    parser.add_argument(
        "--tail",
        type=int,
        metavar="N",
        help="start with the last N lines (-1: all; default: all with --no-follow, else the "
        "source's `tail` setting)",
    )
    parser.add_argument("--no-follow", action="store_true", help="print what is there now and exit")
    parser.add_argument(
        "--timestamps",
        action="store_true",
        help="start each line with its time (UTC, from the line when it has one, else when read)",
    )
    parser.add_argument(
        "--json",
        action="store_true",
        help="one JSON object a line: source, origin, time, level, stream, text (for jq)",
    )


def run(args: argparse.Namespace) -> int:
    """Load the config, pick the source, stream it to stdout."""
    import asyncio

    from cockpit.config import ConfigError, resolve
    from cockpit.config.base import parse_duration
    from cockpit.sources.logs.base import TAIL_ALL, NotConfigured, StreamOptions
    from cockpit.sources.logs.factory import build_source
    from cockpit.sources.logs.filters import FilterError, LineFilter

    try:
        loaded = resolve(getattr(args, "config", None))
    except ConfigError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    config = loaded.config
    if args.source is None:
        print(list_sources(config))
        return 0
    try:
        entry, env_name = pick_source(config, args.source, getattr(args, "env", None))
        includes = [p for p in (entry.filter, *(args.filter or ())) if p]
        excludes = [p for p in (entry.exclude, *(args.exclude or ())) if p]
        line_filter = LineFilter(include=includes, exclude=excludes, level=args.level)
        since = time.time() - parse_duration(args.since) if args.since else None
    except (LookupError, FilterError, ValueError) as exc:
        print(f"cockpit logs: {exc}", file=sys.stderr)
        return 2
    tail = args.tail if args.tail is not None else (TAIL_ALL if args.no_follow else None)
    options = StreamOptions(follow=not args.no_follow, tail=tail, since=since)
    try:
        source = build_source(
            entry,
            env_name,
            loaded.base_dir,
            options=options,
            environment=config.environments[env_name],
        )
    except NotConfigured as exc:
        print(f"cockpit logs: {exc}", file=sys.stderr)
        return 2
    printer = Printer(
        sys.stdout.buffer,
        line_filter,
        colour=_use_colour() and not args.json,
        name=entry.name,
        timestamps=args.timestamps,
        as_json=args.json,
    )
    state = asyncio.run(stream(source, printer))
    if printer.closed:
        _silence_stdout()
        return 0
    return 1 if state.value == "error" else 0


def list_sources(config: CockpitConfig) -> str:
    """One line per configured source: name, kind, environments."""
    if not config.logs:
        return "no log sources are configured (add them under `logs:`)"
    width = max(len(entry.name) for entry in config.logs)
    return "\n".join(
        f"{entry.name:<{width}}  {entry.kind:<12}  "
        f"{', '.join(config.environment_names_for(entry.environments))}"
        for entry in config.logs
    )


def pick_source(config: CockpitConfig, name: str, env: str | None) -> tuple[LogSourceConfig, str]:
    """The entry named ``name`` and the environment to read it in.

    Without ``env``: ``ui.default_environment`` when the entry applies there, else the entry's
    first environment (several entries of that name then need ``--env``).

    Raises:
        LookupError: with a message listing what is configured.
    """
    entries = [e for e in config.logs if e.name == name]
    if not entries:
        names = sorted({e.name for e in config.logs})
        if not names:
            raise LookupError(
                f"unknown log source {name!r}: no log sources are configured (add them under "
                "`logs:`)"
            )
        raise LookupError(f"unknown log source {name!r}; configured: {', '.join(names)}")

    def applies(entry: LogSourceConfig, env_name: str) -> bool:
        return not entry.environments or env_name in entry.environments

    if env is not None:
        if env not in config.environments:
            raise LookupError(
                f"unknown environment {env!r}; known: {', '.join(config.environments)}"
            )
        for entry in entries:
            if applies(entry, env):
                return entry, env
        listed = sorted({n for e in entries for n in config.environment_names_for(e.environments)})
        raise LookupError(
            f"log source {name!r} is not configured for environment {env!r} "
            f"(it is for: {', '.join(listed)})"
        )
    default = config.ui.default_environment
    if default is not None:
        for entry in entries:
            if applies(entry, default):
                return entry, default
    if len(entries) > 1:
        listed = sorted({n for e in entries for n in config.environment_names_for(e.environments)})
        raise LookupError(
            f"log source {name!r} is configured for several environments: pick one with --env "
            f"({', '.join(listed)})"
        )
    entry = entries[0]
    return entry, config.environment_names_for(entry.environments)[0]


class Printer:
    """The sink of ``cockpit logs``: filters, formats and writes lines; reports to stderr.

    It never raises into the source: a closed pipe sets :attr:`closed` and :attr:`done`.
    """

    def __init__(
        self,
        out: BinaryIO,
        line_filter: LineFilter,
        *,
        colour: bool,
        name: str,
        timestamps: bool = False,
        as_json: bool = False,
    ) -> None:
        import asyncio

        self.out = out
        self.filter = line_filter
        self.colour = colour
        self.timestamps = timestamps
        self.as_json = as_json
        self.width = len(name)
        self.closed = False
        self.done: asyncio.Event = asyncio.Event()
        self.encoding = getattr(sys.stdout, "encoding", None) or "utf-8"

    def lines(self, batch: list[LogLine]) -> None:
        """Write the lines that pass the filter, then flush (pipes see every batch at once)."""
        if self.closed:
            return
        text = "".join(self.format(line) for line in self.filter.apply(batch))
        if not text:
            return
        try:
            self.out.write(text.encode(self.encoding, "replace"))
            self.out.flush()
        except BrokenPipeError:
            self.closed = True
            self.done.set()

    def format(self, line: LogLine) -> str:
        """``name │ text`` plus a newline (coloured on a terminal), or a JSON object."""
        from cockpit.text.sanitize import strip_sgr

        if self.as_json:
            record = {
                "source": line.source,
                "origin": line.origin,
                "time": iso_time(line.ts),
                "level": line.level,
                "stream": line.stream,
                "text": strip_sgr(line.text),
            }
            return json.dumps(record, ensure_ascii=False) + "\n"
        name = line.source if line.origin is None else f"{line.source}/{line.origin}"
        self.width = max(self.width, len(name))
        prefix = f"{name:<{self.width}}{SEPARATOR}"
        if self.timestamps:
            prefix = f"{iso_time(line.ts)} {prefix}"
        if not self.colour:
            return f"{prefix}{strip_sgr(line.text)}\n"
        code = _LEVEL_COLOUR.get(line.level or "", "36")
        return f"\x1b[{code}m{prefix}\x1b[0m{line.text}\n"

    def status(self, state: SourceState, reason: str = "") -> None:
        """Say on stderr what changed, except the quiet ones (started, ended normally)."""
        if state.value in ("connecting", "ended") or (state.value == "live" and not reason):
            return
        message = f"{state.value}: {reason}" if reason else state.value
        print(f"cockpit logs: {message}", file=sys.stderr, flush=True)


def iso_time(ts: float) -> str:
    """``2026-11-22T16:40:00.599Z``: epoch seconds, rounded to the millisecond, in UTC."""
    ms = round(ts * 1000)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ms // 1000)) + f".{ms % 1000:03d}Z"


async def stream(source: LogSource, printer: Printer) -> SourceState:
    """Run ``source`` into ``printer`` until it ends or the output is closed."""
    import asyncio
    import contextlib

    task: asyncio.Task[None] = asyncio.create_task(source.run(printer))
    closed = asyncio.create_task(printer.done.wait())
    try:
        await asyncio.wait({task, closed}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for pending in (task, closed):
            if not pending.done():
                pending.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await pending
    error = task.exception() if task.done() and not task.cancelled() else None
    if error is not None:
        raise error
    return source.status.state


def _use_colour() -> bool:
    import os

    return (
        sys.stdout.isatty() and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"
    )


def _silence_stdout() -> None:
    """After a closed pipe: point stdout at /dev/null so the exit flush cannot fail loudly."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
