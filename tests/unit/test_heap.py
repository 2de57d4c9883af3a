"""GC tuning: the deferred full pass runs only once the heap was tuned, at most once a minute."""

from __future__ import annotations

import gc

from cockpit.ui import heap


def test_no_full_pass_before_tuning_then_one_per_minute() -> None:
    saved = gc.get_threshold()
    try:
        heap._tuned_at = None
        assert heap.collect_if_due() is False
        heap.freeze_startup_heap()
        assert gc.get_threshold()[2] == heap.FULL_GC_AFTER
        assert heap.collect_if_due() is False  # just tuned
        assert heap._tuned_at is not None
        heap._tuned_at -= heap.FULL_GC_EVERY + 1
        assert heap.collect_if_due() is True
        assert heap.collect_if_due() is False
    finally:
        heap._tuned_at = None
        gc.unfreeze()
        gc.set_threshold(*saved)
