"""Sparklines in block characters, for the terminal and for plain text output."""

from __future__ import annotations

from collections.abc import Sequence

BARS = "▁▂▃▄▅▆▇█"


def spark_text(
    values: Sequence[float],
    width: int,
    ceiling: float | None = None,
    floor: float | None = None,
) -> str:
    """Render the last ``width`` values as block characters, right-aligned.

    Args:
        values: samples, oldest first.
        width: cells available.
        ceiling: the value drawn as a full block (e.g. 100 for percentages); None scales to the
            largest value shown.
        floor: the value drawn as the lowest block (default 0, or the smallest value shown
            when values go below 0).
    """
    if width <= 0:
        return ""
    shown = list(values)[-width:]
    known = [v for v in shown if v == v]  # NaN never equals itself: a gap, drawn blank
    if not known:
        return " " * width
    low = floor if floor is not None else min(0.0, min(known))
    top = ceiling if ceiling is not None else max(max(known), low + 1e-9)
    span = top - low
    cells = []
    for v in shown:
        if v != v:
            cells.append(" ")
            continue
        frac = 0.0 if span <= 0 else min(max((v - low) / span, 0.0), 1.0)
        cells.append(BARS[min(int(frac * (len(BARS) - 1) + 0.5), len(BARS) - 1)])
    return " " * (width - len(cells)) + "".join(cells)


def resample(
    points: Sequence[tuple[float, float]],
    start: float,
    end: float,
    cells: int,
    *,
    worst: str = "max",
    hold: float = 0.0,
) -> list[float]:
    """Points spread over ``cells`` equal slices of [start, end]: one value per slice.

    A slice holding several points shows the worst of them (``max``, or ``min`` when low values
    are the trouble), so a one-second spike survives a 7-day chart. A slice with no point shows
    the last value read up to ``hold`` seconds before it (a metric read every 15 s is a line,
    not a comb); past that it is NaN, a gap.
    """
    if cells <= 0 or end <= start:
        return []
    width = (end - start) / cells
    out: list[float | None] = [None] * cells
    newest: list[float] = [float("-inf")] * cells
    pick = max if worst == "max" else min
    for ts, value in points:
        index = int((ts - start) / width)
        if index == cells and ts <= end:
            index = cells - 1
        if 0 <= index < cells and value == value:
            current = out[index]
            out[index] = value if current is None else pick(current, value)
            newest[index] = max(newest[index], ts)
    if hold > 0:
        last_value: float | None = None
        last_ts = float("-inf")
        for index in range(cells):
            cell = out[index]
            if cell is not None:
                last_value, last_ts = cell, newest[index]
            elif last_value is not None and start + index * width - last_ts <= hold:
                out[index] = last_value
    return [float("nan") if v is None else v for v in out]
