"""What the app is given to start: the resolved command line, config, state and clocks."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from cockpit.domain.paths import operator_id

if TYPE_CHECKING:
    from cockpit.config.models import CockpitConfig
    from cockpit.state.store import Store
    from cockpit.ui.app import CockpitApp
    from cockpit.ui.feed_supervisor import Feeds


def _supervised_feeds(app: CockpitApp) -> Feeds:
    # Imported on first use: the feeds and their sources are not needed for the first frame.
    from cockpit.ui.feed_supervisor import FeedSupervisor

    return FeedSupervisor(app)


@dataclass
class AppContext:
    """Everything the app needs from the command line, resolved before the UI starts."""

    config: CockpitConfig
    config_path: str | None
    environment: str
    read_only: bool = False
    theme: str | None = None
    warnings: list[str] = field(default_factory=list)
    host_interval: float = 2.0
    store: Store | None = None
    feeds: Callable[[CockpitApp], Feeds] = _supervised_feeds
    """Builds what starts, stops and retries the data feeds (health, logs, host metrics)."""
    clock: Callable[[], float] = time.time
    """Wall-clock seconds since the epoch: the one source of "now" for everything shown."""
    monotonic: Callable[[], float] = time.monotonic
    """Monotonic seconds for how long a source has been in its state (pinned in snapshots)."""
    user: str = field(default_factory=operator_id)
    """Who ticks and acts, as user@host (recorded with every tick and audit record)."""
    base_dir: Path = field(default_factory=Path.cwd)

    def now(self) -> datetime:
        """The context's clock as an aware UTC datetime."""
        return datetime.fromtimestamp(self.clock(), UTC)


class StartupError(Exception):
    """Config or command-line problem found while starting; the message is for stderr."""
