"""The banner across the top: which environment the keys act on, unmistakably."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.text import Text
from textual.color import Color, ColorParseError
from textual.reactive import reactive
from textual.widget import Widget

from cockpit.text.age import format_age
from cockpit.text.sanitize import plain

if TYPE_CHECKING:
    from cockpit.config.environments import Environment
    from cockpit.domain.trouble import Trouble


def env_label(env: Environment, read_only: bool = False) -> Text:
    """`▲ PRODUCTION  name  protection:typed  READ-ONLY`: where the keys point, how guarded."""
    text = Text(no_wrap=True, overflow="ellipsis")
    if env.is_production:
        text.append(" ▲ PRODUCTION ", style="bold reverse")
        text.append(" ")
    name = plain(env.badge or env.name, 40)
    text.append(f" {name} ", style="bold")
    text.append(f" protection:{env.guard.value}  ")
    if read_only or env.read_only:
        text.append(" READ-ONLY ", style="bold reverse")
        text.append("  ")
    return text


class EnvColoured(Widget):
    """A one-line bar in its environment's colours: production in the theme's ``$prod-banner``,
    a ``confirm`` environment in ``$staging-banner``, others in their configured ``colour``."""

    DEFAULT_CSS = """
    EnvColoured {
        height: 1;
        width: 1fr;
        background: $panel;
        color: $foreground;
    }
    EnvColoured.-confirm {
        background: $staging-banner;
        color: $staging-banner-text;
    }
    EnvColoured.-production {
        background: $prod-banner;
        color: $prod-banner-text;
        text-style: bold;
    }
    """

    def colour_for(self, env: Environment | None) -> None:
        """Take the colours of ``env`` (None: the plain bar)."""
        prod = bool(env and env.is_production)
        self.set_class(prod, "-production")
        self.set_class(bool(env and not prod and env.guard.value == "confirm"), "-confirm")
        # A configured colour paints the bar, except in production where the theme's red stays:
        # production must look the same on every screen.
        background: Color | None = None
        if env is not None and env.colour and not prod:
            try:
                background = Color.parse(env.colour)
            except ColorParseError:
                background = None
        self.styles.background = background
        if background is not None:
            self.styles.color = background.get_contrast_text(1.0)
        else:
            self.styles.clear_rule("color")


class EnvBanner(EnvColoured):
    """Environment name, description, protection, READ-ONLY badge, warnings and a UTC clock.

    Production paints the whole bar in the theme's ``$prod-banner`` colour so a glance from across
    the room tells where the keys point.
    """

    DEFAULT_CSS = """
    EnvBanner {
        /* Docked so it stays on top when a pane is zoomed. */
        dock: top;
    }
    """

    environment: reactive[Environment | None] = reactive(None, layout=False)
    read_only: reactive[bool] = reactive(False)
    warning: reactive[str | None] = reactive(None)
    env_count: reactive[int] = reactive(1)
    trouble: reactive[Trouble | None] = reactive(None)
    """What is wrong in the environment in focus (None before the first health snapshot)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.clock: Callable[[], float] = time.time

    def watch_environment(self, env: Environment | None) -> None:
        self.colour_for(env)

    def render(self) -> Text:
        env = self.environment
        if env is None:
            return Text(no_wrap=True, overflow="ellipsis")
        # What matters most comes first, so a narrow terminal cuts the description, never the
        # environment, its protection or the READ-ONLY badge.
        text = env_label(env, self.read_only)
        self._append_trouble(text)
        if self.warning:
            text.append(f"⚠ {plain(self.warning, 300)}  ", style="bold")
        clock = time.strftime("%H:%M:%S UTC", time.gmtime(self.clock()))
        tail = f"{self.env_count} envs (e)  " if self.env_count > 1 else ""
        room = self.size.width - text.cell_len - len(tail) - len(clock) - 4
        if env.description and room > 8:
            description = plain(env.description, 300)
            if len(description) > room:
                description = description[: room - 1] + "…"
            text.append(f"{description}  ", style="italic")
        text.append(tail)
        pad = self.size.width - text.cell_len - len(clock) - 1
        if pad > 0:
            text.append(" " * pad)
            text.append(clock)
        return text

    def _append_trouble(self, text: Text) -> None:
        # Right after where the keys point: what is wrong there, and the newest of it.
        trouble = self.trouble
        if trouble is None or not trouble.counts:
            return
        text.append(f" ✖ {trouble.label()} ", style="bold reverse")
        newest = trouble.newest
        if newest is not None:
            age = ""
            if newest.last_change is not None:
                age = f" {format_age(self.clock() - newest.last_change)} ago"
            news = f" newest: {plain(newest.name, 40)} {newest.status.value}{age}"
            # Whole or not at all: a cut name is worse than none (the Health pane has it).
            if text.cell_len + len(news) + len(" 00:00:00 UTC") + 2 <= self.size.width:
                text.append(news, style="bold")
        text.append("  ")
