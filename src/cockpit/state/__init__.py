"""Cockpit state: the SQLite store, checklist ticks and the audit trail (no UI imports here)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cockpit.lazy import lazy_exports

if TYPE_CHECKING:
    from cockpit.domain.paths import current_user, default_state_path
    from cockpit.state.audit import AuditLog, AuditRecord
    from cockpit.state.checklists import (
        DAILY_HOST_CHECKLIST,
        Cadence,
        Checklist,
        ChecklistBook,
        ChecklistItem,
        RunSummary,
        TickEvent,
        TickState,
        current_period,
        previous_period,
        resolve_period,
    )
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

# Loaded on first use: the UI imports checklist definitions before its first frame, and sqlite3
# is not needed until the store opens.
_EXPORTS = {
    "AuditLog": "cockpit.state.audit",
    "AuditRecord": "cockpit.state.audit",
    "DAILY_HOST_CHECKLIST": "cockpit.state.checklists",
    "Cadence": "cockpit.state.checklists",
    "Checklist": "cockpit.state.checklists",
    "ChecklistBook": "cockpit.state.checklists",
    "ChecklistItem": "cockpit.state.checklists",
    "RunSummary": "cockpit.state.checklists",
    "TickEvent": "cockpit.state.checklists",
    "TickState": "cockpit.state.checklists",
    "current_period": "cockpit.state.checklists",
    "previous_period": "cockpit.state.checklists",
    "resolve_period": "cockpit.state.checklists",
    "current_user": "cockpit.domain.paths",
    "default_state_path": "cockpit.domain.paths",
    "Store": "cockpit.state.store",
    "StoreBusyError": "cockpit.state.store",
    "StoreClosedError": "cockpit.state.store",
    "StoreError": "cockpit.state.store",
    "StoreReadOnlyError": "cockpit.state.store",
    "from_iso": "cockpit.state.store",
    "to_iso": "cockpit.state.store",
    "utc_now": "cockpit.state.store",
}


__getattr__ = lazy_exports("cockpit.state", _EXPORTS)


__all__ = [
    "DAILY_HOST_CHECKLIST",
    "AuditLog",
    "AuditRecord",
    "Cadence",
    "Checklist",
    "ChecklistBook",
    "ChecklistItem",
    "RunSummary",
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
    "previous_period",
    "resolve_period",
    "to_iso",
    "utc_now",
]
