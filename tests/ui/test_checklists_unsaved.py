"""A tick the store refuses is never lost in silence: full disk and held lock, for real.

The state store lives on a real, small tmpfs that is then filled, or its database is held by
another process's write transaction; the item, the pane border and the banner say what was not
saved, and a retry saves it once the disk has room or the lock is gone.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import OptionList

from cockpit.state.checklists import DAILY_HOST_CHECKLIST, ChecklistBook
from cockpit.state.store import Store
from cockpit.ui.app import CockpitApp
from cockpit.ui.widgets.banner import EnvBanner
from cockpit.ui.widgets.checklists_pane import ChecklistsPane
from tests.support.backends import backends_required

AppFactory = Callable[..., CockpitApp]
FIRST = DAILY_HOST_CHECKLIST.items[0].id


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 1 MiB tmpfs (mounting needs root: skipped elsewhere, required under CI)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0:
        reason = "mounting a tmpfs needs root"
        if backends_required():
            pytest.fail(reason)
        pytest.skip(reason)
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)], check=True)
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def _fill(disk: Path) -> Path:
    filler = disk / "filler"
    # Until the file system refuses; closing may raise too, as the last block cannot land.
    with contextlib.suppress(OSError), filler.open("wb") as fh:
        while True:
            fh.write(b"\0" * 4096)
            fh.flush()
    return filler


async def _until(pilot: Any, predicate: Callable[[], bool]) -> None:
    for _ in range(300):
        if predicate():
            return
        await pilot.pause(0.05)
    raise AssertionError("state not reached in time")


def _label(pane: ChecklistsPane, index: int = 0) -> str:
    return str(pane.query_one(OptionList).get_option_at_index(index).prompt)


async def test_full_disk_tick_shows_not_saved_and_retry_saves(
    make_app: AppFactory, small_disk: Path
) -> None:
    store = Store.open(small_disk / "state.db")
    app = make_app(store=store)
    async with app.run_test(size=(160, 45)) as pilot:
        pane = app.query_one(ChecklistsPane)
        await _until(pilot, lambda: pane.view is not None)
        filler = _fill(small_disk)
        pane.query_one(OptionList).focus()
        await pilot.press("space")
        await _until(pilot, lambda: bool(pane.failed))
        assert "NOT SAVED" in _label(pane) and "full" in _label(pane)
        assert _label(pane).startswith("[!]")
        assert pane.has_class("-error") and "NOT SAVED" in (pane.error or "")
        banner = app.query_one(EnvBanner)
        assert banner.warning is not None and "full" in banner.warning
        # Looking elsewhere and back does not turn the unsaved tick into an unticked box.
        app.switch_environment("staging")
        await pilot.pause()
        app.switch_environment("local")
        await _until(pilot, lambda: pane.environment == "local" and pane.view is not None)
        await pilot.pause(0.1)
        assert _label(pane).startswith("[!]")
        # Room again: space retries the tick the operator asked for.
        filler.unlink()
        pane.query_one(OptionList).focus()
        await pilot.press("space")
        await _until(pilot, lambda: not pane.failed and not pane.pending)
        assert _label(pane).startswith("[✓]")
        assert not pane.has_class("-error") and banner.warning is None
    book = ChecklistBook(store, clock=app.context.now)
    assert book.state("local", DAILY_HOST_CHECKLIST, book.current_period(DAILY_HOST_CHECKLIST))[
        FIRST
    ].done
    store.close()


LOCKER = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
sys.stdin.readline()
conn.execute("ROLLBACK")
"""


async def test_held_lock_waits_bounded_then_reports_and_r_retries(
    make_app: AppFactory, tmp_path: Path
) -> None:
    db = tmp_path / "state.db"
    store = Store.open(db, busy_timeout=0.5)
    locker = subprocess.Popen(
        [sys.executable, "-c", LOCKER, str(db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        app = make_app(store=store)
        async with app.run_test(size=(160, 45)) as pilot:
            pane = app.query_one(ChecklistsPane)
            await _until(pilot, lambda: pane.view is not None)
            assert locker.stdout is not None and locker.stdout.readline().strip() == "locked"
            pane.query_one(OptionList).focus()
            await pilot.press("space")
            await _until(pilot, lambda: bool(pane.failed))
            assert "NOT SAVED" in _label(pane)
            assert "lock" in _label(pane).lower() or "busy" in _label(pane).lower()
            # Other process lets go; r on the pane retries every unsaved tick.
            assert locker.stdin is not None
            locker.stdin.write("\n")
            locker.stdin.flush()
            locker.wait(5)
            await pilot.press("r")
            await _until(pilot, lambda: not pane.failed and not pane.pending)
            assert _label(pane).startswith("[✓]")
            assert not pane.has_class("-error")
    finally:
        locker.kill()
        store.close()


async def test_a_failing_pane_worker_reaches_the_app_handler(make_app: AppFactory) -> None:
    store = Store.memory()
    app = make_app(store=store)
    async with app.run_test(size=(160, 45)) as pilot:
        pane = app.query_one(ChecklistsPane)
        await _until(pilot, lambda: pane.view is not None)
        store.close()
        # The read runs in the pane's worker; only the pane hears of its failure from Textual.
        pane.reload()
        await _until(pilot, lambda: pane.error is not None)
        assert "closed" in (pane.error or "").lower()
        assert pane.has_class("-error")
