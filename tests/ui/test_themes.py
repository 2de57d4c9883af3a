"""No key or theme ends the cockpit: every theme offered is complete, broken ones are refused.

The cockpit used to offer Textual's built-in themes on `t`; they lack the cockpit's variables
(`$prod-banner`, `$status-*`), so the stylesheet failed and the app ended (exit 0).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.color import Color

from cockpit.cli.run import exit_status
from cockpit.ui.app import CockpitApp
from cockpit.ui.widgets.banner import EnvBanner
from cockpit.ui.widgets.pane import Pane
from tests.ui.conftest import THREE_ENVS

AppFactory = Callable[..., CockpitApp]
SHIPPED = ["cockpit-dark", "cockpit-light", "war-room"]

WITH_EVERYTHING: dict[str, Any] = {
    **THREE_ENVS,
    "services": [{"name": "checkout", "checks": [{"http": {"url": "http://127.0.0.1:9/"}}]}],
    "logs": [{"name": "app", "file": {"path": "/nonexistent/app.log"}}],
}


def _user_theme(body: str, name: str = "mine.yaml") -> Path:
    folder = Path(os.environ["XDG_CONFIG_HOME"]) / "ops-cockpit" / "themes"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(body, encoding="utf-8")
    return path


@pytest.mark.parametrize("size", [(160, 45), (80, 24)])
async def test_t_twice_through_every_theme_with_every_pane_and_the_production_banner(
    make_app: AppFactory, size: tuple[int, int]
) -> None:
    app = make_app(WITH_EVERYTHING, environment="production")
    async with app.run_test(size=size) as pilot:
        banner = app.query_one(EnvBanner)
        assert app.cockpit_themes == SHIPPED
        seen: list[str] = []
        for _ in range(2 * len(SHIPPED)):
            await pilot.press("t")
            await pilot.pause()
            seen.append(app.theme)
            for key in "1234":  # each pane in front (compact) or focused (wide)
                await pilot.press(key)
                await pilot.pause()
                assert app.is_running and app.return_code is None, app.theme
                assert any(p.region.area for p in app.query(Pane))
            # The banner is painted in this theme's production colour.
            want = Color.parse(app.get_css_variables()["prod-banner"])
            assert banner.styles.background.rgb == want.rgb, app.theme
        assert seen == [*SHIPPED[1:], SHIPPED[0]] * 2


async def test_every_theme_the_palette_offers_applies(make_app: AppFactory) -> None:
    app = make_app(WITH_EVERYTHING, environment="production")
    async with app.run_test(size=(160, 45)) as pilot:
        # Textual's own themes too: the cockpit supplies what they lack.
        assert len(app.available_themes) > len(SHIPPED)
        for name in sorted(app.available_themes):
            app.theme = name
            await pilot.pause()
            assert app.is_running and app.return_code is None, name
            assert "status-down" in app.get_css_variables()


async def test_a_user_theme_with_a_bad_colour_is_reported_at_its_line_and_skipped(
    make_app: AppFactory,
) -> None:
    path = _user_theme(
        'name: broken\nprimary: "#123456"\nvariables:\n  status-up: "#00FF00"\n'
        "  status-down: not-a-colour\n"
    )
    _user_theme('name: good\nprimary: "#123456"\n', "good.yaml")
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert any(f"{path}:5" in m and "not-a-colour" in m for m in messages), messages
        assert "broken" not in app.available_themes
        assert app.cockpit_themes == [*SHIPPED, "good"]
        for _ in range(len(app.cockpit_themes)):
            await pilot.press("t")
            assert app.is_running


async def test_a_user_theme_with_an_unknown_key_names_file_and_line(
    make_app: AppFactory,
) -> None:
    path = _user_theme('name: odd\nprimary: "#123456"\nbackgroud: "#000000"\n')
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert any(f"{path}:3: unknown key `backgroud`" in m for m in messages), messages
        assert "odd" not in app.available_themes


def _cockpit(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    # `script` gives the cockpit a terminal, as an operator's shell would.
    command = " ".join([sys.executable, "-m", "cockpit", *args])
    return subprocess.run(
        ["script", "-qec", command, "/dev/null"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {}), "TERM": "xterm-256color"},
        stdin=subprocess.DEVNULL,
    )


def test_theme_option_naming_no_theme_exits_2_with_the_reason() -> None:
    done = _cockpit("--theme", "nope")
    assert done.returncode == 2
    assert "unknown theme 'nope'" in done.stdout and "cockpit-dark" in done.stdout


def test_theme_option_naming_a_broken_theme_exits_2_with_its_problem() -> None:
    path = _user_theme('name: broken\nprimary: "#123456"\nsurface: "nope"\n')
    done = _cockpit("--theme", "broken")
    assert done.returncode == 2
    assert f"{path}:3" in done.stdout and "is not a colour" in done.stdout


async def test_an_unexpected_end_of_the_screen_exits_non_zero_with_the_reason(
    make_app: AppFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    app = make_app()

    def fail() -> None:
        raise RuntimeError("something inside the screen broke")

    with pytest.raises(RuntimeError):
        async with app.run_test(size=(80, 24)) as pilot:
            app.call_later(fail)
            await pilot.pause()
    # What `cockpit` returns to the shell for that run (it returned 0 before).
    assert exit_status(app, None) == 1
    assert "ended unexpectedly (exit 1)" in capsys.readouterr().err


def test_every_colour_name_the_config_accepts_is_one_the_screen_paints() -> None:
    from textual.color import Color

    from cockpit.config.colours import CSS_NAMES

    for name in sorted(CSS_NAMES):
        Color.parse(name)  # raises for a name the screen would not paint
    for written in ("#A40E26", "#fff", "#11223344", "rgb(164, 14, 38)"):
        Color.parse(written)
