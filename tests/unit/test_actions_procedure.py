"""Runbook procedures and runbook commands through the gate, with real programs and files."""

from __future__ import annotations

from pathlib import Path

import pytest

from cockpit.actions.context import ActionContext
from cockpit.actions.gate import Gate
from cockpit.actions.model import Confirmation, Plan, Refused
from cockpit.actions.trail import ActionTrail, attempts
from cockpit.config.loader import load_config_text
from cockpit.state.audit import AuditLog
from cockpit.state.store import Store

RUNBOOK = """\
# Service runbook

## Restart a stuck worker

1. Look at the worker:
   ```bash
   echo "looking at <worker-name>"
   ```
2. Note why in the log (prose only, nothing to run).
3. Restart it:
   ```bash
   touch "restarted-<worker-name>"
   ```
4. Check it came back:
   ```bash
   ls restarted-<worker-name>
   ```
"""

CONFIG = """\
environments:
  dev: {protection: none}
  prod: {protection: typed}
actions:
  - name: restart-worker
    procedure: {runbook: RUNBOOK.md, procedure: Restart a stuck worker}
  - name: missing-procedure
    procedure: {runbook: RUNBOOK.md, procedure: Nope}
"""


@pytest.fixture
def gate(tmp_path: Path, state_store: Store) -> Gate:
    (tmp_path / "RUNBOOK.md").write_text(RUNBOOK)
    loaded = load_config_text(CONFIG, "c.yaml", tmp_path)
    trail = ActionTrail(AuditLog(state_store), "ann@host1")
    return Gate(loaded.config, trail, ActionContext(base_dir=tmp_path, workdir=tmp_path))


def _log(gate: Gate) -> list[tuple[str, str]]:
    return [(a.action, a.outcome) for a in attempts(gate.trail._audit)]


async def test_the_preview_lists_each_step_with_its_risk(gate: Gate) -> None:
    assert gate.param_specs("restart-worker").keys() == {"worker-name"}
    plan = await gate.prepare("restart-worker", "prod", {"worker-name": "w-7"})
    assert plan.call.outline == (
        'step 1 [read-only]: echo "looking at <worker-name>"',
        'step 2 [mutating, confirmed on its own]: touch "restarted-<worker-name>"',
        "step 3 [read-only]: ls restarted-<worker-name>",
    )
    assert [s.call.mutating for s in plan.steps] == [False, True, False]
    # The value reaches the script only as an environment variable.
    assert dict(plan.steps[1].call.env)["WORKER_NAME"] == "w-7"
    assert "w-7" not in " ".join(plan.steps[1].call.argv or ())


async def test_each_mutating_step_is_confirmed_on_its_own(gate: Gate, tmp_path: Path) -> None:
    asked: list[str] = []

    async def confirm(step: Plan) -> Confirmation | None:
        asked.append(step.call.target)
        return Confirmation(typed="prod")

    lines: list[str] = []
    plan = await gate.prepare("restart-worker", "prod", {"worker-name": "w-7"})
    outcome = await gate.execute(
        plan, Confirmation(typed="prod"), on_line=lines.append, confirm_step=confirm
    )
    assert outcome.ok, outcome
    assert asked == ["step 2/3: Restart it:"]
    assert (tmp_path / "restarted-w-7").is_file()
    assert "looking at w-7" in lines and "restarted-w-7" in lines
    assert _log(gate) == [
        ("restart-worker", "ok"),
        ("restart-worker", "ok"),
        ("restart-worker", "ok"),
        ("restart-worker", "ok"),
    ]


async def test_declining_a_step_stops_the_procedure_before_it(gate: Gate, tmp_path: Path) -> None:
    async def decline(step: Plan) -> Confirmation | None:
        return None

    plan = await gate.prepare("restart-worker", "prod", {"worker-name": "w-7"})
    outcome = await gate.execute(plan, Confirmation(typed="prod"), confirm_step=decline)
    assert outcome.status == "cancelled" and "before step 2" in outcome.detail
    assert not (tmp_path / "restarted-w-7").exists()


async def test_a_wrong_step_confirmation_is_refused_and_stops(gate: Gate, tmp_path: Path) -> None:
    async def sloppy(step: Plan) -> Confirmation | None:
        return Confirmation(yes=True)

    plan = await gate.prepare("restart-worker", "prod", {"worker-name": "w-7"})
    outcome = await gate.execute(plan, Confirmation(typed="prod"), confirm_step=sloppy)
    assert outcome.status == "failed" and "step 2 refused" in outcome.detail
    assert not (tmp_path / "restarted-w-7").exists()
    assert ("restart-worker", "refused") in _log(gate)


async def test_read_only_refuses_the_procedure(gate: Gate, tmp_path: Path) -> None:
    gate.read_only = True
    plan = await gate.prepare("restart-worker", "dev", {"worker-name": "w-7"})
    with pytest.raises(Refused, match="read-only"):
        await gate.execute(plan, Confirmation())
    assert not (tmp_path / "restarted-w-7").exists()


@pytest.mark.parametrize("value", ["w;rm -rf /", "$(id)", "-rf", "a b", "`id`"])
async def test_runbook_values_are_one_word(gate: Gate, value: str) -> None:
    with pytest.raises(Refused):
        await gate.prepare("restart-worker", "dev", {"worker-name": value})
    assert _log(gate) == [("restart-worker", "refused")]


async def test_unknown_procedure_names_those_that_exist(gate: Gate) -> None:
    with pytest.raises(Refused, match="Restart a stuck worker"):
        await gate.prepare("missing-procedure", "dev", {})


async def test_a_checklist_command_runs_as_written_with_values_in_variables(
    gate: Gate, tmp_path: Path
) -> None:
    plan = await gate.prepare_runbook(
        "touch marker-<name> && echo done", "dev", {"name": "x1"}, label="Daily: mark"
    )
    assert plan.call.mutating and plan.origin == "checklist"
    outcome = await gate.execute(plan, Confirmation())
    assert outcome.ok and outcome.output == "done"
    assert (tmp_path / "marker-x1").is_file()
    read = await gate.prepare_runbook("df -h .", "prod", {}, label="Daily: disk")
    assert not read.call.mutating
    gate.read_only = True
    # Reading is allowed in read-only mode and needs no confirmation, even in prod.
    assert (await gate.execute(read, Confirmation())).ok
    with pytest.raises(Refused):
        await gate.execute(plan, Confirmation())
