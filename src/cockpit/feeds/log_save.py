"""Saving the Logs pane's lines to a report file, as the pane shows them (filtered, formatted).

File I/O, and formatting thousands of lines: called from a thread, never from the screen's.
"""

from __future__ import annotations

import time
from pathlib import Path

from cockpit.feeds.log_format import LogFormat
from cockpit.feeds.log_query import LogQuery
from cockpit.sources.logs.base import LogRow


def save_lines(
    lines: list[LogRow], query: LogQuery, fmt: LogFormat, now: float, folder: Path | None = None
) -> tuple[Path, int]:
    """Write the ``lines`` that ``query`` shows, each as ``fmt`` reads it, to a new report.

    Args:
        lines: The lines held, oldest first.
        query: What the view shows of them.
        fmt: How each line reads (sanitized, without colours).
        now: Wall-clock seconds: the file is named ``logs-<UTC time>.log`` after them.
        folder: Where to write; the reports folder by default.

    Returns:
        The file written and the number of lines in it.
    """
    # Imported on the first save: nothing at start-up needs it.
    from cockpit.state.reports import write_report

    texts = [fmt.line(row) for row in query.apply(lines)]
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(now))
    path = write_report(f"logs-{stamp}.log", "\n".join(texts) + "\n", folder)
    return path, len(texts)
