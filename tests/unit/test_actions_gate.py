"""The executor gate with real programs and a real state file: protection, read-only,
parameters, the intent written before anything runs, outcomes, cancel and dangling intents."""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

import pytest

from cockpit.actions.context import ActionContext
from cockpit.actions.gate import Gate
from cockpit.actions.model import Confirmation, Refused
from cockpit.actions.scoping import scoped_argv
from cockpit.actions.trail import ActionTrail, attempts
from cockpit.config.loader import load_config_text
from cockpit.state.audit import AuditLog
from cockpit.state.store import Store

CONFIG = """\
environments:
  dev: {protection: none}
  stage: {protection: confirm}
  prod:
    protection: typed
    kubernetes: {context: prod-eks, namespace: shop}
actions:
  - name: marker
    command: {argv: [touch, "{path}"]}
    params:
      path: {type: name}
  - name: count-intents
    command:
      argv: [PYTHON, count.py, STATE]
  - name: tree
    command:
      script: 'sleep 30 & echo $! > child.pid; wait'
    timeout: 20s
  - name: kube-ns
    command: {argv: [echo, "{namespace}", "{context}"]}
"""

COUNT = """\
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1])
print(conn.execute("SELECT count(*) FROM audit WHERE kind = 'action.intent'").fetchone()[0])
"""


@pytest.fixture
def gate(tmp_path: Path, state_store: Store) -> Gate:
    text = CONFIG.replace("PYTHON", sys.executable).replace("STATE", str(state_store.path))
    (tmp_path / "count.py").write_text(COUNT)
    loaded = load_config_text(text, "c.yaml", tmp_path)
    trail = ActionTrail(AuditLog(state_store), "ann@host1")
    return Gate(loaded.config, trail, ActionContext(base_dir=tmp_path, workdir=tmp_path))


def _running(pid: int) -> bool:
    # A killed child whose parent died first may linger as a zombie until init reaps it.
    for _ in range(50):
        try:
            state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
        except FileNotFoundError:
            return False
        if state in ("Z", "X"):
            return False
        time.sleep(0.02)
    return True


def _outcomes(gate: Gate) -> list[str]:
    return [a.outcome for a in attempts(gate.trail._audit)]


async def test_protection_levels(gate: Gate, tmp_path: Path) -> None:
    for env, confirmation, runs in [
        ("dev", Confirmation(), True),
        ("stage", Confirmation(), False),
        ("stage", Confirmation(typed="stage"), False),
        ("stage", Confirmation(yes=True), True),
        ("prod", Confirmation(yes=True), False),
        ("prod", Confirmation(typed="Prod"), False),
        ("prod", Confirmation(typed="prod "), False),
        ("prod", Confirmation(typed="prod"), True),
    ]:
        name = f"m-{env}-{len(list(tmp_path.iterdir()))}"
        plan = await gate.prepare("marker", env, {"path": name})
        if runs:
            outcome = await gate.execute(plan, confirmation)
            assert outcome.ok, outcome
        else:
            with pytest.raises(Refused):
                await gate.execute(plan, confirmation)
        assert (tmp_path / name).exists() is runs, (env, confirmation)
    assert _outcomes(gate) == [
        "ok",
        "refused",
        "refused",
        "ok",
        "refused",
        "refused",
        "refused",
        "ok",
    ]


async def test_read_only_flag_and_environment(gate: Gate, tmp_path: Path) -> None:
    gate.read_only = True
    plan = await gate.prepare("marker", "dev", {"path": "x1"})
    with pytest.raises(Refused, match="read-only"):
        await gate.execute(plan, Confirmation(yes=True))
    assert not (tmp_path / "x1").exists()
    assert _outcomes(gate) == ["refused"]


async def test_the_intent_is_committed_before_the_program_runs(gate: Gate) -> None:
    lines: list[str] = []
    plan = await gate.prepare("count-intents", "dev", {})
    outcome = await gate.execute(plan, Confirmation(), on_line=lines.append)
    assert outcome.ok and lines == ["1"]


async def test_cancel_stops_the_whole_process_group(gate: Gate, tmp_path: Path) -> None:
    cancel = asyncio.Event()
    plan = await gate.prepare("tree", "dev", {})
    task = asyncio.create_task(gate.execute(plan, Confirmation(), cancel=cancel))
    pid_file = tmp_path / "child.pid"
    for _ in range(200):
        if pid_file.exists() and pid_file.read_text().strip():
            break
        await asyncio.sleep(0.02)
    child = int(pid_file.read_text())
    cancel.set()
    outcome = await asyncio.wait_for(task, 10)
    assert outcome.status == "cancelled"
    assert not _running(child)
    assert _outcomes(gate) == ["cancelled"]


async def test_environment_values_and_unknown_names(gate: Gate) -> None:
    plan = await gate.prepare("kube-ns", "prod", {})
    assert plan.call.argv == ("echo", "shop", "prod-eks")
    with pytest.raises(Refused, match="no value for"):
        await gate.prepare("kube-ns", "dev", {})
    with pytest.raises(Refused, match="no action named"):
        await gate.prepare("nope", "dev", {})
    with pytest.raises(Refused, match="unknown environment"):
        await gate.prepare("marker", "qa", {"path": "a"})
    with pytest.raises(Refused, match="not a parameter"):
        await gate.prepare("marker", "dev", {"path": "a", "extra": "b"})
    assert _outcomes(gate) == ["refused"] * 4


def test_a_dangling_intent_is_outcome_unknown(gate: Gate, state_store: Store) -> None:
    audit = AuditLog(state_store)
    audit.record(
        "action.intent",
        "prod",
        "bob@host2",
        "run marker",
        {"action": "marker", "params": {"path": "a"}, "host": "elsewhere", "pid": 1},
    )
    (only,) = attempts(audit)
    assert only.outcome == "outcome unknown" and only.user == "bob@host2"


async def test_an_unsaved_trail_runs_nothing(tmp_path: Path) -> None:
    loaded = load_config_text(CONFIG, "c.yaml", tmp_path)
    store = Store.memory()
    trail = ActionTrail(AuditLog(store), "ann@h", unsaved="state kept in memory only")
    gate = Gate(loaded.config, trail, ActionContext(base_dir=tmp_path, workdir=tmp_path))
    plan = await gate.prepare("marker", "dev", {"path": "zz"})
    with pytest.raises(Refused, match="cannot record"):
        await gate.execute(plan, Confirmation())
    assert not (tmp_path / "zz").exists()


def test_kubectl_gets_the_environments_context(tmp_path: Path) -> None:
    loaded = load_config_text(CONFIG, "c.yaml", tmp_path)
    prod = loaded.config.environments["prod"]
    assert scoped_argv(["kubectl", "get", "pods"], prod) == [
        "kubectl",
        "--context=prod-eks",
        "--namespace=shop",
        "get",
        "pods",
    ]
    assert (
        scoped_argv(["kubectl", "--context", "x", "-n", "y", "get", "pods"], prod)[1] == "--context"
    )
    assert scoped_argv(["kubectl", "get", "pods"], loaded.config.environments["dev"]) == [
        "kubectl",
        "get",
        "pods",
    ]


async def test_cancel_while_verifying_stops_the_watch_not_the_record(
    tmp_path: Path, state_store: Store
) -> None:
    from cockpit.actions.verify import ProbeVerifier

    text = """\
environments:
  dev: {protection: none}
services:
  - name: web
    checks: [{tcp: {host: 127.0.0.1, port: 9}}]
actions:
  - name: fix-web
    command: {argv: ["true"]}
    verify: {services: [web], for: 60s}
"""
    loaded = load_config_text(text, "c.yaml", tmp_path)
    gate = Gate(
        loaded.config,
        ActionTrail(AuditLog(state_store), "ann@host1"),
        ActionContext(base_dir=tmp_path, workdir=tmp_path),
        verifier=ProbeVerifier(loaded.config, tmp_path, pause=0.2),
    )
    cancel = asyncio.Event()
    lines: list[str] = []
    plan = await gate.prepare("fix-web", "dev", {})
    task = asyncio.create_task(
        gate.execute(plan, Confirmation(), on_line=lines.append, cancel=cancel)
    )
    started = time.monotonic()
    while not any(line.startswith("verifying: watching") for line in lines):
        await asyncio.sleep(0.02)
    cancel.set()
    outcome = await asyncio.wait_for(task, 10)
    assert time.monotonic() - started < 10
    assert outcome.ok and outcome.verification == "not verified: cancelled while watching"
    (only,) = attempts(AuditLog(state_store))
    assert only.outcome == "ok" and only.reason == "not verified: cancelled while watching"
