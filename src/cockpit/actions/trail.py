"""Actions in the audit trail: an intent before, an outcome after, and every refusal.

An intent is written (and committed) before anything runs; if it cannot be written the action
does not run. After a crash an intent with no outcome lists as ``outcome unknown`` and is never
run again.
"""

from __future__ import annotations

import contextlib
import os
import socket
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from cockpit.actions.model import Attempt, Outcome, Plan
from cockpit.state.audit import AuditLog, AuditRecord
from cockpit.text.sanitize import plain
from cockpit.text.tokens import redact_tokens

INTENT = "action.intent"
OUTCOME = "action.outcome"
REFUSED = "action.refused"


def _host() -> str:
    return socket.gethostname().split(".")[0] or "localhost"


def _safe(value: object) -> object:
    return plain(redact_tokens(str(value)), 200) if isinstance(value, str) else value


class ActionTrail:
    """Writes action records through :class:`~cockpit.state.audit.AuditLog`."""

    def __init__(self, audit: AuditLog, who: str, unsaved: str | None = None) -> None:
        """Record into ``audit`` as ``who`` (``user@host``).

        Args:
            audit: Where records go.
            who: The operator.
            unsaved: Why records would not survive (a store kept in memory after the state
                file could not be opened): then nothing may run.
        """
        self._audit = audit
        self.who = who
        self.unsaved = unsaved

    def intent(self, plan: Plan) -> int:
        """Record what is about to run; returns the id outcomes refer to.

        Raises:
            cockpit.state.store.StoreReadOnlyError: The store refuses writes (nothing may run).
            RuntimeError: Records would not be kept (see ``unsaved``).
        """
        if self.unsaved:
            raise RuntimeError(self.unsaved)
        details: dict[str, Any] = {
            "action": plan.action.name,
            "kind": plan.action.kind,
            "params": {k: _safe(v) for k, v in plan.params.items()},
            "call": plan.call.record(),
            "origin": plan.origin,
            "dry_run": plan.dry_run,
            "protection": plan.protection,
            "host": _host(),
            "pid": os.getpid(),
        }
        verb = "dry run of" if plan.dry_run else "run"
        return self._audit.record(
            INTENT,
            plan.environment.name,
            self.who,
            plain(f"{verb} {plan.action.name} on {plan.call.target}", 200),
            details,
        )

    def outcome(self, intent: int, plan: Plan, outcome: Outcome) -> int:
        """Record how the run that ``intent`` announced ended."""
        details: dict[str, Any] = {
            "intent": intent,
            "action": plan.action.name,
            "outcome": outcome.status,
            "exit_code": outcome.exit_code,
            "http_status": outcome.http_status,
            "seconds": round(outcome.seconds, 3),
            "output": redact_tokens(outcome.output)[-8000:],
            "detail": plain(redact_tokens(outcome.detail), 300),
        }
        if outcome.verification is not None:
            details["verification"] = outcome.verification
        return self._audit.record(
            OUTCOME,
            plan.environment.name,
            self.who,
            plain(f"{plan.action.name}: {outcome.status} ({outcome.detail})", 200),
            details,
        )

    def refused(
        self,
        action: str,
        environment: str | None,
        params: Mapping[str, object],
        reason: str,
        origin: str,
    ) -> None:
        """Record an attempt the gate refused (never raises: a refusal stands anyway)."""
        details = {
            "action": plain(action, 100),
            "params": {plain(str(k), 60): _safe(v) for k, v in params.items()},
            "reason": plain(redact_tokens(reason), 500),
            "origin": origin,
            "host": _host(),
        }
        # A store that refuses writes cannot record this; the refusal stands anyway.
        with contextlib.suppress(Exception):
            self._audit.record(
                REFUSED,
                environment,
                self.who,
                plain(f"refused {action}: {reason}", 200),
                details,
            )


def _alive(details: Mapping[str, Any]) -> bool:
    if details.get("host") != _host():
        return False
    pid = details.get("pid")
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def attempts(audit: AuditLog, since: datetime | None = None, limit: int = 1000) -> list[Attempt]:
    """Every attempt since ``since``, oldest first: runs (intent + outcome) and refusals."""
    records = audit.list(since=since, limit=limit * 2, kind="action")
    outcomes: dict[int, AuditRecord] = {}
    for rec in records:
        if rec.kind == OUTCOME and isinstance(rec.details.get("intent"), int):
            outcomes[rec.details["intent"]] = rec
    found: list[Attempt] = []
    for rec in records:
        d = rec.details
        if rec.kind == REFUSED:
            found.append(
                Attempt(
                    time=rec.ts.isoformat(),
                    user=rec.who,
                    environment=rec.environment,
                    action=str(d.get("action", "")),
                    params=dict(d.get("params") or {}),
                    outcome="refused",
                    origin=d.get("origin"),
                    reason=d.get("reason"),
                )
            )
        elif rec.kind == INTENT:
            done = outcomes.get(rec.id)
            attempt = Attempt(
                time=rec.ts.isoformat(),
                user=rec.who,
                environment=rec.environment,
                action=str(d.get("action", "")),
                params=dict(d.get("params") or {}),
                outcome="running" if _alive(d) else "outcome unknown",
                origin=d.get("origin"),
                call=dict(d.get("call") or {}),
                dry_run=bool(d.get("dry_run")),
            )
            if done is not None:
                od = done.details
                attempt.outcome = str(od.get("outcome", "unknown"))
                attempt.exit_code = od.get("exit_code")
                attempt.http_status = od.get("http_status")
                attempt.output = str(od.get("output", ""))
                attempt.seconds = od.get("seconds")
                verification = od.get("verification")
                if verification:
                    attempt.reason = str(verification)
            found.append(attempt)
    return found[-limit:]
