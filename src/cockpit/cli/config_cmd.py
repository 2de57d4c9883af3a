"""`cockpit config schema|path`: the config's JSON Schema, and which file discovery picks."""

from __future__ import annotations

import argparse
import os
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register the `schema` and `path` helpers."""
    subs = parser.add_subparsers(dest="config_command", metavar="HELPER")
    schema = subs.add_parser(
        "schema",
        help="print the JSON Schema of the config file (for editor completion)",
        description="Print the JSON Schema (draft 2020-12) of the config file.",
    )
    schema.add_argument("--compact", action="store_true", help="one line, no indentation")
    subs.add_parser(
        "path",
        help="print the config file that would be used",
        description="Print the config file discovery picks (--config, $COCKPIT_CONFIG, "
        "./cockpit.yaml, the XDG config dir), or say that the built-in default is used.",
    )


def run(args: argparse.Namespace) -> int:
    """Run the chosen helper."""
    command = getattr(args, "config_command", None)
    if command == "schema":
        import json

        from cockpit.config.schema import config_schema

        indent = None if args.compact else 2
        try:
            print(json.dumps(config_schema(), indent=indent, ensure_ascii=False), flush=True)
        except BrokenPipeError:
            # `cockpit config schema | head` closed the pipe: not an error worth a traceback.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    if command == "path":
        from pathlib import Path

        from cockpit.config import ConfigError, discover_config

        try:
            path = discover_config(getattr(args, "config", None), os.environ, Path.cwd())
        except ConfigError as exc:
            print(str(exc), file=sys.stderr)
            return 2
        print(path if path is not None else "(none: the built-in local default is used)")
        return 0
    print("usage: cockpit config {schema,path}  (see cockpit config --help)", file=sys.stderr)
    return 2
