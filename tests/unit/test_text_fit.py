"""Cutting names in the middle so both ends stay readable."""

from __future__ import annotations

from rich.cells import cell_len

from cockpit.text.fit import middle_cut


def test_short_text_is_unchanged() -> None:
    assert middle_cut("api", 18) == "api"


def test_long_names_keep_both_ends() -> None:
    staging = middle_cut("anomaly-detection-staging", 18)
    prod = middle_cut("anomaly-detection-production", 18)
    assert staging == "anomaly-d…-staging" and cell_len(staging) == 18
    assert prod.endswith("…oduction") and staging != prod


def test_wide_characters_count_as_two_cells() -> None:
    cut = middle_cut("服务服务服务服务服务", 9)
    assert cell_len(cut) <= 9 and "…" in cut


def test_tiny_widths() -> None:
    assert middle_cut("abcdef", 1) == "…"
    assert middle_cut("abcdef", 0) == ""
