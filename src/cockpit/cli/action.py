"""`cockpit action`: not built in this version yet."""

from __future__ import annotations

import argparse
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Accept any arguments so the message below is what the user sees."""
    parser.add_argument("rest", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)


def run(args: argparse.Namespace) -> int:
    """Say plainly that this subcommand is not available yet."""
    print("cockpit action: not available in this version yet", file=sys.stderr)
    return 2
