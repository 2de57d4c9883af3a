"""Feeds for UI tests that paint data by hand: nothing runs in the background."""

from __future__ import annotations

from typing import Any


class QuietFeeds:
    """Starts nothing; records what the app asked for, so tests can assert on it."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.calls: list[tuple[str, object]] = []

    def start(self) -> None:
        self.calls.append(("start", None))

    def focus(self, environment: str) -> None:
        self.calls.append(("focus", environment))

    def retry(self, pane: str) -> None:
        self.calls.append(("retry", pane))

    def check_now(self, service: str | None) -> bool:
        self.calls.append(("check_now", service))
        return False

    def metrics_window(self, seconds: float) -> None:
        self.calls.append(("metrics_window", seconds))

    def stop(self) -> None:
        self.calls.append(("stop", None))
