"""`cockpit check`: run the health checks once (or keep watching) and report.

Exit status: 0 when every service is UP, 1 when any is DOWN, DEGRADED or UNKNOWN, 2 on a config
error (or an unknown ``--env``/``--service``).
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, TextIO

from cockpit.text.sanitize import plain

if TYPE_CHECKING:
    from cockpit.domain.health import ServiceStatus
    from cockpit.sources.health.monitor import HealthMonitor
    from cockpit.state.health_history import HealthHistory


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register the options of ``cockpit check``."""
    # SUPPRESS keeps a root-level `cockpit --env X check` from being reset to None here.
    parser.add_argument(
        "--env",
        metavar="NAME",
        default=argparse.SUPPRESS,
        help="only this environment (default: every environment)",
    )
    parser.add_argument(
        "--service", metavar="NAME", action="append", help="only this service (repeatable)"
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument(
        "--watch", action="store_true", help="keep checking on each check's interval; print changes"
    )
    parser.add_argument(
        "--concurrency", type=int, default=16, metavar="N", help="checks run at once (default 16)"
    )


_COLOURS = {"UP": "32", "DEGRADED": "33", "UNKNOWN": "35", "STALE": "36", "DOWN": "1;31"}


def _paint(text: str, status: str, colour: bool) -> str:
    return f"\x1b[{_COLOURS[status]}m{text}\x1b[0m" if colour else text


def _use_colour(stream: TextIO) -> bool:
    import os

    return stream.isatty() and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"


def _latency(ms: float | None) -> str:
    if ms is None:
        return "-"
    return f"{ms:.0f} ms" if ms < 10_000 else f"{ms / 1000:.1f} s"


def format_table(statuses: list[ServiceStatus], *, colour: bool, width: int | None) -> str:
    """An aligned table, worst first; the environment column only when there are several."""
    if not statuses:
        return "no services configured"
    show_env = len({s.environment for s in statuses}) > 1
    header = ["STATUS", "SERVICE", *(["ENV"] if show_env else []), "LATENCY", "REASON"]
    rows = [
        [
            s.status.value,
            plain(s.name, 60),
            *([plain(s.environment, 40)] if show_env else []),
            _latency(s.latency_ms),
            plain(s.reason, 500),
        ]
        for s in statuses
    ]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header) - 1)]
    lat = len(header) - 2
    lines = []
    for index, row in enumerate([header, *rows]):
        cells = [
            row[i].rjust(widths[i]) if i == lat else row[i].ljust(widths[i])
            for i in range(len(widths))
        ]
        line = "  ".join([*cells, row[-1]])
        if width is not None and len(line) > width:
            line = line[: width - 1] + "…"
        if index and colour:
            status = row[0]
            line = _paint(status, status, True) + line[len(status) :]
        lines.append(line)
    return "\n".join(lines)


def _exit_code(statuses: list[ServiceStatus]) -> int:
    return 0 if all(s.status.value == "UP" for s in statuses) else 1


def _open_history(args: argparse.Namespace) -> HealthHistory:
    """The SQLite health history (in memory, with a warning, when the file is unusable)."""
    from pathlib import Path

    from cockpit.state.health_history import HealthHistory

    state = getattr(args, "state", None)
    return HealthHistory.open(Path(state) if state else None)


def run(args: argparse.Namespace) -> int:
    """Load the config, run the checks and print the outcome."""
    import asyncio
    import json

    from cockpit.cli.loading import load_or_report
    from cockpit.sources.health.monitor import HealthMonitor
    from cockpit.sources.health.plan import UnknownName

    loaded = load_or_report(args)
    if loaded is None:
        return 2
    env = getattr(args, "env", None)
    history = _open_history(args)
    if history.store.warning:
        print(f"cockpit check: {history.store.warning}", file=sys.stderr)
    try:
        monitor = HealthMonitor(
            loaded.config,
            [env] if env else None,
            args.service,
            base_dir=loaded.base_dir,
            concurrency=max(1, args.concurrency),
            sink=history,
        )
    except UnknownName as exc:
        history.close()
        print(f"cockpit check: {exc}", file=sys.stderr)
        return 2
    try:
        if args.watch:
            return asyncio.run(_watch(monitor, as_json=args.json))
        statuses = asyncio.run(monitor.run_once())
    finally:
        history.close()
    if args.json:
        json.dump({"services": [s.to_json() for s in statuses]}, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        import shutil

        colour = _use_colour(sys.stdout)
        width = shutil.get_terminal_size().columns if sys.stdout.isatty() else None
        print(format_table(statuses, colour=colour, width=width))
    return _exit_code(statuses)


async def _watch(monitor: HealthMonitor, *, as_json: bool) -> int:
    """Print each service's status when it changes (one line each; JSON lines with --json)."""
    import json
    import time

    from cockpit.domain.health import ServiceStatus

    colour = _use_colour(sys.stdout)
    shown: dict[tuple[str, str], str] = {}
    await monitor.start()
    try:
        while True:
            update = await monitor.updates.get()
            if not isinstance(update, ServiceStatus):
                continue
            key = (update.name, update.environment)
            if shown.get(key) == update.status.value:
                continue
            shown[key] = update.status.value
            if as_json:
                print(json.dumps(update.to_json()), flush=True)
                continue
            stamp = time.strftime("%Y-%m-%d %H:%M:%S")
            status = _paint(f"{update.status.value:<8}", update.status.value, colour)
            print(
                f"{stamp}  {status}  {update.name} [{update.environment}]  {update.reason}",
                flush=True,
            )
    finally:
        await monitor.stop()
