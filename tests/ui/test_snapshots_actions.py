"""SVG snapshots of actions: the typed production preview, a finished run, the audit trail."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from cockpit.state.audit import AuditLog
from cockpit.state.store import Store
from cockpit.ui.app import CockpitApp
from cockpit.ui.screens.action_confirm import ConfirmScreen
from cockpit.ui.screens.action_run import RunScreen
from cockpit.ui.screens.audit import AuditScreen
from tests.support.pilot_wait import until
from tests.ui.conftest import FIXED_EPOCH, THREE_ENVS

AppFactory = Callable[..., CockpitApp]
CONFIG: dict[str, Any] = {
    **THREE_ENVS,
    "actions": [
        {
            "name": "scale-web",
            "description": "Scale the web deployment",
            "environments": ["staging", "production"],
            "command": {
                "argv": ["kubectl", "scale", "deployment/web", "--replicas={replicas}"],
                "cwd": "/",
            },
            "params": {"replicas": {"type": "int", "min": 1, "max": 20, "default": 3}},
        },
        {
            "name": "restart-api",
            "description": "Restart the API service",
            "command": {
                "script": "echo stopping api; echo starting api; echo api is up",
                "cwd": "/",
            },
        },
    ],
}


def _app(make_app: AppFactory, tmp_path: Path) -> CockpitApp:
    store = Store.open(tmp_path / "state.db")
    return make_app(
        CONFIG,
        environment="production",
        store=store,
        base_dir=tmp_path,
        monotonic=lambda: 1000.0,
    )


async def _preview(pilot: Pilot[Any]) -> None:
    app = pilot.app
    assert isinstance(app, CockpitApp)
    app.start_action("scale-web", {"replicas": "10"})
    await until(
        pilot, lambda: app.screen.focused is not None and app.screen is not app.screen_stack[0]
    )
    await pilot.press("enter")
    await until(
        pilot, lambda: isinstance(app.screen, ConfirmScreen) and app.screen.focused is not None
    )
    await pilot.pause(0.2)


@pytest.mark.parametrize("size", [(80, 24), (160, 45)])
def test_typed_production_preview(
    snap_compare: Any, make_app: AppFactory, tmp_path: Path, size: tuple[int, int]
) -> None:
    assert snap_compare(_app(make_app, tmp_path), terminal_size=size, run_before=_preview)


def test_finished_run(snap_compare: Any, make_app: AppFactory, tmp_path: Path) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        app = pilot.app
        assert isinstance(app, CockpitApp)
        app.start_action("restart-api")
        await until(
            pilot, lambda: isinstance(app.screen, ConfirmScreen) and app.screen.focused is not None
        )
        await pilot.press(*"production", "enter")
        await until(pilot, lambda: isinstance(app.screen, RunScreen) and not app.screen.running)
        await pilot.pause(0.3)

    assert snap_compare(_app(make_app, tmp_path), terminal_size=(100, 30), run_before=run_before)


def test_audit_trail(snap_compare: Any, make_app: AppFactory, tmp_path: Path) -> None:
    app = _app(make_app, tmp_path)
    store = app.context.store
    assert store is not None
    at = iter(FIXED_EPOCH - 600 + 60 * i for i in range(10))
    audit = AuditLog(store, clock=lambda: datetime.fromtimestamp(next(at), UTC))
    call = {"target": "kubectl", "argv": ["kubectl", "scale", "deployment/web", "--replicas=10"]}
    audit.record(
        "action.refused",
        "production",
        "ana@ops-1",
        "refused scale-web",
        {
            "action": "scale-web",
            "params": {"replicas": "10"},
            "reason": "production is protected: type its name to confirm (got 'prod')",
            "origin": "palette",
        },
    )
    intent = audit.record(
        "action.intent",
        "production",
        "ana@ops-1",
        "run scale-web",
        {"action": "scale-web", "params": {"replicas": 10}, "call": call, "origin": "palette"},
    )
    audit.record(
        "action.outcome",
        "production",
        "ana@ops-1",
        "scale-web: ok",
        {
            "intent": intent,
            "action": "scale-web",
            "outcome": "ok",
            "exit_code": 0,
            "seconds": 1.2,
            "output": "deployment.apps/web scaled",
        },
    )
    audit.record(
        "action.intent",
        "production",
        "bo@ops-2",
        "run restart-api",
        {
            "action": "restart-api",
            "params": {},
            "call": {"target": "script restart-api"},
            "origin": "key",
            "host": "ops-2",
            "pid": 4242,
        },
    )

    async def run_before(pilot: Pilot[Any]) -> None:
        await pilot.press("A")
        await until(
            pilot,
            lambda: isinstance(pilot.app.screen, AuditScreen) and bool(pilot.app.screen.attempts),
        )
        await pilot.pause(0.2)

    assert snap_compare(app, terminal_size=(120, 32), run_before=run_before)
