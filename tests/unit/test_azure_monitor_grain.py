"""The time grain sent to Azure Monitor is the metric's granularity as an ISO 8601 duration."""

from __future__ import annotations

import pytest

from cockpit.sources.metrics.kinds.azure_monitor import iso_duration


@pytest.mark.parametrize(
    ("seconds", "grain"),
    [
        (60, "PT1M"),
        (300, "PT5M"),
        (900, "PT15M"),
        (3600, "PT1H"),
        (5400, "PT1H30M"),
        (21600, "PT6H"),
        (86400, "P1D"),
        (90061, "P1DT1H1M1S"),
    ],
)
def test_grain(seconds: float, grain: str) -> None:
    assert iso_duration(seconds) == grain
