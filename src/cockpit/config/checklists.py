"""Checklist config (`checklists:`): items written inline, or a checklist taken from a runbook.

```yaml
checklists:
  - name: Daily host
    period: daily
    timezone: Europe/Berlin
    due: 10h                     # by 10:00 Berlin time: a daily run opens at local midnight
    items:
      - text: Check disk usage
        hint: df -h
      - text: Check memory usage
        due: 8h                  # this one by 08:00
  - name: Pre-deployment
    period: deploy
    environments: [production]
    runbook: runbooks/DEPLOY.md
    section: Pre-Deployment Checklist
```
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    PlainSerializer,
    WithJsonSchema,
    model_validator,
)

from cockpit.config.base import Environments, Label, Loc, LocatedError, Model, Name
from cockpit.domain.durations import DURATION_PATTERN, format_duration, parse_duration

Period = Literal["daily", "weekly", "monthly", "shift", "deploy", "incident"]
"""How runs are opened: each day, ISO week, month or shift in the checklist's timezone, or on
demand for each deploy or incident (the run id is given when the run is opened)."""


def _zone(value: str) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"unknown timezone {value!r}; write an IANA name such as Europe/Berlin, "
            "America/New_York or UTC"
        ) from None
    return value


TimeZone = Annotated[str, AfterValidator(_zone)]
"""An IANA time zone name (``Europe/Berlin``, ``UTC``)."""


def _item_text(value: str) -> str:
    if not value.strip() or not value.isprintable():
        raise ValueError("an item's text must be printable and not blank, e.g. Check disk usage")
    return value


ItemText = Annotated[str, Field(max_length=500), AfterValidator(_item_text)]
"""What an item asks, on one line."""


def _due(value: object) -> float:
    # Only the written form with a unit: a bare `10` or `10:00` would read as ten seconds or ten
    # o'clock, and neither is what the reader of the file would take it for.
    seconds = None
    if isinstance(value, str):
        try:
            seconds = parse_duration(value)
        except ValueError:
            seconds = None
    if seconds is None or seconds <= 0:
        raise ValueError(
            f"{value!r} is not how long after the run opens its items are due; write e.g. "
            "due: 10h (10:00 on a daily list: its run opens at local midnight), due: 90m or "
            "due: 2d"
        )
    return seconds


DueAfter = Annotated[
    float,
    BeforeValidator(_due),
    PlainSerializer(format_duration, return_type=str),
    WithJsonSchema(
        {"type": "string", "pattern": DURATION_PATTERN, "examples": ["10h", "90m", "2d"]}
    ),
]
"""How long after a calendar run opens its items are due (``10h``), on the local wall clock."""

_RUN_LENGTH = {
    "daily": (86400.0, "a daily run lasts 1d", "10h"),
    "weekly": (7 * 86400.0, "a weekly run lasts 7d", "2d"),
    "monthly": (28 * 86400.0, "a monthly run can last only 28d, in February", "5d"),
}
"""The shortest run of each period: its length, said, and a due time that fits in it."""
_SHIFT_HOURS = (7, 19)
"""The shift starts of a shift list that names none (as the tick store reads it)."""


class ItemCondition(Model):
    """What ticks an item by itself: a service found UP, or a metric within its limits.

    The cockpit ticks the item (as ``cockpit@HOST``) with the check's result as evidence,
    once per run, while it watches the environment.
    """

    service: Name | None = None
    """A service under ``services:``: the item ticks itself when the service is UP."""
    metric: Name | None = None
    """A metric under ``metrics:``: the item ticks itself when every series is within limits."""

    @model_validator(mode="after")
    def _one(self) -> ItemCondition:
        if (self.service is None) == (self.metric is None):
            raise ValueError("`when:` needs exactly one of `service:` or `metric:`")
        return self

    @property
    def key(self) -> str:
        """``service:NAME`` or ``metric:NAME``."""
        return f"service:{self.service}" if self.service is not None else f"metric:{self.metric}"


class ChecklistItemConfig(Model):
    """One item to tick."""

    text: ItemText
    """What to check, as shown to the operator (also how ticks find the item)."""
    hint: Label | None = None
    """How to check it, e.g. ``df -h``."""
    command: Label | None = None
    """A cockpit action that performs the check."""
    when: ItemCondition | None = None
    """Tick the item by itself when a service is UP or a metric is within its limits."""
    due: DueAfter | None = None
    """This item's own due time, instead of the checklist's ``due:``."""


class ChecklistConfig(Model):
    """A checklist: a name, a period, the environments it belongs to, and its items.

    The items are written under ``items:`` or taken from the heading ``section:`` of the
    Markdown runbook ``runbook:`` (a path relative to the config file); exactly one of the two.
    """

    name: Name | None = None
    """Name shown in the Checklists pane and typed in ``cockpit checklist`` (with ``runbook:``,
    the section heading when left out)."""
    environments: Environments = None
    """Environments this checklist belongs to (default: all)."""
    period: Period = "daily"
    """daily, weekly, monthly, shift, deploy or incident."""
    timezone: TimeZone = "UTC"
    """IANA zone whose days, weeks, months and shifts make the periods (default UTC)."""
    shift_hours: list[Annotated[int, Field(ge=0, le=23)]] | None = None
    """For ``period: shift``: the local hours shifts start at (default [7, 19])."""
    description: Label | None = None
    """What the checklist is for."""
    due: DueAfter | None = None
    """How long after a daily, weekly, monthly or shift run opens its items are due, e.g. ``10h``
    (10:00 local time on a daily list); unticked past it, an item is overdue."""
    items: list[ChecklistItemConfig] | None = None
    """The items, in order."""
    runbook: str | None = Field(default=None, min_length=1)
    """A Markdown runbook holding the checklist, relative to the config file."""
    section: str | None = Field(default=None, min_length=1)
    """The heading of the checklist inside ``runbook``."""

    @model_validator(mode="after")
    def _one_source(self) -> ChecklistConfig:
        problems: list[tuple[tuple[str | int, ...], str]] = []
        if (self.items is None) == (self.runbook is None):
            have = "both" if self.items is not None else "neither"
            raise ValueError(
                f"a checklist needs exactly one of `items:` or `runbook:` (it has {have}); "
                "e.g. items: [{text: Check disk usage}]"
            )
        if self.runbook is not None and self.section is None:
            problems.append(
                (("runbook",), "`runbook:` needs `section:`, the heading of the checklist in it")
            )
        if self.section is not None and self.runbook is None:
            problems.append((("section",), "`section:` only goes with `runbook:`"))
        if self.items is not None and self.name is None:
            raise ValueError("a checklist needs a `name:`, e.g. name: Daily host")
        if self.items is not None and not self.items:
            problems.append((("items",), "`items:` is empty: list at least one item"))
        seen: set[str] = set()
        for index, item in enumerate(self.items or ()):
            if item.text in seen:
                problems.append((("items", index, "text"), f"item {item.text!r} is listed twice"))
            seen.add(item.text)
        if self.shift_hours is not None:
            if self.period != "shift":
                problems.append(
                    (
                        ("shift_hours",),
                        f"`shift_hours:` only goes with `period: shift`, not {self.period}",
                    )
                )
            elif not self.shift_hours or len(set(self.shift_hours)) != len(self.shift_hours):
                problems.append(
                    (("shift_hours",), "list each shift's start hour once, e.g. [7, 19]")
                )
        problems.extend(self._due_problems())
        if problems:
            raise LocatedError(problems)
        return self

    def _due_problems(self) -> list[tuple[Loc, str]]:
        """A ``due:`` on a list that has no calendar runs, or one that falls past its run's end."""
        dues: list[tuple[Loc, float | None]] = [(("due",), self.due)]
        dues += [(("items", i, "due"), item.due) for i, item in enumerate(self.items or ())]
        if self.period in ("deploy", "incident"):
            return [
                (
                    loc,
                    f"`due:` only goes with a daily, weekly, monthly or shift period: a "
                    f"{self.period} run opens when it is needed, not at a set time",
                )
                for loc, due in dues
                if due is not None
            ]
        if self.period == "shift":
            starts = sorted(set(self.shift_hours or _SHIFT_HOURS))
            gaps = [b - a for a, b in zip(starts, [*starts[1:], starts[0] + 24], strict=True)]
            limit, example = min(gaps) * 3600.0, "2h"
            length = f"its shortest shift lasts {format_duration(limit)}"
        else:
            limit, length, example = _RUN_LENGTH[self.period]
        return [
            (
                loc,
                f"due {format_duration(due)} falls after the run ends ({length}); "
                f"write a shorter time, e.g. due: {example}",
            )
            for loc, due in dues
            if due is not None and due >= limit
        ]

    @property
    def title(self) -> str:
        """The name, or the runbook section it comes from."""
        return self.name or self.section or self.runbook or "checklist"
