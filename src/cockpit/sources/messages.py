"""What the cockpit and its worker processes say to each other: one record per kind of message.

Each frame on the pipes (see :mod:`cockpit.sources.frames`) holds one of these records, and
each side takes them apart with ``match``. The cockpit starts a worker with :class:`Start`
(its setup is one of the ``*Setup`` records) and may send :class:`Refresh` and :class:`Stop`;
a worker answers with its own records and, when it crashes, with :class:`Failed`.

The field types are imported for the type checker only: unpickling a record needs its own
module, and a worker that starts should not load the others' models.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from cockpit.config.environments import Environment
    from cockpit.config.logs import LogSourceConfig
    from cockpit.config.metrics import MetricConfig
    from cockpit.config.models import CockpitConfig
    from cockpit.domain.health import ServiceStatus
    from cockpit.sources.logs.base import PlainRow, SourceState
    from cockpit.sources.metrics.host import HostSample
    from cockpit.sources.metrics.poller import PollResult
    from cockpit.sources.metrics.processes import ProcessInfo


class UnexpectedMessage(TypeError):
    """A frame that is none of the records this side expects: the two ends disagree."""

    def __init__(self, message: object) -> None:
        super().__init__(f"unexpected message: {type(message).__name__}")


# ---- to every worker ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Start:
    """The first frame a worker reads.

    Attributes:
        secrets: Values to redact from everything the worker says (the cockpit's own).
        setup: What this kind of worker needs (a ``*Setup`` record).
    """

    secrets: tuple[str, ...]
    setup: object


@dataclass(frozen=True, slots=True)
class Stop:
    """Finish now; the same as closing the pipe, but said."""


# ---- from every worker -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Failed:
    """The worker crashed and is ending; its last frame.

    Attributes:
        reason: ``ExceptionType: message`` on one line, secrets redacted.
    """

    reason: str


# ---- the health monitor ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class HealthSetup:
    """What the health worker checks, and where it keeps their history.

    Attributes:
        config: The loaded configuration.
        base_dir: Directory for relative paths in the config.
        state_path: The state database (None keeps no history).
    """

    config: CockpitConfig
    base_dir: Path
    state_path: Path | None


@dataclass(frozen=True, slots=True)
class Refresh:
    """Run checks now instead of at their next due time.

    Attributes:
        service: The service whose checks to run (None for all).
    """

    service: str | None


@dataclass(frozen=True, slots=True)
class Snapshot:
    """Every service's roll-up, worst first: all the Health pane shows.

    Attributes:
        statuses: One per (service, environment).
    """

    statuses: list[ServiceStatus]


# ---- the host sampler --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SamplerSetup:
    """How often the host sampler reads, and how many processes it lists.

    Attributes:
        interval: Seconds between samples.
        limit: Busiest processes listed per sample.
    """

    interval: float
    limit: int


@dataclass(frozen=True, slots=True)
class Sample:
    """One reading of the host.

    Attributes:
        host: CPU, memory, disks and network.
        processes: The busiest processes, busiest first.
    """

    host: HostSample
    processes: list[ProcessInfo]


# ---- the log worker ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LogsSetup:
    """The log sources of one environment.

    Attributes:
        entries: The configured sources to run.
        env_name: The environment they are read in.
        base_dir: Directory for relative paths in the config.
        environment: That environment's settings (None outside a config, e.g. in tests).
    """

    entries: list[LogSourceConfig]
    env_name: str
    base_dir: Path
    environment: Environment | None


@dataclass(frozen=True, slots=True)
class Lines:
    """A batch of lines, those of several sources merged by time.

    Attributes:
        rows: The lines as plain tuples (see :class:`~cockpit.sources.logs.base.LogRow`).
        counts: Lines per source in this batch.
    """

    rows: list[PlainRow]
    counts: dict[str, int]


@dataclass(frozen=True, slots=True)
class StatusChanged:
    """A source's new state, sent after the lines that came before it.

    Attributes:
        source: The source's name.
        state: Where it stands now.
        reason: Why, in one line (empty when LIVE).
    """

    source: str
    state: SourceState
    reason: str


@dataclass(frozen=True, slots=True)
class Dropped:
    """Lines given up because the cockpit took nothing for too long.

    Attributes:
        counts: Lines lost per source.
    """

    counts: dict[str, int]


# ---- metrics -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MetricsSetup:
    """What the metrics worker reads, and where it keeps their history.

    Attributes:
        metrics: The metrics of the environment in focus.
        environment: That environment.
        base_dir: Directory for relative paths in the config.
        state_path: The state database (None keeps no history).
        window: Seconds of history to backfill at start.
    """

    metrics: tuple[MetricConfig, ...]
    environment: Environment
    base_dir: Path
    state_path: Path | None
    window: float


@dataclass(frozen=True, slots=True)
class Backfill:
    """Fill ``window`` seconds of history again (the operator picked a longer window).

    Attributes:
        window: Seconds.
    """

    window: float


@dataclass(frozen=True, slots=True)
class MetricResults:
    """Reads (and backfills) that ended since the last record, in the order they ended.

    Attributes:
        results: Each read's outcome.
    """

    results: tuple[PollResult, ...]


@dataclass(frozen=True, slots=True)
class MetricStored:
    """History kept in the state store for one metric, sent once at start.

    Attributes:
        metric: The metric's name.
        points: ``(series, resolution, ts, value)``.
    """

    metric: str
    points: tuple[tuple[str, int, float, float], ...]
