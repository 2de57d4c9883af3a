"""Command palette providers: environments and themes by name."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

if TYPE_CHECKING:
    from cockpit.ui.app import CockpitApp


class EnvironmentCommands(Provider):
    """`Environment: NAME` switches the environment in focus."""

    async def discover(self) -> Hits:
        app: CockpitApp = self.app  # type: ignore[assignment]
        for name, env in app.loaded.config.environments.items():
            yield DiscoveryHit(
                f"Environment: {name}",
                partial(app.switch_environment, name),
                help=env.description or None,
            )

    async def search(self, query: str) -> Hits:
        app: CockpitApp = self.app  # type: ignore[assignment]
        matcher = self.matcher(query)
        for name, env in app.loaded.config.environments.items():
            command = f"Environment: {name}"
            score = matcher.match(command)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(command),
                    partial(app.switch_environment, name),
                    help=env.description or None,
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
