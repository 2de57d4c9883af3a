"""Sanitizer throughput: lines per second for 100-byte lines, clean and hostile, str and bytes.

Usage: python bench/bench_sanitize.py [--lines N] [--repeat R]
Prints one line per case with the best of R runs (lines/s), then a JSON summary.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable, Sequence

from cockpit.sources.logs.lines import LineSplitter, StreamDecoder
from cockpit.text.sanitize import sanitize

CLEAN = "2024-05-01T12:00:00.123Z INFO api GET /v1/items/42 status=200 dur=12ms user=42 req=9f3a ok"
HOSTILE = "\x1b[31mERROR\x1b[0m \x1b]0;title\x07 tab\there\r bidi\u202e x \x1b[2J done 0123456789"


def _line(template: str, size: int = 100) -> str:
    return (template + " " + "x" * size)[:size]


def best_rate(run: Callable[[], int], repeat: int) -> float:
    """Best lines/s over ``repeat`` runs of ``run`` (which returns the lines it handled)."""
    best = 0.0
    for _ in range(repeat):
        start = time.perf_counter()
        n = run()
        best = max(best, n / (time.perf_counter() - start))
    return best


def _loop(items: Sequence[str | bytes]) -> Callable[[], int]:
    def run() -> int:
        for item in items:
            sanitize(item)
        return len(items)

    return run


def _decoder(data: bytes, count: int) -> Callable[[], int]:
    def run() -> int:
        splitter = LineSplitter()
        decoder = StreamDecoder("bench")
        n = 0
        for start in range(0, len(data), 64 * 1024):
            n += len(decoder.decode(splitter.feed(data[start : start + 64 * 1024]), 0.0))
        return n

    return run


def main(argv: Sequence[str] | None = None) -> int:
    """Run every case and print the rates."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    n = args.lines
    clean, hostile = _line(CLEAN), _line(HOSTILE)
    assert len(clean) == 100 and len(hostile) == 100
    cases = {
        "clean str (fast path)": _loop([clean] * n),
        "clean bytes (decode + fast path)": _loop([clean.encode()] * n),
        "hostile str (slow path)": _loop([hostile] * (n // 10)),
        "clean 64 KiB chunks -> LogRow (split, sanitize, level, time)": _decoder(
            (clean + "\n").encode() * (n // 10), n // 10
        ),
    }
    results: dict[str, float] = {}
    for name, run in cases.items():
        rate = best_rate(run, args.repeat)
        results[name] = round(rate)
        print(f"{name:<64} {rate:>12,.0f} lines/s")
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
