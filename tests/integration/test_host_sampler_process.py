"""Host sampling in its own process: real psutil readings over the pipe, and a clean end."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time

import psutil

from cockpit.feeds.metrics import HostFeed
from cockpit.sources.frames import read_frame, write_frame
from cockpit.sources.metrics.host import HostSample
from cockpit.sources.metrics.processes import ProcessInfo

MODULE = "cockpit.sources.metrics.sampler_process"


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
        write_frame(proc.stdin, ((), (0.1, 5)))
        kind, sample, procs = read_frame(proc.stdout.fileno(), 10)
        assert kind == "sample" and isinstance(sample, HostSample) and procs
        asked_at = time.monotonic()
        if how == "stop":
            write_frame(proc.stdin, ("stop",))
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
    write_frame(proc.stdin, ((), ("not", "an", "interval")))
    kind, reason = read_frame(proc.stdout.fileno(), 10)
    assert kind == "error" and reason.startswith("ValueError: ") and "\n" not in reason
    assert proc.wait(5) == 1
    assert b"Traceback" not in proc.stderr.read()
    proc.stdin.close()


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
            "write_frame(p.stdin, ((), (0.1, 5)))\n"
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
