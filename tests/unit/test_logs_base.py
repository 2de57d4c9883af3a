"""Shared source machinery: backoff, status reporting, the since cut-off."""

from __future__ import annotations

import random

from cockpit.sources.logs.base import (
    Backoff,
    LogRow,
    LogSink,
    LogSource,
    SourceState,
    StreamOptions,
)
from tests.support.logsink import RecordingSink


def test_backoff_grows_is_capped_and_jittered() -> None:
    backoff = Backoff(base=0.5, cap=8.0, jitter=0.5, rng=random.Random(1))
    delays = [backoff.next_delay() for _ in range(12)]
    ceilings = [min(8.0, 0.5 * 2**n) for n in range(12)]
    for delay, ceiling in zip(delays, ceilings, strict=True):
        assert ceiling * 0.5 <= delay <= ceiling
    assert max(delays) <= 8.0
    assert len({round(d, 6) for d in delays[5:]}) > 1  # not in lockstep at the cap
    backoff.reset()
    assert backoff.next_delay() <= 0.5


def test_backoff_without_jitter_is_exact() -> None:
    backoff = Backoff(base=1.0, cap=5.0, jitter=0.0)
    assert [backoff.next_delay() for _ in range(5)] == [1.0, 2.0, 4.0, 5.0, 5.0]


class _Fixed(LogSource):
    kind = "fixed"

    def __init__(self, lines: list[LogRow], options: StreamOptions | None = None) -> None:
        super().__init__("fixed", options, backoff=Backoff(base=0.01, cap=0.02))
        self.lines = lines

    async def run(self, sink: LogSink) -> None:
        self.report(sink, SourceState.LIVE)
        self.report(sink, SourceState.LIVE)  # repeated: not sent twice
        self.emit(sink, self.lines)
        await self.retry_later(sink, SourceState.RECONNECTING, "dropped")
        self.report(sink, SourceState.ENDED, "done")


async def test_report_dedupes_and_emit_applies_since() -> None:
    lines = [LogRow("fixed", "old", 10.0), LogRow("fixed", "new", 20.0)]
    source = _Fixed(lines, StreamOptions(since=15.0))
    assert source.status.state is SourceState.CONNECTING
    sink = RecordingSink()
    await source.run(sink)
    assert sink.texts == ["new"]
    assert sink.states == [SourceState.LIVE, SourceState.RECONNECTING, SourceState.ENDED]
    assert sink.statuses[1][1].startswith("dropped; retrying in 0.0")
    assert source.status.state is SourceState.ENDED and source.status.reason == "done"
