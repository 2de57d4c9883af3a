"""The Checklists pane of a configured environment: progress, who ticked, notes; and past runs."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import OptionList

from cockpit.state.checklists import ChecklistBook
from cockpit.state.store import Store
from cockpit.ui.app import CockpitApp
from cockpit.ui.widgets.checklists_pane import ChecklistsPane
from tests.ui.conftest import DUE_CONFIG, FIXED_EPOCH, THREE_ENVS, ran_before

AppFactory = Callable[..., CockpitApp]
NOW = datetime.fromtimestamp(FIXED_EPOCH, UTC)
CONFIG: dict[str, Any] = {
    **THREE_ENVS,
    "checklists": [
        {
            "name": "Pre-Deployment Checklist",
            "period": "deploy",
            "environments": ["production"],
            "items": [
                {"text": "All tests passing (CI green)"},
                {"text": "Security scans passed (no critical/high findings)"},
                {"text": "Database migrations tested", "hint": "make migrate-test"},
                {"text": "Backup created", "hint": "pg_dump -Fc inventory > backup.dump"},
                {"text": "Rollback plan documented"},
            ],
        }
    ],
}


def _app(make_app: AppFactory, tmp_path: Path) -> CockpitApp:
    store = Store.memory()
    book = ChecklistBook(store, clock=lambda: NOW)
    app = make_app(
        CONFIG, environment="production", config_path=str(tmp_path / "c.yaml"), store=store
    )
    checklist = app.context.config.checklists[0]
    from cockpit.runbooks.configured import to_checklist

    definition = to_checklist(checklist, tmp_path)
    book.tick(
        "production", definition, "All tests passing (CI green)", "ana@ops-1", period="v1.3.0"
    )
    for item in ("All tests passing (CI green)", "Database migrations tested"):
        book.tick("production", definition, item, "ana@ops-1", period="v1.4.0")
    book.tick(
        "production",
        definition,
        "Backup created",
        "bo@ops-2",
        note="backup-2026-11-20.dump, 2.1 GiB",
        period="v1.4.0",
    )
    return app


async def _show(pilot: Pilot[Any], *keys: str) -> None:
    app = pilot.app
    await pilot.press("4")
    pane = app.query_one(ChecklistsPane)
    for _ in range(60):
        if pane.view is not None and pane.view.period:
            break
        await pilot.pause(0.05)
    pane.query_one(OptionList).focus()
    await pilot.press(*keys)
    await pilot.pause(0.3)


@pytest.mark.parametrize("size", [(80, 24), (160, 45)])
def test_release_run(
    snap_compare: Any, make_app: AppFactory, tmp_path: Path, size: tuple[int, int]
) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await _show(pilot, "z")

    assert snap_compare(_app(make_app, tmp_path), terminal_size=size, run_before=run_before)


def test_overdue_and_missed_items(snap_compare: Any, make_app: AppFactory, tmp_path: Path) -> None:
    from cockpit.runbooks.configured import to_checklist

    store = Store.memory()
    app = make_app(DUE_CONFIG, config_path=str(tmp_path / "c.yaml"), store=store)
    daily = to_checklist(app.context.config.checklists[0], tmp_path)
    ran_before(ChecklistBook(store, clock=lambda: NOW), daily)

    async def run_before(pilot: Pilot[Any]) -> None:
        await _show(pilot, "z", "j", "j")

    assert snap_compare(app, terminal_size=(100, 24), run_before=run_before)


def test_past_runs(snap_compare: Any, make_app: AppFactory, tmp_path: Path) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await _show(pilot, "R")

    assert snap_compare(_app(make_app, tmp_path), terminal_size=(120, 32), run_before=run_before)
