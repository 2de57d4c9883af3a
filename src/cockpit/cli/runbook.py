"""`cockpit runbook import FILE`: a Markdown runbook's checklists and procedures, for the config.

``--format yaml`` (the default) prints the checklists as a list to paste under ``checklists:``
and the procedures as comments below it; ``--format json`` prints everything found. Exit 0, or
2 when the file cannot be read. A file that is not UTF-8 is read with replacement characters.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cockpit.runbooks.model import Runbook


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register ``cockpit runbook import``."""
    subs = parser.add_subparsers(dest="runbook_command", metavar="COMMAND")
    imp = subs.add_parser(
        "import",
        help="print a runbook's checklists (as config) and procedures",
        description="Read a Markdown runbook and print its checklists and procedures.",
    )
    imp.add_argument("file", metavar="FILE", help="the Markdown runbook")
    imp.add_argument(
        "--format",
        choices=("yaml", "json"),
        default="yaml",
        help="yaml: a fragment to paste under `checklists:` (default); json: everything found",
    )


def run(args: argparse.Namespace) -> int:
    """Import the runbook and print it."""
    if getattr(args, "runbook_command", None) != "import":
        print("usage: cockpit runbook import FILE [--format yaml|json]", file=sys.stderr)
        return 2
    from cockpit.runbooks import import_runbook

    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        print(f"cockpit runbook import: cannot read {args.file}: {reason}", file=sys.stderr)
        return 2
    runbook = import_runbook(data.decode("utf-8", errors="replace"))
    if args.format == "json":
        print(json.dumps(_clean(runbook.to_json()), indent=2, ensure_ascii=False))
    else:
        print(yaml_fragment(runbook, path.name), end="")
    return 0


def _clean(value: Any) -> Any:
    """Every string made safe to print: controls and escape sequences shown, not sent."""
    from cockpit.text.sanitize import sanitize

    if isinstance(value, str):
        return sanitize(value, max_len=0, keep_sgr=False, newlines=True)
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    return value


def yaml_fragment(runbook: Runbook, source: str) -> str:
    """The checklists as YAML list entries, then the procedures as a commented block."""
    import yaml

    from cockpit.text.sanitize import plain

    out = [f"# From {plain(source)}: paste the entries below under `checklists:`.\n"]
    seen: set[str] = set()
    for checklist in runbook.checklists:
        name = plain(checklist.name, max_len=0)
        if name in seen:
            name = f"{name} ({plain(checklist.section, max_len=0) or len(seen) + 1})"
        while name in seen:
            name += " (again)"
        seen.add(name)
        entry = {
            "name": name,
            "items": [{"text": plain(i.text, max_len=0)} for i in checklist.items],
        }
        if checklist.section:
            out.append(f"# section: {plain(checklist.section)}\n")
        out.append(yaml.safe_dump([entry], allow_unicode=True, sort_keys=False, width=1000))
    if not runbook.checklists:
        out.append("# (no checklists: no `- [ ]` items found)\n")
    if runbook.procedures:
        out.append("\n# Procedures (for reference; mutating commands are marked):\n")
        for procedure in runbook.procedures:
            out.append(f"#\n# {plain(procedure.name)}\n")
            for n, step in enumerate(procedure.steps, 1):
                out.append(f"#   {n}. {plain(step.text)}\n")
                for command in step.commands:
                    mark = "mutating" if command.mutating else "read-only"
                    for line in command.text.split("\n"):
                        out.append(f"#        [{mark}] {plain(line)}\n")
                        mark = "  " + " " * (len(mark) - 2)
                if step.params:
                    out.append(f"#        params: {plain(', '.join(step.params))}\n")
    return "".join(out)
