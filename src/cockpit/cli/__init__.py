"""Command line: `cockpit` opens the TUI; subcommands serve cron, pipes and scripts.

Each subcommand lives in its own module ``cockpit.cli.<name>`` exposing ``add_arguments(parser)``
and ``run(args) -> int``. Modules must stay cheap to import: heavy imports go inside ``run``.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import Any

from cockpit import __version__

# name -> (module, one-line help). Order is the order shown in --help.
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "run": ("cockpit.cli.run", "open the cockpit (the default)"),
    "validate": ("cockpit.cli.validate", "check a config file; exit 0 valid, 2 invalid"),
    "config": ("cockpit.cli.config_cmd", "config helpers: `config schema` prints the JSON Schema"),
    "check": ("cockpit.cli.check", "run health checks once (or --watch); exit 1 if any not UP"),
    "logs": ("cockpit.cli.logs", "print log sources' lines, sanitized, like stern"),
    "metrics": ("cockpit.cli.metrics", "print current metric values"),
    "checklist": ("cockpit.cli.checklist", "list, tick and export checklists"),
    "runbook": ("cockpit.cli.runbook", "import a Markdown runbook into checklists and procedures"),
    "action": ("cockpit.cli.action", "preview and run a remediation action through the gate"),
    "audit": ("cockpit.cli.audit", "show the audit trail / incident timeline"),
}


class RichHelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Plain argparse layout; colour is added when printing (see :func:`_print_help`)."""


def _add_common(parser: argparse.ArgumentParser, *, under_command: bool = False) -> None:
    """The options every command takes, before or after its name.

    Args:
        parser: The main parser, or a command's.
        under_command: Give a command's copy no defaults, so that an option given before the
            command's name is not reset by the command's parser.
    """
    known = {action.dest for action in parser._actions}
    unset: dict[str, Any] = {"default": argparse.SUPPRESS} if under_command else {}
    if "config" not in known:
        parser.add_argument(
            "--config",
            metavar="PATH",
            help="config file (else $COCKPIT_CONFIG, "
            "./cockpit.yaml, the XDG config dir, then the built-in local default)",
            **unset,
        )
    if "env" not in known:
        parser.add_argument("--env", metavar="NAME", help="environment to focus", **unset)
    parser.add_argument("--read-only", action="store_true", help="refuse every action", **unset)
    parser.add_argument(
        "--theme", metavar="NAME", help="theme name (cockpit-dark, war-room, ...)", **unset
    )
    parser.add_argument(
        "--state",
        metavar="PATH",
        help="SQLite state file (else $COCKPIT_STATE, then the XDG data dir)",
        **unset,
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
        _add_common(sub, under_command=True)
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
    # Common options may come before or after the subcommand (each command's parser has them).
    args = parser.parse_args(args_list)
    module_name = getattr(args, "_module", "cockpit.cli.run")
    module = importlib.import_module(module_name)
    from cockpit.sources import leftovers

    owner = leftovers.claim()
    try:
        return int(module.run(args))
    except KeyboardInterrupt:
        return 130
    finally:
        if owner is not None:
            leftovers.end(owner)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
