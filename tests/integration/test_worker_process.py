"""A worker process that crashes says why: its exit status and the last line of its stderr."""

from __future__ import annotations

import time

import pytest

from cockpit.sources.worker_process import WorkerProcess


def test_a_crashed_worker_leaves_its_last_words() -> None:
    # A setup the log worker cannot unpack: it dies with a traceback on stderr.
    worker = WorkerProcess("cockpit.sources.logs.worker", "not a setup")
    try:
        deadline = time.monotonic() + 20
        with pytest.raises(EOFError):
            while time.monotonic() < deadline:
                worker.receive(0.5)
        words = worker.last_words()
    finally:
        worker.close()
    assert words.startswith("exit 1: ValueError"), words
    assert "\n" not in words and "Traceback" not in words


def test_a_running_worker_is_said_to_be_running() -> None:
    with WorkerProcess("cockpit.sources.metrics.sampler_process", (0.1, 5)) as worker:
        assert worker.receive(10) is not None  # it answers
        assert worker.last_words() == "still running"
