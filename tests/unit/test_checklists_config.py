"""The `checklists:` section: validation at FILE:LINE, and periods in the configured timezone."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from cockpit.config import ConfigError, load_config_text
from cockpit.config.models import CockpitConfig
from cockpit.runbooks.configured import checklists_for, load_items, to_checklist
from cockpit.state.checklists import (
    DAILY_HOST_CHECKLIST,
    ChecklistBook,
    current_period,
    previous_period,
    resolve_period,
)
from cockpit.state.store import Store

HEAD = """\
environments:
  local: {protection: none}
  prod: {}
checklists:
"""


def load(body: str) -> CockpitConfig:
    return load_config_text(HEAD + body, "cockpit.yaml", Path("/srv/ops")).config


def problems(body: str) -> str:
    with pytest.raises(ConfigError) as caught:
        load(body)
    return str(caught.value)


def test_inline_items_and_defaults() -> None:
    config = load(
        """\
  - name: Daily host
    items:
      - text: Check disk usage
        hint: df -h
      - {text: Check memory usage}
  - name: Night shift
    period: shift
    timezone: Europe/Berlin
    shift_hours: [19, 7]
    environments: [prod]
    description: Handed over at 07:00 and 19:00
    items: [{text: Read the pager log}]
"""
    )
    daily, night = config.checklists
    assert daily.period == "daily" and daily.timezone == "UTC" and daily.environments is None
    assert [c.title for c in config.checklists_for("local")] == ["Daily host"]
    assert [c.title for c in config.checklists_for("prod")] == ["Daily host", "Night shift"]
    checklist = to_checklist(night, Path("/srv/ops"))
    assert checklist.cadence == "shift" and checklist.starts == (7, 19)
    assert checklist.timezone == "Europe/Berlin"
    assert to_checklist(daily, Path("/srv/ops")).items[0].hint == "df -h"


@pytest.mark.parametrize(
    ("body", "line", "words"),
    [
        (
            "  - name: A\n    timezone: Europe/Berln\n    items: [{text: x}]\n",
            6,
            ["unknown timezone 'Europe/Berln'", "Europe/Berlin"],
        ),
        ("  - name: A\n    period: hourly\n    items: [{text: x}]\n", 6, ["period"]),
        (
            "  - name: A\n    environments: [staging]\n    items: [{text: x}]\n",
            6,
            ["unknown environment 'staging'", "known: local, prod"],
        ),
        (
            "  - name: A\n    items:\n      - text: x\n      - text: x\n",
            8,
            ["item 'x' is listed twice"],
        ),
        (
            "  - name: A\n    shift_hours: [7, 19]\n    items: [{text: x}]\n",
            6,
            ["only goes with `period: shift`"],
        ),
        (
            "  - name: A\n    period: shift\n    shift_hours: [7, 24]\n    items: [{text: x}]\n",
            7,
            ["must be at most 23"],
        ),
        ("  - name: A\n    items: []\n", 6, ["`items:` is empty"]),
        (
            "  - name: A\n    runbook: RUNBOOK.md\n    items: [{text: x}]\n",
            5,
            ["exactly one of `items:` or `runbook:`", "both"],
        ),
        ("  - name: A\n    period: daily\n", 5, ["exactly one of", "neither"]),
        ("  - name: A\n    runbook: RUNBOOK.md\n", 6, ["needs `section:`"]),
        (
            "  - {name: A, items: [{text: x}]}\n  - {name: A, items: [{text: y}]}\n",
            6,
            ["'A' is used twice"],
        ),
        # `due:` as a time of day, a bare number or nothing: each says what to write instead.
        (
            "  - name: A\n    due: '10:00'\n    items: [{text: x}]\n",
            6,
            ["'10:00' is not how long after the run opens", "due: 10h (10:00 on a daily list"],
        ),
        (
            "  - name: A\n    items:\n      - {text: x, due: 10}\n",
            7,
            ["10 is not how long after the run opens", "due: 90m"],
        ),
        ("  - name: A\n    due: 0s\n    items: [{text: x}]\n", 6, ["'0s' is not how long"]),
        (
            "  - name: A\n    due: 1d\n    items: [{text: x}]\n",
            6,
            ["due 1d falls after the run ends (a daily run lasts 1d)", "e.g. due: 10h"],
        ),
        (
            "  - name: A\n    period: weekly\n    items:\n      - {text: x}\n"
            "      - {text: y, due: 7d}\n",
            9,
            ["due 7d falls after the run ends (a weekly run lasts 7d)", "e.g. due: 2d"],
        ),
        (
            "  - name: A\n    period: monthly\n    due: 30d\n    items: [{text: x}]\n",
            7,
            ["a monthly run can last only 28d, in February", "e.g. due: 5d"],
        ),
        (
            "  - name: A\n    period: shift\n    shift_hours: [6, 14, 22]\n    due: 9h\n"
            "    items: [{text: x}]\n",
            8,
            ["due 9h falls after the run ends (its shortest shift lasts 8h)", "e.g. due: 2h"],
        ),
        (
            "  - name: A\n    period: shift\n    due: 12h\n    items: [{text: x}]\n",
            7,
            ["its shortest shift lasts 12h"],
        ),
        (
            "  - name: A\n    period: incident\n    due: 1h\n    items: [{text: x}]\n",
            7,
            ["`due:` only goes with a daily, weekly, monthly or shift period", "incident run"],
        ),
    ],
)
def test_mistakes_are_reported_at_their_line(body: str, line: int, words: list[str]) -> None:
    text = problems(body)
    assert f"cockpit.yaml:{line}:" in text, text
    for word in words:
        assert word in text, text


# -- due times ---------------------------------------------------------------------------------


def test_due_times_on_a_checklist_and_its_items() -> None:
    config = load(
        """\
  - name: Daily host
    due: 10h
    items:
      - text: Check disk usage
      - {text: Check backups, due: 90m}
  - {name: Night shift, period: shift, shift_hours: [7, 19], due: 11.5h, items: [{text: x}]}
  - {name: Weekly, period: weekly, due: 2.5d, items: [{text: x}]}
  - {name: Monthly, period: monthly, items: [{text: x, due: 27d}]}
"""
    )
    daily, night, weekly, monthly = (to_checklist(c, Path("/srv")) for c in config.checklists)
    assert daily.due == 10 * 3600 and [i.due for i in daily.items] == [None, 90 * 60]
    assert night.due == 11.5 * 3600 and weekly.due == 60 * 3600
    assert monthly.due is None and monthly.items[0].due == 27 * 86400
    assert config.checklists[0].model_dump()["due"] == "10h"


def test_the_default_shifts_are_the_tick_stores() -> None:
    from cockpit.config.checklists import _SHIFT_HOURS
    from cockpit.state.checklists import DEFAULT_SHIFT_HOURS

    assert _SHIFT_HOURS == DEFAULT_SHIFT_HOURS


SEEDS = Path(__file__).resolve().parents[1] / "fixtures" / "seeds"
RUNBOOK_ENTRY = (
    "  - runbook: runbooks/DEPLOY.md\n    section: Pre-Deployment Checklist\n    period: deploy\n"
)


def test_runbook_entries_read_their_section_from_the_file(tmp_path: Path) -> None:
    (seed,) = SEEDS.glob("003_*.txt")
    (tmp_path / "runbooks").mkdir()
    (tmp_path / "runbooks" / "DEPLOY.md").write_bytes(seed.read_bytes())
    config = load(RUNBOOK_ENTRY)
    entry = config.checklists[0]
    assert entry.title == "Pre-Deployment Checklist"
    items = load_items(entry, tmp_path)
    assert len(items) == 8
    assert items[0].text == "All tests passing (CI green)"
    assert items[-1].text == "Rollback plan documented"
    checklist = to_checklist(entry, tmp_path)
    assert checklist.cadence == "deploy" and len(checklist.items) == 8
    assert checklist.source == f"runbook {tmp_path}/runbooks/DEPLOY.md § Pre-Deployment Checklist"


def test_a_missing_runbook_or_section_shows_why_with_no_items(tmp_path: Path) -> None:
    config = load(RUNBOOK_ENTRY)
    checklist = to_checklist(config.checklists[0], tmp_path)
    assert checklist.items == ()
    assert checklist.source.endswith(
        f"cannot read runbook {tmp_path}/runbooks/DEPLOY.md: No such file or directory"
    )
    (tmp_path / "runbooks").mkdir()
    (tmp_path / "runbooks" / "DEPLOY.md").write_text("# Deploy\n\n- [ ] one\n- [ ] one\n")
    config = load(RUNBOOK_ENTRY.replace("Pre-Deployment Checklist", "deploy"))
    assert [i.text for i in load_items(config.checklists[0], tmp_path)] == ["one", "one (2)"]
    config = load(RUNBOOK_ENTRY)
    checklist = to_checklist(config.checklists[0], tmp_path)
    assert checklist.items == ()
    assert "has no checklist under 'Pre-Deployment Checklist'; its checklists: 'Deploy'" in (
        checklist.source
    )


def test_the_built_in_list_only_without_a_config_file() -> None:
    config = load("  - {name: A, environments: [prod], items: [{text: x}]}\n")
    assert checklists_for(config, "local", Path("/srv"), config_file=True) == []
    assert [c.title for c in checklists_for(config, "prod", Path("/srv"), config_file=True)] == [
        "A"
    ]
    assert checklists_for(config, "local", Path("/srv"), config_file=False) == [
        DAILY_HOST_CHECKLIST
    ]


# -- periods in the configured timezone -----------------------------------------------------


@pytest.mark.parametrize(
    ("cadence", "zone", "when", "expected"),
    [
        # 23:30 UTC on 30 April is already 1 May in Berlin (UTC+2 in summer) ...
        ("daily", "Europe/Berlin", datetime(2024, 4, 30, 23, 30, tzinfo=UTC), "2024-05-01"),
        ("daily", "UTC", datetime(2024, 4, 30, 23, 30, tzinfo=UTC), "2024-04-30"),
        # ... and still 30 April in New York (UTC-4).
        ("daily", "America/New_York", datetime(2024, 5, 1, 3, 0, tzinfo=UTC), "2024-04-30"),
        ("monthly", "Europe/Berlin", datetime(2024, 4, 30, 22, 30, tzinfo=UTC), "2024-05"),
        ("weekly", "Asia/Tokyo", datetime(2024, 12, 29, 16, 0, tzinfo=UTC), "2025-W01"),
        ("weekly", "UTC", datetime(2024, 12, 29, 16, 0, tzinfo=UTC), "2024-W52"),
    ],
)
def test_calendar_periods_follow_the_timezone(
    cadence: str, zone: str, when: datetime, expected: str
) -> None:
    assert current_period(cadence, when, timezone=zone) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        (datetime(2024, 5, 1, 5, 0, tzinfo=UTC), "2024-05-01T07"),  # 07:00 Berlin
        (datetime(2024, 5, 1, 16, 59, tzinfo=UTC), "2024-05-01T07"),  # 18:59
        (datetime(2024, 5, 1, 17, 0, tzinfo=UTC), "2024-05-01T19"),  # 19:00
        (datetime(2024, 5, 2, 4, 59, tzinfo=UTC), "2024-05-01T19"),  # 06:59 next morning
        # Winter time (UTC+1): 06:30 UTC is 07:30 in Berlin.
        (datetime(2024, 1, 15, 6, 30, tzinfo=UTC), "2024-01-15T07"),
    ],
)
def test_shifts_are_keyed_by_their_local_start(when: datetime, expected: str) -> None:
    config = load(
        "  - name: Shift\n    period: shift\n    timezone: Europe/Berlin\n"
        "    shift_hours: [7, 19]\n    items: [{text: x}]\n"
    )
    checklist = to_checklist(config.checklists[0], Path("/srv"))
    book = ChecklistBook(Store.memory(), clock=lambda: when)
    assert book.current_period(checklist) == expected
    assert resolve_period(checklist, expected) == expected
    with pytest.raises(ValueError, match="not a shift period"):
        resolve_period(checklist, "2024-05-01T08")


def test_previous_periods() -> None:
    config = load(
        "  - {name: S, period: shift, shift_hours: [6, 14, 22], items: [{text: x}]}\n"
        "  - {name: W, period: weekly, items: [{text: x}]}\n"
        "  - {name: M, period: monthly, items: [{text: x}]}\n"
        "  - {name: D, period: daily, items: [{text: x}]}\n"
    )
    s, w, m, d = (to_checklist(c, Path("/srv")) for c in config.checklists)
    assert previous_period(s, "2024-03-01T06") == "2024-02-29T22"
    assert previous_period(s, "2024-03-01T22") == "2024-03-01T14"
    assert previous_period(w, "2021-W01") == "2020-W53"
    assert previous_period(m, "2024-01") == "2023-12"
    assert previous_period(d, "2024-03-01") == "2024-02-29"


def test_overdue_once_in_use_and_left_unfinished() -> None:
    config = load("  - {name: D, items: [{text: a}, {text: b}]}\n")
    checklist = to_checklist(config.checklists[0], Path("/srv"))
    store = Store.memory()
    moment = [datetime(2024, 5, 1, 9, 0, tzinfo=UTC)]
    book = ChecklistBook(store, clock=lambda: moment[0])
    book.tick("local", checklist, "a", "alice@host")
    assert book.overdue("local", checklist) is None  # today's run is still open
    moment[0] = datetime(2024, 5, 2, 9, 0, tzinfo=UTC)
    late = book.overdue("local", checklist)
    assert late is not None and (late.period, late.done, late.total) == ("2024-05-01", 1, 2)
    assert book.overdue("prod", checklist) is None  # never used there
    moment[0] = datetime(2024, 5, 1, 10, 0, tzinfo=UTC)
    book.tick("local", checklist, "b", "alice@host")
    moment[0] = datetime(2024, 5, 2, 9, 0, tzinfo=UTC)
    assert book.overdue("local", checklist) is None


def test_bound_items_name_a_known_service_or_metric() -> None:
    head = (
        "environments: {local: {}}\n"
        "services: [{name: web, checks: [{tcp: {host: 127.0.0.1, port: 80}}]}]\n"
        "metrics: [{name: disk, host: {metric: disk_percent}}]\n"
        "checklists:\n"
        "  - name: Daily\n"
        "    items:\n"
    )

    def problem(body: str) -> str:
        with pytest.raises(ConfigError) as caught:
            load_config_text(head + body, "cockpit.yaml", Path("/srv"))
        return str(caught.value)

    config = load_config_text(
        head + "      - {text: App up, when: {service: web}}\n"
        "      - {text: Disk ok, when: {metric: disk}}\n",
        "cockpit.yaml",
        Path("/srv"),
    ).config
    checklist = to_checklist(config.checklists[0], Path("/srv"))
    assert [i.when for i in checklist.items] == ["service:web", "metric:disk"]
    text = problem("      - {text: App up, when: {service: api}}\n")
    assert "cockpit.yaml:7:" in text and "no service named 'api'; write one of: web" in text
    text = problem("      - {text: Disk, when: {metric: cpu}}\n")
    assert "no metric named 'cpu'; write one of: disk" in text
    assert "exactly one of `service:` or `metric:`" in problem(
        "      - {text: Both, when: {service: web, metric: disk}}\n"
    )
