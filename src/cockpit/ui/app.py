"""The cockpit application: banner, four panes, footer; data arrives from workers as messages."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from textual.actions import SkipAction
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen

from cockpit.text.sanitize import plain
from cockpit.ui import heap
from cockpit.ui.context import AppContext, StartupError
from cockpit.ui.messages import (
    ActionPrepared,
    ActionRefused,
    ActionWanted,
    CheckNowRequested,
    HealthSnapshot,
    HostSampled,
    LogsForService,
    MetricsArrived,
    RetryRequested,
    StateWriteFailed,
)
from cockpit.ui.shell import CockpitShell
from cockpit.ui.terminal import watch_for_hangup
from cockpit.ui.widgets.banner import EnvBanner
from cockpit.ui.widgets.pane import Pane

if TYPE_CHECKING:
    from textual.command import Provider

    from cockpit.actions.gate import Gate
    from cockpit.actions.model import Origin, Outcome, Plan
    from cockpit.config.environments import Environment
    from cockpit.ui.action_flow import ActionFlow
    from cockpit.ui.feed_supervisor import Feeds
    from cockpit.ui.trouble_news import TroubleNews
    from cockpit.ui.widgets.metrics_pane import MetricsPane

__all__ = ["AppContext", "CockpitApp", "StartupError"]


def _environment_commands() -> type[Provider]:
    # Palette providers load on first use: textual.command costs start-up time.
    from cockpit.ui.commands import EnvironmentCommands

    return EnvironmentCommands


def _theme_commands() -> type[Provider]:
    from cockpit.ui.commands import ThemeCommands

    return ThemeCommands


def _action_commands() -> type[Provider]:
    from cockpit.ui.commands import ActionCommands

    return ActionCommands


def _place_commands() -> type[Provider]:
    from cockpit.ui.commands import PlaceCommands

    return PlaceCommands


class CockpitApp(CockpitShell):
    """The terminal operations cockpit."""

    TITLE = "ops-cockpit"
    COMMANDS = App.COMMANDS | {
        _action_commands,
        _place_commands,
        _environment_commands,
        _theme_commands,
    }
    ENABLE_COMMAND_PALETTE = True
    BINDINGS: ClassVar[list[BindingType]] = [
        # Help first: the footer is cut from the right on a narrow screen.
        Binding("question_mark", "help", "Help", id="help", key_display="?"),
        Binding("a", "actions", "Actions", id="actions"),
        Binding("A", "audit", "Audit trail", id="audit", show=False),
        Binding("q", "ask_quit", "Quit", id="quit"),
        Binding("ctrl+c", "quit_twice", "Quit", show=False, priority=True, id="quit_ctrl_c"),
        # Priority, so it answers over the question screen; off unless the question is asked.
        Binding("y", "confirm_quit", "Yes, quit", show=False, priority=True, id="quit_confirm"),
        Binding("colon", "command_line", "Command", id="command_line", key_display=":"),
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
        on_started: Callable[[], None] | None = None,
    ) -> None:
        """Build the app from a ready context, or from a loader run after the first frame.

        With a loader the shell paints at once and the config is read right after, so the
        operator sees the cockpit before pydantic has validated anything; a loader that raises
        :class:`StartupError` ends the app with exit code 2 and its message on stderr.
        ``on_started`` runs once the started screen has been painted.
        """
        super().__init__()
        if context is None and loader is None:
            raise ValueError("CockpitApp needs a context or a loader")
        self._cockpit_context = context
        self._loader = loader
        self._on_started = on_started
        self.startup_error: str | None = None
        self.env_name = context.environment if context else ""
        self._feeds: Feeds | None = None
        self._news: TroubleNews | None = None
        self._actions: ActionFlow | None = None

    @property
    def context(self) -> AppContext:
        """The resolved command line, config and state (available once started)."""
        if self._cockpit_context is None:
            raise RuntimeError("the cockpit has not finished starting")
        return self._cockpit_context

    @property
    def news(self) -> TroubleNews:
        """What spreads trouble beyond the Health pane (made after the first frame)."""
        if self._news is None:
            from cockpit.ui.trouble_news import TroubleNews

            self._news = TroubleNews(self)
        return self._news

    @property
    def started(self) -> bool:
        """Whether config and state are loaded."""
        return self._cockpit_context is not None

    @property
    def environment(self) -> Environment:
        """The environment in focus."""
        return self.context.config.environments[self.env_name]

    @property
    def actions(self) -> ActionFlow:
        """Form, preview, confirmation and run of actions (made on first use)."""
        if self._actions is None:
            from cockpit.ui.action_flow import ActionFlow

            self._actions = ActionFlow(self)
        return self._actions

    @property
    def gate(self) -> Gate:
        """The one gate every action of this cockpit goes through."""
        return self.actions.gate

    async def on_mount(self) -> None:
        self._apply_layout(self.size.width, self.size.height)
        if not self.is_headless:
            watch_for_hangup()
        if self._cockpit_context is not None:
            await self.mount_panes()
            self._start(self._cockpit_context)
        else:
            # The shell's first frame goes out before the panes' code and the config load.
            self.call_after_refresh(self._load)

    async def _load(self) -> None:
        assert self._loader is not None
        await self.mount_panes()
        try:
            context = self._loader()
        except StartupError as exc:
            self.startup_error = str(exc)
            self.exit(2, return_code=2)
            return
        if context.theme is not None and context.theme not in self.available_themes:
            # Asked for by name on the command line: starting in another theme would hide
            # the mistake, so refuse like any other bad option.
            self.startup_error = self.unknown_theme(context.theme)
            self.exit(2, return_code=2)
            return
        self._cockpit_context = context
        self._start(context)

    def _start(self, context: AppContext) -> None:
        self.env_name = context.environment
        wanted = context.theme or context.config.ui.theme
        if wanted in self.available_themes:
            if wanted != self.theme:
                self.theme = wanted
        else:
            self.theme_problems.append(self.unknown_theme(wanted).removeprefix("cockpit: "))
        if context.config.ui.keys:
            self.set_keymap(dict(context.config.ui.keys))
        banner = self.query_one(EnvBanner)
        banner.clock = context.clock
        self.panes.health.clock = context.clock
        self.panes.logs.clock = context.clock
        banner.env_count = len(context.config.environments)
        self._feeds = feeds = context.feeds(self)
        self._apply_environment()
        self.set_interval(1.0, self._tick, name="freshness")
        feeds.start()
        # A pane has the focus from the start, so its keys (/, a, j/k) work at once.
        self.action_show_pane(self.active_pane)
        for problem in self.theme_problems:
            self.notify(
                plain(problem, 1000), title="Theme", severity="warning", timeout=8, markup=False
            )
        for warning in context.warnings:
            self.notify(plain(warning, 1000), severity="warning", timeout=10, markup=False)
        if self._on_started is not None:
            self.call_after_refresh(self._on_started)

    # ---- environment -----------------------------------------------------------------------

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
        self.panes.health.configure(self.env_name, has_services, local)
        self.panes.metrics.configure(self.env_name, self.context.config)
        self.panes.checklists.metric_rows = self.panes.metrics.rows
        self.news.refresh()
        if self._feeds is not None:
            self._feeds.focus(self.env_name)
        from cockpit.runbooks.configured import checklists_for
        from cockpit.state.checklists import ChecklistBook

        store = self.context.store
        self.panes.checklists.bind(
            ChecklistBook(store, clock=self.context.now) if store is not None else None,
            self.env_name,
            self.context.user,
            checklists_for(
                self.context.config,
                self.env_name,
                self.context.base_dir,
                config_file=self.context.config_path is not None,
            ),
        )

    def switch_environment(self, name: str) -> None:
        """Focus another environment; every pane follows."""
        if not self.started:
            return
        environments = self.context.config.environments
        if name not in environments:
            known = ", ".join(plain(n, 40) for n in environments)
            self.notify(f"no environment {plain(name, 60)!r}; configured: {known}", markup=False)
            return
        if name == self.env_name:
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

        screen = EnvironmentScreen(
            self.context.config.environments, self.env_name, self.news.per_environment()
        )
        self.push_screen(screen, chosen)

    def get_system_commands(self, screen: Screen[object]):  # type: ignore[no-untyped-def]
        yield from super().get_system_commands(screen)
        yield SystemCommand(
            "Switch environment", "Pick the environment in focus", self.action_switch_env
        )

    # ---- actions ------------------------------------------------------------------------------

    def start_action(
        self, name: str, params: dict[str, str] | None = None, origin: Origin = "palette"
    ) -> None:
        """Run the action ``name`` in the environment in focus: form, preview, confirm, run.

        Args:
            name: The action's name (an unknown one is refused by the gate, on record).
            params: Values known already (the form shows them; defaults fill the rest).
            origin: Where the request came from (recorded with the attempt).
        """
        if self.started:
            self.actions.start(name, params, origin)

    def confirm_and_run(
        self, plan: Plan, on_outcome: Callable[[Outcome | None], None] | None = None
    ) -> None:
        """Preview ``plan`` (prepared elsewhere, e.g. a checklist step), confirm it, run it;
        ``on_outcome`` hears how it ended (None when it did not run)."""
        if self.started:
            self.actions.confirm_and_run(plan, on_outcome)

    def action_actions(self) -> None:
        """Open the palette with the actions of the environment in focus."""
        if self.started:
            self.actions.open_palette(actions_only=True)

    def action_audit(self) -> None:
        """Show every action attempt in the environment in focus."""
        if self.started:
            self.actions.open_audit()

    def on_action_prepared(self, message: ActionPrepared) -> None:
        self.actions.confirm_and_run(message.plan)

    def on_action_refused(self, message: ActionRefused) -> None:
        self.actions.refused(message.action, message.reason)

    def on_action_wanted(self, message: ActionWanted) -> None:
        if message.run:
            self.start_action(message.text, origin=message.origin)
        elif self.started:
            self.actions.open_palette(message.text)

    def show_service(self, name: str) -> None:
        """Show the Health pane with the cursor on the service ``name``."""
        self.action_show_pane("health")
        if not self.panes.health.select_service(name):
            self.notify(f"{plain(name, 60)} has no result yet", timeout=3, markup=False)

    def show_checklist(self, checklist_id: str) -> None:
        """Show the Checklists pane with the checklist ``checklist_id``."""
        self.panes.checklists.show_checklist(checklist_id)
        self.action_show_pane("checklists")

    async def action_quit_twice(self) -> None:
        """ctrl+c quits when pressed twice, unless a running action takes it (to cancel)."""
        if getattr(self.screen, "claims_ctrl_c", False):
            raise SkipAction()
        await super().action_quit_twice()

    # ---- data ---------------------------------------------------------------------------------

    def _tick(self) -> None:
        if self.closing:
            return
        heap.collect_if_due()
        with self.batch_update():
            for pane in self.query(Pane):
                pane.refresh_freshness()
            # A query, not query_one: during shutdown the banner may already be gone.
            for banner in self.query(EnvBanner):
                banner.refresh()

    def on_host_sampled(self, message: HostSampled) -> None:
        if self.closing:
            return
        self.panes.health.show_processes(message.processes)

    def on_metrics_arrived(self, message: MetricsArrived) -> None:
        if self.closing or message.environment != self.env_name:
            return
        self.panes.metrics.take(message.record)

    def on_metrics_pane_window_changed(self, message: MetricsPane.WindowChanged) -> None:
        if self._feeds is not None:
            self._feeds.metrics_window(message.window)

    def on_metrics_pane_chart_wanted(self, message: MetricsPane.ChartWanted) -> None:
        from cockpit.ui.screens.metric_chart import MetricChartScreen

        self.push_screen(MetricChartScreen(self.panes.metrics, message.key))

    def on_health_snapshot(self, message: HealthSnapshot) -> None:
        if self.closing:
            return
        self.panes.health.show_statuses(message.statuses)
        self.panes.checklists.statuses = message.statuses
        self.news.show(message.statuses)

    def on_logs_for_service(self, message: LogsForService) -> None:
        config = self.context.config
        named = [n for s in config.services if s.name == message.service for n in s.logs]
        self.narrow_logs(named or [message.service], message.service)

    def narrow_logs(self, names: list[str], what: str) -> None:
        """Show Logs with only the sources ``names`` (those of ``what``: a service or a name)."""
        shown = self.panes.logs.show_only(names)
        if not shown:
            self.notify(
                f"no log sources for {plain(what, 60)} here: name them under the service's `logs:`",
                markup=False,
            )
            return
        self.action_show_pane("logs")

    def on_check_now_requested(self, message: CheckNowRequested) -> None:
        if self._feeds is not None and self._feeds.check_now(message.service):
            self.notify(f"Checking {plain(message.service or 'all services', 60)} now", timeout=2)

    def _stop_feeds(self) -> None:
        if self._feeds is not None:
            self._feeds.stop()

    async def action_quit(self) -> None:
        """Stop background loops and running actions, then exit."""
        self._stop_feeds()
        if self._actions is not None:
            self._actions.cancel_runs()
        self.exit(0)

    def on_state_write_failed(self, message: StateWriteFailed) -> None:
        # The banner is on every screen and layout: a lost write must not hide in one pane.
        warning = None if message.reason is None else f"NOT SAVED: {message.reason}"
        for banner in self.query(EnvBanner):  # none while shutting down
            banner.warning = warning or next(
                (w for w in self.context.warnings if w.startswith("state")), None
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
        if self._feeds is not None:
            self._feeds.retry(message.pane)
        if message.pane == "checklists":
            self.panes.checklists.retry_failed()
