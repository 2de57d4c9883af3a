"""Fitting text into a column without hiding that something was cut."""

from __future__ import annotations

from rich.cells import cell_len


def middle_cut(text: str, width: int) -> str:
    """``text`` in at most ``width`` cells, cut in the middle with ``…`` when longer.

    Names differ at their ends as often as at their starts (``anomaly-detection-staging`` and
    ``anomaly-detection-prod``): both ends stay readable.
    """
    if cell_len(text) <= width:
        return text
    if width <= 1:
        return "…"[:width]
    room = width - 1
    head_cells = (room + 1) // 2
    head = _take(text, head_cells)
    tail = _take(text[::-1], room - cell_len(head))[::-1]
    return f"{head}…{tail}"


def _take(text: str, cells: int) -> str:
    out = []
    used = 0
    for ch in text:
        w = cell_len(ch)
        if used + w > cells:
            break
        out.append(ch)
        used += w
    return "".join(out)
