"""Metric values made readable, and sparklines that keep gaps and spikes."""

from __future__ import annotations

import math

import pytest

from cockpit.text.spark import resample, spark_text
from cockpit.text.units import format_value, si


@pytest.mark.parametrize(
    ("value", "unit", "shown"),
    [
        (1.2 * 2**30, "B", "1.2 GiB"),
        (512, "B", "512 B"),
        (3.4 * 2**20, "B/s", "3.4 MiB/s"),
        (340, "ms", "340 ms"),
        (0.34, "s", "340 ms"),
        (2.5, "s", "2.5 s"),
        (0.0004, "s", "400 µs"),
        (300, "s", "5.0 min"),
        (12.54, "%", "12.5 %"),
        (3400, "req/s", "3400 req/s"),
        (34_000, "req/s", "34.0k req/s"),
        (2_500_000, "", "2.5M"),
        (0.25, "cores", "250m"),
        (2.5, "cores", "2.5 cores"),
        (0.83, "", "0.83"),
        (None, "%", "–"),
        (math.nan, "ms", "–"),
        (math.inf, "", "∞"),
    ],
)
def test_values_read_like_the_tools_operators_know(
    value: float | None, unit: str, shown: str
) -> None:
    assert format_value(value, unit) == shown


def test_si_keeps_small_numbers_whole() -> None:
    assert si(950) == "950"
    assert si(12_500) == "12.5k"
    assert si(250_000_000) == "250M"


def test_resample_keeps_the_worst_value_of_each_slice() -> None:
    points = [(0.0, 1.0), (1.0, 9.0), (2.0, 2.0), (3.0, 3.0)]
    assert resample(points, 0.0, 4.0, 2) == [9.0, 3.0]
    assert resample(points, 0.0, 4.0, 2, worst="min") == [1.0, 2.0]


def test_resample_marks_empty_slices_as_gaps() -> None:
    values = resample([(0.5, 5.0), (3.5, 7.0)], 0.0, 4.0, 4)
    assert values[0] == 5.0 and values[3] == 7.0
    assert math.isnan(values[1]) and math.isnan(values[2])


def test_spark_draws_gaps_blank_and_scales_to_a_ceiling() -> None:
    line = spark_text([0.0, math.nan, 100.0, 50.0], 4, ceiling=100.0)
    assert line == "▁ █▅"
    assert spark_text([], 3) == "   "
    assert spark_text([1.0, 2.0], 4) == "  ▅█"


def test_resample_draws_a_slow_metric_as_a_line_until_it_goes_quiet() -> None:
    points = [(0.0, 4.0), (15.0, 6.0)]
    held = resample(points, 0.0, 60.0, 12, hold=30.0)
    assert held[:3] == [4.0, 4.0, 4.0] and held[3:9] == [6.0] * 6
    assert all(math.isnan(v) for v in held[10:])  # nothing read for more than 30 s
