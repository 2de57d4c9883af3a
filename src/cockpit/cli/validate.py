"""`cockpit validate [PATH]`: check a config file; exit 0 if valid, 2 listing every problem."""

from __future__ import annotations

import argparse
import sys

EXIT_INVALID = 2


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register the optional PATH argument."""
    parser.add_argument(
        "path",
        nargs="?",
        metavar="PATH",
        help="config file to check (default: --config, $COCKPIT_CONFIG, ./cockpit.yaml, "
        "then the XDG config dir)",
    )


def run(args: argparse.Namespace) -> int:
    """Validate and print ``FILE: ok (...)``, or each problem as ``FILE:LINE:COL: ...``."""
    import os
    from pathlib import Path

    from cockpit.config import ConfigError, discover_config, load_config, resolve

    cli_path = getattr(args, "path", None) or getattr(args, "config", None)
    try:
        if cli_path:
            # Load the path as given so that messages name the file the way the user wrote it.
            discover_config(cli_path, os.environ, Path.cwd())
            loaded = load_config(Path(cli_path).expanduser())
        else:
            loaded = resolve(None)
    except ConfigError as exc:
        print(str(exc), file=sys.stderr)
        count = len(exc.issues)
        files = sorted({issue.file for issue in exc.issues})
        print(
            f"{', '.join(files)}: {count} problem{'s' if count != 1 else ''}, config not valid",
            file=sys.stderr,
        )
        return EXIT_INVALID
    name = str(loaded.path) if loaded.path is not None else "built-in default (no config file)"
    print(f"{name}: ok ({summary(loaded.config)})")
    return 0


def summary(config: object) -> str:
    """``2 environments, services: 3, logs: 1`` from the sections that hold entries."""
    from cockpit.config import CockpitConfig

    assert isinstance(config, CockpitConfig)
    n = len(config.environments)
    parts = [f"{n} environment{'s' if n != 1 else ''}"]
    counts = [
        f"{name}: {len(value)}"
        for name in type(config).model_fields
        if name != "environments"
        and isinstance(value := getattr(config, name), list | dict)
        and value
    ]
    if counts:
        parts.append(", ".join(counts))
    return ", ".join(parts)
