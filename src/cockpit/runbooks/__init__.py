"""Runbooks: Markdown runbooks read into checklists and procedures.

``import_runbook(text)`` takes any text (Markdown or not) and never raises; the result is plain
frozen data that serialises to JSON with :meth:`Runbook.to_json`.
"""

from cockpit.runbooks.model import ImportedChecklist, ImportedItem, Procedure, Runbook, Step
from cockpit.runbooks.parse import import_runbook

__all__ = ["ImportedChecklist", "ImportedItem", "Procedure", "Runbook", "Step", "import_runbook"]
