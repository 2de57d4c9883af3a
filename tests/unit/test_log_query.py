"""LogQuery: what the Logs pane shows, through the real filters (RE2 patterns, levels, sources)."""

from __future__ import annotations

import dataclasses

import pytest

from cockpit.domain.patterns import FilterError
from cockpit.feeds.log_query import EDITABLE, LEVELS, LogQuery
from cockpit.sources.logs.base import LogRow


def _row(text: str, source: str = "api", level: str | None = None) -> LogRow:
    return LogRow(source, text, 0.0, level, None, None)


BATCH = [
    _row("GET /health 200", level="INFO"),
    _row("payment id=1235 failed", level="ERROR"),
    _row("pool 85% used", source="db", level="WARN"),
    _row("no level at all"),
    _row("Payment retried id=2225 ", source="db", level="INFO"),
]


def _texts(rows: list[LogRow]) -> list[str]:
    return [row[1] for row in rows]


def test_an_empty_query_shows_every_line_as_it_is() -> None:
    query = LogQuery()
    assert query.apply(BATCH) == BATCH
    assert all(query.matches(row) for row in BATCH)
    assert not query.costly


def test_include_and_exclude_are_smart_case_words() -> None:
    query = LogQuery(include="payment", exclude="retried")
    assert _texts(query.apply(BATCH)) == ["payment id=1235 failed"]
    # An upper-case letter makes the pattern case-sensitive.
    assert _texts(LogQuery(include="Payment").apply(BATCH)) == ["Payment retried id=2225 "]


def test_a_regular_expression_runs_in_re2_and_is_costly() -> None:
    query = LogQuery(include=r"id=2\d+5 ")
    assert query.costly
    assert _texts(query.apply(BATCH)) == ["Payment retried id=2225 "]
    with pytest.raises(FilterError):
        LogQuery(include=r"(a)\1")  # RE2 has no backreferences
    with pytest.raises(FilterError):
        LogQuery(exclude="(unclosed")


def test_levels_step_from_all_to_error_and_back() -> None:
    query = LogQuery()
    seen = []
    for _ in LEVELS:
        query = query.next_level()
        seen.append(query.level)
    assert seen == ["INFO", "WARN", "ERROR", None]
    # A line with no level counts as INFO.
    assert _texts(LogQuery(level="INFO").apply(BATCH)) == _texts(BATCH)
    assert _texts(LogQuery(level="WARN").apply(BATCH)) == [
        "payment id=1235 failed",
        "pool 85% used",
    ]
    assert _texts(LogQuery(level="ERROR").apply(BATCH)) == ["payment id=1235 failed"]


def test_hidden_sources_leave_the_merged_view() -> None:
    query = LogQuery().hiding({"db"})
    assert query.hidden_sources == frozenset({"db"})
    assert {row[0] for row in query.apply(BATCH)} == {"api"}
    assert not query.matches(BATCH[2]) and query.matches(BATCH[0])
    assert query.hiding(()).apply(BATCH) == BATCH


def test_the_search_term_hides_nothing() -> None:
    query = LogQuery(include="payment").edited("search", "health")
    assert query.search == "health" and query.include == "payment"
    assert _texts(query.apply(BATCH)) == ["payment id=1235 failed", "Payment retried id=2225 "]


def test_matches_agrees_with_apply_for_every_combination() -> None:
    for query in (
        LogQuery(include="id=", exclude="failed", level="INFO"),
        LogQuery(include=r"\d{4}", hidden_sources=frozenset({"api"})),
        LogQuery(exclude=r"^pool", level="WARN"),
    ):
        assert query.apply(BATCH) == [row for row in BATCH if query.matches(row)]


def test_edits_make_a_new_query_and_a_refused_one_changes_nothing() -> None:
    query = LogQuery(include="payment")
    for what in EDITABLE:
        edited = query.edited(what, "pool")
        assert edited.value(what) == "pool" and edited is not query
    assert query.value("filter") == "payment" and query.value("exclude") == ""
    with pytest.raises(FilterError):
        query.edited("exclude", "[unclosed")
    assert query.exclude == "" and _texts(query.apply(BATCH))[0] == "payment id=1235 failed"
    with pytest.raises(dataclasses.FrozenInstanceError):
        query.include = "other"  # type: ignore[misc]
    with pytest.raises(KeyError):
        query.edited("level", "WARN")


def test_an_empty_pattern_clears_the_filter() -> None:
    query = LogQuery(include="payment", exclude="retried").edited("filter", "")
    assert query.include == "" and not query.line_filter.include
    assert _texts(query.apply(BATCH)) == [text for text in _texts(BATCH) if "retried" not in text]
