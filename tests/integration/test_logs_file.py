"""The file source on real files: tail, follow, rename rotation, copytruncate, huge lines."""

from __future__ import annotations

import asyncio
import os
import shutil
import time
import tracemalloc
from pathlib import Path

from cockpit.sources.logs.base import TAIL_ALL, SourceState, StreamOptions
from cockpit.sources.logs.file import FileSource, seek_tail
from tests.support.hostile import CASES, forbidden_in_text, hostile_log_bytes, markers_in
from tests.support.logsink import RecordingSink, running


def _append(path: Path, text: str) -> None:
    with path.open("a", encoding="utf-8") as f:
        f.write(text)


def _source(path: Path, **options: object) -> FileSource:
    return FileSource("app", path, StreamOptions(**options), poll=0.05)  # type: ignore[arg-type]


async def test_no_follow_reads_everything_and_ends(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_text("one\ntwo\r\nthree")  # CRLF and a last line without newline
    sink = RecordingSink()
    await _source(log, follow=False, tail=TAIL_ALL).run(sink)
    assert sink.texts == ["one", "two", "three"]
    assert sink.states == [SourceState.LIVE, SourceState.ENDED]


async def test_missing_file_without_follow_is_an_error(tmp_path: Path) -> None:
    sink = RecordingSink()
    await _source(tmp_path / "nope.log", follow=False).run(sink)
    assert sink.statuses == [(SourceState.ERROR, f"{tmp_path / 'nope.log'} does not exist")]


async def test_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    sink = RecordingSink()
    await asyncio.wait_for(_source(fifo, follow=False).run(sink), 5)
    assert sink.statuses == [(SourceState.ERROR, f"cannot open {fifo}: not a regular file")]


async def test_tail_then_follow_appends(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_text("".join(f"old {i}\n" for i in range(10)))
    sink = RecordingSink()
    async with running(_source(log, tail=3), sink):
        await sink.wait_lines(3)
        _append(log, "new 1\nnew 2\n")
        await sink.wait_lines(5)
        _append(log, "partial")  # no newline: shown once the file has been quiet a while
        await sink.wait_lines(6, timeout=5)
    assert sink.texts == ["old 7", "old 8", "old 9", "new 1", "new 2", "partial"]
    assert sink.states[0] is SourceState.LIVE


async def test_rename_rotation_loses_nothing(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_text("before 1\n")
    sink = RecordingSink()
    async with running(_source(log, tail=TAIL_ALL), sink):
        await sink.wait_lines(1)
        with log.open("a") as writer:  # a writer that keeps its descriptor across the rename
            writer.write("before 2\n")
            writer.flush()
            log.rename(tmp_path / "app.log.1")
            writer.write("late line in the old file\n")
            writer.flush()
        log.write_text("after 1\nafter 2\n")
        await sink.wait_lines(5)
        _append(log, "after 3\n")
        await sink.wait_lines(6)
    assert sink.texts == [
        "before 1",
        "before 2",
        "late line in the old file",
        "after 1",
        "after 2",
        "after 3",
    ]
    assert any("replaced" in reason for _, reason in sink.statuses)


def _rotating_writer(log: Path, total: int, rotate_after: set[int], linger: float) -> None:
    """Write lines 1..total; after each of ``rotate_after``, rename the file away, create a new
    one, and keep writing to the old descriptor for ``linger`` seconds (as many loggers do)."""
    writer = log.open("a")
    moved_at: float | None = None
    generation = 0
    for number in range(1, total + 1):
        writer.write(f"line {number}\n")
        writer.flush()
        if number in rotate_after:
            generation += 1
            log.rename(log.with_name(f"{log.name}.{generation}"))
            log.touch()
            moved_at = time.monotonic()
        if moved_at is not None and time.monotonic() - moved_at >= linger:
            writer.close()
            writer = log.open("a")  # the writer finally reopens its path
            moved_at = None
        time.sleep(0.02 if moved_at is not None else 0.002)
    writer.close()


async def test_lines_written_to_a_renamed_file_after_the_rename_are_not_lost(
    tmp_path: Path,
) -> None:
    log = tmp_path / "app.log"
    log.touch()
    sink = RecordingSink()
    async with running(_source(log, tail=TAIL_ALL), sink):
        await asyncio.sleep(0.2)
        await asyncio.to_thread(_rotating_writer, log, 544, {100, 250, 398}, 1.0)
        await sink.wait_lines(544, timeout=20)
        await asyncio.sleep(0.5)  # nothing more (no line twice)
    numbers = [int(text.split()[1]) for text in sink.texts]
    assert sorted(numbers) == list(range(1, 545))
    rotations = [reason for state, reason in sink.statuses if reason.startswith("rotated")]
    assert len(rotations) == 3 and all(
        state is SourceState.LIVE for state, _ in sink.statuses if _.startswith("rotated")
    )


async def test_copytruncate_is_read_from_the_start(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_text("".join(f"line {i}\n" for i in range(20)))
    sink = RecordingSink()
    async with running(_source(log, tail=2), sink):
        await sink.wait_lines(2)
        shutil.copyfile(log, tmp_path / "app.log.1")  # what logrotate's copytruncate does
        with log.open("r+") as f:
            f.truncate(0)
        await sink.wait_for(lambda: any("truncated" in r for _, r in sink.statuses))
        _append(log, "fresh 1\nfresh 2\n")
        await sink.wait_lines(4)
    assert sink.texts == ["line 18", "line 19", "fresh 1", "fresh 2"]


async def test_file_that_appears_later_is_read_whole(tmp_path: Path) -> None:
    log = tmp_path / "later.log"
    sink = RecordingSink()
    async with running(_source(log, tail=1), sink):
        await sink.wait_state(SourceState.STALE)
        assert "waiting for" in sink.statuses[-1][1]
        log.write_text("first\nsecond\n")
        await sink.wait_lines(2)
        log.unlink()
        await sink.wait_for(lambda: sink.states[-1] is SourceState.STALE)
        log.write_text("third\n")
        await sink.wait_lines(3)
    assert sink.texts == ["first", "second", "third"]


async def test_ten_megabyte_line_is_one_line_with_one_honest_marker(tmp_path: Path) -> None:
    log = tmp_path / "big.log"
    size = 10 * 1024 * 1024
    with log.open("wb") as f:
        f.write(b"A" * size)
        f.write(b"\nafter the big one\n")
    sink = RecordingSink()
    source = FileSource("app", log, StreamOptions(follow=False, tail=TAIL_ALL))
    tracemalloc.start()
    try:
        await source.run(sink)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # One line (it was one line), its first 4096 characters and what was left out in bytes;
    # then the next line, intact.
    assert sink.texts == ["A" * 4096 + "… [+10.0 MiB]", "after the big one"]
    assert sink.states[-1] is SourceState.ENDED
    # Never the whole line in memory: a few chunks' worth at most.
    assert peak < 2 * 1024 * 1024, peak


async def test_ten_megabyte_line_while_following(tmp_path: Path) -> None:
    log = tmp_path / "big.log"
    log.write_bytes(b"")
    sink = RecordingSink()
    source = FileSource("app", log, StreamOptions(tail=TAIL_ALL), poll=0.05)
    async with running(source, sink):
        await sink.wait_state(SourceState.LIVE)
        with log.open("ab") as f:
            for _ in range(10):
                f.write(b"B" * (1024 * 1024))
                f.flush()
            f.write(b"\nnext\n")
        await sink.wait_lines(2, timeout=20)
        assert source.status.state is SourceState.LIVE
    assert sink.texts == ["B" * 4096 + "… [+10.0 MiB]", "next"]


async def test_hostile_corpus_through_the_file_source(tmp_path: Path) -> None:
    log = tmp_path / "hostile.log"
    log.write_bytes(hostile_log_bytes())
    sink = RecordingSink()
    await FileSource("app", log, StreamOptions(follow=False, tail=TAIL_ALL)).run(sink)
    assert len(sink.texts) == len(CASES)
    for text in sink.texts:
        assert forbidden_in_text(text) == [], text
        assert markers_in(text) == [], text


def test_seek_tail_counts_lines_from_the_end(tmp_path: Path) -> None:
    log = tmp_path / "t.log"
    log.write_bytes(b"".join(b"%d\n" % i for i in range(100_000)))
    with log.open("rb") as f:
        seek_tail(f, 3)
        assert f.read() == b"99997\n99998\n99999\n"
        seek_tail(f, 0)
        assert f.read() == b""
        seek_tail(f, TAIL_ALL)
        assert f.read(2) == b"0\n"
    log.write_bytes(b"a\nb")  # last line without newline counts
    with log.open("rb") as f:
        seek_tail(f, 1)
        assert f.read() == b"b"
        seek_tail(f, 5)
        assert f.read() == b"a\nb"


async def test_cancel_closes_the_file(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_text("x\n")
    sink = RecordingSink()
    before = len(os.listdir("/proc/self/fd"))
    async with running(_source(log), sink):
        await sink.wait_lines(1)
    await asyncio.sleep(0.05)
    assert len(os.listdir("/proc/self/fd")) <= before
