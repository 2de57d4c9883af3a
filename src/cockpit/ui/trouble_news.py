"""Spreading what is wrong beyond the Health pane: banner count, tab mark, DOWN announcements."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widgets import Tab

from cockpit.domain.health import ServiceStatus, Status
from cockpit.domain.trouble import DownWatch, Trouble, by_environment, newly_down, trouble_in
from cockpit.text.sanitize import plain
from cockpit.ui.widgets.banner import EnvBanner
from cockpit.ui.widgets.uptime import STATUS_GLYPH

if TYPE_CHECKING:
    from cockpit.ui.app import CockpitApp

FLASH_SECONDS = 2.0


class TroubleNews:
    """Keeps the banner, the Health tab and the operator told of trouble in the focus."""

    def __init__(self, app: CockpitApp) -> None:
        self.app = app
        self.statuses: list[ServiceStatus] = []
        self._watch = DownWatch()

    def per_environment(self) -> dict[str, Trouble]:
        """Trouble of every environment with services (for the switcher)."""
        return by_environment(self.statuses)

    def show(self, statuses: list[ServiceStatus]) -> None:
        """Take a new health snapshot."""
        self.statuses = statuses
        here = self.app.env_name
        changes = [
            (s, before) for s, before in self._watch.changes(statuses) if s.environment == here
        ]
        self.refresh()
        for service in newly_down(changes):
            self._announce(service)
        # Into the log stream too, so cause and effect line up in time (not the first results
        # after UNKNOWN: at start every service would add a line).
        lines = [
            f"── {s.name} {s.status.value} (was {before.value}): {s.reason} ──"
            for s, before in changes
            if before is not Status.UNKNOWN
        ]
        if lines:
            self.app.panes.logs.mark_events(plain_lines(lines))

    def refresh(self) -> None:
        """Redraw for the environment in focus (after a snapshot or a switch)."""
        trouble = trouble_in(self.statuses, self.app.env_name) if self.statuses else None
        for banner in self.app.query(EnvBanner):
            banner.trouble = trouble
        mark = ""
        if trouble is not None and trouble.counts:
            mark = f" {STATUS_GLYPH[trouble.worst]}{sum(n for _, n in trouble.counts)}"
        for tab in self.app.query("#tab-health").results(Tab):
            tab.label = f"1 Health{mark}"
            tab.set_class(trouble is not None and trouble.worst is Status.DOWN, "-down")

    def _announce(self, service: ServiceStatus) -> None:
        app = self.app
        app.notify(
            plain(service.reason, 300),
            title=f"{plain(service.name, 60)} DOWN",
            severity="error",
            timeout=10,
            markup=False,
        )
        if app.context.config.ui.bell:
            app.bell()
        flashed = [*app.query("#health"), *app.query("#tab-health")]
        for widget in flashed:
            widget.add_class("-flash")

        def unflash() -> None:
            for widget in flashed:
                widget.remove_class("-flash")

        app.set_timer(FLASH_SECONDS, unflash)


def plain_lines(lines: list[str]) -> list[str]:
    """Service names and reasons come from outside: sanitized before they join the stream."""
    return [plain(line, 500) for line in lines]
