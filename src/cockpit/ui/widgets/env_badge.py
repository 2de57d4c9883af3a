"""One line naming the environment an action targets, in the banner's colours."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text

from cockpit.ui.widgets.banner import EnvColoured, env_label

if TYPE_CHECKING:
    from cockpit.config.environments import Environment


class EnvBadge(EnvColoured):
    """The environment of a dialog, as the banner names and paints it.

    Dialogs cover most of the banner; each one says again where its keys point.

    Args:
        env: The environment.
        read_only: Nothing may run there now (the READ-ONLY badge shows).
    """

    def __init__(self, env: Environment, *, read_only: bool = False) -> None:
        super().__init__()
        self.env = env
        self.read_only = read_only

    def on_mount(self) -> None:
        self.colour_for(self.env)

    def render(self) -> Text:
        return env_label(self.env, self.read_only)
