"""Frames over real pipes without blocking: partial reads, big frames, a full pipe, discards."""

from __future__ import annotations

import fcntl
import os
import pickle
import sys
import termios
import threading
import time
from pathlib import Path

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


# ---- more of the reader ------------------------------------------------------------------------

_F_GETPIPE_SZ = 1032


def _in_pipe(fd: int) -> int:
    """Bytes written to the pipe and not read yet (the kernel's own count)."""
    return int.from_bytes(fcntl.ioctl(fd, termios.FIONREAD, bytes(4)), sys.byteorder)


def _drain(reader: FrameReader, writer: FrameWriter | None = None) -> list[object]:
    """Every frame the pipe and the writer's queue hold, without ever blocking."""
    out: list[object] = []
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        if writer is not None:
            writer.pump()
        frame = reader.next()
        if frame is not None:
            out.append(frame)
        elif writer is None or not writer.queued_bytes:
            break
    return out


def test_many_frames_are_taken_in_one_read(pipe: tuple[int, int]) -> None:
    r, w = pipe
    frames = [("lines", i, f"text {i}") for i in range(1000)]
    os.write(w, b"".join(_frame(f) for f in frames))
    reader = FrameReader(r)
    got = [reader.next()]
    assert _in_pipe(r) == 0  # the first call read everything that was there
    got += [reader.next() for _ in range(999)]
    assert got == frames
    assert reader.next() is None


def test_header_split_over_reads(pipe: tuple[int, int]) -> None:
    r, w = pipe
    data = _frame({"k": "v" * 50})
    reader = FrameReader(r, chunk=1)
    os.write(w, data[:3])  # not even the whole length prefix
    assert reader.next() is None
    os.write(w, data[3:4])  # the prefix, no payload
    assert reader.next() is None
    os.write(w, data[4:-1])
    assert reader.next() is None
    os.write(w, data[-1:])
    assert reader.next() == {"k": "v" * 50}
    assert reader.next() is None


def test_frame_larger_than_a_chunk_and_the_pipe(pipe: tuple[int, int]) -> None:
    r, w = pipe
    payload = bytes(range(256)) * 1200  # 300 kB: several times a 64 KiB pipe
    with os.fdopen(os.dup(w), "wb", buffering=0) as stream:
        writer = FrameWriter(stream)
        writer.put(("big", payload))
        writer.put(("after", 1))
        got = _drain(FrameReader(r, chunk=4096), writer)
    assert got == [("big", payload), ("after", 1)]


def test_eof_comes_only_after_the_complete_frames(pipe: tuple[int, int]) -> None:
    r, w = pipe
    third = _frame("third")
    os.write(w, _frame("first") + _frame("second") + third[: len(third) // 2])
    os.close(w)
    reader = FrameReader(r, chunk=5)
    assert reader.next() == "first"
    assert reader.next() == "second"
    with pytest.raises(EOFError):  # the half frame is not a frame
        reader.next()
    with pytest.raises(EOFError):  # and it stays at the end
        reader.next()


def test_eof_at_once_when_the_writer_closed_without_writing(pipe: tuple[int, int]) -> None:
    r, w = pipe
    reader = FrameReader(r)
    assert reader.next() is None  # open and empty: nothing yet, not the end
    os.close(w)
    with pytest.raises(EOFError):
        reader.next()


def test_enlarge_pipe_gives_the_capacity_in_force_and_it_is_real(pipe: tuple[int, int]) -> None:
    r, w = pipe
    asked = 1 << 18
    size = enlarge_pipe(w, asked)
    assert size == fcntl.fcntl(w, _F_GETPIPE_SZ)
    if int(Path("/proc/sys/fs/pipe-max-size").read_text()) >= asked:
        assert size >= asked
    os.set_blocking(w, False)
    assert os.write(w, b"x" * size) == size  # all of it taken without a reader
    with pytest.raises(BlockingIOError):
        os.write(w, b"x")
    assert _in_pipe(r) == size


def test_enlarge_pipe_on_something_else_says_zero(tmp_path: Path) -> None:
    with (tmp_path / "f").open("wb") as f:
        assert enlarge_pipe(f.fileno()) == 0


# ---- more of the writer ------------------------------------------------------------------------


def test_queued_bytes_is_what_the_pipe_has_not_taken(pipe: tuple[int, int]) -> None:
    r, w = pipe
    frames = [("lines", i, "z" * (7_000 + i)) for i in range(30)]
    total = sum(len(_frame(f)) for f in frames)
    with os.fdopen(os.dup(w), "wb", buffering=0) as stream:
        writer = FrameWriter(stream)
        start = time.monotonic()
        put = 0
        for frame in frames:
            writer.put(frame, weight={"app": 1})
            put += len(_frame(frame))
            assert writer.queued_bytes + _in_pipe(r) == put
        assert time.monotonic() - start < 1  # a full pipe never blocks put()
        assert writer.queued_bytes == total - _in_pipe(r) > 0
        taken = len(os.read(r, 10_000))
        writer.pump()
        assert writer.queued_bytes + _in_pipe(r) == total - taken


def test_discard_keeps_the_head_and_unweighted_frames_and_counts_the_rest(
    pipe: tuple[int, int],
) -> None:
    r, w = pipe
    # Weighted line frames with a state change between some of them.
    frames: list[tuple[tuple[object, ...], dict[str, int] | None]] = []
    for i in range(12):
        frames.append((("lines", i, "q" * 20_011), {"a": i + 1, "b": 2}))
        if i % 4 == 3:
            frames.append((("status", i), None))
    sizes = [len(_frame(obj)) for obj, _ in frames]
    with os.fdopen(os.dup(w), "wb", buffering=0) as stream:
        writer = FrameWriter(stream)
        for obj, weight in frames:
            writer.put(obj, weight=weight)
        in_pipe = _in_pipe(r)
        # Which frames the pipe holds whole, and the one it holds part of (the queue's head).
        done, written = 0, 0
        while written + sizes[done] <= in_pipe:
            written += sizes[done]
            done += 1
        head = done
        assert 0 < in_pipe - written < sizes[head], "the test needs a half-written head"
        assert frames[head][1] is not None  # a weighted head: kept all the same
        lost = writer.discard()
        expected_lost: dict[str, int] = {}
        kept = frames[: head + 1]
        for obj, weight in frames[head + 1 :]:
            if weight is None:
                kept.append((obj, weight))
            else:
                for key, value in weight.items():
                    expected_lost[key] = expected_lost.get(key, 0) + value
        assert lost == expected_lost
        assert writer.queued_bytes == sum(len(_frame(obj)) for obj, _ in kept) - in_pipe
        assert writer.discard() == {}  # nothing left to give up
        got = _drain(FrameReader(r), writer)
    assert got == [obj for obj, _ in kept]  # whole, in order, the head not torn


def test_discard_with_nothing_queued(pipe: tuple[int, int]) -> None:
    r, w = pipe
    with os.fdopen(os.dup(w), "wb", buffering=0) as stream:
        writer = FrameWriter(stream)
        writer.put(("lines", 1), weight={"a": 5})  # small: the pipe takes it at once
        assert writer.queued_bytes == 0
        assert writer.discard() == {}
        assert _drain(FrameReader(r)) == [("lines", 1)]


def test_wait_gives_up_after_its_timeout_when_nobody_reads(pipe: tuple[int, int]) -> None:
    _, w = pipe
    with os.fdopen(os.dup(w), "wb", buffering=0) as stream:
        writer = FrameWriter(stream)
        start = time.monotonic()
        writer.wait(5.0)  # nothing queued: returns at once
        assert time.monotonic() - start < 0.5
        writer.put(("big", "y" * 200_000), weight={"a": 1})
        queued = writer.queued_bytes
        start = time.monotonic()
        writer.wait(0.2)
        waited = time.monotonic() - start
        assert 0.15 <= waited < 1.5
        assert writer.queued_bytes == queued


def test_wait_wakes_when_a_reader_takes_something(pipe: tuple[int, int]) -> None:
    r, w = pipe
    with os.fdopen(os.dup(w), "wb", buffering=0) as stream:
        writer = FrameWriter(stream)
        writer.put(("big", "y" * 200_000), weight={"a": 1})
        queued = writer.queued_bytes
        timer = threading.Timer(0.1, os.read, (r, 1 << 16))
        timer.start()
        start = time.monotonic()
        writer.wait(5.0)
        waited = time.monotonic() - start
        timer.join()
    assert waited < 2.5
    assert writer.queued_bytes < queued


def test_put_to_a_pipe_nobody_holds_raises_broken_pipe(pipe: tuple[int, int]) -> None:
    r, w = pipe
    os.close(r)
    with os.fdopen(os.dup(w), "wb", buffering=0) as stream:
        writer = FrameWriter(stream)
        with pytest.raises(BrokenPipeError):
            writer.put(("lines", 1), weight={"a": 1})
