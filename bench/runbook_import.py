"""Importing a 1 MB runbook (the five seeds repeated, headings numbered so each copy differs),
beside markdown-it-py's own full parse of the same text as the baseline.

Usage: python bench/runbook_import.py [--size BYTES] [--rounds N]
Exits 1 when the import takes 1 s or more.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from markdown_it import MarkdownIt

from cockpit.runbooks import import_runbook

SEEDS = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "seeds"
LIMIT_S = 1.0


def big_runbook(size: int) -> str:
    """The seeds, one after another with numbered headings and boxes, until ``size`` chars."""
    seeds = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("0*.txt"))]
    parts: list[str] = []
    total, n = 0, 0
    while total < size:
        text = seeds[n % len(seeds)].replace("\n## ", f"\n## {n}. ").replace("- [ ]", f"- [ ] #{n}")
        parts.append(text)
        total += len(text)
        n += 1
    return "".join(parts)[:size]


def timed(fn: object, text: str, rounds: int) -> float:
    """Median seconds of ``fn(text)`` over ``rounds``."""
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn(text)  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    text = big_runbook(args.size)
    runbook = import_runbook(text)
    baseline = timed(MarkdownIt("commonmark").parse, text, args.rounds)
    ours = timed(import_runbook, text, args.rounds)
    steps = sum(len(p.steps) for p in runbook.procedures)
    items = sum(len(c.items) for c in runbook.checklists)
    print(f"runbook: {len(text.encode()) / 1e6:.2f} MB, {len(runbook.checklists)} checklists "
          f"({items} items), {len(runbook.procedures)} procedures ({steps} steps)")  # fmt: skip
    print(f"markdown-it-py parse (baseline): {baseline * 1000:7.1f} ms")
    print(
        f"cockpit runbook import:          {ours * 1000:7.1f} ms  (limit {LIMIT_S * 1000:.0f} ms)"
    )
    return 0 if ours < LIMIT_S else 1


if __name__ == "__main__":
    sys.exit(main())
