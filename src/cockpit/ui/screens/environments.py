"""The environment switcher: a short list, production flagged, the current one marked."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from cockpit.text.sanitize import plain

if TYPE_CHECKING:
    from cockpit.config.environments import Environment


class EnvironmentScreen(ModalScreen[str | None]):
    """Pick the environment in focus. Returns the chosen name, or None when cancelled."""

    DEFAULT_CSS = """
    EnvironmentScreen {
        align: center middle;
    }
    EnvironmentScreen > Vertical {
        width: 70;
        max-width: 100%;
        height: auto;
        max-height: 80%;
        border: thick $primary;
        background: $surface;
        padding: 0 1;
    }
    EnvironmentScreen OptionList {
        height: auto;
        max-height: 20;
    }
    """

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, environments: dict[str, Environment], current: str) -> None:
        super().__init__()
        self._environments = environments
        self._current = current

    def compose(self) -> ComposeResult:
        options: list[Option] = []
        for name, env in self._environments.items():
            label = Text()
            label.append("● " if name == self._current else "  ")
            label.append(plain(name, 60), style="bold")
            if env.is_production:
                colour = self.app.get_css_variables().get("status-down", "")
                label.append("  ▲ PRODUCTION", style=f"bold {colour}".strip())
            if env.read_only:
                label.append("  read-only", style="italic")
            if env.description:
                label.append(f"  {plain(env.description)}", style="dim")
            options.append(Option(label, id=name))
        with Vertical():
            yield Label("Switch environment (Enter to choose, Esc to cancel)")
            option_list = OptionList(*options, id="environments")
            yield option_list

    def on_mount(self) -> None:
        option_list = self.query_one(OptionList)
        option_list.highlighted = list(self._environments).index(self._current)
        option_list.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)
