"""Read prometheus metrics through the real poller, and a gatekeeping proxy for auth headers."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import httpx

from cockpit.config.metrics import MetricConfig
from cockpit.config.models import CockpitConfig
from cockpit.sources.metrics.poller import MetricPoller, PollResult
from tests.support.http_servers import Handler, Request, Response

Point = tuple[str, float, float]


def poller_for(
    metrics: list[dict[str, Any]],
    prometheus: Mapping[str, Any] | None,
    *,
    clock: Callable[[], float] | None = None,
    environment: str = "staging",
) -> MetricPoller:
    """A poller over ``metrics`` in one environment whose ``prometheus:`` is ``prometheus``.

    Args:
        metrics: Entries as written under ``metrics:``.
        prometheus: The environment's ``prometheus:`` mapping; None for an environment without.
        clock: Wall clock the poller takes "now" from (backfill windows end there).
        environment: The environment's name.
    """
    env: dict[str, Any] = {} if prometheus is None else {"prometheus": dict(prometheus)}
    config = CockpitConfig.model_validate({"environments": {environment: env}, "metrics": metrics})
    if clock is None:
        return MetricPoller(config.metrics, config.environments[environment])
    return MetricPoller(config.metrics, config.environments[environment], clock=clock)


def entry_named(poller: MetricPoller, name: str) -> MetricConfig:
    """The poller's entry called ``name``."""
    return next(e for e in poller.entries if e.name == name)


def sorted_points(result: PollResult) -> list[Point]:
    """The result's points by series, then time (Prometheus does not promise an order)."""
    assert result.error is None, result.error
    return sorted(result.points)


def gatekeeper(upstream: str, required: Mapping[str, str]) -> Handler:
    """A route that forwards to ``upstream`` only requests carrying every ``required`` header.

    Others get 401 with a plain-text body, as an authenticating reverse proxy answers.
    """
    wanted = {k.lower(): v for k, v in required.items()}

    def forward(request: Request) -> Response:
        if any(request.headers.get(k) != v for k, v in wanted.items()):
            return Response.text("401 Unauthorized: missing or wrong credentials", 401)
        answer = httpx.request(
            request.method,
            f"{upstream}{request.path}",
            params=[(k, v) for k, vs in request.query.items() for v in vs],
            content=request.body,
            timeout=10.0,
        )
        kind = answer.headers.get("content-type", "application/octet-stream")
        return Response(answer.status_code, answer.content, {"Content-Type": kind})

    return forward
