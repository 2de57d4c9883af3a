"""Read-only check commands of checklists: real processes, sanitized output, refusals."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from cockpit.actions.context import ActionContext
from cockpit.actions.gate import Gate
from cockpit.actions.model import Confirmation, Outcome, Refused
from cockpit.actions.trail import ActionTrail
from cockpit.config.loader import load_config_text
from cockpit.runbooks.check_command import command_of
from cockpit.state.audit import AuditLog
from cockpit.state.checklists import Checklist, ChecklistBook, ChecklistItem
from cockpit.state.store import Store


def test_the_command_is_the_command_or_the_hints_first_command_line() -> None:
    assert command_of("df -h", "free -h") == "df -h"
    assert command_of(None, "# disk\n$ df -h /\nmore") == "df -h /"
    assert command_of(None, "") is None and command_of("  ", None) is None


def _gate(tmp_path: Path, store: Store) -> Gate:
    text = "environments:\n  dev: {protection: none}\n  prod: {protection: typed}\n"
    loaded = load_config_text(text, "c.yaml", tmp_path)
    trail = ActionTrail(AuditLog(store), "ann@host1")
    return Gate(loaded.config, trail, ActionContext(base_dir=tmp_path, workdir=tmp_path))


async def _check(gate: Gate, command: str, env: str = "dev", timeout: float = 20.0) -> Outcome:
    plan = await gate.prepare_runbook(command, env, {}, label="Daily: check", timeout=timeout)
    return await gate.execute(plan, Confirmation())


async def test_plain_commands_are_argv_and_pipelines_go_through_sh(
    tmp_path: Path, state_store: Store
) -> None:
    gate = _gate(tmp_path, state_store)
    plain_plan = await gate.prepare_runbook("df -h /", "dev", {}, label="disk")
    assert plain_plan.call.argv == ("df", "-h", "/")
    piped = await gate.prepare_runbook("kubectl logs -l app=x | grep THREAT", "dev", {}, label="l")
    assert piped.call.argv is not None and piped.call.argv[:2] == ("sh", "-ec")
    assert piped.call.argv[2].endswith("kubectl logs -l app=x | grep THREAT")


async def test_a_read_only_command_runs_and_its_output_is_sanitized(
    tmp_path: Path, state_store: Store
) -> None:
    (tmp_path / "status.txt").write_bytes(b"disk ok\n\x1b]0;owned\x07title\n\x1b[2Jcleared\n")
    gate = _gate(tmp_path, state_store)
    run = await _check(gate, f"cat {tmp_path}/status.txt", env="prod")
    assert run.ok and run.detail == "exit 0"
    assert "\x1b" not in run.output and "\x07" not in run.output
    assert run.output.splitlines()[0] == "disk ok"
    piped = await _check(gate, f"cat {tmp_path}/status.txt | grep -c ok")
    assert piped.ok and piped.output == "1"


async def test_a_failing_check_reports_its_exit_and_output(
    tmp_path: Path, state_store: Store
) -> None:
    run = await _check(_gate(tmp_path, state_store), "ls /no/such/place")
    assert not run.ok and run.exit_code == 2
    assert "No such file or directory" in run.output


async def test_mutating_commands_need_the_confirmation_of_an_action(
    tmp_path: Path, state_store: Store
) -> None:
    marker = tmp_path / "m"
    gate = _gate(tmp_path, state_store)
    for command in (f"touch {marker}", "docker restart api"):
        plan = await gate.prepare_runbook(command, "prod", {}, label="Daily: change")
        assert plan.call.mutating
        with pytest.raises(Refused, match="type its name"):
            await gate.execute(plan, Confirmation())
    assert not marker.exists()


async def test_a_command_past_its_timeout_is_killed_with_its_group(
    tmp_path: Path, state_store: Store
) -> None:
    run = await _check(_gate(tmp_path, state_store), "tail -f /dev/null", timeout=0.3)
    assert run.status == "timeout" and run.exit_code is None


def test_evidence_is_stored_with_the_tick_and_in_the_report(tmp_path: Path) -> None:
    now = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)
    checklist = Checklist("d", "Daily", "daily", (ChecklistItem("disk", "Disk ok"),), "test")
    with Store.open(tmp_path / "state.db") as store:
        book = ChecklistBook(store, clock=lambda: now)
        book.tick(
            "prod", checklist, "disk", "cockpit@ops", "ran `df -h` (exit 0)", evidence="/ 82%"
        )
        state = book.state("prod", checklist)["disk"]
        assert state.evidence == "/ 82%" and state.note == "ran `df -h` (exit 0)"
        report = book.export_markdown("prod", checklist)
    assert "- [x] Disk ok — ticked by cockpit@ops" in report
    assert "\n      / 82%\n" in report
