"""`cockpit checklist` through the installed command, each call in its own process."""

from __future__ import annotations

import json
import re
import socket
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.support.backends import require_binary
from tests.support.cockpit_cli import cockpit_argv, cockpit_env

CONTRACT = """\
environments:
  local: {protection: none}
checklists:
  - name: Daily host
    period: daily
    items:
      - text: Check disk usage
      - text: Check memory usage
"""

MORE = """\
environments:
  local: {protection: none}
  prod: {}
ui: {default_environment: prod}
checklists:
  - name: Daily host
    items:
      - text: Check disk usage
        hint: df -h
      - text: Check memory usage
  - name: Release
    period: deploy
    environments: [prod]
    items: [{text: Announce the release}, {text: Watch the error rate}]
"""


def cockpit(
    home: Path,
    *args: str,
    user: str = "alice",
    timeout: float = 60.0,
    at: str | None = None,
) -> subprocess.CompletedProcess[str]:
    """``cockpit ARGS`` with its own HOME/XDG folders, run as ``user``.

    ``at`` (``2024-05-01 06:00:00``, UTC) starts the process's clock then, through faketime.
    """
    env = cockpit_env(home) | {"COCKPIT_USER": user}
    argv = cockpit_argv(*args)
    if at is not None:
        argv = [require_binary("faketime"), "-f", f"@{at}", *argv]
        env |= {"TZ": "UTC"}
    return subprocess.run(
        argv,
        cwd=home,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.fixture
def home(tmp_path: Path) -> Path:
    (tmp_path / "cockpit.yaml").write_text(CONTRACT)
    return tmp_path


def _report(home: Path, *extra: str) -> dict[str, object]:
    done = cockpit(home, "--config", "cockpit.yaml", "checklist", "report", *extra, "--format=json")
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    assert isinstance(payload, dict)
    return payload


def test_the_contract(home: Path) -> None:
    before = datetime.now(UTC)
    ticked = cockpit(
        home,
        "--config",
        str(home / "cockpit.yaml"),
        "checklist",
        "tick",
        "Daily host",
        "Check disk usage",
        "--note",
        "82% on /",
    )
    assert ticked.returncode == 0, ticked.stderr
    after = datetime.now(UTC)
    report = cockpit(
        home,
        "--config",
        str(home / "cockpit.yaml"),
        "checklist",
        "report",
        "Daily host",
        "--format",
        "json",
        user="bob",
    )
    assert report.returncode == 0, report.stderr
    payload = json.loads(report.stdout)
    ticked_run = ticked.stdout.rsplit("(local, ", 1)[1].split(")")[0]
    if payload["period"] != ticked_run:
        # Midnight UTC passed between the two commands: read the run that was ticked.
        payload = _report(home, "Daily host", "--period", ticked_run)
    disk, memory = payload["items"]
    host = socket.gethostname().split(".")[0]
    assert disk["text"] == "Check disk usage" and disk["checked"] is True
    assert disk["who"] == f"alice@{host}" and disk["note"] == "82% on /"
    assert before - timedelta(seconds=1) <= datetime.fromisoformat(disk["when"]) <= after
    assert memory == {
        "number": 2,
        "text": "Check memory usage",
        "checked": False,
        "who": None,
        "when": None,
        "note": None,
        "evidence": None,
        "due": None,
        "overdue": False,
        "missed": 0,
    }
    assert payload["period"] == datetime.fromisoformat(disk["when"]).strftime("%Y-%m-%d")
    assert payload["due"] is None
    assert (payload["done"], payload["total"]) == (1, 2)


def test_tick_by_number_untick_and_the_markdown_report(home: Path) -> None:
    base = ("--config", "cockpit.yaml", "checklist")
    assert cockpit(home, *base, "tick", "Daily host", "2").returncode == 0
    assert cockpit(home, *base, "tick", "daily host", "check disk usage", "--note", "41%").stdout
    assert _report(home, "Daily host")["done"] == 2
    untick = cockpit(home, *base, "untick", "Daily host", "1", user="bob")
    assert untick.returncode == 0, untick.stderr
    assert "unticked 1. Check disk usage" in untick.stdout
    items = _report(home, "Daily host")["items"]
    assert isinstance(items, list)
    assert [i["checked"] for i in items] == [False, True]
    assert items[0]["who"].startswith("bob@")
    markdown = cockpit(home, *base, "report", "Daily host").stdout
    assert markdown.startswith("# Daily host\n")
    assert "- [ ] Check disk usage — unticked by bob@" in markdown
    assert "- [x] Check memory usage — ticked by alice@" in markdown
    assert "- Progress: 1/2 done" in markdown
    shown = cockpit(home, *base, "show", "Daily host").stdout
    assert "  2. [x] Check memory usage — alice@" in shown and "1/2 done" in shown
    listed = cockpit(home, *base, "list").stdout.splitlines()
    assert listed[0].split() == ["NAME", "ENV", "PERIOD", "DONE", "OVERDUE"]
    assert listed[1].split()[:3] == ["Daily", "host", "local"] and "1/2" in listed[1]


@pytest.mark.parametrize(
    ("args", "names"),
    [
        (("tick", "Nightly host", "1"), ["no checklist named 'Nightly host'", "'Daily host'"]),
        (
            ("tick", "Daily host", "Check swap"),
            ["no item 'Check swap'", "1. Check disk usage", "2. Check memory usage"],
        ),
        (("untick", "Daily host", "3"), ["no item '3'", "2. Check memory usage"]),
        (("show", "Daily host", "--env", "prod"), ["unknown environment 'prod'", "local"]),
        (("report", "Daily host", "--period", "2024-13-01"), ["not a daily period"]),
    ],
)
def test_unknown_names_exit_2_with_the_known_ones(
    home: Path, args: tuple[str, ...], names: list[str]
) -> None:
    done = cockpit(home, "--config", "cockpit.yaml", "checklist", *args)
    assert done.returncode == 2
    for name in names:
        assert name in done.stderr, done.stderr
    # Nothing was written by a refused tick.
    assert _report(home, "Daily host")["done"] == 0


def test_environments_default_and_on_demand_runs(tmp_path: Path) -> None:
    (tmp_path / "cockpit.yaml").write_text(MORE)
    base = ("--config", "cockpit.yaml", "checklist")
    # ui.default_environment (prod) is the default, and the local run is separate.
    assert cockpit(tmp_path, *base, "tick", "Daily host", "1").returncode == 0
    assert _report(tmp_path, "Daily host")["environment"] == "prod"
    assert _report(tmp_path, "Daily host", "--env", "local")["done"] == 0
    no_run = cockpit(tmp_path, *base, "tick", "Release", "1")
    assert no_run.returncode == 2 and "--period" in no_run.stderr
    elsewhere = cockpit(tmp_path, *base, "show", "Release", "--env", "local")
    assert elsewhere.returncode == 2 and "it is in: prod" in elsewhere.stderr
    opened = cockpit(tmp_path, *base, "tick", "Release", "1", "--period", "v2.4.0")
    assert opened.returncode == 0 and "(prod, v2.4.0)" in opened.stdout
    # Later ticks go to the latest run without naming it.
    assert cockpit(tmp_path, *base, "tick", "Release", "2").returncode == 0
    release = _report(tmp_path, "Release")
    assert release["period"] == "v2.4.0" and release["done"] == 2
    shown = cockpit(tmp_path, *base, "show", "Daily host").stdout
    assert "how: df -h" in shown


def test_without_a_config_file_the_built_in_list_shows(tmp_path: Path) -> None:
    done = cockpit(tmp_path, "checklist", "list")
    assert done.returncode == 0, done.stderr
    assert "Daily host health checks" in done.stdout and "0/6" in done.stdout


def test_two_processes_ticking_at_once_lose_nothing(home: Path) -> None:
    many = CONTRACT + "".join(f"      - text: Item {n}\n" for n in range(3, 13))
    (home / "cockpit.yaml").write_text(many)
    argv = [cockpit_argv("--config", "cockpit.yaml", "checklist", "tick", "Daily host")]
    env = cockpit_env(home)

    def start(user: str, numbers: range) -> subprocess.Popen[str]:
        # One shell runs its ticks back to back, so the two users' writes interleave.
        script = " && ".join(
            " ".join(f"'{a}'" for a in [*argv[0], str(n), "--note", f"by {user}"]) for n in numbers
        )
        return subprocess.Popen(
            ["sh", "-c", script],
            cwd=home,
            env=env | {"COCKPIT_USER": user},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    odd, even = start("odd", range(1, 13, 2)), start("even", range(2, 13, 2))
    for proc in (odd, even):
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        assert out.count("ticked ") == 6
    payload = _report(home, "Daily host")
    items = payload["items"]
    assert isinstance(items, list)
    assert payload["done"] == 12
    for item in items:
        owner = "odd" if item["number"] % 2 else "even"
        assert item["who"].startswith(f"{owner}@") and item["note"] == f"by {owner}"


def test_a_checklist_from_a_runbook_section(tmp_path: Path) -> None:
    seeds = Path(__file__).resolve().parents[1] / "fixtures" / "seeds"
    (seed,) = seeds.glob("003_*.txt")
    (tmp_path / "runbooks").mkdir()
    (tmp_path / "runbooks" / "RUNBOOK.md").write_bytes(seed.read_bytes())
    (tmp_path / "cockpit.yaml").write_text(
        "environments:\n  prod: {}\nchecklists:\n"
        "  - runbook: runbooks/RUNBOOK.md\n"
        "    section: Pre-Deployment Checklist\n"
        "    period: deploy\n"
    )
    ticked = cockpit(
        tmp_path, "--config", "cockpit.yaml", "checklist", "tick",
        "Pre-Deployment Checklist", "7", "--period", "v1.4.0",
    )  # fmt: skip
    assert ticked.returncode == 0, ticked.stderr
    payload = _report(tmp_path, "Pre-Deployment Checklist")
    assert payload["period"] == "v1.4.0"
    items = payload["items"]
    assert isinstance(items, list) and len(items) == 8
    assert [i["text"] for i in items if i["checked"]] == ["Backup created"]


DUE = """\
environments:
  local: {protection: none}
checklists:
  - name: Morning checks
    period: daily
    timezone: Asia/Kolkata
    due: 10h
    items:
      - text: Check disk usage
      - text: Verify backups
        due: 8h
      - text: Read the error log
"""


def test_overdue_and_missed_items(tmp_path: Path) -> None:
    (tmp_path / "cockpit.yaml").write_text(DUE)
    base = ("--config", "cockpit.yaml", "checklist")
    # Runs in 2024 only: every due moment there has passed, whatever day the test runs on.
    for day, items in [
        ("2024-04-28", ["1"]),  # the list comes into use
        ("2024-04-29", ["1", "3"]),
        ("2024-04-30", ["1"]),
        ("2024-05-01", ["1"]),
    ]:
        for item in items:
            ticked = cockpit(tmp_path, *base, "tick", "Morning checks", item, "--period", day)
            assert ticked.returncode == 0, ticked.stderr
    payload = _report(tmp_path, "Morning checks", "--period", "2024-05-01")
    assert payload["due"] == "2024-05-01T04:30:00+00:00"  # 10:00 in India
    items = payload["items"]
    assert isinstance(items, list)
    assert [(i["due"], i["overdue"], i["missed"]) for i in items] == [
        ("2024-05-01T04:30:00+00:00", False, 0),
        ("2024-05-01T02:30:00+00:00", True, 3),
        ("2024-05-01T04:30:00+00:00", True, 1),
    ]
    shown = cockpit(tmp_path, *base, "show", "Morning checks", "--period", "2024-05-01")
    assert shown.returncode == 0, shown.stderr
    heading, *lines = shown.stdout.splitlines()
    assert heading.endswith("· 1/3 done · due 10:00 IST · 2 overdue · 2 missed"), heading
    first, second, third = (line for line in lines if line.startswith("  "))
    assert first.startswith("  1. [x] Check disk usage — alice@")
    assert re.fullmatch(r"  2\. \[ \] Verify backups  ▲ overdue \d+d · missed 3 runs", second)
    assert re.fullmatch(r"  3\. \[ \] Read the error log  ▲ overdue \d+d · missed 1 run", third)

    # The current run, at 11:30 in India on 1 May 2024.
    at = "2024-05-01 06:00:00"
    listed = cockpit(tmp_path, *base, "list", at=at)
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.splitlines()[1].endswith(
        "daily 2024-05-01  1/3   2 items since 08:00 IST; 2024-04-30 left at 1/3"
    ), listed.stdout
    now = cockpit(tmp_path, *base, "show", "Morning checks", at=at).stdout.splitlines()
    assert now[1] == "OVERDUE: the run 2024-04-30 ended at 1/3"
    assert now[3] == "  2. [ ] Verify backups  ▲ overdue 3h · missed 3 runs"
    assert now[4] == "  3. [ ] Read the error log  ▲ overdue 1h · missed 1 run"
