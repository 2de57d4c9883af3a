"""Overdue and missed items: due moments in the checklist's zone, marks at a pinned moment."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest

from cockpit.feeds.checklist_due import ItemDue, assess, due_at, format_due, missed_runs
from cockpit.state.checklists import Checklist, ChecklistBook, ChecklistItem, TickState
from cockpit.state.store import Store

HOUR = 3600.0
DAY = 86400.0


def listed(
    cadence: Any = "daily",
    zone: str = "UTC",
    due: float | None = 10 * HOUR,
    items: tuple[ChecklistItem, ...] = (ChecklistItem("a", "A"),),
    shift_hours: tuple[int, ...] = (),
) -> Checklist:
    return Checklist(
        "c", "C", cadence, items, "test", timezone=zone, shift_hours=shift_hours, due=due
    )


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


@pytest.mark.parametrize(
    ("checklist", "period", "due"),
    [
        (listed(), "2026-11-20", utc(2026, 11, 20, 10)),
        # India keeps UTC+5:30 all year: 10:00 there is 04:30 UTC on every day.
        (listed(zone="Asia/Kolkata"), "2026-11-20", utc(2026, 11, 20, 4, 30)),
        (listed(zone="Asia/Kolkata"), "2026-06-20", utc(2026, 6, 20, 4, 30)),
        (listed(zone="America/New_York"), "2026-11-20", utc(2026, 11, 20, 15)),
        # Wednesday noon of ISO week 47 (it opens on Monday 16 November), in India.
        (
            listed("weekly", "Asia/Kolkata", 2.5 * DAY),
            "2026-W47",
            utc(2026, 11, 18, 6, 30),
        ),
        (listed("monthly", due=5 * DAY), "2026-11", utc(2026, 11, 6)),
        # The night shift from 19:00 Berlin (UTC+1 in November), due at 06:30 the next morning.
        (
            listed("shift", "Europe/Berlin", 11.5 * HOUR, shift_hours=(7, 19)),
            "2026-11-20T19",
            utc(2026, 11, 21, 5, 30),
        ),
    ],
)
def test_a_run_is_due_in_its_checklists_zone(
    checklist: Checklist, period: str, due: datetime
) -> None:
    assert due_at(checklist, period) == due
    assert due_at(checklist, period, checklist.items[0]) == due


def test_due_is_on_the_wall_clock_on_the_days_the_clocks_change() -> None:
    berlin = listed(zone="Europe/Berlin")
    assert due_at(berlin, "2026-03-28") == utc(2026, 3, 28, 9)  # CET, UTC+1
    assert due_at(berlin, "2026-03-29") == utc(2026, 3, 29, 8)  # clocks went forward at 02:00
    assert due_at(berlin, "2026-10-25") == utc(2026, 10, 25, 9)  # and back at 03:00


def test_an_items_own_due_time_wins_and_on_demand_lists_have_none() -> None:
    own = ChecklistItem("b", "B", due=8 * HOUR)
    checklist = listed(items=(ChecklistItem("a", "A"), own))
    assert due_at(checklist, "2026-11-20", own) == utc(2026, 11, 20, 8)
    assert due_at(checklist, "2026-11-20", checklist.items[0]) == utc(2026, 11, 20, 10)
    only_items = listed(due=None, items=(ChecklistItem("a", "A"), own))
    assert due_at(only_items, "2026-11-20") is None
    assert due_at(only_items, "2026-11-20", only_items.items[0]) is None
    assert due_at(only_items, "2026-11-20", own) == utc(2026, 11, 20, 8)
    assert due_at(listed("incident"), "INC-1") is None
    with pytest.raises(ValueError, match="not a daily period"):
        due_at(checklist, "2026-W47")


@pytest.mark.parametrize(
    ("checklist", "period", "moment", "shown"),
    [
        (listed(), "2026-11-20", utc(2026, 11, 20, 10), "10:00 UTC"),
        (listed(zone="Asia/Kolkata"), "2026-11-20", utc(2026, 11, 20, 4, 30), "10:00 IST"),
        (
            listed("shift", "Europe/Berlin", 11.5 * HOUR, shift_hours=(7, 19)),
            "2026-11-20T19",
            utc(2026, 11, 21, 5, 30),
            "Sat 06:30 CET",
        ),
        (listed("monthly", due=10 * DAY), "2026-11", utc(2026, 11, 11), "2026-11-11 00:00 UTC"),
    ],
)
def test_due_moments_read_in_the_checklists_zone(
    checklist: Checklist, period: str, moment: datetime, shown: str
) -> None:
    assert format_due(checklist, period, moment) == shown


KOLKATA = listed(
    zone="Asia/Kolkata",
    items=(
        ChecklistItem("early", "Backups verified", due=8 * HOUR),
        ChecklistItem("done", "Disk usage"),
        ChecklistItem("late", "Error log read"),
    ),
)


@pytest.mark.parametrize(
    ("local_time", "marks", "counts"),
    [
        ((7, 59), ["", "", ""], ""),
        ((8, 0), ["▲ overdue 0m", "", ""], "1 overdue"),  # due at 08:00 sharp
        ((9, 0), ["▲ overdue 1h", "", ""], "1 overdue"),
        ((12, 30), ["▲ overdue 4h", "", "▲ overdue 2h"], "2 overdue"),
    ],
)
def test_unticked_items_are_overdue_past_their_due_moment(
    local_time: tuple[int, int], marks: list[str], counts: str
) -> None:
    from zoneinfo import ZoneInfo

    now = datetime(2026, 11, 20, *local_time, tzinfo=ZoneInfo("Asia/Kolkata"))
    states = {"done": TickState(done=True, who="ana@ops", at=now)}
    run = assess(KOLKATA, "2026-11-20", states, {}, now)
    assert run.due == utc(2026, 11, 20, 4, 30)
    assert [item.marks(now)[0] for item in run.items.values()] == marks
    assert run.counts() == counts
    early = run.items["early"]
    assert early.due == utc(2026, 11, 20, 2, 30)
    assert early.overdue == bool(marks[0])
    assert early.overdue_since == (early.due if early.overdue else None)
    assert not run.items["done"].overdue  # ticked: never overdue, whatever the time


def test_missed_marks_show_while_the_item_is_unticked() -> None:
    now = utc(2026, 11, 20, 9)
    states = {"a": TickState(done=True), "b": TickState(done=False)}
    checklist = listed(items=(ChecklistItem("a", "A"), ChecklistItem("b", "B")))
    run = assess(checklist, "2026-11-20", states, {"a": 3, "b": 1}, now)
    assert run.items["a"] == ItemDue(True, utc(2026, 11, 20, 10), None, 3)
    assert run.items["a"].marks(now) == ("", "")
    assert run.items["b"].marks(now) == ("", "missed 1 run")
    assert run.counts() == "1 missed"
    later = utc(2026, 11, 20, 12)
    run = assess(checklist, "2026-11-20", {}, {"a": 3, "b": 1}, later)
    assert [i.marks(later) for i in run.items.values()] == [
        ("▲ overdue 2h", "missed 3 runs"),
        ("▲ overdue 2h", "missed 1 run"),
    ]
    assert run.counts() == "2 overdue · 2 missed"


def test_an_on_demand_list_is_never_overdue() -> None:
    checklist = listed("deploy", due=None)
    run = assess(checklist, "", {}, {}, utc(2026, 11, 20, 23))
    assert run.due is None and run.counts() == "" and not run.items["a"].overdue


# -- missed runs, read from the tick store -----------------------------------------------------


THREE = listed(items=(ChecklistItem("a", "A"), ChecklistItem("b", "B"), ChecklistItem("c", "C")))


@pytest.fixture
def book() -> ChecklistBook:
    return ChecklistBook(Store.memory(), clock=lambda: utc(2026, 11, 20, 9))


def test_missed_counts_the_runs_in_a_row_each_item_ended_unticked(book: ChecklistBook) -> None:
    book.tick("local", THREE, "a", "ana", period="2026-11-08")  # first used that day
    book.tick("local", THREE, "a", "ana", period="2026-11-19")
    book.tick("local", THREE, "c", "ana", period="2026-11-17")
    book.tick("local", THREE, "c", "bo", period="2026-11-19")
    book.untick("local", THREE, "c", "bo", "wrong host", period="2026-11-19")
    today = book.current_period(THREE)
    assert today == "2026-11-20"
    # b was never ticked: counting stops after seven runs; c ended 19 and 18 unticked.
    assert missed_runs(book, "local", THREE, today) == {"a": 0, "b": 7, "c": 2}
    # Further back, the count stops at the first run the list was used in.
    assert missed_runs(book, "local", THREE, today, look_back=30)["b"] == 12
    assert missed_runs(book, "local", THREE, "2026-11-09") == {"a": 0, "b": 1, "c": 1}
    assert missed_runs(book, "local", THREE, "2026-11-08") == {"a": 0, "b": 0, "c": 0}


def test_nothing_is_missed_where_the_list_was_never_used(book: ChecklistBook) -> None:
    book.tick("local", THREE, "a", "ana", period="2026-11-19")
    assert missed_runs(book, "prod", THREE, "2026-11-20") == {}
    book.tick("local", THREE, "a", "ana", period="2026-11-20")
    fresh = replace(listed(items=(ChecklistItem("x", "X"),)), id="configured today")
    assert missed_runs(book, "local", fresh, "2026-11-20") == {}
    release = listed("deploy", due=None)
    book.tick("local", release, "a", "ana", period="v1.2.0")
    assert missed_runs(book, "local", release, "v1.3.0") == {}


def test_missed_shifts_and_weeks_follow_their_own_periods(book: ChecklistBook) -> None:
    shift = listed("shift", "Europe/Berlin", 2 * HOUR, shift_hours=(7, 19))
    book.tick("local", shift, "a", "ana", period="2026-11-19T19")
    assert missed_runs(book, "local", shift, "2026-11-20T19") == {"a": 1}  # the day shift
    weekly = listed("weekly", due=None)
    book.untick("local", weekly, "a", "ana", period="2026-W01")
    assert missed_runs(book, "local", weekly, "2026-W02") == {"a": 1}
    assert missed_runs(book, "local", weekly, "2026-W03") == {"a": 2}
