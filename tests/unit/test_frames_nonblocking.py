"""Frames over real pipes without blocking: partial reads, big frames, a full pipe, discards."""

from __future__ import annotations

import os
import pickle

import pytest

from cockpit.sources.frames import FrameReader, FrameWriter, enlarge_pipe


def _frame(obj: object) -> bytes:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    return len(data).to_bytes(4, "big") + data


def test_reader_assembles_frames_split_anywhere(pipe: tuple[int, int]) -> None:
    r, w = pipe
    reader = FrameReader(r, chunk=7)  # tiny reads: every frame arrives in pieces
    assert reader.next() is None  # nothing yet, and no waiting
    data = _frame(("a", 1)) + _frame(list(range(100))) + _frame({"x": "y"})
    os.write(w, data[:5])
    assert reader.next() is None
    os.write(w, data[5:])
    assert [reader.next(), reader.next(), reader.next()] == [("a", 1), list(range(100)), {"x": "y"}]
    assert reader.next() is None
    os.close(w)
    with pytest.raises(EOFError):
        reader.next()


def test_reader_returns_every_complete_frame_before_eof(pipe: tuple[int, int]) -> None:
    r, w = pipe
    os.write(w, _frame(1) + _frame(2))
    os.close(w)
    reader = FrameReader(r)
    assert (reader.next(), reader.next()) == (1, 2)
    with pytest.raises(EOFError):
        reader.next()


def test_enlarge_pipe_reports_the_capacity(pipe: tuple[int, int]) -> None:
    size = enlarge_pipe(pipe[0], 1 << 20)
    assert size >= 1 << 16


def test_writer_queues_when_the_pipe_is_full_and_discards_only_weighted_frames(
    pipe: tuple[int, int],
) -> None:
    r, w = pipe
    with os.fdopen(os.dup(w), "wb", buffering=0) as stream:
        writer = FrameWriter(stream)
        big = "x" * 50_000
        for i in range(10):
            writer.put(("lines", i, big), weight={"app": 100})
        writer.put(("status", "app", "ended"))  # no weight: must survive a discard
        assert writer.queued_bytes > 0  # a 64 KiB pipe cannot take 500 kB
        lost = writer.discard()
        assert 0 < lost["app"] < 1000 and lost["app"] % 100 == 0
        reader = FrameReader(r)
        seen: list[object] = []
        for _ in range(10_000):
            writer.pump()
            frame = reader.next()
            if frame is not None:
                seen.append(frame)
            elif not writer.queued_bytes:
                break
    kinds = [f[0] for f in seen if isinstance(f, tuple)]
    assert kinds[-1] == "status"  # kept, and still after the lines sent before it
    numbers = [f[1] for f in seen if isinstance(f, tuple) and f[0] == "lines"]
    assert numbers == sorted(numbers) and numbers[0] == 0
    assert len(numbers) * 100 + lost["app"] == 1000  # every frame either arrived or was counted


def test_writer_wait_returns_when_the_reader_takes_something(pipe: tuple[int, int]) -> None:
    r, w = pipe
    with os.fdopen(os.dup(w), "wb", buffering=0) as stream:
        writer = FrameWriter(stream)
        writer.put(("big", "y" * 200_000), weight={"a": 1})
        queued = writer.queued_bytes
        assert queued > 0
        os.read(r, 1 << 16)
        writer.wait(1.0)
        assert writer.queued_bytes < queued
