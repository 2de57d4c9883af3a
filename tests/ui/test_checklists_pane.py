"""Ticking the built-in daily checklist: stored in SQLite before it shows, kept across restarts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from textual.widgets import Label, OptionList

from cockpit.state.checklists import DAILY_HOST_CHECKLIST, ChecklistBook
from cockpit.state.store import Store
from cockpit.ui.app import CockpitApp
from cockpit.ui.screens.action_confirm import ConfirmScreen
from cockpit.ui.screens.note import NoteScreen
from cockpit.ui.widgets.checklists_pane import ChecklistsPane
from tests.ui.conftest import DUE_CONFIG, FIXED_EPOCH, THREE_ENVS, ran_before

AppFactory = Callable[..., CockpitApp]


async def _wait_loaded(pane: ChecklistsPane, pilot: object) -> None:
    for _ in range(50):
        if pane.view is not None and not pane.pending:
            return
        await pilot.pause(0.05)  # type: ignore[attr-defined]
    raise AssertionError("checklist never loaded")


async def test_tick_is_stored_and_survives_restart(make_app: AppFactory, tmp_path: Path) -> None:
    db = tmp_path / "state.db"
    store = Store.open(db)
    app = make_app(store=store)
    async with app.run_test(size=(160, 45)) as pilot:
        pane = app.query_one(ChecklistsPane)
        await _wait_loaded(pane, pilot)
        first = DAILY_HOST_CHECKLIST.items[0].id
        pane.query_one(OptionList).focus()
        await pilot.press("space")
        await _wait_loaded(pane, pilot)
        assert pane.view is not None and pane.view.states[first].done
        assert pane.view.states[first].who == "tester"
    store.close()

    reopened = Store.open(db)
    # The app's clock is pinned: read the run it ticked, not today's.
    book = ChecklistBook(reopened, clock=lambda: datetime.fromtimestamp(FIXED_EPOCH, UTC))
    states = book.state("local", DAILY_HOST_CHECKLIST, book.current_period(DAILY_HOST_CHECKLIST))
    assert states[first].done and states[first].who == "tester"
    app2 = make_app(store=reopened)
    async with app2.run_test(size=(160, 45)) as pilot:
        pane = app2.query_one(ChecklistsPane)
        await _wait_loaded(pane, pilot)
        assert pane.view is not None and pane.view.states[first].done
        label = str(pane.query_one(OptionList).get_option_at_index(0).prompt)
        assert label.startswith("[✓]") and "tester" in label
    reopened.close()


async def test_note_and_untick_per_environment(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        pane = app.query_one(ChecklistsPane)
        await _wait_loaded(pane, pilot)
        pane.query_one(OptionList).focus()
        await pilot.press("down", "n")
        assert isinstance(app.screen, NoteScreen)
        await pilot.press(*"disk at 41%", "enter")
        await _wait_loaded(pane, pilot)
        second = DAILY_HOST_CHECKLIST.items[1].id
        assert pane.view is not None
        assert pane.view.states[second].done and pane.view.states[second].note == "disk at 41%"
        await pilot.press("space")
        await _wait_loaded(pane, pilot)
        assert not pane.view.states[second].done
        # Another environment has its own run.
        app.switch_environment("staging")
        await pilot.pause()
        await _wait_loaded(pane, pilot)
        assert pane.environment == "staging"
        assert not any(s.done for s in pane.view.states.values())


CONFIGURED: dict[str, Any] = {
    **THREE_ENVS,
    "checklists": [
        {
            "name": "Daily host",
            "items": [{"text": "Check disk usage", "hint": "df -h"}, {"text": "Check memory"}],
        },
        {
            "name": "Release",
            "period": "deploy",
            "environments": ["production"],
            "items": [{"text": "Announce the release"}],
        },
    ],
}


def _heading(pane: ChecklistsPane) -> str:
    return str(pane.query_one(".checklist--heading", Label).render())


async def _wait_heading(pane: ChecklistsPane, pilot: object, text: str) -> None:
    for _ in range(50):
        if text in _heading(pane):
            return
        await pilot.pause(0.05)  # type: ignore[attr-defined]
    raise AssertionError(f"{text!r} never showed; heading: {_heading(pane)!r}")


def _configured(
    make_app: AppFactory, tmp_path: Path, config: dict[str, Any]
) -> tuple[CockpitApp, ChecklistBook]:
    """An app on ``config`` read from a file, and a book on its store at the app's moment."""
    store = Store.memory()
    book = ChecklistBook(store, clock=lambda: datetime.fromtimestamp(FIXED_EPOCH, UTC))
    return make_app(config, config_path=str(tmp_path / "c.yaml"), store=store), book


async def test_configured_checklists_follow_the_environment(
    make_app: AppFactory, tmp_path: Path
) -> None:
    store = Store.memory()
    book = ChecklistBook(store, clock=lambda: datetime.fromtimestamp(FIXED_EPOCH, UTC))
    app = make_app(CONFIGURED, config_path=str(tmp_path / "cockpit.yaml"), store=store)
    async with app.run_test(size=(160, 45)) as pilot:
        pane = app.query_one(ChecklistsPane)
        await _wait_loaded(pane, pilot)
        # A config file replaces the built-in list.
        assert [c.title for c in pane.checklists] == ["Daily host"]
        assert _heading(pane).startswith("Daily host · daily ")
        pane.query_one(OptionList).focus()
        await pilot.press("space")
        await _wait_loaded(pane, pilot)
        daily = pane.checklists[0]
        assert book.state("local", daily)["Check disk usage"].who == "tester"

        app.switch_environment("production")
        await pilot.pause()
        await _wait_loaded(pane, pilot)
        assert [c.title for c in pane.checklists] == ["Daily host", "Release"]
        day = f"{datetime.fromtimestamp(FIXED_EPOCH, UTC):%Y-%m-%d}"
        await _wait_heading(pane, pilot, f"Daily host · daily {day} · 0/2 done")
        assert not pane.view.states["Check disk usage"].done  # type: ignore[union-attr]
        await pilot.press("right_square_bracket")
        await _wait_heading(pane, pilot, "Release · deploy (no run yet) · 0/1 done")
        # Space cannot tick before a run is opened; a run opened elsewhere shows on reload.
        await pilot.press("space")
        await pilot.pause()
        release = pane.checklists[1]
        assert book.periods("production", release) == []
        book.tick("production", release, "Announce the release", "bob@ops", period="v2.4.0")
        pane.reload()
        await _wait_heading(pane, pilot, "Release · deploy v2.4.0 · 1/1 done")

        app.switch_environment("staging")
        await pilot.pause()
        await _wait_loaded(pane, pilot)
        assert [c.title for c in pane.checklists] == ["Daily host"]


async def test_o_opens_a_release_run_and_r_shows_past_runs(
    make_app: AppFactory, tmp_path: Path
) -> None:
    from cockpit.ui.screens.checklist_runs import ChecklistRunsScreen

    store = Store.memory()
    book = ChecklistBook(store, clock=lambda: datetime.fromtimestamp(FIXED_EPOCH, UTC))
    app = make_app(
        CONFIGURED, environment="production", config_path=str(tmp_path / "c.yaml"), store=store
    )
    async with app.run_test(size=(160, 45)) as pilot:
        pane = app.query_one(ChecklistsPane)
        await _wait_loaded(pane, pilot)
        release = pane.checklists[1]
        book.tick("production", release, "Announce the release", "bob@ops", period="v2.3.0")
        pane.query_one(OptionList).focus()
        await pilot.press("right_square_bracket")
        await _wait_heading(pane, pilot, "Release · deploy v2.3.0 · 1/1 done")
        await pilot.press("o")
        assert isinstance(app.screen, NoteScreen)
        for key in "v2.4.0":
            await pilot.press(key)
        await pilot.press("enter")
        await _wait_heading(pane, pilot, "Release · deploy v2.4.0 · 0/1 done")
        await pilot.press("space")
        await _wait_heading(pane, pilot, "Release · deploy v2.4.0 · 1/1 done")
        assert book.periods("production", release) == ["v2.4.0", "v2.3.0"]

        await pilot.press("R")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ChecklistRunsScreen)
        for _ in range(50):
            if screen.report:
                break
            await pilot.pause(0.05)
        assert [(r.period, r.done, r.total) for r in screen.runs] == [
            ("v2.4.0", 1, 1),
            ("v2.3.0", 1, 1),
        ]
        assert "v2.4.0" in screen.report and "tester" in screen.report
        await pilot.press("j")
        for _ in range(50):
            if "bob@ops" in screen.report:
                break
            await pilot.pause(0.05)
        assert "v2.3.0" in screen.report and "bob@ops" in screen.report
        await pilot.press("escape")
        assert not isinstance(app.screen, ChecklistRunsScreen)


async def test_r_runs_the_items_read_only_command_and_keeps_its_output(
    make_app: AppFactory, tmp_path: Path
) -> None:
    status = tmp_path / "status.txt"
    status.write_text("replication lag 0s\n")
    config = {
        **THREE_ENVS,
        "checklists": [
            {
                "name": "Daily db",
                "items": [
                    {"text": "Replication healthy", "hint": f"cat {status}"},
                    {"text": "Vacuum done", "hint": f"touch {tmp_path}/vacuumed"},
                    {"text": "Nothing to run"},
                ],
            }
        ],
    }
    app, book = _configured(make_app, tmp_path, config)
    async with app.run_test(size=(160, 45)) as pilot:
        pane = app.query_one(ChecklistsPane)
        await _wait_loaded(pane, pilot)
        pane.query_one(OptionList).focus()
        await pilot.press("r")
        await _wait_heading(pane, pilot, "1/3 done")
        state = book.state("local", pane.checklists[0])["Replication healthy"]
        assert state.done and state.who == "tester"
        assert state.note == f"ran `cat {status}` (exit 0)"
        assert state.evidence == "replication lag 0s"
        shown = str(pane.query_one(".checklist--hint").render())
        assert shown == f"how: cat {status}\nevidence: replication lag 0s"
        # A mutating command is previewed and confirmed as an action (Esc: nothing runs); an
        # item without a command says so.
        await pilot.press("j", "r")
        for _ in range(100):
            if isinstance(app.screen, ConfirmScreen):
                break
            await pilot.pause(0.05)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("escape")
        await pilot.pause(0.3)
        assert not book.state("local", pane.checklists[0])["Vacuum done"].done
        assert not (tmp_path / "vacuumed").exists()
        await pilot.press("j", "r")
        await pilot.pause(0.2)
        assert "1/3 done" in _heading(pane)


async def test_bound_items_tick_themselves_as_the_cockpit(
    make_app: AppFactory, tmp_path: Path
) -> None:
    from cockpit.domain.health import CheckResult, CheckStatus, ServiceStatus, Status
    from cockpit.ui.messages import HealthSnapshot
    from tests.ui.conftest import metric_results

    config = {
        **THREE_ENVS,
        "services": [{"name": "web", "checks": [{"tcp": {"host": "127.0.0.1", "port": 9}}]}],
        "checklists": [
            {
                "name": "Daily host",
                "environments": ["local"],
                "items": [
                    {"text": "App responds", "when": {"service": "web"}},
                    {"text": "Memory fine", "when": {"metric": "memory"}},
                    {"text": "Disk fine", "when": {"metric": "disk"}},
                    {"text": "Logs read"},
                ],
            }
        ],
    }
    app, book = _configured(make_app, tmp_path, config)
    async with app.run_test(size=(160, 45)) as pilot:
        pane = app.query_one(ChecklistsPane)
        await _wait_loaded(pane, pilot)
        last = CheckResult(
            "web", "local", "tcp", "tcp", Status.UP, 3.0, "connected", [], FIXED_EPOCH
        )
        check = CheckStatus(
            "tcp", "tcp", Status.UP, "connected", last, FIXED_EPOCH, [Status.UP], [3.0]
        )
        up = ServiceStatus("web", "local", Status.UP, 3.0, "connected", FIXED_EPOCH, [check])
        app.post_message(HealthSnapshot([up]))
        for message in metric_results("local", steps=3):
            app.post_message(message)
        await pilot.pause()
        pane.auto_tick()
        await _wait_heading(pane, pilot, "2/4 done")
        states = book.state("local", pane.checklists[0])
        host = pane.who.partition("@")[2] or "localhost"
        app_item, memory, disk = states["App responds"], states["Memory fine"], states["Disk fine"]
        assert app_item.done and app_item.who == f"cockpit@{host}"
        assert app_item.evidence == "web UP at 22:26:40 UTC: connected"
        assert memory.done and memory.evidence is not None and "GiB" in memory.evidence
        assert not disk.done  # disk / is at 93.5 %, past its crit limit
        assert not states["Logs read"].done
        pane.auto_tick()  # already ticked: nothing is written twice
        await pilot.pause(0.3)
        events = book.history("local", pane.checklists[0])
        assert len(events) == 2


async def test_ticks_from_another_cockpit_show_within_two_seconds(
    make_app: AppFactory, tmp_path: Path
) -> None:
    import time

    db = tmp_path / "state.db"
    app = make_app(CONFIGURED, config_path=str(tmp_path / "c.yaml"), store=Store.open(db))
    other = Store.open(db)  # another cockpit's connection to the same file
    book = ChecklistBook(other, clock=lambda: datetime.fromtimestamp(FIXED_EPOCH, UTC))
    async with app.run_test(size=(160, 45)) as pilot:
        pane = app.query_one(ChecklistsPane)
        await _wait_loaded(pane, pilot)
        await _wait_heading(pane, pilot, "Daily host · daily ")
        assert "0/2 done" in _heading(pane)
        book.tick("local", pane.checklists[0], "Check memory", "bob@other-host", "fine")
        ticked_at = time.monotonic()
        await _wait_heading(pane, pilot, "1/2 done")
        assert time.monotonic() - ticked_at < 2.0
        assert pane.view is not None and pane.view.states["Check memory"].who == "bob@other-host"
    other.close()


async def test_a_run_left_unfinished_yesterday_stands_out(
    make_app: AppFactory, tmp_path: Path
) -> None:
    from datetime import timedelta

    app, book = _configured(make_app, tmp_path, CONFIGURED)
    daily = _daily_definition(app)
    yesterday = datetime.fromtimestamp(FIXED_EPOCH, UTC) - timedelta(days=1)
    book.tick("local", daily, "Check disk usage", "ana@ops", period=f"{yesterday:%Y-%m-%d}")
    async with app.run_test(size=(160, 45)) as pilot:
        pane = app.query_one(ChecklistsPane)
        await _wait_loaded(pane, pilot)
        await _wait_heading(pane, pilot, f"▲ OVERDUE: {yesterday:%Y-%m-%d} left at 1/2")
        assert pane.query_one(".checklist--heading").has_class("-overdue")


def _daily_definition(app: CockpitApp) -> Any:
    from cockpit.runbooks.configured import to_checklist

    return to_checklist(app.context.config.checklists[0], Path("."))


async def test_h_shows_an_items_history_across_runs(make_app: AppFactory, tmp_path: Path) -> None:
    from cockpit.ui.screens.checklist_runs import ItemHistoryScreen

    app, book = _configured(make_app, tmp_path, CONFIGURED)
    daily = _daily_definition(app)
    book.tick("local", daily, "Check disk usage", "ana@ops", "82% on /", period="2026-11-19")
    book.untick("local", daily, "Check disk usage", "bo@ops", "wrong host", period="2026-11-19")
    async with app.run_test(size=(160, 45)) as pilot:
        pane = app.query_one(ChecklistsPane)
        await _wait_loaded(pane, pilot)
        pane.query_one(OptionList).focus()
        await pilot.press("h")
        screen = app.screen
        assert isinstance(screen, ItemHistoryScreen)
        for _ in range(50):
            if screen.text:
                break
            await pilot.pause(0.05)
        first, second = screen.text.splitlines()
        assert first.startswith("2026-11-19  ✗ unticked by bo@ops at ") and "“wrong host”" in first
        assert second.startswith("2026-11-19  ✓ ticked by ana@ops at ") and "“82% on /”" in second
        await pilot.press("escape")
        assert not isinstance(app.screen, ItemHistoryScreen)


def _labels(pane: ChecklistsPane) -> list[str]:
    options = pane.query_one(OptionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def test_overdue_and_missed_items_stand_out(make_app: AppFactory, tmp_path: Path) -> None:
    from rich.text import Text

    # 17:26 in New York: the list was due at 10:00 there, the error log is due at 20:00.
    app, book = _configured(make_app, tmp_path, DUE_CONFIG)
    daily = _daily_definition(app)
    ran_before(book, daily)
    async with app.run_test(size=(160, 45)) as pilot:
        pane = app.query_one(ChecklistsPane)
        await _wait_loaded(pane, pilot)
        await _wait_heading(pane, pilot, "missed")
        assert _heading(pane) == (
            "Morning checks · daily 2026-11-21 · 0/3 done · due 10:00 EST · 2 overdue · 2 missed"
            "   ▲ OVERDUE: 2026-11-20 left at 1/3"
        )
        assert _labels(pane) == [
            "[ ] Check disk usage  ▲ overdue 7h",
            "[ ] Verify backups  ▲ overdue 7h  missed 2 runs",
            "[ ] Read the error log  missed 1 run",
        ]
        # Marked in the theme's colours, the box included.
        overdue = pane.get_component_rich_style("checklist--overdue")
        missed = pane.get_component_rich_style("checklist--missed")
        backups = pane.query_one(OptionList).get_option_at_index(1).prompt
        assert isinstance(backups, Text)
        styled = {backups.plain[s.start : s.end]: s.style for s in backups.spans}
        assert styled["[ ] "] == overdue and styled["  ▲ overdue 7h"] == overdue
        assert styled["  missed 2 runs"] == missed and overdue.color != missed.color
        error_log = pane.query_one(OptionList).get_option_at_index(2).prompt
        assert isinstance(error_log, Text) and error_log.spans[0].style == missed
        # The item with its own due time says when, below the list.
        pane.query_one(OptionList).focus()
        await pilot.press("j", "j")
        assert str(pane.query_one(".checklist--hint").render()) == "due: 20:00 EST"

        await pilot.press("k", "space")  # ticking an item takes its marks away
        await _wait_heading(pane, pilot, "1/3 done")
        assert "· 1 overdue · 1 missed   ▲ OVERDUE" in _heading(pane)
        assert _labels(pane)[1].startswith("[✓] Verify backups  — tester ")


async def test_items_turn_overdue_as_the_clock_passes_their_due_time(
    make_app: AppFactory, tmp_path: Path
) -> None:
    moment = [FIXED_EPOCH - 8 * 3600]  # 09:26 in New York
    store = Store.memory()
    app = make_app(
        DUE_CONFIG,
        config_path=str(tmp_path / "c.yaml"),
        store=store,
        clock=lambda: moment[0],
    )
    async with app.run_test(size=(160, 45)) as pilot:
        pane = app.query_one(ChecklistsPane)
        await _wait_loaded(pane, pilot)
        await _wait_heading(pane, pilot, "due 10:00 EST")
        assert "overdue" not in _heading(pane) and "overdue" not in " ".join(_labels(pane))
        moment[0] = FIXED_EPOCH - 7 * 3600 + 60  # 10:27
        await _wait_heading(pane, pilot, "· 2 overdue")
        assert _labels(pane)[:2] == [
            "[ ] Check disk usage  ▲ overdue 27m",
            "[ ] Verify backups  ▲ overdue 27m",
        ]
