"""Docker's multiplexed log format and the resume filter, fed byte by byte and in odd chunks."""

from __future__ import annotations

import asyncio
import contextlib
import struct
from collections.abc import AsyncIterator

import pytest

from cockpit.sources.logs.docker_stream import DockerLines, FrameReader
from cockpit.sources.logs.http_stream import coalesced
from cockpit.sources.logs.resume_stream import (
    ResumeFilter,
    parse_stamp,
    rfc3339_nano,
    split_stamp,
    unix_nano,
)

T0 = "2024-05-01T12:00:00.000000001Z"
T1 = "2024-05-01T12:00:00.5Z"
T0_NS = 1714564800 * 10**9 + 1


def frame(stream: int, payload: bytes) -> bytes:
    return struct.pack(">BxxxL", stream, len(payload)) + payload


def body() -> bytes:
    return b"".join(
        [
            frame(1, f"{T0} out one\n".encode()),
            frame(2, f"{T1} err one\n".encode()),
            frame(1, f"{T1} out two\n".encode()),
            frame(1, f"{T1} long ".encode()),  # a line longer than the daemon's buffer...
            frame(1, b"2024-05-01T12:00:01Z continued\n"),  # ...goes on in another message
            frame(2, b""),
        ]
    )


EXPECTED = [
    ("stdout", T0_NS, b"out one"),
    ("stderr", T0_NS + 499_999_999, b"err one"),
    ("stdout", T0_NS + 499_999_999, b"out two"),
    ("stdout", T0_NS + 499_999_999, b"long continued"),
]


@pytest.mark.parametrize("size", [1, 2, 3, 7, 8, 9, 64, 10_000])
def test_demultiplexed_whatever_the_chunking(size: int) -> None:
    data = body()
    lines = DockerLines(multiplexed=True)
    out = []
    for i in range(0, len(data), size):
        out.extend(lines.feed(data[i : i + size]))
    out.extend(lines.flush())
    assert out == EXPECTED


def test_huge_frame_is_handed_out_in_pieces() -> None:
    reader = FrameReader()
    payload = b"x" * 100_000
    data = frame(1, payload)
    pieces = [p for i in range(0, len(data), 4096) for p in reader.feed(data[i : i + 4096])]
    assert b"".join(p[1] for p in pieces) == payload
    assert max(len(p[1]) for p in pieces) <= 4096
    assert [p[2] for p in pieces] == [True] + [False] * (len(pieces) - 1)


def test_raw_data_switches_to_raw_mode() -> None:
    lines = DockerLines(multiplexed=True)
    out = lines.feed(f"{T0} plain\r\nno stamp\n".encode())
    assert out == [(None, T0_NS, b"plain"), (None, None, b"no stamp")]
    assert lines.frames is not None and lines.frames.raw


def test_stamps() -> None:
    assert parse_stamp(b"2024-05-01T14:00:00.1+02:00 x") == (1714564800 * 10**9 + 10**8, 27)
    assert split_stamp(b"2024-05-01T12:00:00Z") == (1714564800 * 10**9, b"")
    assert split_stamp(b"2024-05-01T12:00:00Zx") == (None, b"2024-05-01T12:00:00Zx")
    assert split_stamp(b"2024-13-01T12:00:00Z x") == (None, b"2024-13-01T12:00:00Z x")
    assert split_stamp(b"12:00 hello") == (None, b"12:00 hello")
    assert rfc3339_nano(T0_NS) == T0
    assert unix_nano(T0_NS) == "1714564800.000000001"


def test_resume_filter_drops_only_the_replay() -> None:
    f = ResumeFilter()
    assert [f.admit(ns, k) for ns, k in [(1, b"a"), (2, b"b"), (2, b"c"), (None, b"n")]] == [
        True,
        True,
        True,
        True,
    ]
    f.resume()
    # The replay: older lines, and the lines at the last time already delivered.
    assert not f.admit(1, b"a") and not f.admit(2, b"b") and not f.admit(None, b"n")
    assert f.admit(2, b"d")  # same time, not seen: new
    assert f.admit(1, b"late")  # after the first new line nothing is compared any more
    assert f.admit(3, b"e") and f.last_ns == 3
    assert f.dropped == 3
    fresh = ResumeFilter()
    fresh.resume()  # nothing delivered yet: nothing to drop
    assert fresh.admit(0, b"a") and not fresh.replaying


def test_resume_filter_until_done_for_unordered_replays() -> None:
    f = ResumeFilter()
    for ns, key in [(5, b"a1"), (9, b"b1")]:
        assert f.admit(ns, key)
    f.resume(until_done=True)
    # The tails of two files, one after the other: each compared with the time of the resume.
    replay = [(4, b"a0"), (5, b"a1"), (6, b"a-new"), (8, b"b0"), (9, b"b1"), (10, b"b-new")]
    assert [key for ns, key in replay if f.admit(ns, key)] == [b"b-new"]
    f.done()
    assert f.admit(1, b"live, whatever its time")


async def test_coalesced_joins_what_arrived_together_and_keeps_errors_in_order() -> None:
    gate = asyncio.Event()

    async def pieces() -> AsyncIterator[bytes]:
        for i in range(100):
            yield b"%d\n" % i  # all at once, as pieces already buffered by the client are
        await gate.wait()  # then the network is quiet
        yield b"late\n"
        raise OSError("connection reset")

    out: list[bytes] = []
    async with contextlib.aclosing(coalesced(pieces(), limit=64)) as chunks:
        with pytest.raises(OSError, match="connection reset"):
            async for chunk in chunks:
                out.append(chunk)
                if chunk.endswith(b"99\n"):
                    gate.set()
    assert b"".join(out) == b"".join(b"%d\n" % i for i in range(100)) + b"late\n"
    assert 2 < len(out) < 20  # batches of about 64 bytes, not one per piece
    assert out[-1] == b"late\n"


async def test_coalesced_stops_its_reader_when_closed() -> None:
    closed = asyncio.Event()

    async def endless() -> AsyncIterator[bytes]:
        try:
            while True:
                yield b"x"
                await asyncio.sleep(0)
        finally:
            closed.set()

    async with contextlib.aclosing(coalesced(endless())) as chunks:
        async for _chunk in chunks:
            break
    assert closed.is_set()
