"""The command source with real processes: streaming, exit states, restarts, stopping."""

from __future__ import annotations

import asyncio
import os
import sys
import time
from pathlib import Path

from cockpit.sources.logs.base import Backoff, SourceState, StreamOptions
from cockpit.sources.logs.command import CommandSource
from tests.support.hostile import CASES, forbidden_in_text, hostile_log_bytes
from tests.support.logsink import RecordingSink, running

PY = sys.executable


def _command(code: str, *, follow: bool = True, **kwargs: object) -> CommandSource:
    return CommandSource(
        "cmd",
        [PY, "-c", code],
        StreamOptions(follow=follow),
        backoff=Backoff(base=0.05, cap=0.2),
        **kwargs,  # type: ignore[arg-type]
    )


async def test_lines_from_both_streams_then_ended() -> None:
    code = "import sys\nprint('out 1')\nprint('ERROR err 1', file=sys.stderr)\nprint('out 2')"
    sink = RecordingSink()
    await _command(code).run(sink)
    by_stream = {(line.stream, line.text) for line in sink.all}
    assert by_stream == {("stdout", "out 1"), ("stdout", "out 2"), ("stderr", "ERROR err 1")}
    assert [line.level for line in sink.all if line.stream == "stderr"] == ["ERROR"]
    assert sink.states == [SourceState.LIVE, SourceState.ENDED]
    assert sink.statuses[-1][1] == "exited with status 0"


async def test_lines_arrive_while_the_command_runs() -> None:
    code = (
        "import time\n"
        "for i in range(1000):\n"
        "    print(f'tick {i}', flush=True)\n"
        "    time.sleep(0.02)\n"
    )
    sink = RecordingSink()
    started = time.monotonic()
    async with running(_command(code), sink):
        await sink.wait_lines(5)
        assert time.monotonic() - started < 10
        assert sink.states == [SourceState.LIVE]
    assert sink.texts[:5] == [f"tick {i}" for i in range(5)]


async def test_failure_is_retried_with_the_reason(tmp_path: Path) -> None:
    runs = tmp_path / "runs"
    code = (
        f"import sys\nopen({str(runs)!r}, 'a').write('x')\n"
        "print('starting')\nprint('fatal: token expired', file=sys.stderr)\nsys.exit(3)"
    )
    sink = RecordingSink()
    async with running(_command(code), sink):
        await sink.wait_for(lambda: runs.exists() and len(runs.read_text()) >= 3)
    reasons = [r for s, r in sink.statuses if s is SourceState.ERROR]
    assert reasons and reasons[0].startswith("exited with status 3: fatal: token expired; retrying")
    assert sink.texts.count("starting") >= 2


async def test_restart_never_ends_in_error() -> None:
    sink = RecordingSink()
    await _command("import sys; sys.exit(2)", restart="never").run(sink)
    assert sink.statuses[-1] == (SourceState.ERROR, "exited with status 2")


async def test_missing_program_is_an_error() -> None:
    sink = RecordingSink()
    source = CommandSource("cmd", ["cockpit-no-such-program"], StreamOptions(follow=False))
    await source.run(sink)
    assert sink.statuses == [(SourceState.ERROR, "command not found: cockpit-no-such-program")]


async def test_one_shot_stops_a_command_that_never_ends() -> None:
    code = "import time\nprint('hello', flush=True)\ntime.sleep(60)"
    sink = RecordingSink()
    started = time.monotonic()
    await _command(code, follow=False, timeout=0.5).run(sink)
    assert time.monotonic() - started < 5
    assert sink.texts == ["hello"]
    assert sink.statuses[-1] == (SourceState.ENDED, "stopped after 0.5s")


async def test_cancel_stops_the_whole_process_group(tmp_path: Path) -> None:
    pids = tmp_path / "pids"
    code = (
        "import os, subprocess, sys, time\n"
        "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])\n"
        f"open({str(pids)!r}, 'w').write(f'{{os.getpid()}} {{child.pid}}')\n"
        "print('ready', flush=True)\n"
        "time.sleep(60)\n"
    )
    sink = RecordingSink()
    async with running(_command(code), sink):
        await sink.wait_lines(1)
    parent, child = (int(p) for p in pids.read_text().split())
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(_alive(p) for p in (parent, child)):
        await asyncio.sleep(0.05)
    assert not _alive(parent) and not _alive(child)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie child of an exited parent is gone for our purposes.
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(") ")[1][0] != "Z"
    except FileNotFoundError:
        return False


async def test_prompt_without_newline_is_shown() -> None:
    code = "import sys, time\nsys.stdout.write('Password: ')\nsys.stdout.flush()\ntime.sleep(60)"
    sink = RecordingSink()
    async with running(_command(code), sink):
        await sink.wait_lines(1, timeout=5)
    assert sink.texts == ["Password: "]


async def test_hostile_output_is_sanitized(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.write_bytes(hostile_log_bytes())
    code = f"import sys\nsys.stdout.buffer.write(open({str(corpus)!r}, 'rb').read())"
    sink = RecordingSink()
    await _command(code, follow=False).run(sink)
    assert len(sink.texts) == len(CASES)
    assert all(forbidden_in_text(text) == [] for text in sink.texts)


async def test_cwd_and_env(tmp_path: Path) -> None:
    code = "import os\nprint(os.getcwd(), os.environ['COCKPIT_TEST_VALUE'])"
    sink = RecordingSink()
    source = _command(code, cwd=tmp_path, env={"COCKPIT_TEST_VALUE": "42"})
    await source.run(sink)
    assert sink.texts == [f"{tmp_path} 42"]
    missing = _command("print(1)", follow=False, cwd=tmp_path / "nope")
    await missing.run(sink)
    assert sink.statuses[-1][0] is SourceState.ERROR
    assert "does not exist" in sink.statuses[-1][1]
