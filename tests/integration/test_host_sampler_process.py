"""Host sampling in its own process: real psutil readings over the pipe, and a clean end."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time

import psutil
import pytest

from cockpit.feeds.metrics import MODULE, HostFeed, HostFeedError
from cockpit.sources.frames import read_frame, write_frame
from cockpit.sources.messages import Failed, Sample, SamplerSetup, Start, Stop
from cockpit.sources.metrics.host import HostSample
from cockpit.sources.metrics.processes import ProcessInfo
from tests.support.workers import InThread, crash_natively


def test_feed_relays_real_samples_and_stops() -> None:
    got: list[tuple[HostSample, list[ProcessInfo]]] = []
    feed = HostFeed(lambda sample, procs: got.append((sample, procs)), interval=0.2, limit=10)
    thread = threading.Thread(target=feed.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while len(got) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(got) >= 2
    sample, procs = got[-1]
    assert sample.mem_total == psutil.virtual_memory().total
    assert 0 <= sample.cpu_pct <= 100 and 0 < sample.mem_pct < 100
    assert 0 < len(procs) <= 10 and all(p.pid > 0 for p in procs)
    stopped_at = time.monotonic()
    feed.stop()
    thread.join(5)
    assert not thread.is_alive() and time.monotonic() - stopped_at < 3


def test_process_ends_on_stop_and_on_closed_input() -> None:
    for how in ("stop", "eof"):
        proc = subprocess.Popen(
            [sys.executable, "-m", MODULE], stdin=subprocess.PIPE, stdout=subprocess.PIPE
        )
        assert proc.stdin is not None and proc.stdout is not None
        write_frame(proc.stdin, Start((), SamplerSetup(0.1, 5)))
        match read_frame(proc.stdout.fileno(), 10):
            case Sample(HostSample() as sample, [ProcessInfo(), *_]):
                assert sample.mem_total > 0
            case other:
                raise AssertionError(other)
        asked_at = time.monotonic()
        if how == "stop":
            write_frame(proc.stdin, Stop())
        else:
            proc.stdin.close()
        assert proc.wait(5) == 0
        assert time.monotonic() - asked_at < 2, how


def test_bad_setup_is_reported_as_a_reason_not_a_traceback() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", MODULE],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
    write_frame(proc.stdin, Start((), SamplerSetup("an interval", 5)))  # type: ignore[arg-type]
    match read_frame(proc.stdout.fileno(), 10):
        case Failed(reason):
            assert reason.startswith("ValueError: ") and "\n" not in reason
        case other:
            raise AssertionError(other)
    assert proc.wait(5) == 1
    # Its stderr says the same, on one line: the cockpit quotes that line when no frame came.
    assert proc.stderr.read().decode().splitlines() == [reason]
    proc.stdin.close()


def test_a_failing_sampler_reaches_the_feed_as_its_exit_and_reason() -> None:
    feed = HostFeed(lambda sample, procs: None, interval="soon")  # type: ignore[arg-type]
    error = InThread(feed.run).ended(20)
    assert isinstance(error, HostFeedError)
    assert str(error) == (
        "host sampling stopped (exit 1: ValueError: could not convert string to float: 'soon')"
    )


def test_a_native_crash_reaches_the_feed_with_its_stderr_tail(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The sampler dumps its stack to stderr on SIGSEGV, then dies of it: no record is sent.
    monkeypatch.setenv("PYTHONFAULTHANDLER", "1")
    got: list[HostSample] = []
    feed = HostFeed(lambda sample, procs: got.append(sample), interval=0.1)
    running = InThread(feed.run)
    deadline = time.monotonic() + 10
    while not got and time.monotonic() < deadline:
        time.sleep(0.05)
    crash_natively(MODULE)
    error = running.ended(10)
    assert isinstance(error, HostFeedError)
    assert re.fullmatch(r"host sampling stopped \(exit -11: \S.*\)", str(error)), error


def test_process_ends_when_its_parent_dies() -> None:
    # A parent that starts the sampler and dies at once, leaving the sampler orphaned.
    parent = subprocess.run(
        [
            sys.executable,
            "-c",
            "import subprocess, sys, os\n"
            f"p = subprocess.Popen([sys.executable, '-m', '{MODULE}'], stdin=subprocess.PIPE,"
            " stdout=subprocess.DEVNULL, start_new_session=True)\n"
            "from cockpit.sources.frames import write_frame\n"
            "from cockpit.sources.messages import Start, SamplerSetup\n"
            "write_frame(p.stdin, Start((), SamplerSetup(0.1, 5)))\n"
            "print(p.pid, flush=True)\n"
            "os._exit(0)\n",
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=20,
    )
    pid = int(parent.stdout.strip())
    deadline = time.monotonic() + 5
    while psutil.pid_exists(pid) and time.monotonic() < deadline:
        try:
            if psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
                break
        except psutil.NoSuchProcess:
            break
        time.sleep(0.1)
    alive = psutil.pid_exists(pid) and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    if alive:
        os.kill(pid, 9)
    assert not alive, "the sampler outlived its parent"
