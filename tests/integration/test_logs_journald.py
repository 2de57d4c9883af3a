"""The journald source against a real systemd-journald (private namespace) and journalctl."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from cockpit.sources.logs.base import TAIL_ALL, SourceState, StreamOptions
from cockpit.sources.logs.journald import JournaldSource
from tests.support.hostile import forbidden_in_text
from tests.support.journal import Journal, private_journal
from tests.support.logsink import RecordingSink, running

pytestmark = pytest.mark.integration


@pytest.fixture
def journal() -> Iterator[Journal]:
    with private_journal() as j:
        yield j


def _source(journal: Journal, **options: object) -> JournaldSource:
    return JournaldSource(
        "journal",
        StreamOptions(**options),  # type: ignore[arg-type]
        identifier="cockpit-test",
        namespace=journal.namespace,
    )


async def test_entries_with_time_level_origin_and_multiline(journal: Journal) -> None:
    before = time.time()
    journal.send("disk almost full", priority=4)
    journal.send("connection refused\n  at db.connect", priority=3)
    journal.send(b"binary \xff\xfe \x1b]0;title\x07 \x1b[2J end", priority=6)
    journal.wait_entries(3)
    sink = RecordingSink()
    await _source(journal, follow=False, tail=TAIL_ALL).run(sink)
    assert sink.texts == [
        "disk almost full",
        "connection refused",
        "  at db.connect",
        "binary \ufffd\ufffd ␛]… ␛[2J end",
    ]
    assert [line.level for line in sink.all] == ["WARN", "ERROR", "ERROR", "INFO"]
    assert {line.origin for line in sink.all} == {"cockpit-test"}
    assert all(before - 1 <= line.ts <= time.time() + 1 for line in sink.all)
    assert all(forbidden_in_text(text) == [] for text in sink.texts)
    assert sink.statuses[-1] == (SourceState.ENDED, "exited with status 0")


async def test_follow_shows_new_entries(journal: Journal) -> None:
    journal.send("old entry")
    journal.wait_entries(1)
    sink = RecordingSink()
    async with running(_source(journal, tail=1), sink):
        await sink.wait_lines(1)
        journal.send("new entry 1", priority=3)
        journal.send("new entry 2")
        await sink.wait_lines(3)
    assert sink.texts == ["old entry", "new entry 1", "new entry 2"]
    assert sink.all[1].level == "ERROR"


async def test_since_is_passed_to_journalctl(journal: Journal) -> None:
    journal.send("too old")
    journal.wait_entries(1)
    time.sleep(1.1)
    cutoff = time.time()
    journal.send("recent")
    journal.wait_entries(2)
    sink = RecordingSink()
    await _source(journal, follow=False, tail=TAIL_ALL, since=cutoff).run(sink)
    assert sink.texts == ["recent"]


async def test_missing_journalctl_is_an_error() -> None:
    sink = RecordingSink()
    source = JournaldSource(
        "journal", StreamOptions(follow=False), journalctl="/nonexistent/journalctl"
    )
    await source.run(sink)
    assert sink.statuses == [
        (SourceState.ERROR, "journalctl is not installed (it comes with systemd)")
    ]
