"""Overdue and missed checklist items: what stands out in a calendar run.

An item is *overdue* once its due moment has passed and it is still unticked in the run. The due
moment is the item's own ``due:``, else its checklist's, counted from when the run opens
(:func:`~cockpit.state.checklists.run_opens`) on the local wall clock of the checklist's zone:
``due: 10h`` on a daily list is 10:00 there, on the days the clocks change too.

An item is *missed* for each run just before this one, back to back, that it ended unticked in:
only runs since the checklist came into use in the environment count (a list configured today
has missed nothing), and at most :data:`MISSED_LOOK_BACK` of them are read.

:func:`missed_runs` reads the earlier runs through the tick store; :func:`assess` is the rest, a
pure function of the run's states and the time, so a screen can call it again as the clock moves
without reading the store.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from cockpit.state.checklists import CALENDAR_CADENCES, previous_period, run_opens
from cockpit.text.age import format_late

if TYPE_CHECKING:
    from cockpit.state.checklists import Checklist, ChecklistBook, ChecklistItem, TickState

MISSED_LOOK_BACK = 7
"""How many earlier runs are read to count an item's missed runs (the count stops there)."""


@dataclass(frozen=True, slots=True)
class ItemDue:
    """Where one item of a run stands against its due time and the runs before.

    Attributes:
        done: Ticked in this run.
        due: When the item is due in this run (aware, UTC); None when it has no due time.
        overdue_since: The due moment, when it has passed and the item is still unticked.
        missed: Earlier runs in a row, up to the one before this, that the item ended unticked
            in (at most :data:`MISSED_LOOK_BACK`), whether or not it is ticked now.
    """

    done: bool
    due: datetime | None = None
    overdue_since: datetime | None = None
    missed: int = 0

    @property
    def overdue(self) -> bool:
        """Past its due moment and unticked."""
        return self.overdue_since is not None

    @property
    def missed_now(self) -> bool:
        """Missed in earlier runs and not ticked in this one yet: it stands out."""
        return self.missed > 0 and not self.done

    def marks(self, now: datetime) -> tuple[str, str]:
        """The overdue and missed marks shown beside the item (``""`` for each that is not).

        E.g. ``("▲ overdue 2h", "missed 3 runs")``; a ticked item has none.
        """
        late = ""
        if self.overdue_since is not None:
            late = f"▲ overdue {format_late((now - self.overdue_since).total_seconds())}"
        missed = ""
        if self.missed_now:
            missed = f"missed {self.missed} run{'s' if self.missed != 1 else ''}"
        return late, missed


@dataclass(frozen=True, slots=True)
class RunDue:
    """The due time of a run and where each of its items stands.

    Attributes:
        due: The checklist's due moment in this run (aware, UTC); None when it has none (its
            items may still have their own).
        items: Each item's :class:`ItemDue`, by item id, in the checklist's order.
    """

    due: datetime | None
    items: dict[str, ItemDue]

    @property
    def overdue(self) -> int:
        """How many items are overdue."""
        return sum(item.overdue for item in self.items.values())

    @property
    def missed(self) -> int:
        """How many unticked items were missed in earlier runs."""
        return sum(item.missed_now for item in self.items.values())

    def counts(self) -> str:
        """``2 overdue · 1 missed``, the parts that are not zero, or ``""``."""
        parts = [f"{self.overdue} overdue"] if self.overdue else []
        if self.missed:
            parts.append(f"{self.missed} missed")
        return " · ".join(parts)


def due_at(checklist: Checklist, period: str, item: ChecklistItem | None = None) -> datetime | None:
    """When ``item`` (or, without one, the checklist) is due in the run ``period``.

    Returns:
        The due moment (aware, UTC), or None for an item or checklist with no due time, and for
        deploy, incident and one-off lists, which have no set start.

    Raises:
        ValueError: ``period`` is not a period of the checklist's calendar cadence.
    """
    seconds = item.due if item is not None and item.due is not None else checklist.due
    if seconds is None or checklist.cadence not in CALENDAR_CADENCES:
        return None
    opens = run_opens(checklist, period)
    # On the wall clock: "10h" on a daily list is 10:00 even on the day the clocks change.
    local = opens.replace(tzinfo=None) + timedelta(seconds=seconds)
    return local.replace(tzinfo=opens.tzinfo).astimezone(UTC)


def format_due(checklist: Checklist, period: str, moment: datetime) -> str:
    """A due moment as the checklist's zone reads it: ``10:00 CET``, ``Tue 10:00 CET``.

    The weekday is added when it falls on a later day than the run opened (a night shift, a
    weekly list), the whole date when a week or more later (a monthly list).
    """
    opens = run_opens(checklist, period)
    local = moment.astimezone(opens.tzinfo)
    days = (local.date() - opens.date()).days
    if days == 0:
        shown = f"{local:%H:%M}"
    elif days < 7:
        shown = f"{local:%a %H:%M}"
    else:
        shown = f"{local:%Y-%m-%d %H:%M}"
    return f"{shown} {local:%Z}"


def missed_runs(
    book: ChecklistBook,
    env: str,
    checklist: Checklist,
    period: str,
    look_back: int = MISSED_LOOK_BACK,
) -> dict[str, int]:
    """For each item, how many runs in a row before ``period`` it ended unticked in.

    Counts back from the run just before ``period``, through runs since the checklist's first
    run in ``env``, reading at most ``look_back`` of them. Items missed in none are 0; a
    checklist with no calendar cadence, or never used in ``env``, gives ``{}``.

    Raises:
        ValueError: ``period`` is not a period of the checklist's calendar cadence.
    """
    if checklist.cadence not in CALENDAR_CADENCES or not checklist.items:
        return {}
    first = book.first_run(env, checklist)
    if first is None:
        return {}
    runs: list[str] = []
    run = period
    while len(runs) < look_back:
        run = previous_period(checklist, run)
        # Calendar keys sort as text in time order.
        if run < first:
            break
        runs.append(run)
    ended = book.run_states(env, checklist, runs)
    counts: dict[str, int] = {}
    for item in checklist.items:
        missed = 0
        for run in runs:
            if ended[run][item.id].done:
                break
            missed += 1
        counts[item.id] = missed
    return counts


def assess(
    checklist: Checklist,
    period: str,
    states: Mapping[str, TickState],
    missed: Mapping[str, int],
    now: datetime,
) -> RunDue:
    """Where each item of the run ``period`` stands at ``now``.

    Args:
        checklist: The checklist.
        period: The run; ``""`` for a deploy or incident list with no run yet.
        states: Each item's tick state in the run (:meth:`ChecklistBook.state`).
        missed: Each item's missed runs (:func:`missed_runs`); items left out count 0.
        now: The moment to judge at (aware).
    """
    calendar = checklist.cadence in CALENDAR_CADENCES and bool(period)
    items: dict[str, ItemDue] = {}
    for item in checklist.items:
        state = states.get(item.id)
        done = state is not None and state.done
        due = due_at(checklist, period, item) if calendar else None
        late = due if due is not None and not done and now >= due else None
        items[item.id] = ItemDue(done, due, late, missed.get(item.id, 0))
    return RunDue(due_at(checklist, period) if calendar else None, items)
