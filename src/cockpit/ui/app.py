"""The cockpit application: banner, four panes, footer; data arrives from workers as messages."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.actions import SkipAction
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Container
from textual.events import Resize
from textual.screen import Screen
from textual.widgets import Footer, Tab, Tabs
from textual.worker import Worker, WorkerState, get_current_worker

from cockpit.domain.paths import current_user
from cockpit.state.checklists import DAILY_HOST_CHECKLIST, Checklist, ChecklistBook
from cockpit.text.sanitize import plain
from cockpit.ui.messages import (
    HealthSnapshot,
    HostSampled,
    RetryRequested,
    StateWriteFailed,
    WorkerFailed,
)
from cockpit.ui.terminal import terminal_hung_up
from cockpit.ui.themes import register_themes, variable_defaults
from cockpit.ui.widgets.banner import EnvBanner
from cockpit.ui.widgets.checklists_pane import ChecklistsPane
from cockpit.ui.widgets.health_pane import HealthPane
from cockpit.ui.widgets.logs_pane import LogsPane
from cockpit.ui.widgets.metrics_pane import MetricsPane
from cockpit.ui.widgets.pane import Pane

if TYPE_CHECKING:
    from textual.command import Provider

    from cockpit.config.environments import Environment
    from cockpit.config.models import CockpitConfig
    from cockpit.feeds.health import HealthFeed
    from cockpit.feeds.logs import LogFeed
    from cockpit.feeds.metrics import HostFeed
    from cockpit.state.store import Store

WIDE_MIN_WIDTH = 120
WIDE_MIN_HEIGHT = 32
PANE_ORDER = ("health", "logs", "metrics", "checklists")


@dataclass
class AppContext:
    """Everything the app needs from the command line, resolved before the UI starts."""

    config: CockpitConfig
    config_path: str | None
    environment: str
    read_only: bool = False
    theme: str | None = None
    warnings: list[str] = field(default_factory=list)
    host_interval: float = 1.0
    store: Store | None = None
    live: bool = True
    """False stops the background samplers (tests feed data by hand)."""
    clock: Callable[[], float] = time.time
    """Wall-clock seconds since the epoch: the one source of "now" for everything shown."""
    monotonic: Callable[[], float] = time.monotonic
    """Monotonic seconds for how long a source has been in its state (pinned in snapshots)."""
    user: str = field(default_factory=current_user)
    """Who ticks and acts (recorded with every tick and audit record)."""
    base_dir: Path = field(default_factory=Path.cwd)

    def now(self) -> datetime:
        """The context's clock as an aware UTC datetime."""
        return datetime.fromtimestamp(self.clock(), UTC)


FULL_GC_EVERY = 60.0
"""Seconds between the garbage collector's full passes (see _freeze_startup_heap)."""
FULL_GC_AFTER = 1000
"""Collections of the middle generation before Python would start a full pass by itself."""


def _freeze_startup_heap() -> None:
    # What exists once the screen is up (modules, config, widgets) lives as long as the app:
    # keeping it out of the garbage collector's full passes keeps those passes short, and a
    # long pause of the UI thread is a key press answered late.
    import gc

    gc.collect()
    gc.freeze()
    # Full passes are left to the app's tick, once a minute, instead of coming whenever the
    # young generations have been collected ten times (under a log flood: every few seconds,
    # 15 ms each, whoever is typing).
    young, middle, _full = gc.get_threshold()
    gc.set_threshold(young, middle, FULL_GC_AFTER)


def _environment_commands() -> type[Provider]:
    # Palette providers load on first use: textual.command costs start-up time.
    from cockpit.ui.commands import EnvironmentCommands

    return EnvironmentCommands


def _theme_commands() -> type[Provider]:
    from cockpit.ui.commands import ThemeCommands

    return ThemeCommands


class StartupError(Exception):
    """Config or command-line problem found while starting; the message is for stderr."""


class _Loaded:
    """A tiny view used by palette providers (kept separate so they need no app internals)."""

    def __init__(self, config: CockpitConfig) -> None:
        self.config = config


class CockpitApp(App[int]):
    """The terminal operations cockpit."""

    TITLE = "ops-cockpit"
    CSS_PATH = "styles/app.tcss"
    COMMANDS = App.COMMANDS | {_environment_commands, _theme_commands}
    ENABLE_COMMAND_PALETTE = True
    # A zoomed pane keeps the environment banner: production must stay unmistakable.
    ALLOW_IN_MAXIMIZED_VIEW = "EnvBanner, Footer"
    # Escape belongs to the focused widget first (it cancels a filter being typed); an app
    # binding restores a zoomed layout when nothing else wanted the key.
    ESCAPE_TO_MINIMIZE = False

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", id="quit"),
        Binding("ctrl+c", "quit", "Quit", show=False, priority=True, id="quit_ctrl_c"),
        Binding("question_mark", "help", "Help", id="help", key_display="?"),
        Binding("e", "switch_env", "Env", id="switch_env"),
        Binding("t", "cycle_theme", "Theme", id="cycle_theme"),
        Binding("1", "show_pane('health')", "Health", id="pane_health", show=False),
        Binding("2", "show_pane('logs')", "Logs", id="pane_logs", show=False),
        Binding("3", "show_pane('metrics')", "Metrics", id="pane_metrics", show=False),
        Binding("4", "show_pane('checklists')", "Checklists", id="pane_checklists", show=False),
        Binding("r", "retry", "Retry", id="retry", show=False),
        Binding("z", "zoom", "Zoom", id="zoom"),
        Binding("escape", "unzoom", "Restore", show=False),
    ]

    def __init__(
        self,
        context: AppContext | None = None,
        *,
        loader: Callable[[], AppContext] | None = None,
    ) -> None:
        """Build the app from a ready context, or from a loader run after the first frame.

        With a loader the shell paints at once and the config is read right after, so the
        operator sees the cockpit before pydantic has validated anything; a loader that raises
        :class:`StartupError` ends the app with exit code 2 and its message on stderr.
        """
        super().__init__()
        if context is None and loader is None:
            raise ValueError("CockpitApp needs a context or a loader")
        self._cockpit_context = context
        self._loader = loader
        self.startup_error: str | None = None
        self.env_name = context.environment if context else ""
        self.active_pane = "health"
        self._host_feed: HostFeed | None = None
        self._full_gc_at = time.monotonic()
        self._health_feed: HealthFeed | None = None
        self._log_feed: LogFeed | None = None
        self.cockpit_themes, self._theme_problems = register_themes(self)
        """Themes `t` cycles through: the shipped ones and the user's that passed checks."""
        self.theme = "cockpit-dark"

    @property
    def context(self) -> AppContext:
        """The resolved command line, config and state (available once started)."""
        if self._cockpit_context is None:
            raise RuntimeError("the cockpit has not finished starting")
        return self._cockpit_context

    @property
    def loaded(self) -> _Loaded:
        """What palette providers read."""
        return _Loaded(self.context.config)

    @property
    def started(self) -> bool:
        """Whether config and state are loaded."""
        return self._cockpit_context is not None

    # ---- layout -------------------------------------------------------------------------------

    @property
    def environment(self) -> Environment:
        """The environment in focus."""
        return self.context.config.environments[self.env_name]

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

    def on_mount(self) -> None:
        self._apply_layout(self.size.width, self.size.height)
        if self._cockpit_context is not None:
            self._start(self._cockpit_context)
        else:
            self.call_after_refresh(self._load)

    def _load(self) -> None:
        assert self._loader is not None
        try:
            context = self._loader()
        except StartupError as exc:
            self.startup_error = str(exc)
            self.exit(2, return_code=2)
            return
        if context.theme is not None and context.theme not in self.available_themes:
            # Asked for by name on the command line: starting in another theme would hide
            # the mistake, so refuse like any other bad option.
            self.startup_error = self._unknown_theme(context.theme)
            self.exit(2, return_code=2)
            return
        self._cockpit_context = context
        self._start(context)

    def _unknown_theme(self, name: str) -> str:
        broken = [p for p in self._theme_problems if f"theme {name!r} skipped" in p]
        if broken:
            return f"cockpit: theme {name!r} cannot be used: {broken[0]}"
        others = sorted(set(self.available_themes) - set(self.cockpit_themes))
        return (
            f"cockpit: unknown theme {name!r}; available: {', '.join(self.cockpit_themes)} "
            f"(or one of Textual's: {', '.join(others)})"
        )

    def _start(self, context: AppContext) -> None:
        self.env_name = context.environment
        wanted = context.theme or context.config.ui.theme
        if wanted in self.available_themes:
            if wanted != self.theme:
                self.theme = wanted
        else:
            self._theme_problems.append(self._unknown_theme(wanted).removeprefix("cockpit: "))
        if context.config.ui.keys:
            self.set_keymap(dict(context.config.ui.keys))
        banner = self.query_one(EnvBanner)
        banner.clock = context.clock
        self.query_one(HealthPane).clock = context.clock
        self.query_one(LogsPane).clock = context.clock
        banner.env_count = len(context.config.environments)
        self._apply_environment()
        self.set_interval(1.0, self._tick, name="freshness")
        if context.live:
            if not __import__("os").environ.get("NOHOST"):
                self.start_host_sampling()
            self.start_health()
        for problem in self._theme_problems:
            self.notify(
                plain(problem, 1000), title="Theme", severity="warning", timeout=8, markup=False
            )
        for warning in context.warnings:
            self.notify(plain(warning, 1000), severity="warning", timeout=10, markup=False)
        if context.live:
            self.call_after_refresh(_freeze_startup_heap)

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

    def checklists(self) -> list[Checklist]:
        """Checklists shown for every environment (built-in first)."""
        return [DAILY_HOST_CHECKLIST]

    # ---- environment, theme, help -----------------------------------------------------------

    def _apply_environment(self) -> None:
        banner = self.query_one(EnvBanner)
        banner.environment = self.environment
        banner.read_only = self.context.read_only
        warning = next((w for w in self.context.warnings if w.startswith("state")), None)
        banner.warning = warning
        self.sub_title = self.env_name
        self.screen.set_class(self.environment.is_production, "-production")
        has_services = any(
            self.env_name in self.context.config.environment_names_for(s.environments)
            for s in self.context.config.services
        )
        env = self.environment
        local = not (env.kubernetes or env.azure or env.docker or env.prometheus)
        self.query_one(HealthPane).configure(self.env_name, has_services, local)
        if self.context.live:
            self.start_logs()
        store = self.context.store
        self.query_one(ChecklistsPane).bind(
            ChecklistBook(store, clock=self.context.now) if store is not None else None,
            self.env_name,
            self.context.user,
        )

    def switch_environment(self, name: str) -> None:
        """Focus another environment; every pane follows."""
        if not self.started:
            return
        if name not in self.context.config.environments or name == self.env_name:
            return
        self.env_name = name
        self._apply_environment()
        self.notify(f"Environment: {plain(name, 60)}", timeout=3, markup=False)

    def action_switch_env(self) -> None:
        """Open the environment switcher."""
        if not self.started:
            return
        if len(self.context.config.environments) < 2:
            self.notify("Only one environment is configured.", timeout=3)
            return

        def chosen(name: str | None) -> None:
            if name:
                self.switch_environment(name)

        from cockpit.ui.screens.environments import EnvironmentScreen

        self.push_screen(EnvironmentScreen(self.context.config.environments, self.env_name), chosen)

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

    def get_system_commands(self, screen: Screen[object]):  # type: ignore[no-untyped-def]
        yield from super().get_system_commands(screen)
        yield SystemCommand(
            "Switch environment", "Pick the environment in focus", self.action_switch_env
        )

    # ---- data ---------------------------------------------------------------------------------

    def _tick(self) -> None:
        if self.closing:
            return
        if self.context.live and time.monotonic() - self._full_gc_at >= FULL_GC_EVERY:
            import gc

            self._full_gc_at = time.monotonic()
            gc.collect()
        if not self.is_headless and terminal_hung_up():
            self._end_without_terminal()
        with self.batch_update():
            for pane in self.query(Pane):
                pane.refresh_freshness()
            # A query, not query_one: during shutdown the banner may already be gone.
            for banner in self.query(EnvBanner):
                banner.refresh()

    def _end_without_terminal(self) -> None:
        """End now: the terminal is gone, so the usual exit cannot restore it.

        Textual's exit writes to the terminal through its output thread, which died on the
        first write after the hang-up; the write would wait for ever. Everything that matters
        is already safe (ticks and audit records are committed as they happen); the worker
        processes see their pipe close and end by themselves.
        """
        logging.getLogger("cockpit").warning("terminal closed: exiting")
        for feed in (self._health_feed, self._log_feed, self._host_feed):
            if feed is not None:
                feed.stop()
        store = self._cockpit_context.store if self._cockpit_context is not None else None
        if store is not None:
            store.close()
        logging.shutdown()
        os._exit(0)

    def start_host_sampling(self) -> None:
        """(Re)start the worker that reads host metrics and processes."""
        self.query_one(MetricsPane).error = None
        self._sample_host()

    @work(
        thread=True,
        exclusive=True,
        group="metrics",
        exit_on_error=False,
        description="sample host metrics and processes",
    )
    def _sample_host(self) -> None:
        from cockpit.feeds.metrics import HostFeed

        worker = get_current_worker()
        feed = HostFeed(
            lambda sample, processes: self.post_message(HostSampled(sample, processes)),
            interval=self.context.host_interval,
        )
        self._host_feed = feed
        feed.run(lambda: worker.is_cancelled)

    @property
    def closing(self) -> bool:
        """Shutdown has begun: panes are being removed, data arriving now has nowhere to go."""
        # Textual clears `_running` first thing on shutdown, before any widget is removed.
        return not self._running

    def on_host_sampled(self, message: HostSampled) -> None:
        if self.closing:
            return
        with self.batch_update():
            self.query_one(MetricsPane).add_host_sample(message.sample)
            self.query_one(HealthPane).show_processes(message.processes)

    def start_health(self) -> None:
        """(Re)start the health monitor when any service is configured."""
        if not self.context.config.services:
            return
        self.query_one(HealthPane).error = None
        if self._health_feed is not None:
            self._health_feed.stop()
        store = self.context.store
        state_path = store.path if store is not None and not store.in_memory else None
        from cockpit.feeds.health import HealthFeed

        self._health_feed = HealthFeed(
            self.context.config,
            self.context.base_dir,
            lambda statuses: self.post_message(HealthSnapshot(statuses)),
            state_path,
        )
        self._run_health(self._health_feed)

    @work(
        thread=True,
        exclusive=True,
        group="health",
        exit_on_error=False,
        description="run health checks",
    )
    def _run_health(self, feed: HealthFeed) -> None:
        worker = get_current_worker()
        feed.run(lambda: worker.is_cancelled)

    def start_logs(self) -> None:
        """(Re)start the log sources of the environment in focus."""
        from cockpit.feeds.logs import LogFeed

        pane = self.query_one(LogsPane)
        if self._log_feed is not None:
            self._log_feed.stop()
            self._log_feed = None
        config = self.context.config
        entries = [
            cfg
            for cfg in config.logs
            if self.env_name in config.environment_names_for(cfg.environments)
        ]
        if not entries:
            pane.attach(None, f"no log sources for {self.env_name}: add them under `logs:`")
            return
        terms = [term for cfg in entries for term in cfg.highlight]
        feed = LogFeed(
            entries,
            self.env_name,
            self.context.base_dir,
            self.environment,
            clock=self.context.monotonic,
        )
        self._log_feed = feed
        pane.attach(feed, terms=terms)
        self._run_logs(feed)

    @work(
        thread=True,
        exclusive=True,
        group="logs",
        exit_on_error=False,
        description="start the log worker",
    )
    def _run_logs(self, feed: LogFeed) -> None:
        feed.start()

    def refresh_health(self, service: str | None = None) -> None:
        """Run checks now instead of at their next due time."""
        if self._health_feed is not None:
            self._health_feed.refresh(service)
            self.notify(f"Checking {service or 'all services'} now", timeout=2)

    def on_health_snapshot(self, message: HealthSnapshot) -> None:
        if self.closing:
            return
        self.query_one(HealthPane).show_statuses(message.statuses)

    async def action_quit(self) -> None:
        """Stop background loops, then exit."""
        if self._health_feed is not None:
            self._health_feed.stop()
        if self._log_feed is not None:
            self._log_feed.stop()
        if self._host_feed is not None:
            self._host_feed.stop()
        self.exit(0)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR:
            self._worker_failed(event.worker)

    def on_worker_failed(self, message: WorkerFailed) -> None:
        self._worker_failed(message.worker)

    def on_state_write_failed(self, message: StateWriteFailed) -> None:
        # The banner is on every screen and layout: a lost write must not hide in one pane.
        warning = None if message.reason is None else f"NOT SAVED: {message.reason}"
        banner = self.query_one(EnvBanner)
        banner.warning = warning or next(
            (w for w in self.context.warnings if w.startswith("state")), None
        )

    def _worker_failed(self, worker: Worker[object]) -> None:
        # One failure handler for every worker: the pane behind it shows the reason.
        if self.closing:
            return
        pane_name = worker.group if worker.group in PANE_ORDER else None
        reason = f"{type(worker.error).__name__}: {worker.error}"
        if pane_name:
            self.query_one(f"#{pane_name}", Pane).error = reason
        else:
            self.notify(
                plain(reason, 1000),
                title=worker.description or "background task",
                severity="error",
                timeout=10,
                markup=False,
            )

    def action_retry(self) -> None:
        """Retry the backend of the pane in focus (or the active pane)."""
        focused = self.screen.focused
        pane = (
            None
            if focused is None
            else next((a for a in focused.ancestors_with_self if isinstance(a, Pane)), None)
        )
        self.post_message(RetryRequested(pane.pane_id if pane else self.active_pane))

    def on_retry_requested(self, message: RetryRequested) -> None:
        if not self.started:
            return
        if message.pane in ("metrics", "health") and self.context.live:
            self.start_host_sampling()
        if message.pane == "health" and self.context.live:
            self.start_health()
        if message.pane == "logs" and self.context.live:
            self.start_logs()
        if message.pane == "checklists":
            self.query_one(ChecklistsPane).retry_failed()
