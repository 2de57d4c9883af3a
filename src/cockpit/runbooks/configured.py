"""The checklists an environment shows: those of the config file, or the built-in daily one.

Entries under ``checklists:`` become :class:`~cockpit.state.checklists.Checklist` definitions
that the tick store understands. Items written inline are used as they are; a ``runbook:``
entry's items come from the runbook file (see :func:`load_items`).
"""

from __future__ import annotations

from pathlib import Path

from cockpit.config.checklists import ChecklistConfig, ChecklistItemConfig
from cockpit.config.models import CockpitConfig
from cockpit.state.checklists import DAILY_HOST_CHECKLIST, Checklist, ChecklistItem


def runbook_path(entry: ChecklistConfig, base_dir: Path) -> Path | None:
    """The runbook file of a ``runbook:`` entry, relative paths taken from ``base_dir``."""
    if entry.runbook is None:
        return None
    path = Path(entry.runbook).expanduser()
    return path if path.is_absolute() else base_dir / path


def load_items(entry: ChecklistConfig, base_dir: Path) -> tuple[ChecklistItemConfig, ...]:
    """The items of a configured checklist.

    Args:
        entry: The ``checklists:`` entry.
        base_dir: The config file's folder (``runbook:`` paths are relative to it).

    Returns:
        The inline items; for a ``runbook:`` entry no items, as runbook sections are not read
        in this version.
    """
    return tuple(entry.items or ())


def to_checklist(entry: ChecklistConfig, base_dir: Path) -> Checklist:
    """The tick store's definition of a configured checklist.

    The checklist and its items are keyed by their names, so ticks stay with an item as long
    as its text is unchanged.
    """
    path = runbook_path(entry, base_dir)
    source = "config" if path is None else f"runbook {path} § {entry.section}"
    return Checklist(
        id=entry.title,
        title=entry.title,
        cadence=entry.period,
        items=tuple(
            ChecklistItem(item.text, item.text, hint=item.hint, command=item.command)
            for item in load_items(entry, base_dir)
        ),
        source=source,
        timezone=entry.timezone,
        shift_hours=tuple(entry.shift_hours or ()),
        description=entry.description,
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
