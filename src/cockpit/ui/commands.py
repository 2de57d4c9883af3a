"""Command palette providers: actions, places to jump to, environments and themes by name."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.command import CommandInput, CommandPalette, DiscoveryHit, Hit, Hits, Provider
from textual.markup import escape

from cockpit.text.sanitize import plain
from cockpit.ui.shell import PANES

if TYPE_CHECKING:
    from cockpit.actions.model import Origin
    from cockpit.ui.app import CockpitApp

RECENT_BOOST = 1.25
"""A recent action's match counts this much more (recent actions come first)."""


def _help(description: str | None) -> str | None:
    # The palette parses help as markup: outside text is escaped after it is sanitized.
    return escape(plain(description)) if description else None


@dataclass(frozen=True, slots=True)
class Entry:
    """One palette command: what it says, a line of help, what it does."""

    prompt: str
    help: str | None
    run: Callable[[], object]
    boost: float = 1.0


class ListProvider(Provider):
    """A provider whose commands are a list worked out when asked for."""

    @property
    def cockpit(self) -> CockpitApp:
        """The cockpit app."""
        return self.app  # type: ignore[return-value]

    def entries(self) -> Iterable[Entry]:
        """The commands, in the order they are offered."""
        return ()

    async def discover(self) -> Hits:
        for entry in self.entries():
            yield DiscoveryHit(Text(entry.prompt), entry.run, help=_help(entry.help))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for entry in self.entries():
            score = matcher.match(entry.prompt)
            if score > 0:
                yield Hit(
                    min(1.0, score * entry.boost),
                    matcher.highlight(entry.prompt),
                    entry.run,
                    help=_help(entry.help),
                )


class ActionCommands(ListProvider):
    """`Action: NAME · ENV · PROTECTION`: the actions of the environment in focus, recent first.

    The recent ones are read from the audit trail (in a worker) once, when the palette opens.
    """

    origin: ClassVar[Origin] = "palette"
    recent: tuple[str, ...] = ()
    """Actions tried in the environment in focus, most recent first."""

    async def startup(self) -> None:
        app = self.cockpit
        if app.started:
            self.recent = tuple(await app.actions.recent(app.env_name))

    def entries(self) -> Iterable[Entry]:
        app = self.cockpit
        if not app.started:
            return
        env = app.environment
        actions = app.context.config.actions_for(env.name)
        if not actions:
            text = f"Actions: none configured for {plain(env.name, 60)} (add them under actions:)"
            yield Entry(text, None, partial(app.notify, text, timeout=5, markup=False))
            return
        guard = "read-only" if app.gate.why_read_only(env) else env.guard.value
        recent = [name for name in self.recent if any(a.name == name for a in actions)]
        ranked = sorted(
            actions, key=lambda a: recent.index(a.name) if a.name in recent else len(recent)
        )
        for action in ranked:
            about = [action.kind, *([action.description] if action.description else [])]
            if action.name in recent:
                about.append("recent")
            yield Entry(
                f"Action: {plain(action.name, 60)} · {plain(env.name, 60)} · {guard}",
                " · ".join(about),
                partial(app.start_action, action.name, None, self.origin),
                RECENT_BOOST if action.name in recent else 1.0,
            )

    async def discover(self) -> Hits:
        for index, entry in enumerate(self.entries()):
            # Scored, unlike discovery hits (all 0): the actions lead the list, recent first.
            yield Hit(1.0 - index / 1000, Text(entry.prompt), entry.run, help=_help(entry.help))


class KeyActionCommands(ActionCommands):
    """The actions alone, for the `a` key (recorded as started by a key)."""

    origin: ClassVar[Origin] = "key"


class PlaceCommands(ListProvider):
    """Jump to a pane, a service, a log source or a checklist; the audit trail."""

    def entries(self) -> Iterable[Entry]:
        app = self.cockpit
        for name, title, key in PANES:
            yield Entry(f"Pane: {title}", f"key {key}", partial(app.action_show_pane, name))
        if not app.started:
            return
        config, env = app.context.config, app.env_name
        for service in config.services:
            if env in config.environment_names_for(service.environments):
                yield Entry(
                    f"Service: {plain(service.name, 60)}",
                    "its health and checks",
                    partial(app.show_service, service.name),
                )
        for source in config.logs:
            if env in config.environment_names_for(source.environments):
                yield Entry(
                    f"Logs: {plain(source.name, 60)}",
                    "only this log source",
                    partial(app.narrow_logs, [source.name], source.name),
                )
        for checklist in app.panes.checklists.checklists:
            yield Entry(
                f"Checklist: {plain(checklist.title, 80)}",
                checklist.description,
                partial(app.show_checklist, checklist.id),
            )
        yield Entry(
            "Audit trail", f"every action attempt in {plain(env, 60)} (A)", app.action_audit
        )


class EnvironmentCommands(ListProvider):
    """`Environment: NAME` switches the environment in focus."""

    def entries(self) -> Iterable[Entry]:
        app = self.cockpit
        for name, env in app.context.config.environments.items():
            yield Entry(
                f"Environment: {plain(name, 60)}",
                env.description,
                partial(app.switch_environment, name),
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


class CockpitPalette(CommandPalette):
    """The command palette, optionally with only some providers and words already typed.

    Args:
        providers: The providers (None: the app's and the screen's).
        query: Typed into the search field when it opens.
        placeholder: Shown while the field is empty.
    """

    def __init__(
        self,
        providers: list[type[Provider]] | None = None,
        *,
        query: str = "",
        placeholder: str = "Search for commands…",
    ) -> None:
        super().__init__(providers, placeholder=placeholder, id="--command-palette")
        self.initial_query = query

    def on_mount(self) -> None:
        if self.initial_query:
            field = self.query_one(CommandInput)
            field.value = self.initial_query
            field.cursor_position = len(self.initial_query)
