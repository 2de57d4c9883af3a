"""Checklist config (`checklists:`): items written inline, or a checklist taken from a runbook.

```yaml
checklists:
  - name: Daily host
    period: daily
    timezone: Europe/Berlin
    items:
      - text: Check disk usage
        hint: df -h
      - text: Check memory usage
  - name: Pre-deployment
    period: deploy
    environments: [production]
    runbook: runbooks/DEPLOY.md
    section: Pre-Deployment Checklist
```
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field, model_validator

from cockpit.config.base import Environments, Label, LocatedError, Model, Name

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
        if problems:
            raise LocatedError(problems)
        return self

    @property
    def title(self) -> str:
        """The name, or the runbook section it comes from."""
        return self.name or self.section or self.runbook or "checklist"
