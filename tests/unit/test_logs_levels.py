"""Levels of lines that carry no level word: crashes, out-of-memory kills, klog prefixes."""

from __future__ import annotations

import pytest

from cockpit.sources.logs.levels import detect_level


@pytest.mark.parametrize(
    "line",
    [
        "kernel: Out of memory: Killed process 4242 (java) total-vm:8000kB",
        "Traceback (most recent call last):",
        "panic: runtime error: index out of range [3] with length 3",
        "E1203 08:31:12.867123 1 controller.go:12] sync failed",
        "Container api was OOMKilled",
        'Exception in thread "main" java.lang.NullPointerException',
        "fatal error: concurrent map writes",
        "Segmentation fault (core dumped)",
    ],
)
def test_crashes_without_a_level_word_are_errors(line: str) -> None:
    assert detect_level(line) == "ERROR"


@pytest.mark.parametrize("line", ["the panic: button was pressed", "no error found", "memory ok"])
def test_prose_is_not_a_crash(line: str) -> None:
    assert detect_level(line) is None
