"""What an action will do, how it was confirmed, and how it ended."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from cockpit.config.actions import ActionConfig
from cockpit.config.environments import Environment
from cockpit.text.tokens import redact_tokens

Origin = Literal["cli", "palette", "key", "checklist", "procedure", "metric"]
"""Where an attempt started; recorded with it."""

Status = Literal["ok", "failed", "timeout", "cancelled", "error"]


class Refused(Exception):
    """The gate said no; the message says why. The attempt is in the audit trail."""


@dataclass(frozen=True, slots=True)
class Call:
    """The exact thing that will happen, shown in the preview and recorded as the intent.

    Attributes:
        target: What it acts on, e.g. ``deployment/web`` or ``container api-1``.
        argv: For programs: the exact argv (shown with ``shlex.join``).
        method: For API calls: the HTTP method.
        url: For API calls: the URL.
        body: For API calls: the request body, if any.
        touches: What changes, e.g. ``replicas 3 -> 10``; read from the backend when it can be.
        confirm_target: For delete and undo: the name to type besides the environment's.
        mutating: False for a call that only reads (a procedure step's read-only command).
        context: For Kubernetes: the context and namespace named in every call.
        cwd: For programs: the folder it runs in.
        env: For programs: the environment variables set from values.
        outline: For a procedure: one line per step, with its risk.
    """

    target: str
    argv: tuple[str, ...] | None = None
    method: str | None = None
    url: str | None = None
    body: str | None = None
    touches: tuple[str, ...] = ()
    confirm_target: str | None = None
    mutating: bool = True
    context: str | None = None
    cwd: str | None = None
    env: tuple[tuple[str, str], ...] = ()
    outline: tuple[str, ...] = ()

    def lines(self) -> list[str]:
        """The call as the preview shows it, one fact per line."""
        import shlex

        out = [f"target: {self.target}"]
        if self.context:
            out.append(f"context: {self.context}")
        if self.argv is not None:
            out.append(redact_tokens(f"argv: {shlex.join(self.argv)}"))
        if self.cwd:
            out.append(f"cwd: {self.cwd}")
        out.extend(redact_tokens(f"env: {k}={v}") for k, v in self.env)
        if self.method is not None:
            out.append(redact_tokens(f"{self.method} {self.url}"))
        if self.body:
            out.append(redact_tokens(f"body: {self.body}"))
        out.extend(f"changes: {t}" for t in self.touches)
        out.extend(self.outline)
        return out

    def record(self) -> dict[str, object]:
        """The call as the audit trail keeps it."""
        data: dict[str, object] = {"target": redact_tokens(self.target)}
        if self.argv is not None:
            data["argv"] = [redact_tokens(arg) for arg in self.argv]
        if self.method is not None:
            data["request"] = {
                "method": self.method,
                "url": redact_tokens(self.url or ""),
                "body": None if self.body is None else redact_tokens(self.body),
            }
        if self.context:
            data["context"] = self.context
        if self.touches:
            data["touches"] = list(self.touches)
        return data


@dataclass(frozen=True, slots=True)
class Plan:
    """An action ready to run: checked parameters and the exact call, not yet confirmed.

    Attributes:
        action: The action's config.
        environment: The environment it runs against.
        params: The checked values.
        call: What will happen.
        dry_run: Sent as a dry run (Kubernetes ``dryRun=All``, a command's ``dry_run`` argv).
        origin: Where the attempt started.
        steps: For a procedure: the plan of each step, in order.
    """

    action: ActionConfig
    environment: Environment
    params: dict[str, str | int]
    call: Call
    dry_run: bool = False
    origin: Origin = "cli"
    steps: tuple[Plan, ...] = ()

    @property
    def protection(self) -> str:
        """The environment's protection: none, confirm or typed."""
        return str(self.environment.guard.value)


@dataclass(frozen=True, slots=True)
class Confirmation:
    """What the operator gave to confirm.

    Attributes:
        yes: A yes (the key `y`, `--yes`).
        typed: The text typed (must be the environment's name for ``typed`` protection).
        typed_target: For delete and undo under ``typed``: the target's name as typed.
    """

    yes: bool = False
    typed: str | None = None
    typed_target: str | None = None


@dataclass(frozen=True, slots=True)
class Outcome:
    """How a run ended.

    Attributes:
        status: ok, failed, timeout, cancelled or error (could not start).
        exit_code: A program's exit status.
        http_status: An API call's HTTP status.
        seconds: How long it ran.
        output: The sanitized, redacted tail of its output.
        detail: One line for humans (``exit 0``, ``HTTP 204``, ``replicas 3 -> 10``).
        verification: ``recovered`` / ``not recovered: ...`` once verified, else None.
    """

    status: Status
    exit_code: int | None = None
    http_status: int | None = None
    seconds: float = 0.0
    output: str = ""
    detail: str = ""
    verification: str | None = None

    @property
    def ok(self) -> bool:
        """It did what it was asked."""
        return self.status == "ok"


@dataclass(slots=True)
class Attempt:
    """One attempt as the audit trail lists it (intent, outcome or refusal joined)."""

    time: str
    user: str
    environment: str | None
    action: str
    params: dict[str, object]
    outcome: str
    exit_code: int | None = None
    http_status: int | None = None
    origin: str | None = None
    call: dict[str, object] = field(default_factory=dict)
    reason: str | None = None
    output: str = ""
    seconds: float | None = None
    dry_run: bool = False
