"""The cockpit's shell: banner, tabs, four panes, footer; layout, zoom, themes and help.

:class:`~cockpit.ui.app.CockpitApp` builds on it with config, environments and data.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.actions import SkipAction
from textual.app import App, ComposeResult
from textual.containers import Container
from textual.events import Resize
from textual.widgets import Footer, Tab, Tabs

from cockpit.ui.themes import register_themes, variable_defaults
from cockpit.ui.widgets.banner import EnvBanner
from cockpit.ui.widgets.pane import Pane

if TYPE_CHECKING:
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
        yield Footer()

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
        """Show every active key and what it does."""
        keys: list[tuple[str, str]] = []
        seen: set[str] = set()
        for active in self.active_bindings.values():
            b = active.binding
            if not b.description or b.description in seen:
                continue
            seen.add(b.description)
            keys.append((self.get_key_display(b), b.description))
        from cockpit.ui.screens.help import HelpScreen

        self.push_screen(HelpScreen(keys))
