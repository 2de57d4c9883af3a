"""Command palette providers: environments and themes by name."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from rich.text import Text
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.markup import escape

from cockpit.text.sanitize import plain

if TYPE_CHECKING:
    from cockpit.ui.app import CockpitApp


def _help(description: str | None) -> str | None:
    # The palette parses help as markup: outside text is escaped after it is sanitized.
    return escape(plain(description)) if description else None


class EnvironmentCommands(Provider):
    """`Environment: NAME` switches the environment in focus."""

    async def discover(self) -> Hits:
        app: CockpitApp = self.app  # type: ignore[assignment]
        for name, env in app.context.config.environments.items():
            yield DiscoveryHit(
                Text(f"Environment: {plain(name, 60)}"),
                partial(app.switch_environment, name),
                help=_help(env.description),
            )

    async def search(self, query: str) -> Hits:
        app: CockpitApp = self.app  # type: ignore[assignment]
        matcher = self.matcher(query)
        for name, env in app.context.config.environments.items():
            command = f"Environment: {plain(name, 60)}"
            score = matcher.match(command)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(command),
                    partial(app.switch_environment, name),
                    help=_help(env.description),
                )


class ThemeCommands(Provider):
    """`Theme: NAME` switches the colour theme."""

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name in sorted(self.app.available_themes):
            command = f"Theme: {name}"
            score = matcher.match(command)
            if score > 0:
                yield Hit(score, matcher.highlight(command), partial(self._set, name))

    def _set(self, name: str) -> None:
        self.app.theme = name
