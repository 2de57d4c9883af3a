"""Checklist definitions and who ticked what, when.

Ticks are stored as append-only events; the state of a run is the latest event per item, so
nothing an operator recorded is ever lost and the full history can be replayed. A *run* is one
(environment, checklist, period): the period comes from the cadence (a day, an ISO week, a month
or a shift, in the checklist's timezone) or, for deploy, incident and one-off checklists, is an
explicit run id such as the incident number.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal, get_args

from cockpit.state.audit import AuditLog
from cockpit.state.store import Store, from_iso, to_iso, utc_now

Cadence = Literal["daily", "weekly", "monthly", "shift", "deploy", "incident", "once"]
CADENCES: tuple[str, ...] = get_args(Cadence)

CALENDAR_CADENCES: tuple[str, ...] = ("daily", "weekly", "monthly", "shift")
DEFAULT_SHIFT_HOURS: tuple[int, ...] = (7, 19)
"""Local hours at which shifts start when a shift checklist names none."""
_WEEK_RE = re.compile(r"(\d{4})-W(\d{2})")
_SHIFT_RE = re.compile(r"(\d{4}-\d{2}-\d{2})T(\d{2})")
_MAX_RUN_ID = 200


@dataclass(frozen=True, slots=True)
class ChecklistItem:
    """One thing to check.

    Attributes:
        id: Stable key of the item within its checklist (ticks refer to it).
        text: What to check, as shown to the operator.
        hint: How to check it, e.g. the runbook's shell command; None when there is none.
        command: A cockpit action that performs the check, or None.
        when: What ticks it by itself (``service:NAME`` or ``metric:NAME``), or None.
        due: Seconds after its run opens by which this item is due, when it has its own due
            time (else the checklist's :attr:`Checklist.due` holds).
    """

    id: str
    text: str
    hint: str | None = None
    command: str | None = None
    when: str | None = None
    due: float | None = None


@dataclass(frozen=True, slots=True)
class Checklist:
    """A named list of items ticked once per period.

    Attributes:
        id: Stable key (ticks refer to it).
        title: Shown as the heading.
        cadence: How runs are keyed: daily, weekly, monthly, shift (calendar periods), deploy,
            incident or once (a run id given when the run is opened).
        items: The items, in display order.
        source: Where the definition came from (a runbook path, config, ``built-in``).
        timezone: IANA name of the zone whose days, weeks, months and shifts make the periods.
        shift_hours: Local hours at which shifts start (shift cadence; empty means 7 and 19).
        description: What the checklist is for, or None.
        due: Seconds after a calendar run opens (see :func:`run_opens`) by which its items are
            due, counted on the local wall clock; None when they have no due time.
    """

    id: str
    title: str
    cadence: Cadence
    items: tuple[ChecklistItem, ...]
    source: str
    timezone: str = "UTC"
    shift_hours: tuple[int, ...] = ()
    description: str | None = None
    due: float | None = None

    def __post_init__(self) -> None:
        """Refuse definitions that would make ticks ambiguous."""
        if not self.id:
            raise ValueError("a checklist needs an id")
        if self.cadence not in CADENCES:
            raise ValueError(f"checklist {self.id}: unknown cadence {self.cadence!r}")
        seen: set[str] = set()
        for item in self.items:
            if not item.id:
                raise ValueError(f"checklist {self.id}: an item has no id")
            if item.id in seen:
                raise ValueError(f"checklist {self.id}: item id {item.id!r} is used twice")
            seen.add(item.id)
        if any(not 0 <= hour <= 23 for hour in self.shift_hours):
            raise ValueError(f"checklist {self.id}: shift hours are 0-23")

    @property
    def starts(self) -> tuple[int, ...]:
        """The local hours shifts start at, sorted (shift cadence)."""
        return tuple(sorted(set(self.shift_hours or DEFAULT_SHIFT_HOURS)))

    def item(self, item_id: str) -> ChecklistItem:
        """The item called ``item_id``.

        Raises:
            KeyError: No such item.
        """
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(f"checklist {self.id} has no item {item_id!r}")


@dataclass(frozen=True, slots=True)
class TickState:
    """Where one item of a run stands.

    Attributes:
        done: Ticked (True) or not (False).
        who: Who ticked or unticked it last; None if nobody touched it yet.
        at: When that happened (aware, UTC), or None.
        note: The note given with that tick or untick.
        evidence: What showed the item done, e.g. the sanitized output of its check command.
    """

    done: bool
    who: str | None = None
    at: datetime | None = None
    note: str | None = None
    evidence: str | None = None


@dataclass(frozen=True, slots=True)
class TickEvent:
    """One stored tick or untick."""

    id: int
    environment: str
    checklist_id: str
    period: str
    item_id: str
    done: bool
    who: str
    at: datetime
    note: str | None
    evidence: str | None = None


def current_period(
    cadence: Cadence,
    now: datetime | None = None,
    *,
    timezone: str = "UTC",
    shift_hours: tuple[int, ...] = DEFAULT_SHIFT_HOURS,
) -> str:
    """The period key of a calendar cadence at ``now``, e.g. ``2024-05-01``.

    Days, weeks, months and shifts are those of ``timezone`` (UTC by default), so operators in
    different zones share one run. A shift is keyed by the local date and hour it started, e.g.
    ``2024-05-01T19`` for the night shift that began at 19:00 on 1 May.

    Raises:
        ValueError: deploy, incident and once have no calendar period (pass a run id instead),
            or ``now`` is naive.
        zoneinfo.ZoneInfoNotFoundError: ``timezone`` is not a known zone.
    """
    if now is not None and now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    # Deferred: zoneinfo reads sysconfig to find the zone files, which importing state avoids.
    from zoneinfo import ZoneInfo

    moment = (now or utc_now()).astimezone(ZoneInfo(timezone))
    if cadence == "daily":
        return moment.strftime("%Y-%m-%d")
    if cadence == "weekly":
        year, week, _ = moment.isocalendar()
        return f"{year:04d}-W{week:02d}"
    if cadence == "monthly":
        return moment.strftime("%Y-%m")
    if cadence == "shift":
        starts = sorted(set(shift_hours)) or list(DEFAULT_SHIFT_HOURS)
        began = [hour for hour in starts if hour <= moment.hour]
        if began:
            return f"{moment:%Y-%m-%d}T{began[-1]:02d}"
        # Before the first start of the day: the last shift of yesterday is still on.
        return f"{moment.date() - timedelta(days=1):%Y-%m-%d}T{starts[-1]:02d}"
    raise ValueError(f"a {cadence} checklist has no calendar period: give an explicit run id")


def previous_period(checklist: Checklist, period: str) -> str:
    """The calendar period just before ``period`` (a key of the checklist's cadence).

    Raises:
        ValueError: The cadence has no calendar periods, or ``period`` is not one of its keys.
    """
    cadence = checklist.cadence
    if cadence not in CALENDAR_CADENCES or not _is_calendar_period(checklist, period):
        raise ValueError(f"{period!r} is not a {cadence} period")
    if cadence == "daily":
        return (date.fromisoformat(period) - timedelta(days=1)).isoformat()
    if cadence == "weekly":
        year, week = int(period[:4]), int(period[6:])
        before = date.fromisocalendar(year, week, 1) - timedelta(days=7)
        return f"{before.isocalendar()[0]:04d}-W{before.isocalendar()[1]:02d}"
    if cadence == "monthly":
        year, month = int(period[:4]), int(period[5:])
        return f"{year - (month == 1):04d}-{(month - 2) % 12 + 1:02d}"
    day, hour = date.fromisoformat(period[:10]), int(period[11:])
    starts = checklist.starts
    index = starts.index(hour)
    if index:
        return f"{day:%Y-%m-%d}T{starts[index - 1]:02d}"
    return f"{day - timedelta(days=1):%Y-%m-%d}T{starts[-1]:02d}"


def run_opens(checklist: Checklist, period: str) -> datetime:
    """When a calendar run opens, aware in the checklist's zone.

    A daily run opens at local midnight, a weekly one on the Monday of its ISO week, a monthly
    one on the 1st, a shift at its start hour.

    Raises:
        ValueError: The cadence has no calendar periods, or ``period`` is not one of its keys.
    """
    from zoneinfo import ZoneInfo

    cadence = checklist.cadence
    if cadence not in CALENDAR_CADENCES or not _is_calendar_period(checklist, period):
        raise ValueError(f"{period!r} is not a {cadence} period")
    hour = int(period[11:]) if cadence == "shift" else 0
    if cadence == "weekly":
        day = date.fromisocalendar(int(period[:4]), int(period[6:]), 1)
    elif cadence == "monthly":
        day = date(int(period[:4]), int(period[5:]), 1)
    else:
        day = date.fromisoformat(period[:10])
    return datetime(day.year, day.month, day.day, hour, tzinfo=ZoneInfo(checklist.timezone))


def resolve_period(checklist: Checklist, period: str | None, now: datetime | None = None) -> str:
    """The period to use for ``checklist``: ``period`` checked, or the current one.

    Raises:
        ValueError: The period does not fit the cadence, or an incident/once checklist got none.
    """
    if period is None:
        if checklist.cadence in CALENDAR_CADENCES:
            return _current(checklist, now)
        raise ValueError(
            f"checklist {checklist.id} is {checklist.cadence}: give a run id (e.g. the incident id)"
        )
    if checklist.cadence in CALENDAR_CADENCES:
        if not _is_calendar_period(checklist, period):
            raise ValueError(
                f"{period!r} is not a {checklist.cadence} period "
                f"(expected like {_current(checklist, None)})"
            )
        return period
    run_id = period.strip()
    if not run_id or len(run_id) > _MAX_RUN_ID or not run_id.isprintable():
        raise ValueError(f"run id must be 1-{_MAX_RUN_ID} printable characters")
    return run_id


def _current(checklist: Checklist, now: datetime | None) -> str:
    return current_period(
        checklist.cadence, now, timezone=checklist.timezone, shift_hours=checklist.starts
    )


def _is_calendar_period(checklist: Checklist, text: str) -> bool:
    """Whether ``text`` is a period of the checklist, written as :func:`current_period` does."""
    cadence = checklist.cadence
    try:
        if cadence == "daily":
            return date.fromisoformat(text).isoformat() == text
        if cadence == "monthly":
            return datetime.strptime(text, "%Y-%m").strftime("%Y-%m") == text
        if cadence == "shift":
            m = _SHIFT_RE.fullmatch(text)
            return (
                m is not None
                and date.fromisoformat(m[1]).isoformat() == m[1]
                and int(m[2]) in checklist.starts
            )
        m = _WEEK_RE.fullmatch(text)
        return m is not None and bool(date.fromisocalendar(int(m[1]), int(m[2]), 1))
    except ValueError:
        return False


@dataclass(frozen=True, slots=True)
class RunSummary:
    """How far one run got.

    Attributes:
        period: The run's period or run id.
        done: Items ticked.
        total: Items in the checklist.
    """

    period: str
    done: int
    total: int

    @property
    def complete(self) -> bool:
        """Every item is ticked."""
        return self.done == self.total


class ChecklistBook:
    """Ticks of checklist runs, kept in the store, each mirrored in the audit trail."""

    def __init__(
        self,
        store: Store,
        audit: AuditLog | None = None,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        """Record into ``store``; audit records go to ``audit`` (a new AuditLog when None).

        ``clock`` gives the time of every tick and the current period, so a caller that shows
        a fixed moment (a test, a replay) sees the same day in the store and on screen.
        """
        self._store = store
        self._clock = clock
        self._audit = audit or AuditLog(store, clock)

    def now(self) -> datetime:
        """The book's current time (aware, UTC)."""
        return self._clock()

    def current_period(self, checklist: Checklist) -> str:
        """The run of ``checklist`` that is current by the book's clock."""
        return resolve_period(checklist, None, self._clock())

    def active_period(self, env: str, checklist: Checklist) -> str | None:
        """The run to show: the current calendar period, else the latest run with any tick.

        Deploy, incident and one-off checklists have a run only once one was opened by ticking
        with a run id; None until then.
        """
        if checklist.cadence in CALENDAR_CADENCES:
            return self.current_period(checklist)
        runs = self.periods(env, checklist)
        return runs[0] if runs else None

    def summary(self, env: str, checklist: Checklist, period: str) -> RunSummary:
        """Items done out of all in one run."""
        states = self.state(env, checklist, period)
        return RunSummary(period, sum(s.done for s in states.values()), len(states))

    def overdue(self, env: str, checklist: Checklist) -> RunSummary | None:
        """The previous calendar run when it ended with items left unticked, else None.

        Only once the checklist is in use in ``env`` (a tick in that run or an earlier one):
        a list configured today is not overdue for yesterday.
        """
        if checklist.cadence not in CALENDAR_CADENCES or not checklist.items:
            return None
        before = previous_period(checklist, self.current_period(checklist))
        first = self.first_run(env, checklist)
        if first is None or first > before:
            return None
        last = self.summary(env, checklist, before)
        return None if last.complete else last

    def tick(
        self,
        env: str,
        checklist: Checklist,
        item_id: str,
        who: str,
        note: str | None = None,
        *,
        period: str | None = None,
        evidence: str | None = None,
    ) -> TickEvent:
        """Mark an item done in a run (the current period unless ``period`` is given).

        ``evidence`` (e.g. the output of the item's check command) is stored with the tick.

        Returns:
            The stored event.

        Raises:
            KeyError: The checklist has no such item.
            ValueError: Bad period or run id, or empty environment or who.
            cockpit.state.store.StoreReadOnlyError: The store refuses writes.
        """
        return self._append(
            env, checklist, item_id, who, note, period, done=True, evidence=evidence
        )

    def untick(
        self,
        env: str,
        checklist: Checklist,
        item_id: str,
        who: str,
        note: str | None = None,
        *,
        period: str | None = None,
    ) -> TickEvent:
        """Mark an item not done again; the earlier tick stays in the history.

        Raises:
            KeyError: The checklist has no such item.
            ValueError: Bad period or run id, or empty environment or who.
            cockpit.state.store.StoreReadOnlyError: The store refuses writes.
        """
        return self._append(env, checklist, item_id, who, note, period, done=False)

    def _append(
        self,
        env: str,
        checklist: Checklist,
        item_id: str,
        who: str,
        note: str | None,
        period: str | None,
        *,
        done: bool,
        evidence: str | None = None,
    ) -> TickEvent:
        item = checklist.item(item_id)
        if not env.strip() or not who.strip():
            raise ValueError("a tick needs an environment and a who")
        at = self._clock()
        run = resolve_period(checklist, period, at)
        if note is not None:
            note = note.strip() or None
        verb = "ticked" if done else "unticked"
        with self._store.write() as conn:
            cur = conn.execute(
                "INSERT INTO checklist_events "
                "(environment, checklist_id, period, item_id, done, who, at, note, evidence) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (env, checklist.id, run, item_id, int(done), who, to_iso(at), note, evidence),
            )
            event_id = int(cur.lastrowid or 0)
            self._audit.record(
                f"checklist.{'tick' if done else 'untick'}",
                env,
                who,
                f"{verb} {item.text!r} in {checklist.title} ({run})",
                {
                    "checklist": checklist.id,
                    "period": run,
                    "item": item_id,
                    "note": note,
                    "event_id": event_id,
                },
            )
        return TickEvent(event_id, env, checklist.id, run, item_id, done, who, at, note, evidence)

    def state(
        self, env: str, checklist: Checklist, period: str | None = None
    ) -> dict[str, TickState]:
        """Every item of the checklist (in order) with its latest tick state in the run.

        Items nobody touched are ``TickState(done=False)``. Events for items since removed from
        the definition are left out here but stay in :meth:`history`.
        """
        run = resolve_period(checklist, period, self._clock())
        return self.run_states(env, checklist, [run])[run]

    def run_states(
        self, env: str, checklist: Checklist, periods: Sequence[str]
    ) -> dict[str, dict[str, TickState]]:
        """:meth:`state` of several runs at once, keyed by period (each as given, unchecked).

        A run nobody touched has every item ``TickState(done=False)``.
        """
        latest: dict[str, dict[str, TickState]] = {period: {} for period in periods}
        if periods:
            marks = ", ".join("?" * len(latest))
            rows = self._store.read(
                "SELECT e.period, e.item_id, e.done, e.who, e.at, e.note, e.evidence "
                "FROM checklist_events AS e JOIN (SELECT MAX(id) AS last FROM checklist_events "
                f"WHERE environment = ? AND checklist_id = ? AND period IN ({marks}) "
                "GROUP BY period, item_id) AS m ON e.id = m.last",
                (env, checklist.id, *latest),
            )
            for r in rows:
                latest[r["period"]][r["item_id"]] = TickState(
                    bool(r["done"]), r["who"], from_iso(r["at"]), r["note"], r["evidence"]
                )
        untouched = TickState(done=False)
        return {
            period: {item.id: states.get(item.id, untouched) for item in checklist.items}
            for period, states in latest.items()
        }

    def first_run(self, env: str, checklist: Checklist) -> str | None:
        """The earliest run of a calendar checklist in ``env`` with any event; None if none.

        Calendar keys sort as text in time order (ISO dates, weeks, months, date+hour), so this
        is when the checklist came into use there.
        """
        row = self._store.read_one(
            "SELECT MIN(period) AS first FROM checklist_events "
            "WHERE environment = ? AND checklist_id = ?",
            (env, checklist.id),
        )
        return None if row is None else row["first"]

    def history(
        self,
        env: str,
        checklist: Checklist,
        period: str | None = None,
        *,
        item_id: str | None = None,
    ) -> list[TickEvent]:
        """Every tick and untick, oldest first.

        Args:
            env: The environment.
            checklist: The checklist.
            period: One run only; every run when None.
            item_id: One item only.
        """
        sql = "SELECT * FROM checklist_events WHERE environment = ? AND checklist_id = ?"
        params: list[str] = [env, checklist.id]
        if period is not None:
            sql += " AND period = ?"
            params.append(resolve_period(checklist, period, self._clock()))
        if item_id is not None:
            sql += " AND item_id = ?"
            params.append(item_id)
        rows = self._store.read(sql + " ORDER BY id", params)
        return [
            TickEvent(
                id=int(r["id"]),
                environment=r["environment"],
                checklist_id=r["checklist_id"],
                period=r["period"],
                item_id=r["item_id"],
                done=bool(r["done"]),
                who=r["who"],
                at=from_iso(r["at"]),
                note=r["note"],
            )
            for r in rows
        ]

    def periods(self, env: str, checklist: Checklist) -> list[str]:
        """The runs of ``checklist`` in ``env`` that have any event, most recently active first."""
        rows = self._store.read(
            "SELECT period FROM checklist_events WHERE environment = ? AND checklist_id = ? "
            "GROUP BY period ORDER BY MAX(id) DESC",
            (env, checklist.id),
        )
        return [r["period"] for r in rows]

    def export_markdown(self, env: str, checklist: Checklist, period: str | None = None) -> str:
        """A Markdown report of one run: heading, environment, period, each item with who/when.

        Notes and names are flattened to one line so they cannot break the report's structure.
        """
        run = resolve_period(checklist, period, self._clock())
        states = self.state(env, checklist, run)
        done = sum(s.done for s in states.values())
        lines = [
            f"# {_one_line(checklist.title)}",
            "",
            f"- Environment: {_one_line(env)}",
            f"- Period: {run} ({checklist.cadence})",
            f"- Checklist: {checklist.id} (source: {_one_line(checklist.source)})",
            f"- Progress: {done}/{len(states)} done",
            f"- Exported: {_when(self._clock())}",
            "",
        ]
        for item in checklist.items:
            st = states[item.id]
            line = f"- [{'x' if st.done else ' '}] {_one_line(item.text)}"
            if st.who is not None and st.at is not None:
                action = "ticked" if st.done else "unticked"
                line += f" — {action} by {_one_line(st.who)} at {_when(st.at)}"
            if st.note:
                line += f" — note: {_one_line(st.note)}"
            lines.append(line)
            if st.done and st.evidence:
                # Indented code under its item: the output keeps its lines, the list its shape.
                lines.append("")
                lines.extend(f"      {_one_line(row)}" for row in st.evidence.splitlines()[-20:])
                lines.append("")
        return "\n".join(lines) + "\n"


def _when(moment: datetime) -> str:
    return to_iso(moment)[:19].replace("T", " ") + " UTC"


def _one_line(text: str) -> str:
    # Control, format (bidi) and line-break characters would reshape the report; show a space.
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())


DAILY_HOST_CHECKLIST = Checklist(
    id="daily-host",
    title="Daily host health checks",
    cadence="daily",
    source="built-in (operational runbook: System Health Monitoring / Daily Health Checks)",
    items=(
        ChecklistItem(
            "app-health",
            "Application health endpoint responds",
            hint="curl -f http://localhost:8000/health",
        ),
        ChecklistItem(
            "database",
            "Database connectivity and connection count are normal",
            hint='psql $DATABASE_URL -c "SELECT count(*) FROM pg_stat_activity;"',
        ),
        ChecklistItem("disk", "Disk usage is within capacity", hint="df -h"),
        ChecklistItem("memory", "Memory usage is normal", hint="free -h"),
        ChecklistItem(
            "recent-errors",
            "No unexpected recent errors in the error log",
            hint="tail -n 100 /var/log/ai-data-readiness/error.log",
        ),
        ChecklistItem(
            "alerts",
            "Recent alerts and notifications reviewed",
            hint="Review the monitoring system's alerts raised since the last check",
        ),
    ),
)
"""The built-in daily checklist, from the daily health checks of the generic platform runbook."""
