"""Which lines of a batch a pattern matches, with one scan of the joined batch.

Calling a compiled pattern once per line costs its binding's per-call overhead on every line
(RE2's Python binding encodes each line to UTF-8 first: ~1.5 us a line, most of a flood's
budget). Here the batch is joined with newlines and scanned once in multi-line mode, so that
``^`` and ``$`` still mean a line's start and end, and each match is mapped back to its line.

A match may cross a line break (``\\s``, ``[^x]+``, ``(?s).``, a literal ``\\n``): every line
it touches is then checked on its own. That keeps the result exactly that of matching each line
alone: a line holding a match is either the site of a match that stays inside it, or is touched
by an earlier match that crosses into it (leftmost-first scanning cannot step over it
otherwise). Patterns that name the text's own start or end (``\\A``, ``\\z``, ``\\Z``,
``(?-m)``), and batches with a line longer than the match cap or holding a newline, are
matched line by line.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from typing import Any, AnyStr, Protocol

__all__ = ["WHOLE_TEXT_ANCHORS", "matching_lines"]

WHOLE_TEXT_ANCHORS = re.compile(r"\\[AzZ]|\(\?[a-zA-Z]*-[a-zA-Z]*m")
"""Text-start/end escapes and a cleared multi-line flag (``(?-m)``): their meaning changes when
lines are joined, so such patterns are matched line by line."""
_SGR = re.compile(r"\x1b\[[0-9;]*m")
SAMPLE = 32
"""Lines matched one by one first, to tell a rare pattern from a common one."""
DENSE = SAMPLE // 4
"""Above this many matches in the sample, the batch is matched line by line: each reported
match costs the binding about as much as matching a line alone, so scanning pays only when
matches are rare (the usual filter: errors in a flood)."""


class _Match(Protocol):
    def span(self) -> tuple[int, int]: ...


def matching_lines(
    texts: Sequence[str],
    *,
    search: Callable[[str], object | None],
    finditer: Callable[[Any], Iterator[_Match]] | None,
    cap: int,
    as_bytes: bool = False,
    dense: int | None = DENSE,
) -> list[int]:
    """Indices, in order, of the texts that ``search`` finds a match in.

    Args:
        texts: Lines, possibly with SGR colour codes (stripped before matching).
        search: The pattern's search on one line (its match or None).
        finditer: The same pattern compiled in multi-line mode, over a whole joined text; None
            when the pattern must be matched line by line.
        cap: Only the first ``cap`` characters of a line are matched.
        as_bytes: ``finditer`` takes the joined text encoded as UTF-8 (RE2's binding would
            otherwise encode the whole text again for every match it reports).
        dense: Matches among the first :data:`SAMPLE` lines above which the batch is matched
            line by line; None scans whenever it can.
    """
    joined = "\n".join(texts)
    if "\x1b" in joined:
        joined = _SGR.sub("", joined)
    if (
        finditer is None
        or joined.count("\n") != len(texts) - 1
        or max(map(len, texts), default=0) > cap
        or (
            dense is not None
            and (
                len(texts) < 2 * SAMPLE
                or sum(1 for text in texts[:SAMPLE] if search(_SGR.sub("", text)[:cap])) > dense
            )
        )
    ):
        return [i for i, text in enumerate(texts) if search(_SGR.sub("", text)[:cap])]
    starts = (
        _scan(joined.encode("utf-8", "replace"), b"\n", finditer)
        if as_bytes
        else _scan(joined, "\n", finditer)
    )
    lines: list[str] | None = None
    hits: list[int] = []
    covered = -1
    for line, crossed in starts:
        last = line + crossed
        if last <= covered:
            continue
        if not crossed:
            hits.append(line)
        else:
            # Lines already settled stay settled; a match may start in one and run on.
            if lines is None:
                lines = joined.split("\n")
            hits.extend(k for k in range(max(line, covered + 1), last + 1) if search(lines[k]))
        covered = last
    return hits


def _scan(
    data: AnyStr, newline: AnyStr, finditer: Callable[[AnyStr], Iterator[_Match]]
) -> Iterator[tuple[int, int]]:
    """(line of the match's start, line breaks the match crosses) for each match."""
    line = cursor = 0
    for match in finditer(data):
        start, end = match.span()
        line += data.count(newline, cursor, start)
        cursor = start
        yield line, data.count(newline, start, end)
