"""SVG snapshots of the Logs pane as the live app shows it: lines, paused, search, errors, help.

The pane follows a real file; clocks, user and data are pinned so the pictures hold on any day.
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from cockpit.ui.app import CockpitApp
from cockpit.ui.feed_supervisor import FeedSupervisor
from cockpit.ui.widgets.log_view import LogView
from cockpit.ui.widgets.logs_pane import LogsPane

AppFactory = Callable[..., CockpitApp]
RunBefore = Callable[[Pilot[Any]], Awaitable[None]]

LINES = [
    "2026-11-21T07:46:40Z INFO orders-api started on :8080",
    "2026-11-21T07:46:41Z INFO GET /health 200 3ms",
    "2026-11-21T07:46:42Z WARN pool 85% used (17/20 connections)",
    '{"ts": "2026-11-21T07:46:43Z", "level": "error", "msg": "payment failed", "order": 4242}',
    "2026-11-21T07:46:44Z ERROR payment gateway timed out after 5000 ms",
    "2026-11-21T07:46:45Z INFO retrying payment for order 4242",
    "2026-11-21T07:46:46Z INFO GET /health 200 2ms",
]


def _write(path: Path, lines: list[str]) -> None:
    with path.open("a", encoding="utf-8") as fh:
        fh.write("".join(f"{line}\n" for line in lines))
        fh.flush()
        os.fsync(fh.fileno())


def _config(tmp: Path, *, failing: bool = False) -> dict[str, Any]:
    logs: list[dict[str, Any]] = [{"name": "orders-api", "file": {"path": str(tmp / "app.log")}}]
    if failing:
        # A file that is on no machine: the source waits for it and says so.
        logs.append({"name": "payments", "file": {"path": "/nonexistent/payments.log"}})
    return {"environments": {"local": {"protection": "none"}}, "logs": logs}


async def _until(pilot: Pilot[Any], predicate: Callable[[], bool]) -> None:
    for _ in range(200):
        if predicate():
            return
        await pilot.pause(0.05)
    raise AssertionError("the Logs pane never reached the expected state")


async def _zoomed_logs(pilot: Pilot[Any], lines: int) -> tuple[LogsPane, LogView]:
    """Show the Logs pane alone, with ``lines`` rows in and its view focused."""
    await pilot.press("2", "z")
    pane = pilot.app.query_one(LogsPane)
    view = pane.query_one(LogView)
    await _until(pilot, lambda: view.line_count == lines)
    view.focus()
    await pilot.pause()
    return pane, view


@pytest.fixture
def log_file(tmp_path: Path) -> Path:
    path = tmp_path / "app.log"
    _write(path, LINES)
    return path


def _app(make_app: AppFactory, tmp: Path, **config: bool) -> CockpitApp:
    return make_app(
        _config(tmp, **config), feeds=FeedSupervisor, monotonic=lambda: 1000.0, base_dir=tmp
    )


def test_logs_following(snap_compare: Any, make_app: AppFactory, log_file: Path) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await _zoomed_logs(pilot, len(LINES))

    app = _app(make_app, log_file.parent)
    assert snap_compare(app, terminal_size=(120, 20), run_before=run_before)


def test_logs_paused(snap_compare: Any, make_app: AppFactory, log_file: Path) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        pane, _view = await _zoomed_logs(pilot, len(LINES))
        await pilot.press("f")
        _write(log_file, ["2026-11-21T07:46:47Z INFO late 1", "2026-11-21T07:46:48Z INFO late 2"])
        await _until(pilot, lambda: pane.new_while_paused == 2)
        await pilot.pause()

    app = _app(make_app, log_file.parent)
    assert snap_compare(app, terminal_size=(120, 20), run_before=run_before)


def test_logs_search(snap_compare: Any, make_app: AppFactory, log_file: Path) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await _zoomed_logs(pilot, len(LINES))
        await pilot.press("s", *"payment", "enter", "n")
        await pilot.pause()

    app = _app(make_app, log_file.parent)
    assert snap_compare(app, terminal_size=(120, 20), run_before=run_before)


def test_logs_failing_source_80x24(snap_compare: Any, make_app: AppFactory, log_file: Path) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        pane, _view = await _zoomed_logs(pilot, len(LINES))
        assert pane.feed is not None
        status = pane.feed.statuses["payments"]
        await _until(pilot, lambda: status.state.value != "connecting")
        await pilot.pause()

    app = _app(make_app, log_file.parent, failing=True)
    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_logs_help(snap_compare: Any, make_app: AppFactory, log_file: Path) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await _zoomed_logs(pilot, len(LINES))
        await pilot.press("question_mark")
        await pilot.pause()

    app = _app(make_app, log_file.parent)
    assert snap_compare(app, terminal_size=(120, 36), run_before=run_before)


@pytest.mark.parametrize("size", [(80, 24), (160, 45)])
@pytest.mark.parametrize("theme", ["cockpit-dark", "cockpit-light", "war-room"])
def test_logs_at_a_glance_in_each_theme(
    snap_compare: Any, make_app: AppFactory, log_file: Path, theme: str, size: tuple[int, int]
) -> None:
    """JSON compact, short times, a source that cannot start, a health change in the stream."""
    from cockpit.domain.health import ServiceStatus, Status
    from cockpit.ui.messages import HealthSnapshot

    def snapshot(status: Status, reason: str) -> HealthSnapshot:
        return HealthSnapshot([ServiceStatus("payments", "local", status, 1.0, reason, 0.0, [])])

    async def run_before(pilot: Pilot[Any]) -> None:
        pane, view = await _zoomed_logs(pilot, len(LINES))
        assert pane.feed is not None
        status = pane.feed.statuses["payments"]
        await _until(pilot, lambda: status.state.value != "connecting")
        pilot.app.post_message(snapshot(Status.UP, "HTTP 200"))
        await pilot.pause()
        pilot.app.post_message(snapshot(Status.DOWN, "HTTP 500"))
        await _until(pilot, lambda: view.line_count == len(LINES) + 1)
        await pilot.pause()

    app = make_app(
        _config(log_file.parent, failing=True),
        feeds=FeedSupervisor,
        monotonic=lambda: 1000.0,
        base_dir=log_file.parent,
        theme=theme,
    )
    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", [(80, 24), (160, 45)])
@pytest.mark.parametrize("theme", ["cockpit-dark", "cockpit-light", "war-room"])
def test_help_in_each_theme(
    snap_compare: Any, make_app: AppFactory, theme: str, size: tuple[int, int]
) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await pilot.press("question_mark")
        await pilot.pause()

    app = make_app(theme=theme)
    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", [(80, 24), (160, 45)])
@pytest.mark.parametrize("theme", ["cockpit-dark", "cockpit-light", "war-room"])
def test_every_source_failing_in_each_theme(
    snap_compare: Any, make_app: AppFactory, tmp_path: Path, theme: str, size: tuple[int, int]
) -> None:
    config = {
        "environments": {"production": {}},
        "logs": [{"name": "anomaly-api", "kubernetes": {"deployment": "anomaly-api"}}],
    }

    async def run_before(pilot: Pilot[Any]) -> None:
        await pilot.press("2", "z")
        pane = pilot.app.query_one(LogsPane)
        await _until(pilot, lambda: pane.error is not None)
        await pilot.pause()

    app = make_app(
        config,
        environment="production",
        feeds=FeedSupervisor,
        monotonic=lambda: 1000.0,
        base_dir=tmp_path,
        theme=theme,
    )
    assert snap_compare(app, terminal_size=size, run_before=run_before)
