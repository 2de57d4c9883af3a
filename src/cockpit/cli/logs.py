"""`cockpit logs SOURCE...`: configured log sources' lines, sanitized, prefixed like stern.

Each line prints as ``app │ text`` (``app/pod │ text`` in merged views). Several sources are
followed together, their lines printed as they come; with ``--no-follow`` they are printed
merged by time once all are read. Colour (the prefix by
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

from cockpit.text.sanitize import plain

if TYPE_CHECKING:
    import asyncio

    from cockpit.config.logs import LogSourceConfig
    from cockpit.config.models import CockpitConfig
    from cockpit.sources.logs.base import LogRow, LogSource, SourceState
    from cockpit.sources.logs.filters import LineFilter

SEPARATOR = " │ "
_LEVEL_COLOUR = {"ERROR": "1;31", "WARN": "33", "INFO": "36", "DEBUG": "2"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register the options of ``cockpit logs``."""
    parser.add_argument(
        "source",
        nargs="*",
        metavar="SOURCE",
        help="names from `logs:` (several are followed together; omit to list them)",
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
        "--previous",
        action="store_true",
        help="kubernetes: the logs of each container before its last restart (why it crashed)",
    )
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

    from cockpit.cli.loading import load_or_report
    from cockpit.domain.durations import parse_duration
    from cockpit.domain.patterns import FilterError
    from cockpit.sources.logs.base import TAIL_ALL, NotConfigured, StreamOptions
    from cockpit.sources.logs.factory import build_source
    from cockpit.sources.logs.filters import LineFilter

    loaded = load_or_report(args)
    if loaded is None:
        return 2
    config = loaded.config
    if not args.source:
        print(list_sources(config))
        return 0
    try:
        picked = [pick_source(config, name, getattr(args, "env", None)) for name in args.source]
        filters = [
            LineFilter(
                include=[p for p in (entry.filter, *(args.filter or ())) if p],
                exclude=[p for p in (entry.exclude, *(args.exclude or ())) if p],
                level=args.level,
            )
            for entry, _env in picked
        ]
        since = time.time() - parse_duration(args.since) if args.since else None
        if args.previous:
            others = [
                f"{entry.name} ({entry.kind})" for entry, _ in picked if entry.kind != "kubernetes"
            ]
            if others:
                raise LookupError(
                    f"--previous reads restarted Kubernetes containers; not for {', '.join(others)}"
                )
    except (LookupError, FilterError, ValueError) as exc:
        print(f"cockpit logs: {exc}", file=sys.stderr)
        return 2
    once = args.no_follow or args.previous  # a previous instance has ended: read it whole
    tail = args.tail if args.tail is not None else (TAIL_ALL if once else None)
    options = StreamOptions(follow=not once, tail=tail, since=since, previous=args.previous)
    try:
        sources = [
            build_source(
                entry,
                env_name,
                loaded.base_dir,
                options=options,
                environment=config.environments[env_name],
            )
            for entry, env_name in picked
        ]
    except NotConfigured as exc:
        print(f"cockpit logs: {exc}", file=sys.stderr)
        return 2
    printer = Printer(
        sys.stdout.buffer,
        colour=_use_colour() and not args.json,
        names=[entry.name for entry, _env in picked],
        timestamps=args.timestamps,
        as_json=args.json,
        # One-shot reads of several sources are printed merged by time at the end.
        merge=once and len(sources) > 1,
    )
    states = asyncio.run(stream(sources, filters, printer))
    if printer.closed:
        _silence_stdout()
        return 0
    return 1 if any(state.value == "error" for state in states) else 0


def list_sources(config: CockpitConfig) -> str:
    """One line per configured source: name, kind, environments."""
    if not config.logs:
        return "no log sources are configured (add them under `logs:`)"
    width = max(len(entry.name) for entry in config.logs)
    return "\n".join(
        f"{plain(entry.name, 100):<{width}}  {entry.kind:<12}  "
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
    """Where ``cockpit logs`` writes: formats lines, writes them, reports to stderr.

    Each source writes through its own :class:`Sink` (its filter, its name in reports). Nothing
    raises into a source: a closed pipe sets :attr:`closed` and :attr:`done`.
    """

    def __init__(
        self,
        out: BinaryIO,
        *,
        colour: bool,
        names: list[str],
        timestamps: bool = False,
        as_json: bool = False,
        merge: bool = False,
    ) -> None:
        import asyncio

        self.out = out
        self.colour = colour
        self.timestamps = timestamps
        self.as_json = as_json
        self.width = max(map(len, names), default=0)
        self.several = len(names) > 1
        self.held: list[LogRow] | None = [] if merge else None
        """Lines kept to be printed merged by time when every source has ended."""
        self.closed = False
        self.done: asyncio.Event = asyncio.Event()
        self.encoding = getattr(sys.stdout, "encoding", None) or "utf-8"

    def sink(self, name: str, line_filter: LineFilter) -> Sink:
        """The sink of source ``name``."""
        return Sink(self, name, line_filter)

    def write(self, lines: list[LogRow]) -> None:
        """Write lines (or hold them for :meth:`flush_held`), then flush: pipes see each batch."""
        if self.closed or not lines:
            return
        if self.held is not None:
            self.held.extend(lines)
            return
        try:
            self.out.write("".join(map(self.format, lines)).encode(self.encoding, "replace"))
            self.out.flush()
        except BrokenPipeError:
            self.closed = True
            self.done.set()

    def flush_held(self) -> None:
        """Print the held lines merged by time (stable: a source's own order is kept)."""
        held, self.held = self.held, None
        if held:
            self.write(sorted(held, key=lambda line: line.ts))

    def format(self, line: LogRow) -> str:
        """``name │ text`` plus a newline (coloured on a terminal), or a JSON object."""
        from cockpit.text.sanitize import strip_sgr

        source = plain(line.source, 100)
        origin = None if line.origin is None else plain(line.origin, 200)
        if self.as_json:
            record = {
                "source": source,
                "origin": origin,
                "time": iso_time(line.ts),
                "level": line.level,
                "stream": line.stream,
                "text": strip_sgr(line.text),
            }
            return json.dumps(record, ensure_ascii=False) + "\n"
        name = source if origin is None else f"{source}/{origin}"
        self.width = max(self.width, len(name))
        prefix = f"{name:<{self.width}}{SEPARATOR}"
        if self.timestamps:
            prefix = f"{iso_time(line.ts)} {prefix}"
        if not self.colour:
            return f"{prefix}{strip_sgr(line.text)}\n"
        code = _LEVEL_COLOUR.get(line.level or "", "36")
        return f"\x1b[{code}m{prefix}\x1b[0m{line.text}\n"

    def report(self, name: str, state: SourceState, reason: str = "") -> None:
        """Say on stderr what changed, except the quiet ones (started, ended normally)."""
        if state.value in ("connecting", "ended") or (state.value == "live" and not reason):
            return
        message = f"{state.value}: {plain(reason, 1000)}" if reason else state.value
        who = f" {plain(name, 100)}" if self.several else ""
        print(f"cockpit logs{who}: {message}", file=sys.stderr, flush=True)


class Sink:
    """One source's way into the :class:`Printer`: its filter applied, its name in reports."""

    def __init__(self, printer: Printer, name: str, line_filter: LineFilter) -> None:
        self.printer = printer
        self.name = name
        self.filter = line_filter

    def lines(self, batch: list[LogRow]) -> None:
        """Write the lines that pass the source's filter."""
        if not self.printer.closed:
            self.printer.write(self.filter.apply(batch))

    def status(self, state: SourceState, reason: str = "") -> None:
        """Report a change of state on stderr."""
        self.printer.report(self.name, state, reason)


def iso_time(ts: float) -> str:
    """``2026-11-22T16:40:00.599Z``: epoch seconds, rounded to the millisecond, in UTC."""
    ms = round(ts * 1000)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ms // 1000)) + f".{ms % 1000:03d}Z"


async def stream(
    sources: list[LogSource], filters: list[LineFilter], printer: Printer
) -> list[SourceState]:
    """Run every source into ``printer`` until all have ended or the output is closed."""
    import asyncio
    import contextlib

    runs = [
        asyncio.create_task(source.run(printer.sink(source.name, line_filter)))
        for source, line_filter in zip(sources, filters, strict=True)
    ]

    async def ended() -> None:
        await asyncio.wait(runs)

    async def gone() -> None:
        await printer.done.wait()

    waiters = [asyncio.create_task(ended()), asyncio.create_task(gone())]
    try:
        await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for pending in (*runs, *waiters):
            if not pending.done():
                pending.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await pending
    for run in runs:
        error = run.exception() if run.done() and not run.cancelled() else None
        if error is not None:
            raise error
    printer.flush_held()
    return [source.status.state for source in sources]


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
