"""Actions through the real gate and a real state file, for the tests of each action kind."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

from cockpit.actions.context import ActionContext
from cockpit.actions.gate import Gate
from cockpit.actions.model import Confirmation, Outcome, Plan
from cockpit.actions.trail import ActionTrail, Attempt, attempts
from cockpit.config.loader import load_config_text
from cockpit.state.audit import AuditLog
from cockpit.state.store import Store


def action_gate(text: str, base_dir: Path, store: Store) -> Gate:
    """The gate of the config ``text`` (its relative paths under ``base_dir``), recording into
    ``store`` as ``ann@host1``."""
    loaded = load_config_text(text, "c.yaml", base_dir)
    trail = ActionTrail(AuditLog(store), "ann@host1")
    return Gate(loaded.config, trail, ActionContext(base_dir=base_dir, workdir=base_dir))


async def run_action(
    gate: Gate,
    name: str,
    environment: str,
    params: Mapping[str, str] | None = None,
    *,
    dry_run: bool = False,
    confirmation: Confirmation | None = None,
) -> tuple[Plan, Outcome]:
    """Prepare and execute one action; the plan (the preview) and how it ended."""
    plan = await gate.prepare(name, environment, dict(params or {}), dry_run=dry_run)
    outcome = await gate.execute(plan, confirmation or Confirmation(yes=True))
    return plan, outcome


def recorded(store: Store) -> list[Attempt]:
    """Every attempt the audit trail holds, oldest first."""
    return attempts(AuditLog(store))


def recorded_text(store: Store) -> str:
    """Everything the audit trail holds about actions, as one text (to look for secrets in)."""
    records = AuditLog(store).list(kind="action")
    return json.dumps([(r.summary, r.details) for r in records], default=str)
