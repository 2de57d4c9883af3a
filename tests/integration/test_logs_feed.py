"""The log worker as the Logs pane gets it: when it ends, every source's reason says how."""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

import pytest

from cockpit.config.models import CockpitConfig
from cockpit.feeds.logs import MODULE, LogFeed
from cockpit.sources.logs.base import SourceState
from tests.support.workers import crash_natively


def _config(*names: str) -> CockpitConfig:
    # Sources that stay live until stopped.
    sleep = [sys.executable, "-c", "import time; print('up', flush=True); time.sleep(60)"]
    return CockpitConfig.model_validate(
        {
            "environments": {"local": {}},
            "services": [{"name": "web", "checks": [{"tcp": {"host": "127.0.0.1", "port": 1}}]}],
            "logs": [{"name": name, "command": {"argv": sleep}} for name in names],
        }
    )


def _reasons(feed: LogFeed, settled: SourceState, timeout: float = 20) -> dict[str, str]:
    """Drain as the pane would until every source is ``settled``; their reasons."""
    deadline = time.monotonic() + timeout
    while any(v.state is not settled for v in feed.statuses.values()):
        assert time.monotonic() < deadline, {n: v.state for n, v in feed.statuses.items()}
        feed.drain(1000)
        time.sleep(0.02)
    return {name: view.reason for name, view in feed.statuses.items()}


def test_a_failing_worker_reaches_every_source_as_its_exit_and_reason(tmp_path: Path) -> None:
    config = _config()
    # A service where a log source belongs: the worker fails on it, in its own code.
    feed = LogFeed(list(config.services), "local", tmp_path)  # type: ignore[arg-type]
    feed.start()
    try:
        reasons = _reasons(feed, SourceState.ERROR)
    finally:
        feed.stop()
    assert reasons == {
        "web": "log worker stopped (exit 1: AttributeError: 'ServiceConfig' object has no "
        "attribute 'kind')"
    }


def test_a_native_crash_reaches_every_source_with_its_stderr_tail(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # The worker dumps its stack to stderr on SIGSEGV, then dies of it: no record is sent.
    monkeypatch.setenv("PYTHONFAULTHANDLER", "1")
    feed = LogFeed(list(_config("a", "b").logs), "local", tmp_path)
    feed.start()
    try:
        _reasons(feed, SourceState.LIVE)
        crash_natively(MODULE)
        reasons = _reasons(feed, SourceState.ERROR)
    finally:
        feed.stop()
    assert reasons["a"] == reasons["b"]
    assert re.fullmatch(r"log worker stopped \(exit -11: \S.*\)", reasons["a"]), reasons
