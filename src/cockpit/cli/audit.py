"""`cockpit audit [--since 1h] [--env E] [--json] [--all]`: the audit trail, oldest first.

By default it lists action attempts (runs with their outcome, and refusals); ``--all`` adds every
other record (checklist ticks, ...). ``--json`` prints a list of ``{"time", "user",
"environment", "action", "params", "outcome", "exit_code"}``.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from datetime import timedelta

from cockpit.text.sanitize import plain


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register the options of ``cockpit audit``."""
    parser.add_argument(
        "--since", metavar="DURATION", default="24h", help="how far back (default 24h; e.g. 1h, 7d)"
    )
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("--all", action="store_true", help="every record, not only action attempts")
    parser.add_argument(
        "--env",
        metavar="NAME",
        default=argparse.SUPPRESS,
        help="only this environment's records",
    )


def run(args: argparse.Namespace) -> int:
    """Print the audit trail."""
    from cockpit.actions.trail import attempts
    from cockpit.cli.loading import open_store
    from cockpit.domain.durations import parse_duration
    from cockpit.state.audit import AuditLog
    from cockpit.state.store import utc_now

    try:
        seconds = parse_duration(args.since)
    except ValueError as exc:
        print(f"cockpit audit: --since {plain(args.since, 40)!r}: {exc}", file=sys.stderr)
        return 2
    since = utc_now() - timedelta(seconds=seconds)
    env = getattr(args, "env", None)
    store = open_store(args)
    try:
        if store.warning:
            print(f"cockpit audit: {store.warning}", file=sys.stderr)
        audit = AuditLog(store)
        if args.all:
            records = audit.list(environment=env, since=since)
            if args.json:
                rows = [
                    {
                        "time": r.ts.isoformat(),
                        "user": r.who,
                        "environment": r.environment,
                        "kind": r.kind,
                        "summary": r.summary,
                        "details": r.details,
                    }
                    for r in records
                ]
                print(json.dumps(rows, indent=2, ensure_ascii=False))
            else:
                for r in records:
                    when = r.ts.strftime("%Y-%m-%d %H:%M:%S")
                    line = (
                        f"{when}  {r.who:<20} {r.environment or '-':<12} {r.kind:<16} {r.summary}"
                    )
                    print(plain(line, 0))
            return 0
        found = [a for a in attempts(audit, since) if env is None or a.environment == env]
        if args.json:
            print(json.dumps([asdict(a) for a in found], indent=2, ensure_ascii=False))
            return 0
        if not found:
            print(f"no action attempts in the last {args.since}")
        for a in found:
            when = a.time[:19].replace("T", " ")
            params = " ".join(f"{k}={v}" for k, v in a.params.items())
            how = a.outcome
            if a.exit_code is not None:
                how += f" (exit {a.exit_code})"
            elif a.http_status is not None:
                how += f" (HTTP {a.http_status})"
            if a.reason:
                how += f": {a.reason}"
            line = f"{when}  {a.user:<20} {a.environment or '-':<12} {a.action} {params}  {how}"
            print(plain(line, 0))
        return 0
    finally:
        store.close()
