"""Checklist definitions, periods, ticks, history and the Markdown report, on a real file."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from cockpit.state.audit import AuditLog
from cockpit.state.checklists import (
    DAILY_HOST_CHECKLIST,
    Checklist,
    ChecklistBook,
    ChecklistItem,
    TickState,
    current_period,
    resolve_period,
    run_opens,
)
from cockpit.state.store import Store, utc_now

SEED = Path(__file__).resolve().parents[1] / "fixtures" / "seeds" / "004_b9641227118b5a6e.txt"

INCIDENT = Checklist(
    id="p1",
    title="P1 incident",
    cadence="incident",
    source="test",
    items=(
        ChecklistItem("ack", "Acknowledge the incident"),
        ChecklistItem("notify", "Notify on-call and stakeholders"),
        ChecklistItem("rollback", "Roll back if applicable", command="rollback-app"),
    ),
)


@pytest.fixture
def store(state_store: Store) -> Store:
    return state_store


@pytest.fixture
def book(store: Store) -> ChecklistBook:
    return ChecklistBook(store)


# -- definitions ------------------------------------------------------------------------------


def test_duplicate_item_ids_are_refused() -> None:
    with pytest.raises(ValueError, match="used twice"):
        Checklist("c", "C", "daily", (ChecklistItem("a", "A"), ChecklistItem("a", "B")), "t")


def test_unknown_cadence_is_refused() -> None:
    with pytest.raises(ValueError, match="cadence"):
        Checklist("c", "C", "hourly", (), "t")  # type: ignore[arg-type]


def test_unknown_item_is_a_key_error(book: ChecklistBook) -> None:
    with pytest.raises(KeyError, match="nope"):
        book.tick("prod", DAILY_HOST_CHECKLIST, "nope", "tester")


def test_daily_host_checklist_follows_the_seed_runbook() -> None:
    assert DAILY_HOST_CHECKLIST.cadence == "daily"
    ids = [i.id for i in DAILY_HOST_CHECKLIST.items]
    assert ids == ["app-health", "database", "disk", "memory", "recent-errors", "alerts"]
    seed = SEED.read_text()
    daily = seed[seed.index("### Daily Health Checks") : seed.index("### Weekly System Review")]
    commands = [
        line.strip()
        for line in daily.splitlines()
        if line.strip() and not line.startswith(("#", "`", "*")) and not line[0].isdigit()
    ]
    hints = [i.hint for i in DAILY_HOST_CHECKLIST.items]
    # Every command of the seed's daily checks is the hint of one item, in order.
    assert commands == [h for h in hints if h in commands]
    assert len(commands) == 5


# -- periods ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cadence", "when", "expected"),
    [
        ("daily", datetime(2024, 5, 1, 23, 59, tzinfo=UTC), "2024-05-01"),
        ("weekly", datetime(2024, 5, 1, tzinfo=UTC), "2024-W18"),
        ("weekly", datetime(2021, 1, 1, tzinfo=UTC), "2020-W53"),  # ISO year differs
        ("monthly", datetime(2024, 12, 31, 23, 0, tzinfo=UTC), "2024-12"),
        # Local evening in New York is already the next UTC day.
        ("daily", datetime(2024, 5, 1, 21, 30, tzinfo=timezone(timedelta(hours=-5))), "2024-05-02"),
    ],
)
def test_current_period(cadence: Any, when: datetime, expected: str) -> None:
    assert current_period(cadence, when) == expected


def test_current_period_needs_aware_time() -> None:
    with pytest.raises(ValueError, match="aware"):
        current_period("daily", datetime(2024, 5, 1))


@pytest.mark.parametrize("cadence", ["incident", "once"])
def test_event_driven_cadences_need_a_run_id(cadence: Any, book: ChecklistBook) -> None:
    checklist = Checklist("c", "C", cadence, (ChecklistItem("a", "A"),), "t")
    with pytest.raises(ValueError, match="run id"):
        book.tick("prod", checklist, "a", "tester")
    with pytest.raises(ValueError, match="run id"):
        resolve_period(checklist, "   ")
    assert resolve_period(checklist, " INC-1234 ") == "INC-1234"


@pytest.mark.parametrize(
    ("cadence", "bad"),
    [
        ("daily", "2024-5-1"),
        ("daily", "20240501"),
        ("daily", "2024-02-30"),
        ("daily", "yesterday"),
        ("daily", "2024-W18"),
        ("daily", "2024-05-01\n"),
        ("weekly", "2024-W54"),
        ("weekly", "2021-W53"),  # 2021 has 52 ISO weeks
        ("weekly", "2024-18"),
        ("monthly", "2024-13"),
        ("monthly", "2024-5"),
        ("monthly", "2024-05-01"),
    ],
)
def test_calendar_period_format_is_checked(cadence: Any, bad: str) -> None:
    checklist = Checklist("c", "C", cadence, (ChecklistItem("a", "A"),), "t")
    with pytest.raises(ValueError, match=f"not a {cadence} period"):
        resolve_period(checklist, bad)


@pytest.mark.parametrize(
    ("cadence", "good"), [("daily", "2024-02-29"), ("weekly", "2020-W53"), ("monthly", "2024-12")]
)
def test_calendar_periods_are_accepted(cadence: Any, good: str) -> None:
    checklist = Checklist("c", "C", cadence, (ChecklistItem("a", "A"),), "t")
    assert resolve_period(checklist, good) == good


@pytest.mark.parametrize(
    ("cadence", "zone", "period", "local"),
    [
        ("daily", "UTC", "2024-05-01", datetime(2024, 5, 1)),
        ("weekly", "Asia/Kolkata", "2025-W01", datetime(2024, 12, 30)),  # the ISO year's Monday
        ("monthly", "America/New_York", "2024-03", datetime(2024, 3, 1)),
        ("shift", "Europe/Berlin", "2024-05-01T19", datetime(2024, 5, 1, 19)),
    ],
)
def test_a_calendar_run_opens_at_its_local_start(
    cadence: Any, zone: str, period: str, local: datetime
) -> None:
    from zoneinfo import ZoneInfo

    checklist = Checklist("c", "C", cadence, (ChecklistItem("a", "A"),), "t", timezone=zone)
    opens = run_opens(checklist, period)
    assert opens.replace(tzinfo=None) == local and opens.tzinfo == ZoneInfo(zone)
    # The run that opens then is the one current then.
    assert current_period(cadence, opens, timezone=zone, shift_hours=checklist.starts) == period


def test_only_calendar_runs_open_by_themselves() -> None:
    with pytest.raises(ValueError, match="not a incident period"):
        run_opens(INCIDENT, "INC-1")
    with pytest.raises(ValueError, match="not a daily period"):
        run_opens(DAILY_HOST_CHECKLIST, "2024-W18")


def test_tick_without_period_lands_in_the_current_day(book: ChecklistBook) -> None:
    before = current_period("daily")
    event = book.tick("prod", DAILY_HOST_CHECKLIST, "disk", "tester")
    after = current_period("daily")
    assert event.period in {before, after}
    assert book.state("prod", DAILY_HOST_CHECKLIST, event.period)["disk"].done


# -- ticks and state --------------------------------------------------------------------------


def test_untouched_items_are_not_done(book: ChecklistBook) -> None:
    state = book.state("prod", DAILY_HOST_CHECKLIST, "2024-05-01")
    assert list(state) == [i.id for i in DAILY_HOST_CHECKLIST.items]
    assert all(s == TickState(done=False) for s in state.values())


def test_latest_event_per_item_wins(book: ChecklistBook) -> None:
    day = "2024-05-01"
    book.tick("prod", DAILY_HOST_CHECKLIST, "disk", "ann", "82% used", period=day)
    book.tick("prod", DAILY_HOST_CHECKLIST, "memory", "ann", period=day)
    book.untick("prod", DAILY_HOST_CHECKLIST, "memory", "bob", "swap is full", period=day)
    state = book.state("prod", DAILY_HOST_CHECKLIST, day)
    assert state["disk"].done and state["disk"].who == "ann" and state["disk"].note == "82% used"
    assert not state["memory"].done
    assert state["memory"].who == "bob" and state["memory"].note == "swap is full"
    assert state["memory"].at is not None and state["memory"].at.tzinfo is not None
    book.tick("prod", DAILY_HOST_CHECKLIST, "memory", "cy", period=day)
    assert book.state("prod", DAILY_HOST_CHECKLIST, day)["memory"].done


def test_runs_are_separate_per_environment_and_period(book: ChecklistBook) -> None:
    book.tick("prod", DAILY_HOST_CHECKLIST, "disk", "ann", period="2024-05-01")
    assert not book.state("staging", DAILY_HOST_CHECKLIST, "2024-05-01")["disk"].done
    assert not book.state("prod", DAILY_HOST_CHECKLIST, "2024-05-02")["disk"].done
    book.tick("prod", INCIDENT, "ack", "ann", period="INC-1")
    assert not book.state("prod", INCIDENT, "INC-2")["ack"].done
    assert book.state("prod", INCIDENT, "INC-1")["ack"].done


def test_several_runs_are_read_at_once(book: ChecklistBook) -> None:
    book.tick("prod", DAILY_HOST_CHECKLIST, "disk", "ann", period="2024-05-01")
    book.tick("prod", DAILY_HOST_CHECKLIST, "disk", "ann", period="2024-05-02")
    book.untick("prod", DAILY_HOST_CHECKLIST, "disk", "bob", "wrong host", period="2024-05-02")
    book.tick("staging", DAILY_HOST_CHECKLIST, "memory", "ann", period="2024-05-03")
    runs = book.run_states("prod", DAILY_HOST_CHECKLIST, ["2024-05-03", "2024-05-02", "2024-05-01"])
    assert list(runs) == ["2024-05-03", "2024-05-02", "2024-05-01"]
    for period, states in runs.items():
        assert states == book.state("prod", DAILY_HOST_CHECKLIST, period)
    assert runs["2024-05-01"]["disk"].done and not runs["2024-05-02"]["disk"].done
    assert runs["2024-05-02"]["disk"].note == "wrong host"
    assert not any(s.done for s in runs["2024-05-03"].values())
    assert book.run_states("prod", DAILY_HOST_CHECKLIST, []) == {}


def test_first_run_is_the_earliest_with_any_event(book: ChecklistBook) -> None:
    assert book.first_run("prod", DAILY_HOST_CHECKLIST) is None
    book.tick("prod", DAILY_HOST_CHECKLIST, "disk", "ann", period="2024-05-02")
    book.untick("prod", DAILY_HOST_CHECKLIST, "disk", "ann", period="2024-04-30")
    book.tick("staging", DAILY_HOST_CHECKLIST, "disk", "ann", period="2024-04-01")
    assert book.first_run("prod", DAILY_HOST_CHECKLIST) == "2024-04-30"


def test_blank_note_is_stored_as_none(book: ChecklistBook) -> None:
    event = book.tick("prod", INCIDENT, "ack", "ann", "   ", period="INC-1")
    assert event.note is None
    assert book.state("prod", INCIDENT, "INC-1")["ack"].note is None


def test_history_keeps_every_event_in_order(book: ChecklistBook) -> None:
    book.tick("prod", INCIDENT, "ack", "ann", period="INC-1")
    book.untick("prod", INCIDENT, "ack", "bob", "wrong incident", period="INC-1")
    book.tick("prod", INCIDENT, "notify", "ann", period="INC-1")
    book.tick("prod", INCIDENT, "ack", "ann", period="INC-2")
    everything = book.history("prod", INCIDENT)
    assert [(e.period, e.item_id, e.done, e.who) for e in everything] == [
        ("INC-1", "ack", True, "ann"),
        ("INC-1", "ack", False, "bob"),
        ("INC-1", "notify", True, "ann"),
        ("INC-2", "ack", True, "ann"),
    ]
    assert [e.id for e in everything] == sorted(e.id for e in everything)
    assert len(book.history("prod", INCIDENT, "INC-1")) == 3
    assert [e.done for e in book.history("prod", INCIDENT, "INC-1", item_id="ack")] == [True, False]
    assert book.history("staging", INCIDENT) == []
    assert book.periods("prod", INCIDENT) == ["INC-2", "INC-1"]


def test_every_tick_and_untick_is_audited(store: Store, book: ChecklistBook) -> None:
    tick = book.tick("prod", INCIDENT, "ack", "ann", "paged", period="INC-7")
    book.untick("prod", INCIDENT, "ack", "bob", period="INC-7")
    records = AuditLog(store).list(environment="prod")
    assert [(r.kind, r.who) for r in records] == [
        ("checklist.tick", "ann"),
        ("checklist.untick", "bob"),
    ]
    assert records[0].details == {
        "checklist": "p1",
        "period": "INC-7",
        "item": "ack",
        "note": "paged",
        "event_id": tick.id,
    }
    assert "Acknowledge the incident" in records[0].summary


class _FailingAudit(AuditLog):
    """An audit log whose storage step fails after the row was inserted."""

    def record(
        self,
        kind: str,
        environment: str | None,
        who: str,
        summary: str,
        details: Mapping[str, Any] | None = None,
    ) -> int:
        super().record(kind, environment, who, summary, details)
        raise OSError("audit sink failed")


def test_tick_and_audit_are_saved_together_or_not_at_all(store: Store) -> None:
    book = ChecklistBook(store, _FailingAudit(store))
    with pytest.raises(OSError, match="audit sink failed"):
        book.tick("prod", INCIDENT, "ack", "ann", period="INC-1")
    assert book.history("prod", INCIDENT) == []
    assert AuditLog(store).list() == []


def test_ticks_survive_reopening_the_file(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    with Store.open(path) as s:
        ChecklistBook(s).tick("prod", DAILY_HOST_CHECKLIST, "alerts", "ann", period="2024-05-01")
    with Store.open(path) as s:
        assert ChecklistBook(s).state("prod", DAILY_HOST_CHECKLIST, "2024-05-01")["alerts"].done


def test_empty_env_or_who_is_refused(book: ChecklistBook) -> None:
    with pytest.raises(ValueError):
        book.tick("", INCIDENT, "ack", "ann", period="INC-1")
    with pytest.raises(ValueError):
        book.tick("prod", INCIDENT, "ack", " ", period="INC-1")


# -- export -----------------------------------------------------------------------------------


def test_export_markdown_report(book: ChecklistBook) -> None:
    day = "2024-05-01"
    book.tick("prod", DAILY_HOST_CHECKLIST, "disk", "ann", "/var at 71%", period=day)
    book.tick("prod", DAILY_HOST_CHECKLIST, "memory", "ann", period=day)
    book.untick("prod", DAILY_HOST_CHECKLIST, "memory", "bob", "OOM kills\nin dmesg", period=day)
    before = utc_now().replace(microsecond=0)
    report = book.export_markdown("prod", DAILY_HOST_CHECKLIST, day)
    lines = report.splitlines()
    assert lines[0] == "# Daily host health checks"
    assert "- Environment: prod" in lines
    assert "- Period: 2024-05-01 (daily)" in lines
    assert "- Progress: 1/6 done" in lines
    items = [line for line in lines if line.startswith("- [")]
    assert len(items) == len(DAILY_HOST_CHECKLIST.items)
    stamp = r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC"
    assert re.fullmatch(
        rf"- \[x\] Disk usage is within capacity — ticked by ann at {stamp} — note: /var at 71%",
        items[2],
    )
    # The multi-line note stays on its item's line.
    assert re.fullmatch(
        rf"- \[ \] Memory usage is normal — unticked by bob at {stamp} — note: OOM kills in dmesg",
        items[3],
    )
    assert items[0] == "- [ ] Application health endpoint responds"
    exported = next(line for line in lines if line.startswith("- Exported: "))
    when = datetime.strptime(exported.removeprefix("- Exported: "), "%Y-%m-%d %H:%M:%S UTC")
    assert when.replace(tzinfo=UTC) >= before


def test_export_flattens_control_characters(book: ChecklistBook) -> None:
    book.tick(
        "prod", INCIDENT, "ack", "ann", "ok\x1b[2J\u202egnp.exe\r\n# not a heading", period="I"
    )
    report = book.export_markdown("prod", INCIDENT, "I")
    assert "\x1b" not in report and "\u202e" not in report and "\r" not in report
    assert "\n# not a heading" not in report
    assert report.count("\n# ") == 0 and report.startswith("# P1 incident\n")
