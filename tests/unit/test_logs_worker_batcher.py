"""The log worker's batcher on real pipes, and the whole worker process through LogFeed."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from cockpit.config.models import CockpitConfig
from cockpit.sources.frames import FrameReader
from cockpit.sources.logs.base import LogLine, SourceState
from cockpit.sources.logs.worker import Batcher
from cockpit.ui.log_feed import LogFeed


def _frames(reader: FrameReader) -> list[tuple[object, ...]]:
    out = []
    while (frame := reader.next()) is not None:
        out.append(frame)
    return out


def test_two_sources_merge_by_time_and_state_follows_lines(pipe: tuple[int, int]) -> None:
    r, w = pipe
    with os.fdopen(os.dup(w), "wb", buffering=0) as out:
        batcher = Batcher(out)
        batcher.add("a", [LogLine("a", "a1", 1.0), LogLine("a", "a3", 3.0)])
        batcher.add("b", [LogLine("b", "b2", 2.0), LogLine("b", "b4", 4.0)])
        batcher.status("a", SourceState.ENDED, "")
    frames = _frames(FrameReader(r))
    assert frames[0][0] == "lines"
    assert [row[1] for row in frames[0][1]] == ["a1", "b2", "a3", "b4"]
    assert frames[0][2] == {"a": 2, "b": 2}
    assert frames[1] == ("status", "a", "ended", "")


def test_lines_are_dropped_and_counted_when_nobody_reads(pipe: tuple[int, int]) -> None:
    r, w = pipe
    with os.fdopen(os.dup(w), "wb", buffering=0) as out:
        batcher = Batcher(out, queue_limit=100_000, max_wait=0.05)
        line = "x" * 200
        start = time.monotonic()
        for i in range(20):
            batcher.add("app", [LogLine("app", f"{i} {line}", float(i)) for _ in range(1000)])
        waited = time.monotonic() - start
        batcher.status("app", SourceState.ENDED, "")
        # Now read: what is still queued reaches the reader, nothing was lost uncounted.
        frames = []
        reader = FrameReader(r)
        for _ in range(100_000):
            batcher.writer.pump()
            frame = reader.next()
            if frame is not None:
                frames.append(frame)
            elif not batcher.writer.queued_bytes:
                break
    # It waited for a reader (back-pressure), but not for ever: about max_wait per give-up.
    assert 0.05 <= waited < 5
    shown = sum(sum(f[2].values()) for f in frames if f[0] == "lines")
    dropped = sum(sum(f[1].values()) for f in frames if f[0] == "dropped")
    assert dropped > 0 and shown + dropped == 20_000
    assert ("status", "app", "ended", "") in frames


def test_worker_process_delivers_every_line_in_order(tmp_path: Path) -> None:
    n = 50_000
    config = CockpitConfig.model_validate(
        {
            "environments": {"local": {}},
            "logs": [
                {
                    "name": "gen",
                    "command": {
                        "argv": [sys.executable, "-c", f"for i in range({n}): print('line', i)"],
                        "restart": "never",
                    },
                }
            ],
        }
    )
    feed = LogFeed(list(config.logs), "local", tmp_path)
    feed.start()
    got: list[str] = []
    try:
        deadline = time.monotonic() + 30
        status = feed.statuses["gen"]
        while time.monotonic() < deadline and not (
            status.state is SourceState.ENDED and len(got) == n
        ):
            got += [row[1] for row in feed.drain(10_000)]
            time.sleep(0.01)
    finally:
        feed.stop()
    assert got == [f"line {i}" for i in range(n)]
    assert status.lines == n and status.state is SourceState.ENDED and feed.dropped == 0
