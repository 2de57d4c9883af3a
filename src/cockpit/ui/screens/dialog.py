"""The frame every action dialog shares: its environment's colours at the edge."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from textual.screen import ModalScreen

if TYPE_CHECKING:
    from cockpit.config.environments import Environment

ResultT = TypeVar("ResultT")


class ActionDialog(ModalScreen[ResultT]):
    """A modal whose frame (the child with class ``dialog``) is red for production.

    ``dialog -full`` makes the frame take the screen below the banner.

    Args:
        environment: The environment the dialog acts on.
    """

    DEFAULT_CSS = """
    ActionDialog {
        align: center middle;
    }
    ActionDialog > .dialog {
        width: 100;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        border: thick $primary;
        background: $surface;
        padding: 0 1;
    }
    ActionDialog > .dialog.-full {
        width: 100%;
        height: 100%;
        margin-top: 1;
    }
    ActionDialog.-production > .dialog {
        border: thick $prod-banner;
    }
    """

    def __init__(self, environment: Environment) -> None:
        super().__init__()
        self.set_class(environment.is_production, "-production")
