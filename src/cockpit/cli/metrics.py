"""`cockpit metrics`: current values, threshold state and a sparkline of each metric.

Exit status: 0 when no metric is at crit and every metric could be read, 1 when one is at crit
or could not be read, 2 on a config error or an unknown ``--env``.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import TYPE_CHECKING, Any

from cockpit.text.sanitize import plain

if TYPE_CHECKING:
    from cockpit.config.loader import LoadedConfig
    from cockpit.feeds.metric_board import MetricRow

WINDOWS = ("5m", "1h", "24h", "7d")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register the options of ``cockpit metrics``."""
    parser.add_argument(
        "--env",
        metavar="NAME",
        default=argparse.SUPPRESS,
        help="only this environment (default: every environment)",
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument(
        "--watch", action="store_true", help="keep reading; print the table on every change"
    )
    parser.add_argument(
        "--window",
        choices=WINDOWS,
        default="1h",
        help="history shown in sparklines and JSON series (default 1h)",
    )


_COLOURS = {"ok": "32", "warn": "33", "crit": "1;31", "unknown": "35"}


def status_of(row: MetricRow) -> str:
    """``ok``, ``warn``, ``crit``, ``unknown`` (no value yet) or ``error``."""
    if row.error is not None:
        return "error"
    return row.level.label


def row_json(row: MetricRow, environment: str) -> dict[str, Any]:
    """One row in the ``--json`` shape."""
    out: dict[str, Any] = {
        "name": row.metric,
        "environment": environment,
        "value": row.value,
        "unit": row.unit,
        "status": status_of(row),
        "series": [[round(t, 3), v] for t, v in row.points],
    }
    if row.series:
        out["labels"] = row.series
    if row.error is not None:
        out["error"] = row.error
    if row.limit:
        out["threshold"] = row.limit
    if row.action:
        out["action"] = row.action
    return out


def format_table(rows: list[tuple[str, MetricRow]], *, colour: bool, width: int | None) -> str:
    """An aligned table: status, metric, environment (when several), value, sparkline, note."""
    from cockpit.text.spark import resample, spark_text
    from cockpit.text.units import format_value

    if not rows:
        return "no metrics configured (add them under `metrics:`)"
    show_env = len({env for env, _ in rows}) > 1
    lines = []
    table: list[list[str]] = []
    for env, row in rows:
        status = status_of(row).upper()
        note = row.error or (f"{row.limit} {row.action or ''}".strip() if row.limit else "")
        if row.stale and not row.error:
            note = f"stale {note}".strip()
        if row.points:
            end = row.points[-1][0]
            span = max(end - row.points[0][0], row.interval)
            cells = resample(
                row.points, end - span, end, 24, worst="min" if row.threshold.below else "max"
            )
            spark = spark_text(cells, 24, 100.0 if row.unit == "%" else None)
        else:
            spark = " " * 24
        table.append(
            [
                status,
                plain(row.title, 60),
                *([plain(env, 40)] if show_env else []),
                format_value(row.value, row.unit),
                spark,
                plain(note, 300),
            ]
        )
    header = ["STATUS", "METRIC", *(["ENV"] if show_env else []), "VALUE", "HISTORY", ""]
    widths = [max(len(r[i]) for r in [header, *table]) for i in range(len(header) - 1)]
    value_col = len(header) - 3
    for index, line_cells in enumerate([header, *table]):
        parts = [
            line_cells[i].rjust(widths[i]) if i == value_col else line_cells[i].ljust(widths[i])
            for i in range(len(widths))
        ]
        line = "  ".join([*parts, line_cells[-1]]).rstrip()
        if width is not None and len(line) > width:
            line = line[: width - 1] + "…"
        if index and colour:
            word = line_cells[0]
            code = _COLOURS.get(word.lower(), "35")
            line = f"\x1b[{code}m{word}\x1b[0m" + line[len(word) :]
        lines.append(line)
    return "\n".join(lines)


def _exit_code(rows: list[tuple[str, MetricRow]]) -> int:
    bad = any(status_of(row) in ("crit", "error") for _, row in rows)
    return 1 if bad else 0


def _use_colour(stream: Any) -> bool:
    import os

    return stream.isatty() and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"


def run(args: argparse.Namespace) -> int:
    """Load the config, read every metric of the chosen environments and print them."""
    import asyncio

    from cockpit.cli.loading import load_or_report

    loaded = load_or_report(args)
    if loaded is None:
        return 2
    env = getattr(args, "env", None)
    config = loaded.config
    if env is not None and env not in config.environments:
        known = ", ".join(config.environments)
        print(f"cockpit metrics: unknown environment {env!r}; known: {known}", file=sys.stderr)
        return 2
    names = [env] if env else list(config.environments)
    try:
        return asyncio.run(_run(loaded, names, args))
    except KeyboardInterrupt:
        return 130


async def _run(loaded: LoadedConfig, names: list[str], args: argparse.Namespace) -> int:
    import asyncio
    import json

    from cockpit.feeds.metric_session import MetricSession
    from cockpit.state.metric_ring import WINDOWS as SECONDS

    window = SECONDS[args.window]
    session = MetricSession(loaded, names, state=getattr(args, "state", None))
    try:
        await session.start(window)
        if args.watch:
            colour = _use_colour(sys.stdout)
            while True:
                rows = session.rows(window)
                if args.json:
                    payload = [row_json(r, env) for env, r in rows]
                    print(json.dumps({"at": time.time(), "metrics": payload}), flush=True)
                else:
                    stamp = time.strftime("%Y-%m-%d %H:%M:%S")
                    print(f"\n{stamp}", flush=True)
                    print(format_table(rows, colour=colour, width=None), flush=True)
                await asyncio.sleep(session.shortest_interval())
                await session.read_due()
        rows = session.rows(window)
    finally:
        await session.close()
    if session.warning:
        print(f"cockpit metrics: {session.warning}", file=sys.stderr)
    if args.json:
        json.dump({"metrics": [row_json(r, env) for env, r in rows]}, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        import shutil

        width = shutil.get_terminal_size().columns if sys.stdout.isatty() else None
        print(format_table(rows, colour=_use_colour(sys.stdout), width=width))
    return _exit_code(rows)
