"""docker log source against a real private Docker engine over its unix socket."""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cockpit.sources.logs.base import Backoff, SourceState, StreamOptions
from cockpit.sources.logs.docker import DockerSource
from tests.support.docker_engine import DockerContainers, DockerEngine
from tests.support.hostile import forbidden_in_text
from tests.support.logsink import RecordingSink, running
from tests.support.uds_proxy import UdsProxy

pytestmark = pytest.mark.integration

LINE = re.compile(r"line (\d+)")
WARN = re.compile(r"warn (\d+)")


def _numbers(sink: RecordingSink, stream: str, pattern: re.Pattern[str]) -> list[int]:
    return [
        int(m.group(1))
        for line in sink.all
        if line.stream == stream and (m := pattern.fullmatch(line.text))
    ]


def _fast() -> Backoff:
    return Backoff(base=0.05, cap=0.2)


def _consecutive(numbers: list[int]) -> bool:
    return numbers == list(range(numbers[0], numbers[0] + len(numbers)))


async def test_stdout_and_stderr_are_told_apart(
    docker_engine: DockerEngine, docker_containers: DockerContainers
) -> None:
    source = DockerSource("chatty", docker_containers.chatty.name, host=docker_engine.host)
    sink = RecordingSink()
    async with running(source, sink):
        await sink.wait_for(lambda: len(_numbers(sink, "stderr", WARN)) >= 3, timeout=15)
    assert sink.statuses[0] == (SourceState.LIVE, "")
    out = _numbers(sink, "stdout", LINE)
    err = _numbers(sink, "stderr", WARN)
    assert _consecutive(out) and len(out) >= 14  # stdout and stderr may arrive out of step
    assert err == list(range(err[0], err[0] + 5 * len(err), 5)) and err[0] % 5 == 0
    # Nothing but the two kinds of lines, and the Docker timestamp is the line's time.
    assert all(LINE.fullmatch(x.text) or WARN.fullmatch(x.text) for x in sink.all)
    now = time.time()
    assert all(now - 60 < x.ts <= now for x in sink.all)
    times = [x.ts for x in sink.all if x.stream == "stdout"]
    assert times == sorted(times) and len(set(times)) == len(times)
    assert all(x.level == "WARN" for x in sink.all if x.stream == "stderr")


async def test_tail_and_one_shot_read(
    docker_engine: DockerEngine, docker_containers: DockerContainers
) -> None:
    await asyncio.sleep(1.0)  # let the chatty container write a dozen lines
    sink = RecordingSink()
    source = DockerSource(
        "chatty",
        docker_containers.chatty.id,
        StreamOptions(follow=False, tail=3),
        host=docker_engine.host,
    )
    await asyncio.wait_for(source.run(sink), 10)
    assert sink.count == 3
    assert sink.statuses[-1] == (SourceState.ENDED, "end of the container's log")

    exited = RecordingSink()
    await asyncio.wait_for(
        DockerSource(
            "exited",
            docker_containers.exited.name,
            StreamOptions(follow=False),
            host=docker_engine.host,
        ).run(exited),
        10,
    )
    assert [(x.text, x.stream) for x in exited.all] == [("bye", "stdout")]
    assert exited.states[-1] is SourceState.ENDED


async def test_stopped_container_is_stale_then_live_again(
    docker_engine: DockerEngine, docker_containers: DockerContainers
) -> None:
    name = docker_containers.exited.name
    source = DockerSource("exited", name, host=docker_engine.host, poll=0.2)
    sink = RecordingSink()
    async with running(source, sink):
        await sink.wait_state(SourceState.STALE)
        assert sink.texts == ["bye"]
        assert sink.statuses[-1] == (SourceState.STALE, "container exited (code 3); waiting")
        # Started again it prints `bye` once more: the new line, not a repeat of the old one.
        docker_engine.cli("start", name)
        await sink.wait_for(lambda: sink.texts == ["bye", "bye"], timeout=15)
        assert SourceState.LIVE in sink.states[sink.states.index(SourceState.STALE) :]
    first, second = sink.all
    assert second.ts > first.ts


async def test_cut_connection_resumes_without_duplicates_or_loss(
    docker_engine: DockerEngine, docker_containers: DockerContainers
) -> None:
    with UdsProxy(docker_engine.socket) as proxy:
        source = DockerSource(
            "chatty", docker_containers.chatty.name, host=proxy.host, backoff=_fast()
        )
        sink = RecordingSink()
        async with running(source, sink):
            await sink.wait_for(lambda: len(_numbers(sink, "stdout", LINE)) >= 10, timeout=15)
            assert proxy.cut() >= 1
            await sink.wait_state(SourceState.RECONNECTING)
            before = len(_numbers(sink, "stdout", LINE))
            # The daemon is out of reach for a while; lines written meanwhile come later.
            proxy.refuse()
            await asyncio.sleep(0.6)
            proxy.accept()
            await sink.wait_for(
                lambda: len(_numbers(sink, "stdout", LINE)) >= before + 15, timeout=15
            )
            # Cut once more while lines are flowing.
            proxy.cut()
            await sink.wait_for(
                lambda: len(_numbers(sink, "stdout", LINE)) >= before + 30, timeout=15
            )
    out = _numbers(sink, "stdout", LINE)
    err = _numbers(sink, "stderr", WARN)
    assert _consecutive(out), out
    assert err == list(range(err[0], err[0] + 5 * len(err), 5)), err
    assert source.resume.dropped >= 1  # the line at the resume time came again and was skipped
    reasons = [reason for state, reason in sink.statuses if state is SourceState.RECONNECTING]
    assert reasons[0].startswith("log stream dropped: ")
    assert any(r.startswith(f"docker engine unreachable at {proxy.host}: ") for r in reasons)
    assert sink.states[-1] is SourceState.LIVE


async def test_removed_container_ends(
    docker_engine: DockerEngine, docker_containers: DockerContainers
) -> None:
    chatty = docker_containers.chatty
    sink = RecordingSink()
    source = DockerSource("chatty", chatty.name, host=docker_engine.host, backoff=_fast())
    async with running(source, sink) as task:
        await sink.wait_lines(5)
        await asyncio.to_thread(docker_engine.cli, "rm", "-f", chatty.id)
        await asyncio.wait_for(task, 15)
    assert sink.statuses[-1] == (SourceState.ENDED, f"container {chatty.name} was removed")


async def test_hostile_output_is_sanitized(
    docker_engine: DockerEngine, docker_containers: DockerContainers
) -> None:
    sink = RecordingSink()
    source = DockerSource(
        "hostile",
        docker_containers.hostile.name,
        StreamOptions(follow=False),
        host=docker_engine.host,
    )
    await asyncio.wait_for(source.run(sink), 10)
    text = "\n".join(sink.texts)
    assert "hostile-done" in sink.texts
    assert "pwned" not in text and "ZXZpbA==" not in text
    assert "\x1b[2J" not in text and "\x07" not in text
    assert "\x1b[31mred\x1b[0m" in text  # colour is kept, everything else is gone
    assert all(not forbidden_in_text(t) for t in sink.texts)


async def test_tty_container_is_read_raw(docker_engine: DockerEngine) -> None:
    name = f"tty-{time.monotonic_ns() % 10**8}"
    cid = docker_engine.run(
        name, "sh", "-c", "echo one; echo two >&2; echo three; sleep 30", extra_args=["-t"]
    )
    try:
        sink = RecordingSink()
        await asyncio.sleep(0.5)
        source = DockerSource("tty", name, StreamOptions(follow=False), host=docker_engine.host)
        await asyncio.wait_for(source.run(sink), 10)
    finally:
        docker_engine.cli("rm", "-f", cid, check=False)
    assert [(x.text, x.stream) for x in sink.all] == [
        ("one", None),
        ("two", None),
        ("three", None),
    ]


async def test_missing_container_and_unreachable_daemon() -> None:
    sink = RecordingSink()
    source = DockerSource(
        "x", "nothing", host="unix:///nonexistent/docker.sock", backoff=Backoff(base=5, cap=5)
    )
    async with running(source, sink) as task:
        await sink.wait_state(SourceState.ERROR)
        started = time.monotonic()
    assert task.cancelled()
    assert time.monotonic() - started < 1.0  # cancelling during the backoff wait is prompt
    state, reason = sink.statuses[0]
    assert state is SourceState.ERROR
    assert reason.startswith("docker engine unreachable at unix:///nonexistent/docker.sock: ")
    assert re.search(r"; retrying in \d+\.\ds$", reason)

    one_shot = RecordingSink()
    await DockerSource("x", "nothing", StreamOptions(follow=False), host="tcp://nowhere:2375/").run(
        one_shot
    )
    assert one_shot.statuses[-1][0] is SourceState.ERROR


async def test_missing_container_is_an_error(docker_engine: DockerEngine) -> None:
    sink = RecordingSink()
    source = DockerSource(
        "x", "no-such-container", StreamOptions(follow=False), host=docker_engine.host
    )
    await asyncio.wait_for(source.run(sink), 10)
    assert sink.statuses == [(SourceState.ERROR, "no container 'no-such-container'")]


def test_cli_no_follow_prints_the_container_log(
    docker_engine: DockerEngine, docker_containers: DockerContainers, tmp_path: Path
) -> None:
    config = tmp_path / "cockpit.yaml"
    config.write_text(
        "environments:\n"
        f"  local: {{docker: {{host: '{docker_engine.host}'}}}}\n"
        "logs:\n"
        f"  - name: exited\n    docker: {{container: {docker_containers.exited.name}}}\n"
        f"  - name: chatty\n    docker: {{container: {docker_containers.chatty.name}}}\n"
    )

    def no_follow(name: str) -> subprocess.CompletedProcess[bytes]:
        argv = [sys.executable, "-m", "cockpit", "--config", str(config), "logs", name]
        out = subprocess.run([*argv, "--no-follow"], capture_output=True, timeout=30, check=False)
        assert out.returncode == 0, out.stderr
        return out

    out = no_follow("exited")
    assert out.stdout.decode() == "exited │ bye\n"
    assert out.stderr == b""
    out = no_follow("chatty")
    lines = out.stdout.decode().splitlines()
    assert lines[0] == "chatty │ line 1"
    numbers = [int(x.rsplit(" ", 1)[1]) for x in lines if x.startswith("chatty │ line ")]
    assert _consecutive(numbers) and len(numbers) >= 2
