"""What `cockpit checklist` prints: the list table, one run's items, its JSON report, a tick."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping
from datetime import datetime

from cockpit.feeds.checklist_due import ItemDue, RunDue, assess, format_due, missed_runs
from cockpit.state.checklists import (
    CALENDAR_CADENCES,
    Checklist,
    ChecklistBook,
    ChecklistItem,
    TickState,
)
from cockpit.state.store import StoreError
from cockpit.text.sanitize import plain


def _when(moment: datetime | None) -> str | None:
    return None if moment is None else moment.strftime("%Y-%m-%d %H:%M:%S UTC")


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def _due(
    book: ChecklistBook,
    env: str,
    checklist: Checklist,
    period: str,
    states: Mapping[str, TickState],
    now: datetime,
) -> RunDue:
    return assess(checklist, period, states, missed_runs(book, env, checklist, period), now)


def _overdue_items(checklist: Checklist, period: str, due: RunDue) -> str:
    """``2 items since 10:00 UTC``, or ``""`` when none is overdue."""
    since = [item.overdue_since for item in due.items.values() if item.overdue_since is not None]
    if not since:
        return ""
    count = f"{len(since)} item{'s' if len(since) != 1 else ''}"
    return f"{count} since {format_due(checklist, period, min(since))}"


def list_table(
    book: ChecklistBook, checklists: list[tuple[Checklist, list[str]]], env: str | None
) -> str:
    """One row per checklist and environment: name, environment, run, progress, overdue.

    OVERDUE counts the current run's items past their due time and names the previous run when
    it was left unfinished.
    """
    rows: list[list[str]] = []
    for checklist, envs in checklists:
        for name in envs if env is None else [e for e in envs if e == env]:
            period = book.active_period(name, checklist)
            overdue: list[str] = []
            if period is None:
                run, progress = f"{checklist.cadence} (no run yet)", "-"
            else:
                states = book.state(name, checklist, period)
                run = f"{checklist.cadence} {period}"
                progress = f"{sum(s.done for s in states.values())}/{len(states)}"
                # Missed runs are left to `show`: the list reads only the current runs.
                due = assess(checklist, period, states, {}, book.now())
                overdue.append(_overdue_items(checklist, period, due))
            late = book.overdue(name, checklist)
            overdue.append(f"{late.period} left at {late.done}/{late.total}" if late else "")
            shown = "; ".join(part for part in overdue if part)
            rows.append([plain(checklist.title, 60), plain(name, 40), run, progress, shown])
    if not rows:
        return "no checklists configured (add them under `checklists:`)"
    header = ["NAME", "ENV", "PERIOD", "DONE", "OVERDUE"]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header) - 1)]
    return "\n".join(
        "  ".join([*(r[i].ljust(widths[i]) for i in range(len(widths))), r[-1]]).rstrip()
        for r in [header, *rows]
    )


def show(book: ChecklistBook, env: str, checklist: Checklist, period: str) -> str:
    """The run's items, numbered, each ticked or not with who, when and note."""
    states = book.state(env, checklist, period)
    done = sum(s.done for s in states.values())
    now = book.now()
    due = _due(book, env, checklist, period, states, now)
    heading = (
        f"{plain(checklist.title, 120)} · {plain(env, 40)} · {checklist.cadence} {period}"
        f" · {done}/{len(states)} done"
    )
    if due.due is not None:
        heading += f" · due {format_due(checklist, period, due.due)}"
    if due.counts():
        heading += f" · {due.counts()}"
    lines = [heading]
    if checklist.description:
        lines.append(plain(checklist.description, 500))
    late = book.overdue(env, checklist)
    if late is not None:
        lines.append(f"OVERDUE: the run {late.period} ended at {late.done}/{late.total}")
    if not checklist.items:
        lines.append(f"no items (source: {plain(checklist.source, 300)})")
    for number, item in enumerate(checklist.items, 1):
        state = states[item.id]
        line = f"{number:>3}. [{'x' if state.done else ' '}] {plain(item.text, 500)}"
        marks = " · ".join(mark for mark in due.items[item.id].marks(now) if mark)
        if marks:
            line += f"  {marks}"
        if state.who is not None:
            verb = "" if state.done else "unticked by "
            line += f" — {verb}{plain(state.who, 60)} at {_when(state.at)}"
        if state.note:
            line += f" — note: {plain(state.note, 500)}"
        lines.append(line)
        if item.hint:
            lines.append(f"       how: {plain(item.hint, 500)}")
    return "\n".join(lines)


def _item_json(
    number: int, item: ChecklistItem, state: TickState, due: ItemDue
) -> dict[str, object]:
    return {
        "number": number,
        "text": item.text,
        "checked": state.done,
        "who": state.who,
        "when": _iso(state.at),
        "note": state.note,
        "evidence": state.evidence,
        "due": _iso(due.due),
        "overdue": due.overdue,
        "missed": due.missed,
    }


def report_json(book: ChecklistBook, env: str, checklist: Checklist, period: str) -> str:
    """The run as JSON: the checklist, environment, period and every item with its tick.

    ``due`` is the run's due moment (null without one); each item adds its own ``due``, whether
    it is ``overdue`` now and how many runs before this one it was ``missed`` in.
    """
    states = book.state(env, checklist, period)
    due = _due(book, env, checklist, period, states, book.now())
    payload = {
        "checklist": checklist.title,
        "environment": env,
        "period": period,
        "cadence": checklist.cadence,
        "timezone": checklist.timezone if checklist.cadence in CALENDAR_CADENCES else None,
        "done": sum(s.done for s in states.values()),
        "total": len(states),
        "due": _iso(due.due),
        "items": [
            _item_json(n, item, states[item.id], due.items[item.id])
            for n, item in enumerate(checklist.items, 1)
        ],
    }
    return json.dumps(payload, indent=2, ensure_ascii=False)


def record(
    book: ChecklistBook,
    env: str,
    checklist: Checklist,
    item: ChecklistItem,
    period: str,
    args: argparse.Namespace,
    who: str,
) -> int:
    """Tick or untick ``item`` and say so once the store committed it (exit 0), or why not (1)."""
    import sqlite3

    done = args.checklist_command == "tick"
    try:
        if done:
            event = book.tick(env, checklist, item.id, who, args.note, period=period)
        else:
            event = book.untick(env, checklist, item.id, who, args.note, period=period)
    except (StoreError, sqlite3.Error, OSError) as exc:
        print(f"cockpit checklist: not saved: {exc}", file=sys.stderr)
        return 1
    number = checklist.items.index(item) + 1
    verb = "ticked" if done else "unticked"
    print(
        f"{verb} {number}. {plain(item.text, 200)} in {plain(checklist.title, 100)} "
        f"({plain(env, 40)}, {event.period}) as {plain(who, 60)}"
    )
    return 0
