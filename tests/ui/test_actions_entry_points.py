"""Two more ways into the gate from the screen: a checklist item's command and a runbook
procedure's steps. Read-only and protection hold there as everywhere: real programs, a real
state file, the audit trail read back."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, OptionList

from cockpit.actions.trail import attempts
from cockpit.state.audit import AuditLog
from cockpit.state.checklists import ChecklistBook
from cockpit.state.store import Store
from cockpit.ui.app import CockpitApp
from cockpit.ui.screens.action_confirm import ConfirmScreen
from cockpit.ui.screens.action_form import ActionFormScreen
from cockpit.ui.screens.action_run import RunScreen
from cockpit.ui.widgets.checklists_pane import ChecklistsPane
from tests.support.pilot_wait import until

AppFactory = Callable[..., CockpitApp]

RUNBOOK = """\
# Worker runbook

## Restart a stuck worker

1. Look at it:
   ```bash
   echo "looking at <worker>"
   ```
2. Restart it:
   ```bash
   touch "restarted-<worker>"
   ```
3. Check it:
   ```bash
   ls restarted-<worker>
   ```
"""


def _config(tmp_path: Path) -> dict[str, Any]:
    (tmp_path / "RUNBOOK.md").write_text(RUNBOOK)
    return {
        "environments": {
            "dev": {"protection": "none"},
            "production": {"protection": "typed"},
        },
        "checklists": [
            {
                "name": "Daily db",
                "items": [
                    {"text": "Disk looked at", "command": "df -h ."},
                    {"text": "Vacuum done", "command": "touch vacuumed && echo vacuumed"},
                    {"text": "Worker restarted", "command": "touch worker-<worker>"},
                ],
            }
        ],
        "actions": [
            {
                "name": "restart-worker",
                "procedure": {"runbook": "RUNBOOK.md", "procedure": "Restart a stuck worker"},
            }
        ],
    }


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Commands run in the folder the cockpit was started in: the test's own.
    monkeypatch.chdir(tmp_path)


def _app(
    make_app: AppFactory, tmp_path: Path, store: Store, environment: str, **more: Any
) -> CockpitApp:
    return make_app(
        _config(tmp_path),
        environment=environment,
        config_path=str(tmp_path / "c.yaml"),
        store=store,
        base_dir=tmp_path,
        **more,
    )


def _log(store: Store) -> list[tuple[str, str]]:
    return [(a.action, a.outcome) for a in attempts(AuditLog(store))]


async def _on_item(pilot: Pilot[Any], index: int) -> ChecklistsPane:
    app = pilot.app
    await pilot.press("4")
    pane = app.query_one(ChecklistsPane)
    await until(pilot, lambda: pane.view is not None and bool(pane.view.period))
    options = pane.query_one(OptionList)
    options.focus()
    options.highlighted = index
    await pilot.pause()
    return pane


def _done(store: Store, pane: ChecklistsPane, item: str) -> bool:
    # The run on screen: the app's clock is pinned, so "today" is the pane's, not the machine's.
    assert pane.view is not None
    book = ChecklistBook(store)
    return book.state(pane.environment, pane.checklists[0], pane.view.period)[item].done


async def test_a_read_only_item_command_runs_at_once_even_read_only_and_is_recorded(
    make_app: AppFactory, tmp_path: Path, state_store: Store
) -> None:
    app = _app(make_app, tmp_path, state_store, "production", read_only=True)
    async with app.run_test(size=(120, 36)) as pilot:
        pane = await _on_item(pilot, 0)
        await pilot.press("r")
        await until(pilot, lambda: _done(state_store, pane, "Disk looked at"))
        assert not isinstance(app.screen, ConfirmScreen)
    assert _log(state_store) == [("Daily db: Disk looked at", "ok")]


async def test_a_mutating_item_command_is_confirmed_like_an_action_then_ticks(
    make_app: AppFactory, tmp_path: Path, state_store: Store
) -> None:
    app = _app(make_app, tmp_path, state_store, "production")
    async with app.run_test(size=(120, 36)) as pilot:
        pane = await _on_item(pilot, 1)
        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        # Enter and y do not confirm a typed environment.
        await pilot.pause(0.6)
        await pilot.press("y", "enter")
        await pilot.pause(0.3)
        assert not (tmp_path / "vacuumed").exists()
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, ConfirmScreen))
        assert not (tmp_path / "vacuumed").exists()
        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.pause(0.6)
        await pilot.press(*"production", "enter")
        await until(pilot, lambda: isinstance(app.screen, RunScreen) and not app.screen.running)
        await pilot.press("escape")
        await until(pilot, lambda: _done(state_store, pane, "Vacuum done"))
    assert (tmp_path / "vacuumed").is_file()
    assert pane.view is not None
    book = ChecklistBook(state_store)
    state = book.state("production", pane.checklists[0], pane.view.period)["Vacuum done"]
    assert state.evidence == "vacuumed"
    assert ("Daily db: Vacuum done", "ok") in _log(state_store)


async def test_a_mutating_item_command_is_refused_read_only_and_recorded(
    make_app: AppFactory, tmp_path: Path, state_store: Store
) -> None:
    app = _app(make_app, tmp_path, state_store, "dev", read_only=True)
    async with app.run_test(size=(120, 36)) as pilot:
        pane = await _on_item(pilot, 1)
        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        # The dialog says it will not run and Cancel has the focus; insisting reaches the gate.
        await pilot.pause(0.6)
        await pilot.press("y")
        await until(pilot, lambda: ("Daily db: Vacuum done", "refused") in _log(state_store))
        await pilot.pause(0.3)
        assert not (tmp_path / "vacuumed").exists()
        assert not _done(state_store, pane, "Vacuum done")


async def test_an_item_command_with_a_placeholder_asks_for_its_value(
    make_app: AppFactory, tmp_path: Path, state_store: Store
) -> None:
    app = _app(make_app, tmp_path, state_store, "dev")
    async with app.run_test(size=(120, 36)) as pilot:
        await _on_item(pilot, 2)
        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.screen, ActionFormScreen))
        field = app.screen.query_one(Input)
        assert field.name == "worker"
        field.value = "w1; rm -rf /"
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert isinstance(app.screen, ActionFormScreen)  # refused as typed
        field.value = "w1"
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("enter")
        await until(pilot, lambda: (tmp_path / "worker-w1").exists())


async def test_each_mutating_procedure_step_is_confirmed_on_its_own(
    make_app: AppFactory, tmp_path: Path, state_store: Store
) -> None:
    app = _app(make_app, tmp_path, state_store, "production")
    async with app.run_test(size=(120, 36)) as pilot:
        app.start_action("restart-worker", {"worker": "w-7"})
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.pause(0.6)
        await pilot.press(*"production", "enter")
        # The read-only first step runs; the mutating second one asks on its own.
        await until(
            pilot,
            lambda: (
                isinstance(app.screen, ConfirmScreen) and "step 2/3" in app.screen.plan.call.target
            ),
        )
        assert not (tmp_path / "restarted-w-7").exists()
        await pilot.pause(0.6)
        await pilot.press("enter")  # not the environment's name: nothing happens
        await pilot.pause(0.2)
        assert not (tmp_path / "restarted-w-7").exists()
        await pilot.press(*"production", "enter")
        await until(pilot, lambda: isinstance(app.screen, RunScreen) and not app.screen.running)
        screen = app.screen
        assert isinstance(screen, RunScreen) and screen.outcome is not None
        assert screen.outcome.ok, screen.outcome
    assert (tmp_path / "restarted-w-7").is_file()
    assert [o for _, o in _log(state_store)] == ["ok"] * 4
