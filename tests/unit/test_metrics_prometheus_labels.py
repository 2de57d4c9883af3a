"""How prometheus series are named and added up (no server: the label logic alone)."""

from __future__ import annotations

import math

from cockpit.config.metrics import PrometheusMetric
from cockpit.sources.metrics.kinds.prometheus import SERIES_LEN, combine, series_names
from cockpit.sources.metrics.reading import Reading


def test_only_the_labels_that_differ_name_a_series() -> None:
    metrics = [
        {"__name__": "up", "job": "api", "instance": "a:9100"},
        {"__name__": "up", "job": "api", "instance": "b:9100"},
    ]
    assert series_names(metrics) == ["instance=a:9100", "instance=b:9100"]
    assert series_names(metrics[:1]) == [""]
    assert series_names([]) == []


def test_the_metric_name_comes_first_and_bare_and_a_missing_label_counts_as_different() -> None:
    metrics = [
        {"__name__": "http_requests", "code": "500"},
        {"__name__": "grpc_requests"},
    ]
    assert series_names(metrics) == ["http_requests,code=500", "grpc_requests,code="]


def test_a_named_label_names_every_series_even_a_lone_one() -> None:
    metrics = [{"pod": "api-7f9c", "node": "n1"}, {"node": "n2"}]
    assert series_names(metrics, "pod") == ["pod=api-7f9c", ""]
    assert series_names(metrics[:1], "pod") == ["pod=api-7f9c"]


def test_hostile_or_long_label_values_are_made_safe_and_short() -> None:
    names = series_names([{"pod": "\x1b]0;pwned\x07x"}, {"pod": "y" * 500}])
    assert all("\x1b" not in n and "\x07" not in n for n in names)
    assert names[0].startswith("pod=") and len(names[1]) <= SERIES_LEN + 20


def test_sum_adds_series_point_by_point_and_keeps_nan() -> None:
    series = [
        ({"i": "a"}, [(60.0, 1.0), (120.0, 2.0)]),
        ({"i": "b"}, [(60.0, 10.0), (120.0, math.nan)]),
    ]
    summed = combine(series, PrometheusMetric(query="x", sum=True))
    assert summed[0] == Reading("", 11.0, 60.0)
    assert summed[1].ts == 120.0 and math.isnan(summed[1].value)
    each = combine(series, PrometheusMetric(query="x"))
    assert [(r.series, r.ts) for r in each] == [
        ("i=a", 60.0),
        ("i=a", 120.0),
        ("i=b", 60.0),
        ("i=b", 120.0),
    ]
    assert [r.value for r in each[:3]] == [1.0, 2.0, 10.0] and math.isnan(each[3].value)
    assert combine([], PrometheusMetric(query="x", sum=True)) == []
