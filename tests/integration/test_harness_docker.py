"""The private Docker engine harness works: API over the unix socket, health, logs, cleanup."""

from __future__ import annotations

import json
import struct
import time
from pathlib import Path

import pytest

from tests.support.backends import require_binary
from tests.support.docker_engine import (
    BUSYBOX_IMAGE,
    TEST_LABEL,
    DockerContainers,
    DockerEngine,
    DockerEngineError,
    start_docker_engine,
)
from tests.support.processes import wait_until

pytestmark = pytest.mark.integration


def read_frames(chunks: bytes) -> tuple[list[tuple[int, bytes]], bytes]:
    """Split Engine API multiplexed log frames (8-byte header: stream, 0, 0, 0, big-endian size)."""
    frames: list[tuple[int, bytes]] = []
    while len(chunks) >= 8:
        stream, size = struct.unpack(">BxxxI", chunks[:8])
        if len(chunks) < 8 + size:
            break
        frames.append((stream, chunks[8 : 8 + size]))
        chunks = chunks[8 + size :]
    return frames, chunks


def test_engine_answers_and_has_the_busybox_image(docker_engine: DockerEngine) -> None:
    with docker_engine.api() as api:
        assert api.get("/_ping").text == "OK"
        version = api.get("/version").json()
        images = api.get("/images/json").json()
    assert version["Os"] == "linux"
    assert any(BUSYBOX_IMAGE in (img.get("RepoTags") or []) for img in images)
    assert len(str(docker_engine.socket)) < 108
    print(
        f"dockerd ready in {docker_engine.ready_seconds:.2f}s, image built in "
        f"{docker_engine.image_seconds:.2f}s, extra flags {list(docker_engine.flags)}"
    )


def test_api_lists_containers_with_their_health(
    docker_engine: DockerEngine, docker_containers: DockerContainers
) -> None:
    filters = json.dumps({"label": [TEST_LABEL]})
    with docker_engine.api() as api:
        listed = api.get("/containers/json", params={"all": "1", "filters": filters}).json()
        by_name = {c["Names"][0].lstrip("/"): c for c in listed}
        for container in docker_containers.all():
            assert container.name in by_name
        assert by_name[docker_containers.exited.name]["State"] == "exited"
        assert "(healthy)" in by_name[docker_containers.healthy.name]["Status"]
        assert "(unhealthy)" in by_name[docker_containers.unhealthy.name]["Status"]

        unhealthy = api.get(f"/containers/{docker_containers.unhealthy.id}/json").json()
        exited = api.get(f"/containers/{docker_containers.exited.id}/json").json()
    assert unhealthy["State"]["Health"]["Status"] == "unhealthy"
    assert unhealthy["State"]["Health"]["FailingStreak"] >= 1
    assert exited["State"]["ExitCode"] == 3
    assert "Health" not in exited["State"] or exited["State"]["Health"] is None


def test_api_follows_logs_with_stdout_and_stderr_apart(
    docker_engine: DockerEngine, docker_containers: DockerContainers
) -> None:
    stdout: list[str] = []
    stderr: list[str] = []
    buffer = b""
    params = {"follow": "1", "stdout": "1", "stderr": "1", "tail": "all"}
    with (
        docker_engine.api(timeout=10.0) as api,
        api.stream("GET", f"/containers/{docker_containers.chatty.id}/logs", params=params) as resp,
    ):
        assert resp.status_code == 200
        for chunk in resp.iter_bytes():
            frames, buffer = read_frames(buffer + chunk)
            for stream, payload in frames:
                (stdout if stream == 1 else stderr).append(payload.decode().rstrip("\n"))
            if len(stdout) >= 12:
                break
    numbers = [int(line.split()[1]) for line in stdout]
    assert numbers == list(range(1, len(numbers) + 1))
    assert "warn 5" in stderr and "warn 10" in stderr
    assert all(line.startswith("warn ") for line in stderr)


def test_hostile_output_reaches_the_log_verbatim(
    docker_engine: DockerEngine, docker_containers: DockerContainers
) -> None:
    logs = docker_engine.cli("logs", docker_containers.hostile.id).stdout
    assert "\x1b]52;c;ZXZpbA==\x07" in logs
    assert logs.rstrip().endswith("hostile-done")
    assert docker_engine.cli("logs", docker_containers.exited.id).stdout == "bye\n"


def test_health_can_be_flipped_from_inside_and_restart_is_quick(
    docker_engine: DockerEngine, docker_containers: DockerContainers
) -> None:
    target = docker_containers.healthy.id
    docker_engine.cli("exec", target, "touch", "/tmp/sick")
    wait_until(
        lambda: docker_engine.health(target) == "unhealthy",
        timeout=10.0,
        what="healthy container to turn unhealthy",
    )
    before = docker_engine.inspect_state(target)["StartedAt"]
    started = time.monotonic()
    with docker_engine.api(timeout=30.0) as api:
        assert api.post(f"/containers/{target}/restart", params={"t": "5"}).status_code == 204
    assert time.monotonic() - started < 3.0
    after = docker_engine.inspect_state(target)
    assert after["Running"] is True
    assert after["StartedAt"] != before


def test_run_in_foreground_returns_after_exit(docker_engine: DockerEngine) -> None:
    cid = docker_engine.run("oneshot-harness", "sh", "-c", "exit 7", detach=False)
    try:
        assert docker_engine.inspect_state(cid)["ExitCode"] == 7
    finally:
        docker_engine.cli("rm", "-f", cid, check=False)


def test_a_second_engine_stops_without_leftovers() -> None:
    engine = start_docker_engine(require_binary("dockerd"), require_binary("docker"))
    containerd_pidfile = engine.directory / "exec" / "containerd" / "containerd.pid"
    wait_until(containerd_pidfile.exists, timeout=10.0, what="containerd pid file")
    pids = [engine.process.pid, int(containerd_pidfile.read_text())]
    engine.stop()
    for pid in pids:
        assert not Path(f"/proc/{pid}").exists(), f"process {pid} survived"
    assert not engine.directory.exists()


def test_a_daemon_that_dies_fails_fast_with_its_log(tmp_path: Path) -> None:
    fake = tmp_path / "dockerd"
    fake.write_text("#!/bin/sh\necho 'failed to start daemon: no storage' >&2\nexit 1\n")
    fake.chmod(0o755)
    started = time.monotonic()
    with pytest.raises(DockerEngineError, match="failed to start daemon: no storage") as info:
        start_docker_engine(str(fake), require_binary("docker"))
    assert time.monotonic() - started < 5.0
    assert "--storage-driver" in str(info.value)  # the vfs fallback was tried too
