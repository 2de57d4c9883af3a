"""What a runbook import yields: checklists of items and procedures of steps."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ImportedItem:
    """One checklist item.

    Attributes:
        text: The item's own line, inline Markdown reduced to plain text.
        checked: Whether the box was ticked (``[x]``) in the runbook.
        hint: The item's sub-bullets and code, as written (dedented), or "".
    """

    text: str
    checked: bool = False
    hint: str = ""


@dataclass(frozen=True)
class ImportedChecklist:
    """The boxed items under one heading.

    Attributes:
        name: The heading's text (or the bold label just above the list).
        section: The headings above it, outermost first, joined by `` / ``.
        items: The items in document order; nested items follow their parent.
    """

    name: str
    section: str
    items: tuple[ImportedItem, ...]


@dataclass(frozen=True)
class Command:
    """One command line of a step (``\\`` continuations joined, the prompt removed).

    Attributes:
        text: The command as it would be typed.
        mutating: False only when every part of it is known to only read.
    """

    text: str
    mutating: bool


@dataclass(frozen=True)
class Step:
    """One step of a procedure.

    Attributes:
        text: What the step says (a numbered item or a ``# 1. ...`` comment).
        commands: Its shell commands in order; empty when the step is prose only.
        params: Placeholders to fill in before running (``container-id``, ``DATABASE_URL``).
        reference: Text kept with the step that is not a command: notes, SQL, KQL, YAML.
    """

    text: str
    commands: tuple[Command, ...] = ()
    params: tuple[str, ...] = ()
    reference: str = ""

    @property
    def command(self) -> str | None:
        """The commands one per line, or None when the step has none."""
        return "\n".join(c.text for c in self.commands) if self.commands else None

    @property
    def mutating(self) -> bool:
        """Whether any of the step's commands may change something."""
        return any(c.mutating for c in self.commands)


@dataclass(frozen=True)
class Procedure:
    """The ordered steps under one heading.

    Attributes:
        name: The heading's text.
        section: The headings above it, outermost first, joined by `` / ``.
        steps: The steps in document order.
    """

    name: str
    section: str
    steps: tuple[Step, ...]


@dataclass(frozen=True)
class Runbook:
    """Everything one runbook holds.

    Attributes:
        title: The first heading's text, or "".
        checklists: Checklists in document order.
        procedures: Procedures in document order.
    """

    title: str
    checklists: tuple[ImportedChecklist, ...]
    procedures: tuple[Procedure, ...]

    def to_json(self) -> dict[str, Any]:
        """The shape ``cockpit runbook import --format json`` prints."""
        return {
            "title": self.title,
            "checklists": [
                {
                    "name": c.name,
                    "section": c.section,
                    "items": [
                        {"text": i.text, "checked": i.checked, "hint": i.hint} for i in c.items
                    ],
                }
                for c in self.checklists
            ],
            "procedures": [
                {
                    "name": p.name,
                    "section": p.section,
                    "steps": [
                        {
                            "text": s.text,
                            "command": s.command,
                            "mutating": s.mutating,
                            "params": list(s.params),
                            "reference": s.reference,
                        }
                        for s in p.steps
                    ],
                }
                for p in self.procedures
            ],
        }
