"""Command line: `cockpit` opens the TUI; subcommands serve cron, pipes and scripts.

Each subcommand lives in its own module ``cockpit.cli.<name>`` exposing ``add_arguments(parser)``
and ``run(args) -> int``. Modules must stay cheap to import: heavy imports go inside ``run``.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from cockpit import __version__

# name -> (module, one-line help). Order is the order shown in --help.
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "run": ("cockpit.cli.run", "open the cockpit (the default)"),
    "validate": ("cockpit.cli.validate", "check a config file; exit 0 valid, 2 invalid"),
    "config": ("cockpit.cli.config_cmd", "config helpers: `config schema` prints the JSON Schema"),
    "check": ("cockpit.cli.check", "run health checks once (or --watch); exit 1 if any not UP"),
    "logs": ("cockpit.cli.logs", "print a log source's lines, sanitized, like stern"),
    "metrics": ("cockpit.cli.metrics", "print current metric values"),
    "checklist": ("cockpit.cli.checklist", "list, tick and export checklists"),
    "runbook": ("cockpit.cli.runbook", "import a Markdown runbook into checklists and procedures"),
    "action": ("cockpit.cli.action", "preview and run a remediation action through the gate"),
    "audit": ("cockpit.cli.audit", "show the audit trail / incident timeline"),
}


class RichHelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Plain argparse layout; colour is added when printing (see :func:`_print_help`)."""


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config",
        metavar="PATH",
        help="config file (else $COCKPIT_CONFIG, "
        "./cockpit.yaml, the XDG config dir, then the built-in local default)",
    )
    parser.add_argument("--env", metavar="NAME", help="environment to focus")
    parser.add_argument("--read-only", action="store_true", help="refuse every action")
    parser.add_argument("--theme", metavar="NAME", help="theme name (cockpit-dark, war-room, ...)")
    parser.add_argument(
        "--state",
        metavar="PATH",
        help="SQLite state file (else $COCKPIT_STATE, then the XDG data dir)",
    )


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser with every subcommand registered."""
    parser = argparse.ArgumentParser(
        prog="cockpit",
        description="Terminal operations cockpit: health, logs, metrics, checklists, actions.",
        formatter_class=RichHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"cockpit {__version__}")
    _add_common(parser)
    subs = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (module_name, help_text) in SUBCOMMANDS.items():
        sub = subs.add_parser(
            name, help=help_text, description=help_text, formatter_class=RichHelpFormatter
        )
        module = importlib.import_module(module_name)
        module.add_arguments(sub)
        sub.set_defaults(_module=module_name)
    return parser


def _print_help(parser: argparse.ArgumentParser) -> None:
    from rich.console import Console
    from rich.highlighter import RegexHighlighter
    from rich.theme import Theme

    class _Highlighter(RegexHighlighter):
        highlights = [r"(?P<option>--[\w-]+)", r"(?P<heading>^[\w ]+:$)", r"(?P<usage>^usage:)"]

    console = Console(
        highlighter=_Highlighter(),
        theme=Theme({"option": "cyan", "heading": "bold yellow", "usage": "bold"}),
    )
    console.print(parser.format_help(), markup=False, end="")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `cockpit` console script."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    if any(a in ("-h", "--help") for a in args_list) and not any(
        a in SUBCOMMANDS for a in args_list
    ):
        _print_help(parser)
        return 0
    # Common options may come before or after the subcommand.
    args, rest = parser.parse_known_args(args_list)
    if rest:
        common = argparse.ArgumentParser(add_help=False)
        _add_common(common)
        extra, unknown = common.parse_known_args(rest)
        if unknown:
            parser.error(f"unrecognized arguments: {' '.join(unknown)}")
        for key, value in vars(extra).items():
            if value not in (None, False):
                setattr(args, key, value)
    module_name = getattr(args, "_module", "cockpit.cli.run")
    module = importlib.import_module(module_name)
    try:
        return int(module.run(args))
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
