"""Starts, stops and retries the data feeds of the environment in focus.

The app asks for what it wants (start, focus an environment, retry a pane, check now, stop);
the supervisor owns the feeds and the threads they run in. Tests that paint data by hand give
the app a :class:`Feeds` of their own instead.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from textual.worker import get_current_worker

from cockpit.ui.messages import HealthSnapshot, HostSampled, MetricsArrived
from cockpit.ui.widgets.health_pane import HealthPane
from cockpit.ui.widgets.logs_pane import LogsPane
from cockpit.ui.widgets.metrics_pane import MetricsPane

if TYPE_CHECKING:
    from cockpit.feeds.health import HealthFeed
    from cockpit.feeds.logs import LogFeed
    from cockpit.feeds.metrics import HostFeed, MetricFeed
    from cockpit.ui.app import CockpitApp


class Feeds(Protocol):
    """What the app asks of whoever runs its data feeds."""

    def start(self) -> None:
        """The cockpit has started: begin the feeds that do not depend on the environment."""

    def focus(self, environment: str) -> None:
        """The environment in focus is now ``environment``: follow its sources."""

    def retry(self, pane: str) -> None:
        """The operator asked the pane named ``pane`` to try its backend again."""

    def check_now(self, service: str | None) -> bool:
        """Run health checks now; False when no monitor is running."""

    def metrics_window(self, seconds: float) -> None:
        """The Metrics pane now shows ``seconds``: fill that much history where it is kept."""

    def stop(self) -> None:
        """Stop every feed (the app is ending). Must not block."""


class FeedSupervisor:
    """Runs the host sampler, the health monitor and the environment's log sources.

    Each feed runs in a Textual thread worker named after its pane, so a feed that raises
    turns that pane into an error state through the app's one failure handler.
    """

    def __init__(self, app: CockpitApp) -> None:
        self.app = app
        self.environment = app.env_name
        self.host: HostFeed | None = None
        self.health: HealthFeed | None = None
        self.logs: LogFeed | None = None
        self.metrics: MetricFeed | None = None

    def start(self) -> None:
        """Start host sampling and, when services are configured, the health monitor."""
        self._start_host()
        self._start_health()

    def focus(self, environment: str) -> None:
        """Restart the log sources for ``environment``."""
        self.environment = environment
        self._start_logs()
        self._start_metrics()

    def retry(self, pane: str) -> None:
        """Restart the feed behind ``pane`` (the host sampler also feeds the health pane)."""
        if pane == "health":
            self._start_host()
            self._start_health()
        if pane == "logs":
            self._start_logs()
        if pane == "metrics":
            self._start_metrics()

    def metrics_window(self, seconds: float) -> None:
        """Ask the metrics process to backfill ``seconds`` of history."""
        if self.metrics is not None:
            self.metrics.backfill(seconds)

    def check_now(self, service: str | None) -> bool:
        """Ask the monitor to run ``service``'s checks (all when None) now."""
        if self.health is None:
            return False
        self.health.refresh(service)
        return True

    def stop(self) -> None:
        """Stop every feed; their worker processes end when their pipes close."""
        for feed in (self.health, self.logs, self.host, self.metrics):
            if feed is not None:
                feed.stop()

    def _run(self, target: Callable[[], None], pane: str, description: str) -> None:
        # One thread per pane's feed; a new one replaces the old (exclusive), and a failure
        # reaches the app's handler, which shows it in the pane named by the group.
        self.app.run_worker(
            target,
            thread=True,
            exclusive=True,
            group=pane,
            exit_on_error=False,
            description=description,
        )

    # ---- host ---------------------------------------------------------------------------------

    def _start_host(self) -> None:
        self._run(self._sample_host, "host", "sample local processes")

    def _sample_host(self) -> None:
        from cockpit.feeds.metrics import HostFeed

        worker = get_current_worker()
        app = self.app
        feed = HostFeed(
            lambda sample, processes: app.post_message(HostSampled(sample, processes)),
            interval=app.context.host_interval,
        )
        self.host = feed
        feed.run(lambda: worker.is_cancelled)

    # ---- health -------------------------------------------------------------------------------

    def _start_health(self) -> None:
        context = self.app.context
        if not context.config.services:
            return
        self.app.query_one(HealthPane).error = None
        if self.health is not None:
            self.health.stop()
        store = context.store
        state_path = store.path if store is not None and not store.in_memory else None
        from cockpit.feeds.health import HealthFeed

        app = self.app
        feed = HealthFeed(
            context.config,
            context.base_dir,
            lambda statuses: app.post_message(HealthSnapshot(statuses)),
            state_path,
        )
        self.health = feed

        def run() -> None:
            worker = get_current_worker()
            feed.run(lambda: worker.is_cancelled)

        self._run(run, "health", "run health checks")

    # ---- logs ---------------------------------------------------------------------------------

    def _start_logs(self) -> None:
        from cockpit.feeds.logs import LogFeed

        app = self.app
        pane = app.query_one(LogsPane)
        if self.logs is not None:
            self.logs.stop()
            self.logs = None
        context = app.context
        config = context.config
        name = self.environment
        entries = [c for c in config.logs if name in config.environment_names_for(c.environments)]
        if not entries:
            pane.attach(None, f"no log sources for {name}: add them under `logs:`")
            return
        feed = LogFeed(
            entries,
            name,
            context.base_dir,
            config.environments[name],
            clock=context.monotonic,
        )
        self.logs = feed
        pane.attach(feed, terms=[term for c in entries for term in c.highlight])
        self._run(feed.start, "logs", "start the log worker")

    # ---- metrics ------------------------------------------------------------------------------

    def _start_metrics(self) -> None:
        from cockpit.feeds.metrics import MetricFeed
        from cockpit.sources.messages import MetricsSetup

        app = self.app
        pane = app.query_one(MetricsPane)
        if self.metrics is not None:
            self.metrics.stop()
            self.metrics = None
        context = app.context
        name = self.environment
        entries = context.config.metrics_for(name)
        if not entries:
            return
        pane.error = None
        store = context.store
        setup = MetricsSetup(
            tuple(entries),
            context.config.environments[name],
            context.base_dir,
            store.path if store is not None and not store.in_memory else None,
            pane.window,
        )
        feed = MetricFeed(setup, lambda record: app.post_message(MetricsArrived(record, name)))
        self.metrics = feed

        def run() -> None:
            worker = get_current_worker()
            feed.run(lambda: worker.is_cancelled)

        self._run(run, "metrics", "read the metrics of the environment in focus")
