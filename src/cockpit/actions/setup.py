"""The gate as the command line and the screen both open it: one trail, one verifier."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from cockpit.actions.context import ActionContext
from cockpit.actions.gate import Gate
from cockpit.actions.trail import ActionTrail
from cockpit.actions.verify import ProbeVerifier
from cockpit.config.models import CockpitConfig
from cockpit.state.audit import AuditLog
from cockpit.state.store import Store, utc_now


def unsaved_reason(store: Store) -> str | None:
    """Why records written to ``store`` would not be kept (then nothing may run), or None."""
    if not (store.in_memory or store.read_only):
        return None
    return store.warning or "the state is kept in memory only: a run could not be audited"


def open_gate(
    config: CockpitConfig,
    store: Store,
    who: str,
    base_dir: Path,
    *,
    read_only: bool,
    clock: Callable[[], datetime] = utc_now,
) -> tuple[Gate, AuditLog]:
    """The gate recording into ``store`` as ``who``, and the audit log it writes to.

    Args:
        config: The validated config.
        store: The state store (a store in memory or read-only lets nothing run).
        who: The operator, as user@host.
        base_dir: The config's folder (relative paths resolve against it).
        read_only: The cockpit was started with ``--read-only``.
        clock: The time of each audit record.
    """
    audit = AuditLog(store, clock=clock)
    trail = ActionTrail(audit, who, unsaved=unsaved_reason(store))
    ctx = ActionContext(base_dir=base_dir, workdir=Path.cwd())
    gate = Gate(
        config,
        trail,
        ctx,
        read_only=read_only,
        verifier=ProbeVerifier(config, base_dir),
    )
    return gate, audit
