"""Read-only check commands of checklists: real processes, sanitized output, refusals."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from cockpit.runbooks.check_command import CommandRefused, argv_for, command_of, run_check
from cockpit.state.checklists import Checklist, ChecklistBook, ChecklistItem
from cockpit.state.store import Store


def test_the_command_is_the_command_or_the_hints_first_command_line() -> None:
    assert command_of("df -h", "free -h") == "df -h"
    assert command_of(None, "# disk\n$ df -h /\nmore") == "df -h /"
    assert command_of(None, "") is None and command_of("  ", None) is None


def test_plain_commands_are_argv_and_pipelines_go_through_sh() -> None:
    assert argv_for("df -h /") == ["df", "-h", "/"]
    assert argv_for("kubectl logs -l app=x | grep THREAT") == [
        "sh",
        "-c",
        "kubectl logs -l app=x | grep THREAT",
    ]


def test_a_read_only_command_runs_and_its_output_is_sanitized(tmp_path: Path) -> None:
    (tmp_path / "status.txt").write_bytes(b"disk ok\n\x1b]0;owned\x07title\n\x1b[2Jcleared\n")
    run = run_check(f"cat {tmp_path}/status.txt")
    assert run.passed and run.summary == f"ran `cat {tmp_path}/status.txt` (exit 0)"
    assert "\x1b" not in run.output and "\x07" not in run.output
    assert run.output.splitlines()[0] == "disk ok"
    piped = run_check(f"cat {tmp_path}/status.txt | grep -c ok")
    assert piped.passed and piped.output == "1"


def test_a_failing_check_reports_its_exit_and_output() -> None:
    run = run_check("ls /no/such/place")
    assert not run.passed and run.exit_code == 2
    assert "No such file or directory" in run.output


def test_mutating_commands_are_refused_before_anything_runs(tmp_path: Path) -> None:
    marker = tmp_path / "m"
    with pytest.raises(CommandRefused, match="runs as an action"):
        run_check(f"touch {marker}")
    with pytest.raises(CommandRefused, match="runs as an action"):
        run_check("docker restart api")
    assert not marker.exists()


def test_a_command_past_its_timeout_is_killed_with_its_group() -> None:
    run = run_check("tail -f /dev/null", timeout=0.3)
    assert run.exit_code is None and run.summary.endswith("(timed out)")


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
