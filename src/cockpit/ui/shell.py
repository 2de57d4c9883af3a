"""The cockpit's shell: banner, tabs, four panes, footer; layout, zoom, themes and help.

:class:`~cockpit.ui.app.CockpitApp` builds on it with config, environments and data.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from textual.actions import SkipAction
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Container
from textual.events import Resize
from textual.widgets import Tab, Tabs
from textual.worker import Worker, WorkerState

from cockpit.text.sanitize import plain
from cockpit.ui.themes import register_themes, variable_defaults
from cockpit.ui.widgets.banner import EnvBanner
from cockpit.ui.widgets.footer import CockpitFooter
from cockpit.ui.widgets.pane import Pane

if TYPE_CHECKING:
    from cockpit.ui.command_line import Command
    from cockpit.ui.messages import WorkerFailed
    from cockpit.ui.panes import Panes

WIDE_MIN_WIDTH = 120
WIDE_MIN_HEIGHT = 32
PANES = (
    ("health", "Health", "1"),
    ("logs", "Logs", "2"),
    ("metrics", "Metrics", "3"),
    ("checklists", "Checklists", "4"),
)
"""Each pane's id, title and key, in screen order."""
LIST_KEYS = [
    ("j / k, ↓ / ↑", "Next / previous row"),
    ("g / G, Home / End", "First / last row"),
    ("ctrl+d / ctrl+u, PgDn / PgUp", "Page down / up"),
]
"""Movement in every list and view (see ``widgets/lists.py``)."""
CTRL_C_AGAIN = 2.0
"""Seconds within which a second ctrl+c quits."""
PANE_ORDER = tuple(name for name, _title, _key in PANES)


class PaneSlot(Pane):
    """Where a pane will be: its frame and title, painted before the pane's code is loaded."""

    def __init__(self, name: str, title: str, key: str) -> None:
        self.pane_id, self.title, self.key = name, title, key
        super().__init__(id=name)

    def refresh_freshness(self) -> None:
        """Say that the pane is on its way (not "waiting for data": nothing asked yet)."""
        self.border_subtitle = "starting…"


class CockpitShell(App[int]):
    """Layout (wide: four panes; compact: tabs), zoom, theme cycling and the help screen.

    The key bindings are declared in one list, on the app.
    """

    CSS_PATH = "styles/app.tcss"
    # A zoomed pane keeps the environment banner: production must stay unmistakable.
    ALLOW_IN_MAXIMIZED_VIEW = "EnvBanner, Footer"
    # Escape belongs to the focused widget first (it cancels a filter being typed); an app
    # binding restores a zoomed layout when nothing else wanted the key.
    ESCAPE_TO_MINIMIZE = False

    def __init__(self) -> None:
        super().__init__()
        self.active_pane = "health"
        self._ctrl_c_at = -CTRL_C_AGAIN
        self.quit_asked = False
        self.cockpit_themes, self.theme_problems = register_themes(self)
        """Themes `t` cycles through: the shipped ones and the user's that passed checks."""
        self.theme = "cockpit-dark"

    def compose(self) -> ComposeResult:
        yield EnvBanner(id="banner")
        yield Tabs(
            *(Tab(f"{key} {title}", id=f"tab-{name}") for name, title, key in PANES), id="pane-tabs"
        )
        with Container(id="panes"):
            for name, title, key in PANES:
                yield PaneSlot(name, title, key)
        yield CockpitFooter()

    async def mount_panes(self) -> None:
        """Put the real panes where the placeholders are (once; later calls do nothing)."""
        slots = list(self.query(PaneSlot))
        if not slots:
            return
        from cockpit.ui.panes import build_panes

        container = self.query_one("#panes", Container)
        with self.batch_update():
            await container.remove_children()
            await container.mount_all(build_panes())
            self._show_active()

    @property
    def panes(self) -> Panes:
        """The mounted panes, by name (after :meth:`mount_panes`)."""
        from cockpit.ui.panes import Panes

        return Panes(self)

    # ---- layout and zoom ----------------------------------------------------------------------

    def on_resize(self, event: Resize) -> None:
        self._apply_layout(event.size.width, event.size.height)

    def _apply_layout(self, width: int, height: int) -> None:
        wide = width >= WIDE_MIN_WIDTH and height >= WIDE_MIN_HEIGHT
        self.screen.set_class(wide, "-wide")
        self.screen.set_class(not wide, "-compact")
        self._show_active()

    def _show_active(self) -> None:
        for pane in self.query(Pane):
            pane.set_class(pane.id == self.active_pane, "-active")
        tabs = self.query_one("#pane-tabs", Tabs)
        if tabs.active != f"tab-{self.active_pane}":
            tabs.active = f"tab-{self.active_pane}"

    def on_tabs_tab_activated(self, event: Tabs.TabActivated) -> None:
        if event.tab.id:
            name = event.tab.id.removeprefix("tab-")
            if name != self.active_pane:
                self.action_show_pane(name)

    def action_show_pane(self, name: str) -> None:
        """Bring a pane forward (compact layout) and focus its first focusable widget."""
        if name not in PANE_ORDER:
            return
        self.active_pane = name
        self._show_active()
        pane = self.query_one(f"#{name}", Pane)
        if self.screen.maximized is not None:
            # Zoomed: the chosen pane takes the whole screen in turn.
            self.screen.maximized = pane
        focusable = [w for w in pane.query("*") if w.focusable]
        if focusable:
            focusable[0].focus()

    def action_unzoom(self) -> None:
        """Restore the layout if a pane is zoomed."""
        if self.screen.maximized is None:
            raise SkipAction()
        self.screen.minimize()

    def action_zoom(self) -> None:
        """Give the pane in focus the whole screen (the banner stays), or restore the layout."""
        screen = self.screen
        if screen.maximized is not None:
            screen.minimize()
            return
        pane = self.query_one(f"#{self.active_pane}", Pane)
        focused = screen.focused
        if focused is not None:
            pane = next((a for a in focused.ancestors if isinstance(a, Pane)), pane)
        screen.maximized = pane

    @property
    def closing(self) -> bool:
        """Shutdown has begun: panes are being removed, data arriving now has nowhere to go."""
        # Textual clears `_running` first thing on shutdown, before any widget is removed.
        return not self._running

    # ---- failures -----------------------------------------------------------------------------

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR:
            self._worker_failed(event.worker)

    def on_worker_failed(self, message: WorkerFailed) -> None:
        self._worker_failed(message.worker)

    def _worker_failed(self, worker: Worker[object]) -> None:
        # One failure handler for every worker: the pane behind it shows the reason.
        if self.closing:
            return
        pane_name = worker.group if worker.group in PANE_ORDER else None
        reason = f"{type(worker.error).__name__}: {worker.error}"
        if pane_name:
            self.query_one(f"#{pane_name}", Pane).error = reason
        else:
            self.notify(
                plain(reason, 1000),
                title=worker.description or "background task",
                severity="error",
                timeout=10,
                markup=False,
            )

    # ---- quitting and the command line --------------------------------------------------------

    async def action_quit(self) -> None:
        """Exit."""
        self.exit(0)

    def switch_environment(self, name: str) -> None:
        """Focus the environment ``name`` (the app, which knows them, does it)."""

    def narrow_logs(self, names: list[str], what: str) -> None:
        """Show Logs with only the sources ``names`` (the app, which has the panes, does it)."""

    def action_ask_quit(self) -> None:
        """Ask before quitting: one stray key must not end a war-room watch."""
        from cockpit.ui.screens.prompts import QuitScreen

        async def answered(yes: bool | None) -> None:
            self.quit_asked = False
            if yes:
                await self.action_quit()

        self.quit_asked = True
        self.push_screen(QuitScreen(), answered)

    async def action_confirm_quit(self) -> None:
        """``y`` typed right behind ``q``, before the question was on screen, still answers it."""
        if self.quit_asked:
            await self.action_quit()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Without a question asked, `y` is not the cockpit's: let it through.
        if action == "confirm_quit":
            return self.quit_asked
        return True

    async def action_quit_twice(self) -> None:
        """ctrl+c quits when pressed twice within two seconds."""
        now = time.monotonic()
        if now - self._ctrl_c_at < CTRL_C_AGAIN:
            await self.action_quit()
            return
        self._ctrl_c_at = now
        self.notify("Press ctrl+c again to quit", timeout=CTRL_C_AGAIN)

    def action_command_line(self) -> None:
        """Open the `:` command line."""
        from cockpit.ui.screens.prompts import CommandLineScreen

        self.push_screen(CommandLineScreen(), self._run_command)

    async def _run_command(self, command: Command | None) -> None:
        if command is None:
            return
        verb, argument = command.verb, command.argument
        if verb == "q":
            await self.action_quit()
        elif verb == "env":
            self.switch_environment(argument)
        elif verb == "theme":
            if argument in self.available_themes:
                self.theme = argument
            else:
                self.notify(f"no theme {plain(argument, 60)!r}", severity="error")
        elif verb == "help":
            self.action_help()
        elif verb == "logs" and argument:
            self.narrow_logs([argument], argument)
        else:
            self.action_show_pane(verb)

    # ---- themes and help ----------------------------------------------------------------------

    def unknown_theme(self, name: str) -> str:
        """Why the theme ``name`` cannot be used, and which can (for stderr and notices)."""
        broken = [p for p in self.theme_problems if f"theme {name!r} skipped" in p]
        if broken:
            return f"cockpit: theme {name!r} cannot be used: {broken[0]}"
        others = sorted(set(self.available_themes) - set(self.cockpit_themes))
        return (
            f"cockpit: unknown theme {name!r}; available: {', '.join(self.cockpit_themes)} "
            f"(or one of Textual's: {', '.join(others)})"
        )

    def get_theme_variable_defaults(self) -> dict[str, str]:
        """The cockpit's variables for themes that do not set them (Textual's own included)."""
        return {**super().get_theme_variable_defaults(), **variable_defaults()}

    def action_cycle_theme(self) -> None:
        """Move to the next cockpit theme (shipped and the user's; others via the palette)."""
        names = self.cockpit_themes
        if not names:
            return
        index = names.index(self.theme) if self.theme in names else -1
        self.theme = names[(index + 1) % len(names)]
        self.notify(f"Theme: {self.theme}", timeout=2)

    def action_help(self) -> None:
        """Show the cockpit's keys: everywhere, then each pane's, then lists, then the rest."""
        from cockpit.ui.panes import PANE_CLASSES
        from cockpit.ui.screens.help import HelpScreen

        keymap: dict[str, str] = getattr(self, "_keymap", {})

        def shown(bindings: object) -> list[tuple[str, str]]:
            keys = []
            for b in bindings:  # type: ignore[attr-defined]
                if isinstance(b, Binding) and b.description:
                    key = keymap.get(b.id, b.key) if b.id else b.key
                    keys.append((self.get_key_display(Binding(key, b.action)), b.description))
            return keys

        sections = [("Everywhere", shown(type(self).BINDINGS))]
        sections += [(f"{c.key} {c.title}", shown(c.BINDINGS)) for c in PANE_CLASSES]
        sections.append(("Lists and views", LIST_KEYS))
        mine = {d for _, keys in sections for _, d in keys}
        rest = [
            (self.get_key_display(a.binding), a.binding.description)
            for a in self.active_bindings.values()
            if a.binding.description and a.binding.description not in mine
        ]
        sections.append(("Also", list(dict.fromkeys(rest))))
        self.push_screen(HelpScreen([(t, keys) for t, keys in sections if keys]))
