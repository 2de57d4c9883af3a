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
from cockpit.ui.widgets.lists import Choices
from cockpit.ui.widgets.uptime import STATUS_VARIABLE

if TYPE_CHECKING:
    from cockpit.config.environments import Environment
    from cockpit.domain.trouble import Trouble


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

    def __init__(
        self,
        environments: dict[str, Environment],
        current: str,
        trouble: dict[str, Trouble] | None = None,
    ) -> None:
        super().__init__()
        self._environments = environments
        self._current = current
        self._trouble = trouble or {}

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
            trouble = self._trouble.get(name)
            if trouble is not None:
                variables = self.app.get_css_variables()
                worst = STATUS_VARIABLE[trouble.worst]
                label.append(
                    f"  {trouble.label()}", style=f"bold {variables.get(worst, '')}".strip()
                )
            if env.description:
                label.append(f"  {plain(env.description)}", style="dim")
            options.append(Option(label, id=name))
        with Vertical():
            yield Label("Switch environment (Enter to choose, Esc to cancel)")
            option_list = Choices(*options, id="environments")
            yield option_list

    def on_mount(self) -> None:
        option_list = self.query_one(OptionList)
        option_list.highlighted = list(self._environments).index(self._current)
        option_list.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)
