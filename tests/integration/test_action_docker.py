"""`docker` actions through the gate against a real private Docker engine."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest

from cockpit.actions.gate import Gate
from cockpit.actions.model import Confirmation, Refused
from cockpit.state.store import Store
from tests.support.actions import action_gate, recorded, run_action
from tests.support.cockpit_cli import action_cli
from tests.support.docker_engine import IDLE, DockerEngine

pytestmark = pytest.mark.integration

CONFIG = """\
environments:
  dock:
    protection: confirm
    docker: {host: HOST}
actions:
  - name: restart-box
    docker: {operation: restart, container: "{container}", wait: 5}
    params: {container: {type: name}}
  - name: stop-box
    docker: {operation: stop, container: "{container}", wait: 5}
    params: {container: {type: name}}
  - name: start-box
    docker: {operation: start, container: "{container}"}
    params: {container: {type: name}}
  - name: restart-slowly
    docker: {operation: restart, container: "{container}", wait: 30}
    params: {container: {type: name}}
    timeout: 1s
"""


@pytest.fixture
def names(docker_engine: DockerEngine) -> Iterator[list[str]]:
    """Container names for one test; every container named so is removed afterwards."""
    tag = secrets.token_hex(3)
    made = [f"box{i}-{tag}" for i in range(3)]
    try:
        yield made
    finally:
        docker_engine.cli("rm", "-f", *made, check=False)


@pytest.fixture
def gate(docker_engine: DockerEngine, tmp_path: Path, state_store: Store) -> Gate:
    return action_gate(CONFIG.replace("HOST", docker_engine.host), tmp_path, state_store)


def started_at(engine: DockerEngine, name: str) -> str:
    """When the container last started, as the engine says."""
    return str(engine.inspect_state(name)["StartedAt"])


async def test_restart_starts_the_container_anew(
    docker_engine: DockerEngine, names: list[str], gate: Gate, state_store: Store
) -> None:
    cid = docker_engine.run(names[0], "sh", "-c", IDLE)
    before = started_at(docker_engine, names[0])

    plan, outcome = await run_action(gate, "restart-box", "dock", {"container": names[0]})

    assert plan.call.target == f"container {names[0]} ({cid[:12]})"
    assert plan.call.url == f"{docker_engine.host}/containers/{cid}/restart?t=5"
    (change,) = plan.call.touches
    stamp = before[:10] + " " + before[11:19]
    assert (
        change == f"running since {stamp} UTC -> restarted (stopped with 5 s to exit, then started)"
    )
    assert outcome.ok and outcome.http_status == 204, outcome
    after = started_at(docker_engine, names[0])
    assert after > before
    assert outcome.detail == (
        f"container {names[0]} ({cid[:12]}) restarted: running since "
        f"{after[:10]} {after[11:19]} UTC"
    )
    (attempt,) = recorded(state_store)
    assert (attempt.outcome, attempt.http_status) == ("ok", 204)
    assert attempt.call["request"] == {"method": "POST", "url": plan.call.url, "body": None}


async def test_stop_then_start(docker_engine: DockerEngine, names: list[str], gate: Gate) -> None:
    docker_engine.run(names[0], "sh", "-c", IDLE)

    _, stopped = await run_action(gate, "stop-box", "dock", {"container": names[0]})
    state = docker_engine.inspect_state(names[0])
    again, unchanged = await run_action(gate, "stop-box", "dock", {"container": names[0]})
    start, started = await run_action(gate, "start-box", "dock", {"container": names[0]})

    assert stopped.ok and stopped.http_status == 204
    assert state["Status"] == "exited" and state["ExitCode"] == 0
    assert again.call.touches[0].startswith("exited (code 0) since ")
    assert again.call.touches[0].endswith(" -> unchanged (not running: nothing to stop)")
    assert unchanged.ok and unchanged.http_status == 304
    assert "unchanged (nothing to do): exited (code 0)" in unchanged.detail
    assert start.call.url is not None and start.call.url.endswith("/start")
    assert start.call.touches[0].endswith(" -> running")
    assert started.ok and started.http_status == 204
    assert docker_engine.inspect_state(names[0])["Status"] == "running"


async def test_a_missing_container_is_refused_and_one_gone_since_the_preview_fails(
    docker_engine: DockerEngine, names: list[str], gate: Gate, state_store: Store
) -> None:
    with pytest.raises(Refused, match=f"no container '{names[1]}' on unix://"):
        await gate.prepare("restart-box", "dock", {"container": names[1]})
    docker_engine.run(names[0], "sh", "-c", IDLE)
    plan = await gate.prepare("restart-box", "dock", {"container": names[0]})
    docker_engine.cli("rm", "-f", names[0])
    # A new container under the same name is not the one the preview showed.
    docker_engine.run(names[0], "sh", "-c", IDLE)
    newcomer = started_at(docker_engine, names[0])

    outcome = await gate.execute(plan, Confirmation(yes=True))

    assert outcome.status == "failed" and outcome.http_status == 404
    assert outcome.detail.startswith(f"{plan.call.target} is gone (removed since the preview?): ")
    assert "No such container" in outcome.detail
    assert started_at(docker_engine, names[0]) == newcomer
    assert [a.outcome for a in recorded(state_store)] == ["refused", "failed"]


async def test_what_a_docker_action_refuses_and_a_timeout(
    docker_engine: DockerEngine, names: list[str], gate: Gate, tmp_path: Path, state_store: Store
) -> None:
    # sh as PID 1 without a trap ignores SIGTERM: the engine waits the whole grace period.
    docker_engine.run(names[0], "sh", "-c", "while :; do sleep 0.2; done")
    with pytest.raises(Refused, match="docker actions have no dry run"):
        await gate.prepare("restart-box", "dock", {"container": names[0]}, dry_run=True)
    plan = await gate.prepare("restart-box", "dock", {"container": names[0]})
    with pytest.raises(Refused, match="asks for a yes"):
        await gate.execute(plan, Confirmation())

    _, slow = await run_action(gate, "restart-slowly", "dock", {"container": names[0]})

    assert slow.status == "timeout" and 1.0 <= slow.seconds < 3.0
    assert (
        slow.detail == "stopped after 1 s (timeout): a request already sent may still take effect"
    )
    unreachable = action_gate(
        CONFIG.replace("HOST", f"unix://{tmp_path}/no.sock"), tmp_path, state_store
    )
    with pytest.raises(Refused, match=r"docker engine unreachable at unix://.*/no\.sock: "):
        await unreachable.prepare("restart-box", "dock", {"container": names[0]})


async def test_cancel_ends_the_wait(
    docker_engine: DockerEngine, names: list[str], gate: Gate
) -> None:
    docker_engine.run(names[0], "sh", "-c", "while :; do sleep 0.2; done")
    plan = await gate.prepare("restart-box", "dock", {"container": names[0]})
    cancel = asyncio.Event()
    running = asyncio.create_task(gate.execute(plan, Confirmation(yes=True), cancel=cancel))
    await asyncio.sleep(0.5)
    cancel.set()

    outcome = await asyncio.wait_for(running, 3)

    assert outcome.status == "cancelled" and outcome.seconds < 2.0
    assert outcome.detail == "cancelled: a request already sent may still take effect"


def test_restart_through_the_command_line(
    docker_engine: DockerEngine, names: list[str], tmp_path: Path
) -> None:
    docker_engine.run(names[0], "sh", "-c", IDLE)
    before = started_at(docker_engine, names[0])
    (tmp_path / "c.yaml").write_text(CONFIG.replace("HOST", docker_engine.host))

    refused = action_cli(
        tmp_path, "restart-box", "--env", "dock", "--param", f"container={names[0]}"
    )
    done = action_cli(
        tmp_path, "restart-box", "--env", "dock", "--param", f"container={names[0]}", "--yes"
    )

    assert refused.returncode == 3 and "asks for a yes" in refused.stderr
    assert done.returncode == 0, done.stderr
    assert f"  POST {docker_engine.host}/containers/" in done.stdout
    assert "  changes: running since " in done.stdout
    assert f"| container {names[0]} (" in done.stdout
    assert started_at(docker_engine, names[0]) > before
