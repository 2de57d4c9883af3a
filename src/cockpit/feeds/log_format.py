"""A log line as the Logs pane reads it: time, source (and pod), a separator, the message.

The result is sanitized last, whatever the steps before it did: names, pods and lines come from
outside, and decoding a JSON line brings back what its escapes spelled (``\\u009b``, ``\\u202e``).
"""

from __future__ import annotations

import contextlib
import json
import time
from dataclasses import dataclass

from cockpit.sources.logs.base import LogRow
from cockpit.text.sanitize import sanitize, strip_sgr

PREFIX_SEPARATOR = " │ "
"""Between a line's prefix (time, source) and its message."""
STAMP_CELLS = 13
"""Cells of a line's time and the blank after it: ``HH:MM:SS.mmm``."""


@dataclass(frozen=True, slots=True)
class LogFormat:
    """How each line reads.

    Attributes:
        name_width: Cells the source name is padded to (the feed's longest name).
        timestamps: Start each line with its time (UTC, to the millisecond).
        pretty_json: Spread a JSON object over several lines, joined by newlines.
    """

    name_width: int = 8
    timestamps: bool = False
    pretty_json: bool = False

    @property
    def prefix_cells(self) -> int:
        """Cells before a line's message (time, name, separator), for a name that fits."""
        stamp = STAMP_CELLS if self.timestamps else 0
        return stamp + self.name_width + len(PREFIX_SEPARATOR)

    def line(self, row: LogRow) -> str:
        """``row`` as text, SGR colours removed; newlines only in a pretty JSON object."""
        source, text, ts, _level, _stream, origin = row
        name = source if origin is None else f"{source}/{origin}"
        text = strip_sgr(text)
        spread = False
        if self.pretty_json and text.lstrip().startswith("{"):
            with contextlib.suppress(ValueError):
                text = json.dumps(json.loads(text), indent=2, ensure_ascii=False)
                spread = True
        stamp = ""
        if self.timestamps:
            # Rounded to the millisecond: .599 is stored as .5989999… and must not show as .598.
            ms = round(ts * 1000)
            stamp = time.strftime("%H:%M:%S", time.gmtime(ms // 1000)) + f".{ms % 1000:03d} "
        shown = f"{stamp}{name:<{self.name_width}}{PREFIX_SEPARATOR}{text}"
        # JSON escapes every control character, so its only newlines are the ones indent made.
        return sanitize(shown, max_len=0, keep_sgr=False, newlines=spread)
