"""The log worker's batcher on real pipes, and the whole worker process through LogFeed."""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cockpit.config.models import CockpitConfig
from cockpit.feeds.logs import LogFeed
from cockpit.sources.frames import FrameReader, FrameWriter
from cockpit.sources.logs.base import LogRow, SourceState
from cockpit.sources.logs.worker import Batcher
from cockpit.sources.messages import Dropped, Lines, StatusChanged


def _frames(reader: FrameReader) -> list[Any]:
    out = []
    while (frame := reader.next()) is not None:
        out.append(frame)
    return out


def _through(pipe: tuple[int, int], script: Callable[[Batcher], None]) -> list[Any]:
    """The frames a fresh batcher on a real pipe sends for ``script``."""
    r, w = pipe
    with os.fdopen(os.dup(w), "wb", buffering=0) as out:
        script(Batcher(FrameWriter(out)))
    return _frames(FrameReader(r))


def test_two_sources_merge_by_time_and_state_follows_lines(pipe: tuple[int, int]) -> None:
    def script(batcher: Batcher) -> None:
        batcher.add("a", [LogRow("a", "a1", 1.0), LogRow("a", "a3", 3.0)])
        batcher.add("b", [LogRow("b", "b2", 2.0), LogRow("b", "b4", 4.0)])
        batcher.status("a", SourceState.ENDED, "")

    frames = _through(pipe, script)
    match frames:
        case [Lines(rows, counts), StatusChanged("a", SourceState.ENDED, "")]:
            # Plain tuples on the wire: the cockpit makes them LogRows (see LogFeed.drain).
            assert [text for _, text, *_ in rows] == ["a1", "b2", "a3", "b4"]
            assert all(type(row) is tuple for row in rows)
            assert counts == {"a": 2, "b": 2}
        case _:
            raise AssertionError(frames)


def _read_all(batcher: Batcher, reader: FrameReader) -> list[Any]:
    """What the batcher sent and still had queued, read as a reader that keeps up would."""
    frames: list[Any] = []
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        batcher.writer.pump()
        frame = reader.next()
        if frame is not None:
            frames.append(frame)
        elif not batcher.writer.queued_bytes:
            break
    return frames


def test_lines_are_dropped_and_counted_when_nobody_reads(pipe: tuple[int, int]) -> None:
    r, w = pipe
    with os.fdopen(os.dup(w), "wb", buffering=0) as out:
        batcher = Batcher(FrameWriter(out), queue_limit=100_000, max_wait=0.05)
        line = "x" * 200
        start = time.monotonic()
        for i in range(20):
            batcher.add("app", [LogRow("app", f"{i} {line}", float(i)) for _ in range(1000)])
        waited = time.monotonic() - start
        batcher.status("app", SourceState.ENDED, "")
        # Now read: what is still queued reaches the reader, nothing was lost uncounted.
        frames = _read_all(batcher, FrameReader(r))
    # It waited for a reader (back-pressure), but not for ever: about max_wait per give-up.
    assert 0.05 <= waited < 5
    shown = sum(sum(f.counts.values()) for f in frames if isinstance(f, Lines))
    dropped = sum(sum(f.counts.values()) for f in frames if isinstance(f, Dropped))
    assert dropped > 0 and shown + dropped == 20_000
    assert StatusChanged("app", SourceState.ENDED, "") in frames


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
            got += [row.text for row in feed.drain(10_000)]
            time.sleep(0.01)
    finally:
        feed.stop()
    assert got == [f"line {i}" for i in range(n)]
    assert status.lines == n and status.state is SourceState.ENDED and feed.dropped == 0


def _batch(source: str, tag: str, count: int, width: int = 600) -> list[LogRow]:
    return [LogRow(source, f"{tag} {i} " + "p" * width, float(i)) for i in range(count)]


def test_flush_waits_at_most_max_wait_then_drops_and_counts_per_source(
    pipe: tuple[int, int],
) -> None:
    r, w = pipe
    with os.fdopen(os.dup(w), "wb", buffering=0) as out:
        batcher = Batcher(FrameWriter(out), queue_limit=1000, max_wait=0.2)
        times = []
        for round_ in range(3):
            # About 100 kB a frame: more than a 64 KiB pipe holds, so the first one already
            # waits, half-written; the next two can only queue behind it.
            batcher.add("a", _batch("a", f"a{round_}", 100))
            batcher.add("b", _batch("b", f"b{round_}", 70))
            start = time.monotonic()
            batcher.flush()
            times.append(time.monotonic() - start)
        # Each flush waited for a reader (back-pressure), and no longer than about max_wait.
        assert all(0.18 <= t < 1.0 for t in times), times
        frames = _read_all(batcher, FrameReader(r))
    lines = [f for f in frames if isinstance(f, Lines)]
    assert [f.counts for f in lines] == [{"a": 100, "b": 70}]  # the half-written one arrives whole
    assert [text.split()[0] for _, text, *_ in lines[0].rows][:4] == ["a0", "b0", "a0", "b0"]
    assert [f for f in frames if not isinstance(f, Lines)] == [
        Dropped({"a": 100, "b": 70}),
        Dropped({"a": 100, "b": 70}),
    ]


def test_a_reader_that_keeps_up_loses_nothing(pipe: tuple[int, int]) -> None:
    r, w = pipe
    got: list[Any] = []

    def read() -> None:
        reader = FrameReader(r)
        while True:
            try:
                frame = reader.next()
            except EOFError:
                return
            if frame is None:
                time.sleep(0.002)
            else:
                got.append(frame)

    thread = threading.Thread(target=read)
    thread.start()
    try:
        with os.fdopen(os.dup(w), "wb", buffering=0) as out:
            # A queue limit far below one frame: every flush waits for the reader.
            batcher = Batcher(FrameWriter(out), queue_limit=10_000, max_wait=2.0)
            for round_ in range(20):
                batcher.add("a", _batch("a", f"a{round_}", 100))
                batcher.flush()
            deadline = time.monotonic() + 5
            while batcher.writer.queued_bytes and time.monotonic() < deadline:
                batcher.writer.wait(0.1)
        os.close(w)
    finally:
        thread.join(5)
    assert [type(f) for f in got] == [Lines] * 20
    texts = [text.split()[:2] for f in got for _, text, *_ in f.rows]
    assert texts == [[f"a{n}", str(i)] for n in range(20) for i in range(100)]


def test_merge_never_reorders_one_source(pipe: tuple[int, int]) -> None:
    def script(batcher: Batcher) -> None:
        # Source a's clock goes back: its own order is still the truth.
        batcher.add("a", [LogRow("a", "a1", 3.0), LogRow("a", "a2", 1.0)])
        batcher.add("b", [LogRow("b", "b1", 2.0), LogRow("b", "b2", 2.5)])
        batcher.flush()
        # One source alone is never sorted at all.
        batcher.add("a", [LogRow("a", "a3", 9.0), LogRow("a", "a4", 8.0)])
        batcher.flush()
        # Two pods of one source are merged like two sources.
        batcher.add("k", [LogRow("k", "p1", 5.0, origin="pod-1")])
        batcher.add("k", [LogRow("k", "q1", 4.0, origin="pod-2")])
        batcher.flush()

    frames = _through(pipe, script)
    assert [[text for _, text, *_ in f.rows] for f in frames] == [
        ["b1", "b2", "a1", "a2"],
        ["a3", "a4"],
        ["q1", "p1"],
    ]
    assert [f.counts for f in frames] == [{"a": 2, "b": 2}, {"a": 2}, {"k": 2}]
