"""Input history: recall like a shell, newest first, distinct, bounded, draft kept."""

from __future__ import annotations

from cockpit.ui.input_history import InputHistory


def test_browse_back_and_forth_and_return_to_the_draft() -> None:
    history = InputHistory()
    for value in ("ERROR", "timeout", "", "ERROR"):
        history.add(value)
    assert history.values == ["timeout", "ERROR"]  # distinct, the repeat moved to the end
    history.start("typed")
    assert history.older() == "ERROR"
    assert history.older() == "timeout"
    assert history.older() is None  # the oldest stays shown
    assert history.newer() == "ERROR"
    assert history.newer() == "typed"
    assert history.newer() is None


def test_only_the_newest_are_kept() -> None:
    history = InputHistory(size=3)
    for i in range(10):
        history.add(f"p{i}")
    assert history.values == ["p7", "p8", "p9"]
    history.start("")
    assert [history.older() for _ in range(4)] == ["p9", "p8", "p7", None]
