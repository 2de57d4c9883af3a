"""Starting from the command line: the shell paints first, config problems end cleanly."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from cockpit.cli.run import build_context
from cockpit.ui.app import CockpitApp
from cockpit.ui.widgets.banner import EnvBanner


def _args(**kw: object) -> argparse.Namespace:
    base = {"config": None, "env": None, "read_only": False, "theme": None, "state": None}
    base.update(kw)
    return argparse.Namespace(**base)


async def test_loader_runs_after_first_frame(tmp_path: Path) -> None:
    cfg = tmp_path / "c.yaml"
    cfg.write_text("environments:\n  local: {}\n  prod: {}\n")
    args = _args(config=str(cfg), env="prod", state=str(tmp_path / "s.db"), read_only=True)
    app = CockpitApp(loader=lambda: build_context(args))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.started
        banner = app.query_one(EnvBanner)
        assert banner.environment is not None and banner.environment.name == "prod"
        assert "READ-ONLY" in str(banner.render())
        assert (tmp_path / "s.db").exists()
        await pilot.press("q", "y")


async def test_bad_config_exits_2_with_location(tmp_path: Path) -> None:
    cfg = tmp_path / "bad.yaml"
    cfg.write_text("environments:\n  local:\n    colour_scheme: x\n")
    app = CockpitApp(loader=lambda: build_context(_args(config=str(cfg))))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
    assert app.return_code == 2
    assert app.startup_error is not None and f"{cfg}:3:5" in app.startup_error


async def test_unknown_env_exits_2(tmp_path: Path) -> None:
    cfg = tmp_path / "c.yaml"
    cfg.write_text("environments:\n  local: {}\n")
    app = CockpitApp(loader=lambda: build_context(_args(config=str(cfg), env="nope")))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
    assert app.return_code == 2
    assert app.startup_error is not None and "unknown environment 'nope'" in app.startup_error


def test_cli_bad_config_prints_errors_no_traceback(tmp_path: Path) -> None:
    cfg = tmp_path / "bad.yaml"
    cfg.write_text("environments:\n  prod:\n    read_only: yes\n")
    proc = subprocess.run(
        [sys.executable, "-m", "cockpit", "--config", str(cfg)],
        capture_output=True,
        text=True,
        timeout=30,
        stdin=subprocess.DEVNULL,
    )
    assert proc.returncode == 2
    assert f"{cfg}:3:" in proc.stderr
    assert "Traceback" not in proc.stderr


async def test_shell_paints_pane_frames_then_swaps_in_the_panes() -> None:
    from cockpit.ui.shell import PANE_ORDER, CockpitShell, PaneSlot
    from cockpit.ui.widgets.pane import Pane

    shell = CockpitShell()
    async with shell.run_test(size=(160, 45)) as pilot:
        slots = list(shell.query(PaneSlot))
        assert [s.id for s in slots] == list(PANE_ORDER)
        assert slots[3].border_title == "4 Checklists"
        assert slots[0].border_subtitle == "starting…"
        await shell.mount_panes()
        await pilot.pause()
        panes = list(shell.query(Pane))
        assert [p.id for p in panes] == list(PANE_ORDER)
        assert not any(isinstance(p, PaneSlot) for p in panes)
        first = panes[0]
        await shell.mount_panes()  # only once: the panes (and what they hold) stay
        assert shell.query_one("#health") is first
