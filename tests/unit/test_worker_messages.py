"""The records between the cockpit and its workers, and how a worker takes them apart."""

from __future__ import annotations

import dataclasses
import os
import pickle
import time
from pathlib import Path

import pytest

from cockpit.config.models import CockpitConfig
from cockpit.domain.health import ServiceStatus, Status
from cockpit.sources.frames import FrameReader, write_frame
from cockpit.sources.logs.base import LogRow, SourceState, plain_rows
from cockpit.sources.messages import (
    Dropped,
    Failed,
    HealthSetup,
    Lines,
    LogsSetup,
    Refresh,
    Sample,
    SamplerSetup,
    Snapshot,
    Start,
    StatusChanged,
    Stop,
    UnexpectedMessage,
)
from cockpit.sources.metrics.host import HostSampler
from cockpit.sources.metrics.processes import ProcessInfo
from cockpit.sources.worker_child import Parent, Stopped, read_start

CONFIG = CockpitConfig.model_validate({"environments": {"local": {}}})
RECORDS = [
    Start(("secret",), SamplerSetup(1.0, 25)),
    Stop(),
    Failed("ValueError: bad"),
    HealthSetup(CONFIG, Path("/etc/cockpit"), None),
    Refresh("web"),
    Refresh(None),
    Snapshot([ServiceStatus("web", "local", Status.UP, 12.0, "", None, [])]),
    SamplerSetup(0.5, 10),
    Sample(HostSampler().sample(), [ProcessInfo(1, "init", "root", 0.0, 0.1, "sleeping", "")]),
    LogsSetup([], "local", Path("/srv"), None),
    Lines(plain_rows([LogRow("app", "hello", 1.0, "INFO")]), {"app": 1}),
    StatusChanged("app", SourceState.LIVE, ""),
    Dropped({"app": 3}),
]


@pytest.mark.parametrize("record", RECORDS, ids=lambda r: type(r).__name__)
def test_each_record_crosses_a_pipe_unchanged_and_cannot_change(
    record: object, pipe: tuple[int, int]
) -> None:
    r, w = pipe
    with os.fdopen(os.dup(w), "wb", buffering=0) as out:
        write_frame(out, record)
    got = FrameReader(r).next()
    assert got == record and type(got) is type(record)
    assert not hasattr(got, "__dict__")  # slots: nothing else rides along
    fields = dataclasses.fields(got)  # type: ignore[arg-type]
    if fields:
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(got, fields[0].name, None)


def test_lines_carry_plain_tuples() -> None:
    lines = Lines(plain_rows([LogRow("app", "x", 1.0)] * 3), {"app": 3})
    assert b"LogRow" not in pickle.dumps(lines, pickle.HIGHEST_PROTOCOL)


def _describe(message: object) -> str:
    # The way both sides take records apart: class patterns, fields by position.
    match message:
        case Lines(rows, counts):
            return f"{len(rows)} lines from {sorted(counts)}"
        case StatusChanged(source, SourceState.ERROR, reason):
            return f"{source} failed: {reason}"
        case StatusChanged(source, state, _):
            return f"{source} is {state.value}"
        case Dropped(counts):
            return f"{sum(counts.values())} dropped"
        case Refresh(None):
            return "refresh everything"
        case Refresh(service):
            return f"refresh {service}"
        case _:
            raise UnexpectedMessage(message)


def test_class_patterns_take_records_apart() -> None:
    assert _describe(Lines([("a", "x", 1.0, None, None, None)], {"a": 1})) == "1 lines from ['a']"
    assert _describe(StatusChanged("a", SourceState.ERROR, "gone")) == "a failed: gone"
    assert _describe(StatusChanged("a", SourceState.LIVE, "")) == "a is live"
    assert _describe(Dropped({"a": 2, "b": 3})) == "5 dropped"
    assert _describe(Refresh(None)) == "refresh everything"
    assert _describe(Refresh("web")) == "refresh web"
    # A tagged tuple of the old kind is no record: it is refused by name.
    with pytest.raises(UnexpectedMessage, match="unexpected message: tuple"):
        _describe(("lines", [], {}))


def test_a_worker_receives_commands_and_ends_on_stop_or_a_closed_pipe(
    pipe: tuple[int, int],
) -> None:
    r, w = pipe
    with open(os.devnull, "wb") as nowhere, os.fdopen(os.dup(w), "wb", buffering=0) as commands:
        parent = Parent(r, nowhere)
        assert parent.receive(0) is None
        write_frame(commands, Refresh("web"))
        assert parent.receive(1) == Refresh("web")
        write_frame(commands, Stop())
        with pytest.raises(Stopped, match="asked to stop"):
            parent.receive(1)
        os.close(w)
    with pytest.raises(Stopped, match="closed the pipe"):
        parent.receive(1)


def test_send_gives_up_after_its_timeout_when_nobody_reads(pipe: tuple[int, int]) -> None:
    _, w = pipe
    commands_r, commands_w = os.pipe()
    out = os.fdopen(os.dup(w), "wb", buffering=0)
    try:
        parent = Parent(commands_r, out)
        big = Failed("x" * (4 << 20))  # more than any pipe holds
        started = time.monotonic()
        parent.send(big, timeout=0.2)
        assert 0.2 <= time.monotonic() - started < 2
        assert parent.writer.queued_bytes > 0  # still queued, never cut short
    finally:
        out.close()
        os.close(commands_r)
        os.close(commands_w)


def test_read_start_returns_the_setup_of_the_kind_asked_for(pipe: tuple[int, int]) -> None:
    r, w = pipe
    with os.fdopen(os.dup(w), "wb", buffering=0) as commands:
        write_frame(commands, Start((), SamplerSetup(1.0, 5)))
        write_frame(commands, Start((), SamplerSetup(1.0, 5)))
        write_frame(commands, ("secrets", "setup"))
    assert read_start(r, SamplerSetup) == SamplerSetup(1.0, 5)
    with pytest.raises(TypeError, match="setup is a SamplerSetup, not a LogsSetup"):
        read_start(r, LogsSetup)
    with pytest.raises(UnexpectedMessage, match="unexpected message: tuple"):
        read_start(r, SamplerSetup)
    os.close(w)
    with pytest.raises(EOFError):
        read_start(r, SamplerSetup)
