"""Cockpit state: the SQLite store, checklist ticks and the audit trail (no UI imports here)."""

from cockpit.state.audit import AuditLog, AuditRecord
from cockpit.state.checklists import (
    DAILY_HOST_CHECKLIST,
    Cadence,
    Checklist,
    ChecklistBook,
    ChecklistItem,
    TickEvent,
    TickState,
    current_period,
    resolve_period,
)
from cockpit.state.paths import current_user, default_state_path
from cockpit.state.store import (
    Store,
    StoreBusyError,
    StoreClosedError,
    StoreError,
    StoreReadOnlyError,
    from_iso,
    to_iso,
    utc_now,
)

__all__ = [
    "DAILY_HOST_CHECKLIST",
    "AuditLog",
    "AuditRecord",
    "Cadence",
    "Checklist",
    "ChecklistBook",
    "ChecklistItem",
    "Store",
    "StoreBusyError",
    "StoreClosedError",
    "StoreError",
    "StoreReadOnlyError",
    "TickEvent",
    "TickState",
    "current_period",
    "current_user",
    "default_state_path",
    "from_iso",
    "resolve_period",
    "to_iso",
    "utc_now",
]
