"""The checklists an environment shows: those of the config file, or the built-in daily one.

Entries under ``checklists:`` become :class:`~cockpit.state.checklists.Checklist` definitions
that the tick store understands. Items written inline are used as they are; a ``runbook:``
entry's items come from the runbook file (see :func:`load_items`).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from cockpit.config.checklists import ChecklistConfig
from cockpit.config.models import CockpitConfig
from cockpit.runbooks.model import ImportedChecklist
from cockpit.state.checklists import DAILY_HOST_CHECKLIST, Checklist, ChecklistItem
from cockpit.text.sanitize import plain

ITEM_LEN = 500
HINT_LEN = 2000


class RunbookChecklistError(Exception):
    """A ``runbook:`` entry's file cannot be read or has no such checklist; says which exist."""


def runbook_path(entry: ChecklistConfig, base_dir: Path) -> Path | None:
    """The runbook file of a ``runbook:`` entry, relative paths taken from ``base_dir``."""
    if entry.runbook is None:
        return None
    path = Path(entry.runbook).expanduser()
    return path if path.is_absolute() else base_dir / path


@lru_cache(maxsize=32)
def _imported(path: Path, mtime_ns: int, size: int) -> tuple[ImportedChecklist, ...]:
    # Keyed by the file's mtime and size: an edited runbook is read again, an unchanged one not.
    from cockpit.runbooks.parse import import_runbook

    text = path.read_bytes().decode("utf-8", errors="replace")
    return import_runbook(text).checklists


def runbook_checklist(path: Path, section: str) -> ImportedChecklist:
    """The checklist under the heading ``section`` of the runbook at ``path``.

    The heading is matched without regard to case or surrounding blanks; the first one wins.

    Raises:
        RunbookChecklistError: The file cannot be read, or has no such checklist.
    """
    try:
        info = path.stat()
        found = _imported(path, info.st_mtime_ns, info.st_size)
    except OSError as exc:
        raise RunbookChecklistError(f"cannot read runbook {path}: {exc.strerror or exc}") from None
    wanted = section.strip().casefold()
    for checklist in found:
        if checklist.name.strip().casefold() == wanted:
            return checklist
    names = ", ".join(repr(c.name) for c in found) or "none"
    raise RunbookChecklistError(
        f"runbook {path} has no checklist under {section!r}; its checklists: {names}"
    )


def load_items(entry: ChecklistConfig, base_dir: Path) -> tuple[ChecklistItem, ...]:
    """The items of a configured checklist: written inline, or read from its runbook section.

    Items are keyed by their text; a text that repeats in a runbook gets ``(2)``, ``(3)``...

    Raises:
        RunbookChecklistError: A ``runbook:`` entry's file or section cannot be read.
    """
    path = runbook_path(entry, base_dir)
    if path is None:
        return tuple(
            ChecklistItem(
                item.text,
                item.text,
                hint=item.hint,
                command=item.command,
                when=item.when.key if item.when is not None else None,
                due=item.due,
            )
            for item in entry.items or ()
        )
    imported = runbook_checklist(path, entry.section or "")
    items: list[ChecklistItem] = []
    seen: dict[str, int] = {}
    for item in imported.items:
        text = plain(item.text, ITEM_LEN) or "(empty item)"
        seen[text] = seen.get(text, 0) + 1
        if seen[text] > 1:
            text = f"{text} ({seen[text]})"
        items.append(ChecklistItem(text, text, hint=item.hint[:HINT_LEN] or None))
    return tuple(items)


def to_checklist(entry: ChecklistConfig, base_dir: Path) -> Checklist:
    """The tick store's definition of a configured checklist.

    The checklist and its items are keyed by their names, so ticks stay with an item as long
    as its text is unchanged.
    """
    path = runbook_path(entry, base_dir)
    source = "config" if path is None else f"runbook {path} § {entry.section}"
    try:
        items = load_items(entry, base_dir)
    except RunbookChecklistError as exc:
        # The checklist still shows, empty, saying why: a runbook moved must not hide it.
        items, source = (), f"{source}: {exc}"
    return Checklist(
        id=entry.title,
        title=entry.title,
        cadence=entry.period,
        items=items,
        source=source,
        timezone=entry.timezone,
        shift_hours=tuple(entry.shift_hours or ()),
        description=entry.description,
        due=entry.due,
    )


def checklists_for(
    config: CockpitConfig, environment: str, base_dir: Path, *, config_file: bool
) -> list[Checklist]:
    """The checklists of ``environment``, in config order.

    Args:
        config: The validated config.
        environment: An environment of ``config``.
        base_dir: The config file's folder.
        config_file: Whether ``config`` was read from a file; without one (the built-in local
            default) the built-in daily host checklist is shown.
    """
    if not config_file:
        return [DAILY_HOST_CHECKLIST]
    return [to_checklist(entry, base_dir) for entry in config.checklists_for(environment)]


def all_checklists(
    config: CockpitConfig, base_dir: Path, *, config_file: bool
) -> list[tuple[Checklist, list[str]]]:
    """Every checklist with the environments it belongs to, in config order."""
    if not config_file:
        return [(DAILY_HOST_CHECKLIST, list(config.environments))]
    return [
        (to_checklist(entry, base_dir), config.environment_names_for(entry.environments))
        for entry in config.checklists
    ]
