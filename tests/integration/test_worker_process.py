"""Worker processes end the same way whatever their kind: a crash says why, in one line.

A crash in the worker's code arrives as a Failed record (the reason the cockpit quotes); a
worker that dies without a word is quoted from the last line of its stderr.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import psutil
import pytest

from cockpit.sources.frames import read_frame, write_frame
from cockpit.sources.messages import Failed, SamplerSetup, Start, Stop
from cockpit.sources.worker_process import WorkerEnded, WorkerProcess


def _until_it_ends(worker: WorkerProcess) -> str:
    deadline = time.monotonic() + 20
    with pytest.raises(WorkerEnded) as ended:
        while time.monotonic() < deadline:
            worker.receive(0.5)
    return str(ended.value)


def test_a_crashed_worker_says_why() -> None:
    # A setup the log worker cannot use: it refuses it and ends.
    with WorkerProcess("cockpit.sources.logs.worker", "not a setup") as worker:
        words = _until_it_ends(worker)
    assert words == "exit 1: TypeError: setup is a str, not a LogsSetup"


def test_a_worker_that_dies_without_a_word_is_quoted_from_its_stderr() -> None:
    # Python itself fails before any worker code runs: no frame, only stderr.
    with WorkerProcess("cockpit.sources.no_such_worker", None) as worker:
        words = _until_it_ends(worker)
    assert words.startswith("exit 1: "), words
    assert words.endswith("No module named cockpit.sources.no_such_worker"), words


def test_a_killed_worker_gives_its_signal() -> None:
    module = "cockpit.sources.metrics.sampler_process"
    with WorkerProcess(module, SamplerSetup(0.1, 5)) as worker:
        assert worker.receive(10) is not None
        (child,) = [p for p in psutil.Process().children() if module in p.cmdline()]
        os.kill(child.pid, signal.SIGKILL)
        words = _until_it_ends(worker)
    assert words == f"exit {-signal.SIGKILL}"


def test_a_running_worker_is_said_to_be_running() -> None:
    with WorkerProcess("cockpit.sources.metrics.sampler_process", SamplerSetup(0.1, 5)) as worker:
        assert worker.receive(10) is not None  # it answers
        assert worker.last_words() == "still running"


# A worker of no kind at all: what every worker gets from run_child, whatever its work.
_CHILD = textwrap.dedent(
    """
    import sys
    from cockpit.sources.worker_child import run_child

    def serve(parent, setup):
        parent.send(("hello", setup))
        if parent.receive(10) == "fail":
            raise ValueError(f"could not use\\n{setup}")

    sys.exit(run_child(serve, str))
    """
)


def _child(first: object) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        [sys.executable, "-c", _CHILD],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdin is not None
    write_frame(proc.stdin, first)
    return proc


def test_a_crash_is_one_redacted_line_on_stderr_and_a_failed_record() -> None:
    proc = _child(Start(("hunter2-secret",), "token hunter2-secret"))
    assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
    assert read_frame(proc.stdout.fileno(), 10) == ("hello", "token hunter2-secret")
    write_frame(proc.stdin, "fail")
    reason = "ValueError: could not use token <redacted>"
    assert read_frame(proc.stdout.fileno(), 10) == Failed(reason)
    assert proc.wait(5) == 1
    assert proc.stderr.read().decode() == reason + "\n"
    proc.stdin.close()


@pytest.mark.parametrize("how", ["stop", "eof"])
def test_stop_or_a_closed_pipe_is_a_normal_end(how: str) -> None:
    proc = _child(Start((), "setup"))
    assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
    assert read_frame(proc.stdout.fileno(), 10) == ("hello", "setup")
    if how == "stop":
        write_frame(proc.stdin, Stop())
    else:
        proc.stdin.close()
    assert proc.wait(5) == 0
    assert proc.stderr.read() == b""


def test_a_first_frame_that_is_not_a_start_is_refused() -> None:
    proc = _child(((), "setup"))
    assert proc.stdin is not None and proc.stdout is not None
    reason = "UnexpectedMessage: unexpected message: tuple"
    assert read_frame(proc.stdout.fileno(), 10) == Failed(reason)
    assert proc.wait(5) == 1
    proc.stdin.close()
