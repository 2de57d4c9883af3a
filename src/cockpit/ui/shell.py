"""The cockpit's shell: banner, tabs, four panes, footer; layout, zoom, themes and help.

:class:`~cockpit.ui.app.CockpitApp` builds on it with config, environments and data.
"""

from __future__ import annotations

from textual.actions import SkipAction
from textual.app import App, ComposeResult
from textual.containers import Container
from textual.events import Resize
from textual.widgets import Footer, Tab, Tabs

from cockpit.state.checklists import DAILY_HOST_CHECKLIST, Checklist
from cockpit.ui.themes import register_themes, variable_defaults
from cockpit.ui.widgets.banner import EnvBanner
from cockpit.ui.widgets.checklists_pane import ChecklistsPane
from cockpit.ui.widgets.health_pane import HealthPane
from cockpit.ui.widgets.logs_pane import LogsPane
from cockpit.ui.widgets.metrics_pane import MetricsPane
from cockpit.ui.widgets.pane import Pane

WIDE_MIN_WIDTH = 120
WIDE_MIN_HEIGHT = 32
PANE_ORDER = ("health", "logs", "metrics", "checklists")


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
            Tab("1 Health", id="tab-health"),
            Tab("2 Logs", id="tab-logs"),
            Tab("3 Metrics", id="tab-metrics"),
            Tab("4 Checklists", id="tab-checklists"),
            id="pane-tabs",
        )
        with Container(id="panes"):
            yield HealthPane()
            yield LogsPane()
            yield MetricsPane()
            yield ChecklistsPane(self.checklists())
        yield Footer()

    def checklists(self) -> list[Checklist]:
        """Checklists shown for every environment (built-in first)."""
        return [DAILY_HOST_CHECKLIST]

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
