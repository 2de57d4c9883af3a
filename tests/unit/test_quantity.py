"""Kubernetes quantities as `kubectl top` and metrics-server write them."""

from __future__ import annotations

import pytest

from cockpit.sources.metrics.quantity import parse_quantity


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("250m", 0.25),
        ("1", 1.0),
        ("2.5", 2.5),
        ("123456n", 0.000123456),
        ("1500u", 0.0015),
        ("0", 0.0),
        (".5", 0.5),
        ("128Mi", 128 * 2**20),
        ("1Ki", 1024.0),
        ("1.5Gi", 1.5 * 2**30),
        ("3Ti", 3 * 2**40),
        ("2Ei", 2.0 * 2**60),
        ("64k", 64_000.0),
        ("5M", 5e6),
        ("1G", 1e9),
        ("2T", 2e12),
        ("1P", 1e15),
        ("1E", 1e18),
        ("1e3", 1000.0),
        ("1E3", 1000.0),
        ("12e-3", 0.012),
        ("+4", 4.0),
        ("-250m", -0.25),
        (" 100Mi ", 100 * 2**20),
    ],
)
def test_quantities(text: str, value: float) -> None:
    assert parse_quantity(text) == pytest.approx(value, rel=1e-12)


@pytest.mark.parametrize("text", ["", "m", "250mi", "1KiB", "12 Mi", "1.2.3", "ten", "1e", "Mi5"])
def test_not_quantities(text: str) -> None:
    with pytest.raises(ValueError, match="not a quantity"):
        parse_quantity(text)
