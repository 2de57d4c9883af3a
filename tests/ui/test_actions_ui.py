"""Actions from the screen, asserted on what happens: files made or not by real commands, and
the attempts in the audit trail."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.command import CommandInput, CommandList, CommandPalette
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Log

from cockpit.actions.model import Attempt
from cockpit.actions.trail import attempts
from cockpit.state.audit import AuditLog
from cockpit.state.store import Store
from cockpit.ui.app import CockpitApp
from cockpit.ui.screens.action_confirm import ConfirmScreen
from cockpit.ui.screens.action_form import ActionFormScreen
from cockpit.ui.screens.action_run import RunScreen
from cockpit.ui.screens.audit import AuditScreen
from tests.support.pilot_wait import until
from tests.ui.conftest import FIXED_EPOCH

AppFactory = Callable[..., CockpitApp]


def _field(form: object, name: str) -> Input:
    """The form's input for the parameter ``name``."""
    from textual.screen import Screen

    assert isinstance(form, Screen)
    return next(f for f in form.query(Input) if f.name == name)


def _config() -> dict[str, Any]:
    return {
        "environments": {
            "dev": {"protection": "none"},
            "stage": {"protection": "confirm"},
            "production": {"protection": "typed", "description": "EKS production"},
            "empty": {"protection": "none"},
        },
        "actions": [
            {
                "name": "touch-marker",
                "description": "make a marker file",
                "environments": ["dev", "stage", "production"],
                "command": {"argv": ["touch", "{path}"], "cwd": "."},
                "params": {
                    "path": {"type": "name", "description": "the file to make"},
                    "mode": {"type": "choice", "choices": ["fast", "slow"], "default": "fast"},
                },
            },
            {
                "name": "make-done",
                "environments": ["dev", "stage", "production"],
                "command": {"argv": ["touch", "done"], "cwd": "."},
            },
            {
                "name": "slow",
                "environments": ["dev"],
                "command": {"script": "echo started; sleep 30", "cwd": "."},
                "timeout": "60s",
            },
            {
                "name": "noisy",
                "environments": ["dev"],
                "command": {
                    "script": "printf '\\033[31mred\\033[0m \\033]0;title\\007 "
                    "token=abcdef123456 Bearer abcdefghijklmnop\\n'",
                    "cwd": ".",
                },
            },
        ],
        "metrics": [
            {
                "name": "disk",
                "environments": ["dev"],
                "host": {"metric": "disk_percent"},
                "warn": 80,
                "crit": 90,
                "action": "make-done",
                "interval": "1h",
            },
            {
                "name": "memory",
                "environments": ["dev"],
                "host": {"metric": "memory_percent"},
                "warn": 80,
                "crit": 90,
                "action": "Clean up caches",
                "interval": "1h",
            },
        ],
    }


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    """The app's monotonic clock."""
    return Clock()


@pytest.fixture
def cockpit(
    make_app: AppFactory, tmp_path: Path, state_store: Store, clock: Clock
) -> Callable[..., CockpitApp]:
    """``cockpit(environment, **context)``: an app on the test config, a real state file."""

    def build(environment: str = "dev", **overrides: Any) -> CockpitApp:
        settings: dict[str, Any] = {
            "store": state_store,
            "base_dir": tmp_path,
            "monotonic": clock,
            **overrides,
        }
        return make_app(_config(), environment=environment, **settings)

    return build


def _attempts(store: Store) -> list[Attempt]:
    return attempts(AuditLog(store))


def _outcomes(store: Store) -> list[str]:
    return [a.outcome for a in _attempts(store)]


async def _dialog(pilot: Pilot[Any]) -> ConfirmScreen:
    def up() -> bool:
        screen = pilot.app.screen
        return isinstance(screen, ConfirmScreen) and screen.opened_at is not None

    await until(pilot, up)
    screen = pilot.app.screen
    assert isinstance(screen, ConfirmScreen)
    return screen


async def _answer(pilot: Pilot[Any], name: str, *keys: str) -> ConfirmScreen:
    """Start ``name`` in the environment in focus; at its dialog, press ``keys``."""
    app = pilot.app
    assert isinstance(app, CockpitApp)
    app.start_action(name)
    dialog = await _dialog(pilot)
    await pilot.press(*keys)
    return dialog


async def _running(pilot: Pilot[Any], name: str) -> RunScreen:
    """Start ``name`` (an environment with protection none) and wait for its first line."""
    await _answer(pilot, name, "enter")
    app = pilot.app
    await until(pilot, lambda: isinstance(app.screen, RunScreen) and app.screen.lines_shown > 0)
    screen = app.screen
    assert isinstance(screen, RunScreen)
    return screen


async def _ran(pilot: Pilot[Any]) -> RunScreen:
    app = pilot.app
    await until(pilot, lambda: isinstance(app.screen, RunScreen) and not app.screen.running)
    screen = app.screen
    assert isinstance(screen, RunScreen)
    return screen


async def _pick(pilot: Pilot[Any], *keys: str, words: str) -> None:
    """Open the palette with ``keys``, type ``words``, wait for a hit and choose it."""
    await pilot.press(*keys)
    await until(pilot, lambda: isinstance(pilot.app.screen, CommandPalette))
    palette = pilot.app.screen
    palette.query_one(CommandInput).value = words
    commands = palette.query_one(CommandList)
    await until(pilot, lambda: commands.option_count > 0 and commands.highlighted is not None)
    await pilot.press("enter")


def _prompts(palette: Any) -> list[str]:
    commands = palette.query_one(CommandList)
    return [str(commands.get_option_at_index(i).prompt) for i in range(commands.option_count)]


async def test_none_runs_on_one_key_from_the_palette(
    cockpit: Callable[..., CockpitApp], tmp_path: Path, state_store: Store
) -> None:
    app = cockpit("dev")
    async with app.run_test(size=(120, 40)) as pilot:
        await _pick(pilot, "a", words="make-done")
        await _dialog(pilot)
        await pilot.press("enter")
        screen = await _ran(pilot)
        assert screen.outcome is not None and screen.outcome.ok
        assert (tmp_path / "done").exists()
    (attempt,) = _attempts(state_store)
    assert (attempt.outcome, attempt.origin, attempt.user) == ("ok", "key", "tester")


async def test_confirm_ignores_keys_for_half_a_second(
    cockpit: Callable[..., CockpitApp], tmp_path: Path, state_store: Store, clock: Clock
) -> None:
    app = cockpit("stage")
    async with app.run_test(size=(120, 40)) as pilot:
        # Enter picks the action in the palette, and a second Enter follows at once.
        await _pick(pilot, "a", words="make-done")
        await pilot.press("enter")
        dialog = await _dialog(pilot)
        clock.now += 0.2
        await pilot.press("enter", "enter", "y")
        await pilot.pause(0.2)
        assert app.screen is dialog and not dialog.done
        assert dialog.focused is not None and dialog.focused.id == "cancel"
        clock.now += 0.4
        # Past the half second, Enter answers the focused button: Cancel.
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert dialog.done and not isinstance(app.screen, RunScreen)
        assert not (tmp_path / "done").exists()

        dialog = await _answer(pilot, "make-done")
        clock.now += 0.6
        await pilot.press("y")
        await _ran(pilot)
        assert (tmp_path / "done").exists()
    assert _outcomes(state_store) == ["ok"]


async def test_typed_needs_the_environment_name(
    cockpit: Callable[..., CockpitApp], tmp_path: Path, state_store: Store
) -> None:
    app = cockpit("production")
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await _answer(pilot, "make-done", "enter", "y", "enter")
        await pilot.pause(0.2)
        assert app.screen is dialog and dialog.has_class("-wrong")
        hint = str(dialog.query_one("#confirm-hint").render())
        assert "type its name" in hint and "nothing ran" in hint
        assert not (tmp_path / "done").exists()
        assert _outcomes(state_store) == []

        # The same wrong text again: handed to the gate, which refuses it on record.
        await pilot.press("enter")
        screen = await _ran(pilot)
        assert screen.refused is not None and "type its name" in screen.refused
        assert not (tmp_path / "done").exists()
        assert _outcomes(state_store) == ["refused"]
        await pilot.press("escape")

        await _answer(pilot, "make-done", *"production", "enter")
        screen = await _ran(pilot)
        assert screen.outcome is not None and screen.outcome.ok
        assert (tmp_path / "done").exists()
    assert _outcomes(state_store) == ["refused", "ok"]


async def test_typed_target_is_asked_for_when_the_plan_names_one(
    cockpit: Callable[..., CockpitApp], tmp_path: Path, state_store: Store
) -> None:
    app = cockpit("production")
    async with app.run_test(size=(120, 40)) as pilot:
        plan = await app.gate.prepare("make-done", "production", {}, origin="checklist")
        plan = dataclasses.replace(plan, call=dataclasses.replace(plan.call, confirm_target="web"))
        app.confirm_and_run(plan)
        dialog = await _dialog(pilot)
        await pilot.press(*"production", "enter")
        target = dialog.query_one("#target", Input)
        assert dialog.focused is target
        await pilot.press("enter")
        assert app.screen is dialog and "web" in str(dialog.query_one("#confirm-hint").render())
        await pilot.press(*"api", "enter")
        assert app.screen is dialog and not (tmp_path / "done").exists()
        target.value = ""
        await pilot.press(*"web", "enter")
        await _ran(pilot)
        assert (tmp_path / "done").exists()
    (attempt,) = _attempts(state_store)
    assert (attempt.outcome, attempt.origin) == ("ok", "checklist")


async def test_read_only_refuses_from_the_palette_and_a_key_and_records_it(
    cockpit: Callable[..., CockpitApp], tmp_path: Path, state_store: Store
) -> None:
    app = cockpit("dev", read_only=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await _pick(pilot, "ctrl+p", words="Action: make-done")
        dialog = await _dialog(pilot)
        assert "read-only: will not run" in str(
            dialog.query_one("#confirm-preview Static").render()
        )
        await pilot.press("y")
        screen = await _ran(pilot)
        assert screen.refused is not None and "read-only" in screen.refused
        await pilot.press("escape")

        await _pick(pilot, "a", words="make-done")
        await _dialog(pilot)
        await pilot.press("y")
        await _ran(pilot)
    assert not (tmp_path / "done").exists()
    found = _attempts(state_store)
    assert [(a.outcome, a.origin) for a in found] == [("refused", "palette"), ("refused", "key")]
    assert all("--read-only" in (a.reason or "") for a in found)


async def test_cancel_stops_the_action_and_records_cancelled(
    cockpit: Callable[..., CockpitApp], state_store: Store
) -> None:
    app = cockpit("dev")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _running(pilot, "slow")
        # ctrl+c belongs to the run while it runs: it cancels, it does not ask to quit.
        await pilot.press("ctrl+c")
        await until(pilot, lambda: not screen.running, seconds=15)
        assert app.is_running and screen.outcome is not None
        assert screen.outcome.status == "cancelled"
        assert "cancelled" in str(screen.query_one("#run-status").render())
        await pilot.press("escape")
        assert not isinstance(app.screen, RunScreen)
    assert _outcomes(state_store) == ["cancelled"]


async def test_output_is_shown_sanitized_and_redacted(
    cockpit: Callable[..., CockpitApp], state_store: Store
) -> None:
    app = cockpit("dev")
    async with app.run_test(size=(120, 40)) as pilot:
        await _answer(pilot, "noisy", "y")
        screen = await _ran(pilot)
        (line,) = screen.query_one(Log).lines
        assert "\x1b" not in line and "\x07" not in line
        assert "red" in line and "abcdef123456" not in line and "abcdefghijklmnop" not in line
        assert "<redacted>" in line
    (attempt,) = _attempts(state_store)
    assert "abcdef123456" not in attempt.output


async def test_the_form_checks_values_as_they_are_typed(
    cockpit: Callable[..., CockpitApp], tmp_path: Path, state_store: Store
) -> None:
    app = cockpit("dev")
    async with app.run_test(size=(120, 40)) as pilot:
        app.start_action("touch-marker")
        await until(pilot, lambda: isinstance(app.screen.focused, Input))
        form = app.screen
        assert isinstance(form, ActionFormScreen)
        assert _field(form, "mode").value == "fast"  # the default
        await pilot.press(*"-rf")
        error = form.query_one("#error-0")  # under the first field, path
        assert error.has_class("-shown") and "starts with `-`" in str(error.render())
        await pilot.press("enter")
        assert app.screen is form  # a refused value: Enter stays
        _field(form, "path").value = "marker-1"
        await pilot.pause()
        assert not error.has_class("-shown")
        await pilot.press("enter", "enter")  # next field, then on to the preview
        dialog = await _dialog(pilot)
        assert "path=marker-1" in str(dialog.query_one("#confirm-preview Static").render())
        await pilot.press("p")  # preview only
        await pilot.pause(0.2)
        assert not isinstance(app.screen, ConfirmScreen)

        app.start_action("touch-marker", {"path": "marker-2"})
        await until(pilot, lambda: isinstance(app.screen.focused, Input))
        await pilot.press("escape")
        await pilot.pause(0.2)
        assert not isinstance(app.screen, (ActionFormScreen, ConfirmScreen))
    assert not list(tmp_path.glob("marker-*"))
    assert _outcomes(state_store) == []


async def test_an_unknown_action_is_refused_on_record(
    cockpit: Callable[..., CockpitApp], state_store: Store
) -> None:
    app = cockpit("dev")
    async with app.run_test(size=(120, 40)) as pilot:
        app.start_action("nope", origin="key")
        await until(pilot, lambda: bool(_outcomes(state_store)))
        await pilot.pause(0.1)
        assert any("no action named" in n.message for n in app._notifications)
    (attempt,) = _attempts(state_store)
    assert attempt.outcome == "refused" and attempt.action == "nope"


async def test_the_palette_lists_actions_recent_first_or_says_there_are_none(
    cockpit: Callable[..., CockpitApp], state_store: Store
) -> None:
    AuditLog(state_store).record(
        "action.refused",
        "dev",
        "ann@ops-1",
        "refused slow",
        {"action": "slow", "params": {}, "reason": "test", "origin": "cli"},
    )
    app = cockpit("dev")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, CommandPalette))
        commands = app.screen.query_one(CommandList)
        await until(pilot, lambda: commands.option_count == 4)
        prompts = _prompts(app.screen)
        assert prompts[0].startswith("Action: slow · dev · none")
        assert "recent" in prompts[0] and "command" in prompts[0]
        await pilot.press("escape")
        app.switch_environment("empty")
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, CommandPalette))
        commands = app.screen.query_one(CommandList)
        await until(pilot, lambda: commands.option_count == 1)
        assert _prompts(app.screen) == [
            "Actions: none configured for empty (add them under actions:)"
        ]


async def test_the_palette_jumps_to_panes_services_checklists_and_the_audit_trail(
    make_app: AppFactory, tmp_path: Path
) -> None:
    from cockpit.domain.health import ServiceStatus, Status
    from cockpit.ui.messages import HealthSnapshot

    config: dict[str, Any] = {
        "environments": {"dev": {}},
        "services": [
            {"name": name, "checks": [{"tcp": {"host": "127.0.0.1", "port": 9}}]}
            for name in ("api", "web")
        ],
        "checklists": [
            {"name": "Daily", "items": [{"text": "one"}]},
            {"name": "Release", "period": "deploy", "items": [{"text": "two"}]},
        ],
    }
    app = make_app(config, environment="dev", config_path=str(tmp_path / "c.yaml"))
    async with app.run_test(size=(120, 40)) as pilot:
        app.post_message(
            HealthSnapshot(
                [ServiceStatus(n, "dev", Status.UP, 1.0, "ok", None, []) for n in ("api", "web")]
            )
        )
        await pilot.pause()
        await _pick(pilot, "ctrl+p", words="Pane: Metrics")
        await until(pilot, lambda: app.active_pane == "metrics")
        await _pick(pilot, "ctrl+p", words="Service: web")
        health = app.panes.health
        await until(pilot, lambda: app.active_pane == "health")
        selected = health.selected()
        assert selected is not None and selected.name == "web"
        await _pick(pilot, "ctrl+p", words="Checklist: Release")
        await until(pilot, lambda: app.active_pane == "checklists")
        checklist = app.panes.checklists.checklist
        assert checklist is not None and checklist.title == "Release"
        await _pick(pilot, "ctrl+p", words="Audit trail")
        await until(pilot, lambda: isinstance(app.screen, AuditScreen))


async def test_metric_row_starts_its_action_or_looks_it_up(
    cockpit: Callable[..., CockpitApp], state_store: Store
) -> None:
    from cockpit.sources.messages import MetricResults
    from cockpit.sources.metrics.poller import PollResult
    from cockpit.ui.messages import MetricsArrived
    from cockpit.ui.widgets.metric_table import MetricTable

    app = cockpit("dev")
    async with app.run_test(size=(120, 40)) as pilot:
        results = (
            PollResult("disk", (("/", FIXED_EPOCH, 95.0),), at=FIXED_EPOCH),
            PollResult("memory", (("", FIXED_EPOCH, 85.0),), at=FIXED_EPOCH),
        )
        app.post_message(MetricsArrived(MetricResults(results), "dev"))
        await pilot.pause()
        pane = app.panes.metrics
        pane.paint()
        await pilot.press("3")
        table = pane.query_one(MetricTable)
        assert app.focused is table and table.selected is not None
        assert table.selected.metric == "disk"
        assert "a: run make-done" in str(pane.query_one(".metrics--header").render())
        await pilot.press("a")
        dialog = await _dialog(pilot)
        assert dialog.plan.origin == "metric" and dialog.plan.action.name == "make-done"
        await pilot.press("escape")
        await pilot.pause(0.1)
        await pilot.press("j", "a")
        await until(pilot, lambda: isinstance(app.screen, CommandPalette))
        assert app.screen.query_one(CommandInput).value == "Clean up caches"


async def test_the_audit_screen_lists_attempts_newest_first(
    cockpit: Callable[..., CockpitApp], state_store: Store
) -> None:
    audit = AuditLog(state_store)
    audit.record(
        "action.intent",
        "dev",
        "bob@ops-2",
        "run make-done",
        {"action": "make-done", "params": {}, "call": {"target": "touch"}, "host": "gone"},
    )
    audit.record(
        "action.refused",
        "dev",
        "ann@ops-1",
        "refused slow",
        {"action": "slow", "params": {"n": "1"}, "reason": "dev is read-only", "origin": "cli"},
    )
    audit.record("action.refused", "stage", "ann@ops-1", "x", {"action": "other", "reason": "r"})
    app = cockpit("dev")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("A")
        await until(pilot, lambda: isinstance(app.screen, AuditScreen))
        screen = app.screen
        assert isinstance(screen, AuditScreen)
        await until(pilot, lambda: bool(screen.attempts))
        assert [a.action for a in screen.attempts] == ["slow", "make-done"]
        table = screen.query_one(DataTable)
        assert "refused: dev is read-only" in str(table.get_row_at(0)[4])
        assert str(table.get_row_at(1)[4]) == "outcome unknown"
        assert "ann@ops-1" in screen.detail_plain and "n=1" in screen.detail_plain
        await pilot.press("j")
        assert "target: touch" in screen.detail_plain
        await pilot.press("escape")
        assert not isinstance(app.screen, AuditScreen)


async def test_an_in_memory_store_runs_nothing(
    cockpit: Callable[..., CockpitApp], tmp_path: Path
) -> None:
    app = cockpit("dev", store=Store.memory())
    async with app.run_test(size=(120, 40)) as pilot:
        await _answer(pilot, "make-done", "y")
        screen = await _ran(pilot)
        assert screen.refused is not None and "cannot record" in screen.refused
    assert not (tmp_path / "done").exists()


async def test_the_verdict_of_verify_is_shown(
    make_app: AppFactory, tmp_path: Path, state_store: Store
) -> None:
    config = {
        "environments": {"dev": {"protection": "none"}},
        "services": [
            {"name": "web", "checks": [{"command": {"argv": ["true"]}}]},
            {"name": "db", "checks": [{"command": {"argv": ["false"]}}]},
        ],
        "actions": [
            {"name": "fix-web", "command": {"argv": ["true"]}, "verify": {"services": ["web"]}},
            {
                "name": "fix-db",
                "command": {"argv": ["true"]},
                "verify": {"services": ["db"], "for": "1s"},
            },
        ],
    }
    app = make_app(config, environment="dev", store=state_store, base_dir=tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await _answer(pilot, "fix-web", "y")
        screen = await _ran(pilot)
        verdict = screen.query_one("#run-verify")
        assert verdict.has_class("-ok") and "recovered after 0 s" in str(verdict.render())
        await pilot.press("escape")
        await _answer(pilot, "fix-db", "y")
        screen = await _ran(pilot)
        verdict = screen.query_one("#run-verify")
        assert verdict.has_class("-bad") and "not recovered" in str(verdict.render())
    found = _attempts(state_store)
    assert "recovered after" in (found[0].reason or "")
    assert "not recovered" in (found[1].reason or "")


async def test_quitting_cancels_a_running_action(
    cockpit: Callable[..., CockpitApp], state_store: Store
) -> None:
    import asyncio

    app = cockpit("dev")
    async with app.run_test(size=(120, 40)) as pilot:
        await _running(pilot, "slow")
        await app.action_quit()
    # The run ends in its own thread: its outcome is recorded there, shortly after.
    for _ in range(100):
        if _outcomes(state_store) == ["cancelled"]:
            break
        await asyncio.sleep(0.1)
    assert _outcomes(state_store) == ["cancelled"]


async def test_read_only_holds_for_a_metric_rows_action(
    cockpit: Callable[..., CockpitApp], tmp_path: Path, state_store: Store
) -> None:
    from cockpit.sources.messages import MetricResults
    from cockpit.sources.metrics.poller import PollResult
    from cockpit.ui.messages import MetricsArrived

    app = cockpit("dev", read_only=True)
    async with app.run_test(size=(120, 40)) as pilot:
        results = (PollResult("disk", (("/", FIXED_EPOCH, 95.0),), at=FIXED_EPOCH),)
        app.post_message(MetricsArrived(MetricResults(results), "dev"))
        await pilot.pause()
        app.panes.metrics.paint()
        await pilot.press("3", "a")
        dialog = await _dialog(pilot)
        assert dialog.plan.origin == "metric"
        await pilot.press("y")
        screen = await _ran(pilot)
        assert screen.refused is not None and "read-only" in screen.refused
    assert not (tmp_path / "done").exists()
    assert [(a.outcome, a.origin) for a in _attempts(state_store)] == [("refused", "metric")]


async def test_d_sends_the_action_again_as_a_dry_run(
    make_app: AppFactory, tmp_path: Path, state_store: Store, clock: Clock
) -> None:
    config = {
        "environments": {"stage": {"protection": "confirm"}},
        "actions": [
            {
                "name": "prune",
                "command": {
                    "argv": ["touch", "pruned"],
                    "dry_run": ["sh", "-c", "echo would prune > dry-run.txt"],
                    "cwd": ".",
                },
            }
        ],
    }
    app = make_app(
        config, environment="stage", store=state_store, base_dir=tmp_path, monotonic=clock
    )
    async with app.run_test(size=(120, 40)) as pilot:
        app.start_action("prune")
        dialog = await _dialog(pilot)
        assert dialog.offers_dry_run and "d dry run" in str(
            dialog.query_one("#confirm-hint").render()
        )
        clock.now += 1
        await pilot.press("d")
        dry = await until_dialog_again(pilot, dialog)
        assert dry.plan.dry_run and not dry.offers_dry_run
        assert dry.plan.call.argv == ("sh", "-c", "echo would prune > dry-run.txt")
        clock.now += 1
        await pilot.press("y")
        await _ran(pilot)
    assert (tmp_path / "dry-run.txt").read_text() == "would prune\n"
    assert not (tmp_path / "pruned").exists()
    (only,) = _attempts(state_store)
    assert only.outcome == "ok" and only.dry_run


async def until_dialog_again(pilot: Pilot[Any], first: ConfirmScreen) -> ConfirmScreen:
    """The next confirmation dialog after ``first`` closed."""
    await until(
        pilot, lambda: isinstance(pilot.app.screen, ConfirmScreen) and pilot.app.screen is not first
    )
    screen = pilot.app.screen
    assert isinstance(screen, ConfirmScreen)
    return screen
