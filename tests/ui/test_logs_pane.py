"""The Logs pane following real files and commands: filters, pause, search, save, badges."""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

from rich.cells import cell_len
from textual.widgets import Input

from cockpit.sources.logs.base import SourceState
from cockpit.ui.app import CockpitApp
from cockpit.ui.feed_supervisor import FeedSupervisor
from cockpit.ui.screens.sources import SourcesScreen
from cockpit.ui.widgets.log_view import LogView
from cockpit.ui.widgets.logs_pane import LogsPane

AppFactory = Callable[..., CockpitApp]


def _config(tmp: Path) -> dict[str, Any]:
    return {
        "environments": {"local": {"protection": "none"}},
        "logs": [
            {"name": "app", "file": {"path": str(tmp / "app.log")}, "highlight": ["THREAT"]},
            {"name": "kube", "kubernetes": {"deployment": "api"}},
        ],
    }


async def _until(pilot: Any, predicate: Callable[[], bool], seconds: float = 10.0) -> None:
    for _ in range(int(seconds / 0.05)):
        if predicate():
            return
        await pilot.pause(0.05)
    raise AssertionError("condition not reached in time")


def _append(path: Path, *lines: str | bytes) -> None:
    with path.open("ab") as fh:
        for line in lines:
            fh.write((line.encode() if isinstance(line, str) else line) + b"\n")
        fh.flush()
        os.fsync(fh.fileno())


async def _open_logs(app: CockpitApp, pilot: Any, lines: int) -> tuple[LogsPane, LogView]:
    """Show the Logs pane, wait for ``lines`` rows and focus the view."""
    await pilot.press("2")
    pane = app.query_one(LogsPane)
    view = pane.query_one(LogView)
    await _until(pilot, lambda: view.line_count == lines)
    view.focus()
    return pane, view


@contextlib.asynccontextmanager
async def _logs(
    make_app: AppFactory, config: dict[str, Any], size: tuple[int, int], lines: int
) -> AsyncIterator[tuple[CockpitApp, Any, LogsPane, LogView]]:
    """The cockpit running ``config`` with the Logs pane shown once ``lines`` rows are in."""
    app = make_app(config, feeds=FeedSupervisor)
    async with app.run_test(size=size) as pilot:
        pane, view = await _open_logs(app, pilot, lines)
        yield app, pilot, pane, view


async def test_follow_filter_pause_search(make_app: AppFactory, tmp_path: Path) -> None:
    log_file = tmp_path / "app.log"
    _append(log_file, "INFO started", "WARN disk 85%", "ERROR payment failed")
    app = make_app(_config(tmp_path), feeds=FeedSupervisor)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.press("2")
        pane = app.query_one(LogsPane)
        view = pane.query_one(LogView)
        await _until(pilot, lambda: len(view.lines) == 3)
        assert view.lines[0].startswith("app ") and "INFO started" in view.lines[0]
        # A source that cannot run says why instead of vanishing.
        assert pane.feed is not None
        kube = pane.feed.statuses["kube"]
        assert kube.state is SourceState.ERROR and "kube" in kube.reason

        _append(log_file, "INFO more")
        await _until(pilot, lambda: len(view.lines) == 4)

        # Filter: only ERROR lines.
        view.focus()
        await pilot.press("slash", *"payment", "enter")
        assert [line.split("│ ", 1)[1] for line in view.lines] == ["ERROR payment failed"]
        # An invalid pattern is refused inline; the previous filter stays.
        await pilot.press("slash")
        field = pane.query_one("#log-input", Input)
        field.value = "(unclosed"
        await pilot.press("enter")
        assert pane.has_class("-input-error") and pane.include == "payment"
        field.value = r"(a)\1"  # RE2 has no backreferences
        await pilot.press("enter")
        assert pane.has_class("-input-error") and pane.include == "payment"
        await pilot.press("escape")
        assert not pane.has_class("-editing")
        # Clear the filter.
        await pilot.press("slash")
        pane.query_one("#log-input", Input).value = ""
        await pilot.press("enter")
        assert len(view.lines) == 4

        # Level: WARN and above.
        await pilot.press("l", "l")
        assert pane.level == "WARN"
        assert all(("WARN" in line or "ERROR" in line) for line in view.lines)
        await pilot.press("l", "l")
        assert pane.level is None

        # Pause: new lines are counted, not scrolled into view; End resumes.
        await pilot.press("f")
        assert not pane.follow
        _append(log_file, "INFO while paused 1", "INFO while paused 2")
        await _until(pilot, lambda: pane.new_while_paused == 2)
        await pilot.press("end")
        assert pane.follow and pane.new_while_paused == 0

        # Search highlights and jumps.
        await pilot.press("s", *"disk", "enter")
        assert pane.search == "disk" and pane._search_from == 1


async def test_scrolling_back_pauses_and_end_resumes(make_app: AppFactory, tmp_path: Path) -> None:
    log_file = tmp_path / "app.log"
    _append(log_file, *(f"INFO line {i}" for i in range(100)))  # a file source's default tail
    async with _logs(make_app, _config(tmp_path), (160, 45), 100) as (_app, pilot, pane, view):
        await pilot.press("pageup")
        assert not pane.follow and not view.is_vertical_scroll_end
        top = view.scroll_offset.y
        _append(log_file, "INFO arrived while reading back")
        await _until(pilot, lambda: pane.new_while_paused == 1)
        assert view.scroll_offset.y == top and view.line_count == 100  # the view stays put
        await pilot.press("end")
        await _until(pilot, lambda: view.line_count == 101)
        assert pane.follow and view.lines[-1].endswith("INFO arrived while reading back")


async def test_changing_filters_while_paused_stays_paused_at_the_same_line(
    make_app: AppFactory, tmp_path: Path
) -> None:
    log_file = tmp_path / "app.log"
    levels = ("INFO", "WARN", "ERROR", "INFO")
    _append(log_file, *(f"{levels[i % 4]} line {i}" for i in range(100)))
    async with _logs(make_app, _config(tmp_path), (160, 45), 100) as (_app, pilot, pane, view):
        await pilot.press("pageup", "pageup")
        assert not pane.follow
        top = view.top_line()
        assert top is not None
        number = int(top[1].rsplit(" ", 1)[1])
        # The level filter hides the INFO lines: still paused, the first WARN+ line at or after
        # the one that was at the top is now at the top.
        await pilot.press("l", "l")
        assert pane.level == "WARN" and not pane.follow
        assert pane.query_one("#log-status").render().plain.count("PAUSED") == 1  # type: ignore[attr-defined]
        shown = view.top_line()
        assert shown is not None
        expected = next(n for n in range(number, 100) if levels[n % 4] != "INFO")
        assert shown[1] == f"{levels[expected % 4]} line {expected}"
        assert not view.is_vertical_scroll_end
        # Lines arriving now are still held and counted.
        before = pane.new_while_paused
        _append(log_file, "ERROR arrived while paused")
        await _until(pilot, lambda: pane.new_while_paused == before + 1)
        assert not view.lines[-1].endswith("ERROR arrived while paused")
        await pilot.press("end")
        await _until(pilot, lambda: view.lines[-1].endswith("ERROR arrived while paused"))
        assert pane.follow


async def test_status_line_keeps_pause_and_filters_visible_when_narrow(
    make_app: AppFactory, tmp_path: Path
) -> None:
    log_file = tmp_path / "app.log"
    _append(log_file, "INFO one", "ERROR two")
    async with _logs(make_app, _config(tmp_path), (80, 24), 2) as (_app, pilot, pane, _view):
        await pilot.press("slash", *"ERROR", "enter", "f")
        await pilot.pause()
        status = pane.query_one("#log-status")
        plain = status.render().plain  # type: ignore[attr-defined]
        # The kube source's error reason is long; the badges give way, not the state.
        assert "PAUSED +0 new" in plain and plain.rstrip().endswith("filter:ERROR")
        assert "…" in plain and len(plain) <= status.size.width


async def test_config_filter_is_applied_before_the_pane(
    make_app: AppFactory, tmp_path: Path
) -> None:
    log_file = tmp_path / "app.log"
    _append(log_file, "INFO ok", "ERROR db down", "ERROR healthcheck noise", "WARN slow")
    config = _config(tmp_path)
    config["logs"][0] |= {"filter": "ERROR", "exclude": "healthcheck"}
    async with _logs(make_app, config, (160, 45), 1) as (_app, pilot, pane, view):
        assert [line.split("│ ", 1)[1] for line in view.lines] == ["ERROR db down"]
        assert "app 1 /ERROR/ !/healthcheck/" in pane._status.render().plain  # type: ignore[attr-defined]
        _append(log_file, "INFO more", "ERROR queue full")
        await _until(pilot, lambda: view.line_count == 2)
        assert view.lines[-1].endswith("ERROR queue full")
        # The pane's own filter narrows further; clearing it brings back only what the config
        # lets through.
        await pilot.press("slash", *"queue", "enter")
        assert view.line_count == 1
        await pilot.press("slash")
        pane.query_one("#log-input", Input).value = ""
        await pilot.press("enter")
        assert view.line_count == 2


async def test_empty_view_says_a_config_filter_is_hiding_lines(
    make_app: AppFactory, tmp_path: Path
) -> None:
    log_file = tmp_path / "app.log"
    _append(log_file, "INFO ok")
    config = _config(tmp_path)
    config["logs"] = [config["logs"][0] | {"filter": "THREAT"}]
    app = make_app(config, feeds=FeedSupervisor)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.press("2")
        pane = app.query_one(LogsPane)
        assert pane.feed is not None
        await _until(
            pilot,
            lambda: pane.feed is not None and pane.feed.statuses["app"].state is SourceState.LIVE,
        )
        await pilot.pause(0.3)
        # What the empty view paints, row by row.
        view = pane.query_one(LogView)
        painted = " ".join(view.render_line(y).text.strip() for y in range(6))
        assert "Waiting for the first line" in painted
        assert "app shows only lines matching 'THREAT'" in painted


async def test_json_lines_pretty_and_compact(make_app: AppFactory, tmp_path: Path) -> None:
    log_file = tmp_path / "app.log"
    _append(log_file, '{"level":"error","msg":"db down","retry":{"in":5}}', "plain line")
    async with _logs(make_app, _config(tmp_path), (160, 45), 2) as (_app, pilot, _pane, view):
        compact = list(view.lines)
        await pilot.press("J")
        # Spread over rows, each continuation under the message, not under the source name.
        assert view.lines == [
            "app  │ {",
            '     │   "level": "error",',
            '     │   "msg": "db down",',
            '     │   "retry": {',
            '     │     "in": 5',
            "     │   }",
            "     │ }",
            "app  │ plain line",
        ]
        await pilot.press("J")
        assert view.lines == compact
        # Compact: level and message first, the rest as key=value (logfmt-style).
        assert compact[0] == 'app  │ ERROR  db down  retry={"in":5}'


async def test_timestamps_show_each_lines_own_time_to_the_millisecond(
    make_app: AppFactory, tmp_path: Path
) -> None:
    log_file = tmp_path / "app.log"
    stamps = ["2026-11-22T16:30:20.599Z", "2026-11-22T16:30:20.999Z", "2026-11-22T23:59:59.001Z"]
    _append(log_file, *(f"{stamp} INFO tick" for stamp in stamps))
    async with _logs(make_app, _config(tmp_path), (160, 45), 3) as (_app, pilot, _pane, view):
        # Short by default: a leading date and time reads as the time of day.
        assert view.lines[0] == "app  │ 16:30:20 INFO tick"
        await pilot.press("T")
        shown = [line.split(" ", 1)[0] for line in view.lines]
        # Binary floats store .599 as .5989999…: the stamp must still read .599.
        assert shown == ["16:30:20.599", "16:30:20.999", "23:59:59.001"]
        assert view.lines[0].endswith("app  │ 2026-11-22T16:30:20.599Z INFO tick")  # in full
        await pilot.press("T")
        assert view.lines[0] == "app  │ 16:30:20 INFO tick"


async def test_search_steps_through_matches_and_counts_them(
    make_app: AppFactory, tmp_path: Path
) -> None:
    log_file = tmp_path / "app.log"
    _append(log_file, *(f"{'ERROR timeout' if i % 25 == 3 else 'INFO ok'} {i}" for i in range(100)))
    async with _logs(make_app, _config(tmp_path), (160, 45), 100) as (_app, pilot, pane, view):
        await pilot.press("home")
        await pilot.press("s", *"timeout", "enter")

        def status() -> str:
            return str(pane._status.render().plain)  # type: ignore[attr-defined]

        # Matches at rows 3, 28, 53, 78: the first from the top, marked, counted.
        assert pane._search_from == 3 and "search:timeout 1/4" in status()
        assert view._marked == 3
        await pilot.press("n", "n", "n")
        assert pane._search_from == 78 and "search:timeout 4/4" in status()
        await pilot.press("n")  # wraps to the first
        assert pane._search_from == 3 and "1/4" in status()
        await pilot.press("N")  # and back to the last
        assert pane._search_from == 78 and "4/4" in status()
        assert not pane.follow  # searching reads back: the view stays where the match is
        await pilot.press("s", *"nowhere", "enter")
        assert "search:nowhere (no match)" in status() and view._marked is None


async def test_wrap_spreads_long_lines_and_follows_the_width(
    make_app: AppFactory, tmp_path: Path
) -> None:
    log_file = tmp_path / "app.log"
    words = " ".join(f"w{i:03d}" for i in range(60))  # 299 characters
    _append(log_file, "short", f"ERROR {words} END", "後" * 100)
    async with _logs(make_app, _config(tmp_path), (100, 30), 3) as (_app, pilot, pane, view):
        assert view.line_count == 3  # whole lines; the view scrolls sideways
        await pilot.press("W")
        await pilot.pause()
        assert pane.follow and view.is_vertical_scroll_end  # more rows, still at the newest
        width = view.scrollable_content_region.width
        rows = view.lines
        assert rows[0] == "app  │ short"
        assert all(cell_len(row) <= width for row in rows)
        assert rows[1].startswith("app  │ ERROR w000")
        assert all(row.startswith("     │ ") for row in rows[2:-3])
        # Nothing lost or doubled: the pieces put back together give the line.
        long_rows = [r for r in rows if "w0" in r or "END" in r]
        assert "".join(r[len("app  │ ") :] for r in long_rows) == f"ERROR {words} END"
        wide_rows = [r for r in rows if "後" in r]
        assert "".join(r[7:] for r in wide_rows) == "後" * 100 and len(wide_rows) > 2
        # A wider screen re-cuts the rows to the new width.
        before = view.line_count
        await pilot.resize_terminal(160, 30)
        await pilot.pause()
        await _until(pilot, lambda: view.line_count < before)
        assert all(cell_len(row) <= view.scrollable_content_region.width for row in view.lines)
        await pilot.press("W")
        assert view.line_count == 3 and not pane.wrap


async def test_following_view_stays_at_the_newest_line_when_rows_multiply(
    make_app: AppFactory, tmp_path: Path
) -> None:
    log_file = tmp_path / "app.log"
    _append(log_file, *(f"INFO line {i} " + "x" * 120 for i in range(100)))
    async with _logs(make_app, _config(tmp_path), (80, 24), 100) as (_app, pilot, pane, view):
        await pilot.pause()
        assert view.is_vertical_scroll_end
        await pilot.press("W")  # every line now takes two or three rows
        await pilot.pause()
        assert pane.follow and view.line_count >= 200
        assert view.is_vertical_scroll_end and view.scroll_y > 100


async def test_wrapped_view_keeps_its_place_when_the_filter_changes(
    make_app: AppFactory, tmp_path: Path
) -> None:
    log_file = tmp_path / "app.log"
    levels = ("INFO", "ERROR")
    filler = " ".join(["lorem ipsum"] * 30)
    _append(log_file, *(f"{levels[i % 2]} line {i:02d} {filler}" for i in range(60)))
    async with _logs(make_app, _config(tmp_path), (100, 30), 60) as (_app, pilot, pane, view):
        await pilot.press("W")
        assert view.line_count > 60 * 3  # every line spread over rows
        await pilot.press("pageup", "pageup", "pageup")
        assert not pane.follow
        top = view.top_line()
        assert top is not None
        number = int(top[1].split()[2])
        await pilot.press("l", "l", "l")  # ERROR only
        assert pane.level == "ERROR" and not pane.follow
        shown = view.top_line()
        assert shown is not None
        expected = number if number % 2 else number + 1
        assert shown[1].startswith(f"ERROR line {expected:02d} ")
        assert view.lines[int(view.scroll_y)].startswith(f"app  │ ERROR line {expected:02d} ")


async def test_up_and_down_recall_earlier_filters(make_app: AppFactory, tmp_path: Path) -> None:
    log_file = tmp_path / "app.log"
    _append(log_file, "ERROR db down", "WARN request timeout", "INFO ok")
    async with _logs(make_app, _config(tmp_path), (120, 30), 3) as (_app, pilot, pane, view):
        await pilot.press("slash", *"db", "enter")
        await pilot.press("slash", "ctrl+u", *"timeout", "enter")
        assert pane.include == "timeout" and view.line_count == 1
        await pilot.press("slash")
        field = pane.query_one("#log-input", Input)
        assert field.value == "timeout"  # the filter in force, to edit
        await pilot.press("up")
        assert field.value == "timeout"
        await pilot.press("up")
        assert field.value == "db"
        await pilot.press("up")
        assert field.value == "db"  # the oldest
        await pilot.press("enter")
        assert pane.include == "db" and view.line_count == 1
        assert view.lines[0].endswith("ERROR db down")
        # Each input keeps its own history: the search line has none yet.
        await pilot.press("s", "up")
        assert pane.query_one("#log-input", Input).value == ""


async def test_switching_environment_follows_the_new_one(
    make_app: AppFactory, tmp_path: Path
) -> None:
    _append(tmp_path / "app.log", *(f"INFO local {i}" for i in range(50)))
    _append(tmp_path / "prod.log", "INFO prod one")
    config = {
        "environments": {"local": {"protection": "none"}, "prod": {}},
        "logs": [
            {"name": "app", "file": {"path": str(tmp_path / "app.log")}, "environments": ["local"]},
            {"name": "web", "file": {"path": str(tmp_path / "prod.log")}, "environments": ["prod"]},
        ],
    }
    async with _logs(make_app, config, (120, 30), 50) as (app, pilot, pane, view):
        await pilot.press("pageup", "o", "space", "enter")
        assert not pane.follow and pane.hidden_sources == {"app"}
        await pilot.press("slash", *"INFO", "enter")
        app.switch_environment("prod")
        await _until(pilot, lambda: view.line_count == 1)
        assert pane.follow and pane.new_while_paused == 0 and pane.hidden_sources == set()
        assert view.lines[0].endswith("INFO prod one") and pane.include == "INFO"


async def test_sources_can_be_hidden_and_shown_again(make_app: AppFactory, tmp_path: Path) -> None:
    log_file = tmp_path / "app.log"
    _append(log_file, "INFO one", "INFO two")
    async with _logs(make_app, _config(tmp_path), (80, 24), 2) as (app, pilot, pane, view):
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, SourcesScreen)
        await pilot.press("space", "enter")  # untick the first source (app) and apply
        await pilot.pause()
        assert not isinstance(app.screen, SourcesScreen)
        assert pane.hidden_sources == {"app"} and view.line_count == 0
        assert "app" in str(pane._status.render().plain)  # type: ignore[attr-defined]
        await pilot.press("o", "space", "escape")  # a change cancelled changes nothing
        await pilot.pause()
        assert pane.hidden_sources == {"app"}
        await pilot.press("o", "space", "enter")
        await pilot.pause()
        assert pane.hidden_sources == set() and view.line_count == 2


async def test_hostile_lines_are_sanitized_and_saved(make_app: AppFactory, tmp_path: Path) -> None:
    log_file = tmp_path / "app.log"
    _append(
        log_file,
        b"ok \x1b]52;c;ZXZpbA==\x07 clip",
        b"title \x1b]0;owned\x07 \x1b[2J\x1b[H cleared",
        b"query \x1b[>0q \x9b31m c1 \xff\xfe bad utf8 \x00 nul",
        "rtl \u202eevil [/] markup THREAT found",
    )
    app = make_app(_config(tmp_path), feeds=FeedSupervisor)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.press("2")
        pane = app.query_one(LogsPane)
        view = pane.query_one(LogView)
        await _until(pilot, lambda: len(view.lines) == 4)
        text = "\n".join(view.lines)
        assert "\x1b" not in text and "\x9b" not in text and "\x00" not in text
        assert "\u202e" not in text and "<U+202E>" in text
        assert "[/] markup" in text
        view.focus()
        await pilot.press("w")
        reports = Path(os.environ["XDG_DATA_HOME"]) / "ops-cockpit" / "reports"
        await _until(pilot, lambda: any(reports.glob("logs-*.log")))
        saved = next(reports.glob("logs-*.log")).read_text()
        assert "THREAT found" in saved and "\x1b" not in saved


async def test_no_sources_says_not_configured(make_app: AppFactory) -> None:
    app = make_app({"environments": {"local": {}}}, feeds=FeedSupervisor)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        pane = app.query_one(LogsPane)
        assert pane.feed is None
        assert "add them under `logs:`" in pane._message


async def test_empty_view_says_why_in_full(make_app: AppFactory, tmp_path: Path) -> None:
    config = {
        "environments": {"local": {"protection": "none"}},
        "logs": [{"name": "kube", "kubernetes": {"deployment": "api"}}],
    }
    app = make_app(config, feeds=FeedSupervisor)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2")
        pane = app.query_one(LogsPane)
        view = pane.query_one(LogView)
        assert pane.feed is not None
        await _until(
            pilot, lambda: pane.feed is not None and pane.feed.statuses["kube"].reason != ""
        )
        await pilot.pause(0.1)
        painted = " ".join(view.render_line(y).text.strip() for y in range(6))
        reason = pane.feed.statuses["kube"].reason
        assert painted.startswith("✖ kube: error for")
        # The whole reason, wrapped, where the status line above can show only its start.
        assert " ".join(reason.split()) in " ".join(painted.split())


async def test_clearing_a_filter_while_it_runs_in_a_thread_keeps_lines_coming(
    make_app: AppFactory, tmp_path: Path
) -> None:
    log_file = tmp_path / "app.log"
    _append(log_file, *(f"INFO request id={i} took {i % 97} ms" for i in range(3000)))
    source = {"name": "app", "file": {"path": str(log_file), "tail": 3000}}
    config = {"environments": {"local": {}}, "logs": [source]}
    async with _logs(make_app, config, (160, 45), 3000) as (_app, pilot, pane, view):
        # A regular expression over 3000 lines goes to a thread; cleared in the same breath
        # (synchronously, before the thread can answer): its late result is dropped, and new
        # lines must not wait for it for ever.
        pane.log_query = pane.log_query.edited("filter", "/id=\\d+7 /")
        pane._rerender()
        assert pane._filtering
        pane.log_query = pane.log_query.edited("filter", "")
        pane._rerender()
        _append(log_file, "ERROR after the filter was cleared")
        await _until(pilot, lambda: "after the filter was cleared" in (view.lines or [""])[-1])
        assert not pane._filtering


async def test_every_source_failing_is_drawn_as_a_failure(
    make_app: AppFactory, tmp_path: Path
) -> None:
    from cockpit.ui.widgets.log_status import source_badges

    config = {
        "environments": {"prod": {}},
        "logs": [
            {"name": "api", "command": {"argv": [str(tmp_path / "no-such-program")]}},
            {"name": "kube", "kubernetes": {"deployment": "api"}},
        ],
    }
    app = make_app(config, environment="prod", feeds=FeedSupervisor)
    async with app.run_test(size=(160, 45)) as pilot:
        pane = app.query_one(LogsPane)
        await _until(pilot, lambda: pane.error is not None)
        assert pane.has_class("-error")
        assert pane.error.startswith("every log source is failing: ")  # type: ignore[union-attr]
        assert "error" in str(pane.border_subtitle)
        feed = pane.feed
        assert feed is not None
        badges = source_badges(
            feed.statuses.values(), set(), {}, feed.clock(), pane.app.get_css_variables()
        )
        red = pane.app.get_css_variables()["status-down"].lower()
        spans = [s for s in badges.spans if "✖" in badges.plain[s.start : s.end]]
        assert spans and all(red in str(s.style).lower() for s in spans)


async def test_esc_clears_the_filters_and_j_k_g_G_move(
    make_app: AppFactory, tmp_path: Path
) -> None:
    log_file = tmp_path / "app.log"
    _append(log_file, *(f"INFO line {i}" for i in range(199)), "ERROR the last one")
    source = {"name": "app", "file": {"path": str(log_file), "tail": 200}}
    config = {"environments": {"local": {}}, "logs": [source]}
    async with _logs(make_app, config, (160, 45), 200) as (_app, pilot, pane, view):
        await pilot.press("slash", *"ERROR", "enter", "l")
        await _until(pilot, lambda: view.line_count == 1)
        view.focus()
        await pilot.press("escape")
        await _until(pilot, lambda: view.line_count == 200)
        assert not pane.log_query.include and pane.log_query.level is None
        assert pane.follow
        await pilot.press("g")
        await pilot.pause()
        assert view.scroll_y == 0 and not pane.follow
        await pilot.press("j", "j", "k")
        await pilot.pause()
        assert view.scroll_y == 1
        await pilot.press("G")
        await _until(pilot, lambda: pane.follow)
        assert view.scroll_y == view.max_scroll_y


async def test_health_changes_are_written_into_the_log_stream(
    make_app: AppFactory, tmp_path: Path
) -> None:
    from cockpit.domain.health import ServiceStatus, Status
    from cockpit.ui.messages import HealthSnapshot

    log_file = tmp_path / "app.log"
    _append(log_file, "INFO payment service ready")
    source = {"name": "app", "file": {"path": str(log_file)}}
    config = {"environments": {"local": {}}, "logs": [source]}
    async with _logs(make_app, config, (160, 45), 1) as (app, pilot, _pane, view):

        def snapshot(status: Status, reason: str) -> HealthSnapshot:
            return HealthSnapshot(
                [ServiceStatus("payments", "local", status, 1.0, reason, 0.0, [])]
            )

        app.post_message(snapshot(Status.UP, "HTTP 200"))
        await pilot.pause()
        _append(log_file, "ERROR payment gateway timed out")
        await _until(pilot, lambda: view.line_count == 2)
        app.post_message(snapshot(Status.DOWN, "HTTP 500 \x1b[2J"))
        await _until(pilot, lambda: view.line_count == 3)
        assert view.lines[-1] == "health │ ── payments DOWN (was UP): HTTP 500 ␛[2J ──"


async def test_from_a_failing_service_to_its_logs(make_app: AppFactory, tmp_path: Path) -> None:
    from cockpit.domain.health import ServiceStatus, Status
    from cockpit.ui.messages import HealthSnapshot

    for name in ("payments", "orders"):
        _append(tmp_path / f"{name}.log", f"INFO {name} line")
    config = {
        "environments": {"local": {}},
        "logs": [
            {"name": "pay-api", "file": {"path": str(tmp_path / "payments.log")}},
            {"name": "orders", "file": {"path": str(tmp_path / "orders.log")}},
        ],
        "services": [
            {
                "name": "payments",
                "logs": ["pay-api"],
                "checks": [{"tcp": {"host": "127.0.0.1", "port": 9}}],
            }
        ],
    }
    async with _logs(make_app, config, (160, 45), 2) as (app, pilot, pane, view):
        down = ServiceStatus("payments", "local", Status.DOWN, 1.0, "refused", 0.0, [])
        app.post_message(HealthSnapshot([down]))
        await pilot.press("1")
        await pilot.pause()
        await pilot.press("L")
        await _until(pilot, lambda: view.line_count == 1)
        assert app.active_pane == "logs" and "payments line" in view.lines[0]
        assert pane.hidden_sources == {"orders"}
        await pilot.press("colon", *"logs orders", "enter")
        await _until(pilot, lambda: view.line_count == 1 and "orders line" in view.lines[0])
        await pilot.press("colon", *"logs nothing", "enter")
        await pilot.pause()
        assert any("no log sources for nothing" in n.message for n in app._notifications)


def test_a_service_names_only_log_sources_that_exist() -> None:
    import pytest

    from cockpit.config.models import CockpitConfig

    bad = {
        "environments": {"local": {}},
        "services": [
            {"name": "api", "logs": ["nope"], "checks": [{"tcp": {"host": "h", "port": 1}}]}
        ],
    }
    with pytest.raises(ValueError, match="no log source named 'nope'"):
        CockpitConfig.model_validate(bad)


async def test_a_level_filter_says_how_many_lines_without_a_level_it_hides(
    make_app: AppFactory, tmp_path: Path
) -> None:
    log_file = tmp_path / "app.log"
    _append(log_file, "ERROR failed", "no level here", "nor here", "kernel: Out of memory: x")
    source = {"name": "app", "file": {"path": str(log_file)}}
    config = {"environments": {"local": {}}, "logs": [source]}
    async with _logs(make_app, config, (160, 45), 4) as (_app, pilot, pane, view):
        await pilot.press("l", "l", "l")  # ERROR
        await _until(pilot, lambda: view.line_count == 2)  # the OOM line is an ERROR too

        def status() -> str:
            return str(pane._status.render().plain)  # type: ignore[attr-defined]

        await _until(pilot, lambda: "(+2 without a level hidden)" in status())
