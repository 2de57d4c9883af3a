"""Messages that carry data from workers to widgets (data flows one way)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    # Types only: the shell imports this module before its first frame.
    from textual.worker import Worker

    from cockpit.actions.model import Origin, Plan
    from cockpit.domain.health import ServiceStatus
    from cockpit.sources.metrics.host import HostSample
    from cockpit.sources.metrics.processes import ProcessInfo


class HostSampled(Message):
    """A fresh host reading. Only the newest matters, so older ones in the queue are replaced."""

    def __init__(self, sample: HostSample, processes: list[ProcessInfo]) -> None:
        super().__init__()
        self.sample = sample
        self.processes = processes

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, HostSampled)


class WorkerFailed(Message):
    """A widget's worker raised: carried up to the app's one failure handler.

    Textual tells only the worker's own widget (``Worker.StateChanged`` does not bubble), so
    panes forward their workers' failures with this message.
    """

    def __init__(self, worker: Worker[object]) -> None:
        super().__init__()
        self.worker = worker


class StateWriteFailed(Message):
    """Something the operator did could not be saved (a tick, a note); None clears the warning."""

    def __init__(self, reason: str | None) -> None:
        super().__init__()
        self.reason = reason


class RetryRequested(Message):
    """The operator asked a pane to try its backend again."""

    def __init__(self, pane: str) -> None:
        super().__init__()
        self.pane = pane


class HealthSnapshot(Message):
    """The monitor's roll-ups, worst first. Only the newest matters."""

    def __init__(self, statuses: list[ServiceStatus]) -> None:
        super().__init__()
        self.statuses = statuses

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, HealthSnapshot)


class CheckNowRequested(Message):
    """The operator asked for a service's checks (all when None) to run now."""

    def __init__(self, service: str | None) -> None:
        super().__init__()
        self.service = service


class LogsForService(Message):
    """The operator asked to see only the log sources of a service."""

    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service


class MetricsArrived(Message):
    """Readings (or stored history) of the metrics of the environment in focus.

    Attributes:
        record: A ``MetricResults`` or ``MetricStored`` record from the metrics process.
        environment: The environment they belong to (late records of another are dropped).
    """

    def __init__(self, record: object, environment: str) -> None:
        super().__init__()
        self.record = record
        self.environment = environment


class ActionPrepared(Message):
    """The gate worked out what an action will do: preview it and ask for the confirmation."""

    def __init__(self, plan: Plan) -> None:
        super().__init__()
        self.plan = plan


class ActionRefused(Message):
    """The gate refused an action before its preview (the refusal is in the audit trail)."""

    def __init__(self, action: str, reason: str) -> None:
        super().__init__()
        self.action = action
        self.reason = reason


class ActionWanted(Message):
    """The operator asked for an action from a pane: run the one named, or look it up.

    Attributes:
        text: An action's name, or words to search the palette with.
        run: ``text`` names an action of the environment in focus: start it.
        origin: Where the request came from (recorded with the attempt).
    """

    def __init__(self, text: str, *, run: bool, origin: Origin = "metric") -> None:
        super().__init__()
        self.text = text
        self.run = run
        self.origin = origin
