"""Gatus-style condition parsing and evaluation."""

from __future__ import annotations

import json

import pytest

from cockpit.config.services import HTTP_PLACEHOLDERS, PROMETHEUS_PLACEHOLDERS
from cockpit.domain.conditions import evaluate_all, failed_summary, parse_condition

BODY = json.dumps(
    {
        "status": "UP",
        "version": "1.4.2",
        "data": [{"id": 7, "name": "john-smith"}, {"id": 8, "name": None}],
        "errors": [],
        "ok": True,
    }
)
VALUES = {"STATUS": 200, "RESPONSE_TIME": 123.4, "BODY": BODY, "CERTIFICATE_EXPIRATION": 3.6e8}


def _eval(expr: str, values: dict[str, object] | None = None) -> tuple[bool, str]:
    cond = parse_condition(expr, HTTP_PLACEHOLDERS)
    result = evaluate_all([cond], values or VALUES)[0]
    assert result.expr == expr.strip()
    return result.ok, result.actual


@pytest.mark.parametrize(
    ("expr", "ok", "actual"),
    [
        ("[STATUS] == 200", True, "200"),
        ("[STATUS] != 200", False, "200"),
        ("[STATUS] < 300", True, "200"),
        ("[STATUS] >= 500", False, "200"),
        ("[STATUS] == any(200, 204)", True, "200"),
        ("[STATUS] == any(500, 503)", False, "200"),
        ("[STATUS] == pat(2*)", True, "200"),
        ("[RESPONSE_TIME] < 500", True, "123.4"),
        ("[RESPONSE_TIME] < 100", False, "123.4"),
        ("[RESPONSE_TIME] < 1s", True, "123.4"),
        ("[BODY].status == UP", True, "UP"),
        ('[BODY].status == "UP"', True, "UP"),
        ("[BODY].status == DOWN", False, "UP"),
        ("[BODY].data[0].id == 7", True, "7"),
        ("[BODY].data[0].name == pat(john*)", True, "john-smith"),
        ("[BODY].data[1].name == null", True, "null"),
        ("[BODY].data[5].id == 7", False, "<missing>"),
        ("[BODY].nope != x", False, "<missing>"),
        ("[BODY].ok == true", True, "true"),
        ("[BODY].version == 1.4.2", True, "1.4.2"),
        ("len([BODY].data) == 2", True, "2"),
        ("len([BODY].errors) > 0", False, "0"),
        ("has([BODY].errors) == true", True, "true"),
        ("has([BODY].missing) == false", True, "false"),
        ("[BODY] == pat(*UP*)", True, BODY[:120]),
        ("[CERTIFICATE_EXPIRATION] > 48h", True, "360000000"),
        ("[CERTIFICATE_EXPIRATION] > 7d", False, "360000000"),
        ("200 == [STATUS]", True, "200"),
    ],
)
def test_evaluation(expr: str, ok: bool, actual: str) -> None:
    assert _eval(expr) == (ok, actual)


def test_body_that_is_not_json_fails_path_conditions_but_matches_patterns() -> None:
    values = {"STATUS": 200, "BODY": "<html>UP</html>"}
    assert _eval("[BODY].status == UP", values) == (False, "<missing>")
    assert _eval("[BODY] == pat(*UP*)", values)[0]


def test_missing_certificate_fails() -> None:
    assert _eval("[CERTIFICATE_EXPIRATION] > 48h", {"STATUS": 200}) == (False, "<missing>")


@pytest.mark.parametrize(
    ("expr", "message"),
    [
        ("[STATUS] 200", "has no operator"),
        ("[STATUS] =! 200", "not a placeholder|no operator|empty side"),
        ("[BODY].x <> 1", "stray operator"),
        ("[STATUS] === 200", "stray operator"),
        ("[STATU] == 200", r"unknown placeholder \[STATU\]"),
        ("[STATUS].a == 1", r"only \[BODY\] takes a path"),
        ("[STATUS] < pat(2*)", "work with == and != only"),
        ("pat(2*) == [STATUS]", "right-hand side"),
        ("1 == 1", "compares two constants"),
        ("[STATUS] == any()", "at least one value"),
        ("[STATUS] == ", "empty side"),
        ("len(3) > 1", "not a placeholder"),
    ],
)
def test_malformed_conditions(expr: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_condition(expr, HTTP_PLACEHOLDERS)


def test_prometheus_value_placeholder_only() -> None:
    cond = parse_condition("[VALUE] == 1", PROMETHEUS_PLACEHOLDERS)
    assert evaluate_all([cond], {"VALUE": 1.0})[0].ok
    assert not evaluate_all([cond], {"VALUE": 0.0})[0].ok
    with pytest.raises(ValueError, match="unknown placeholder"):
        parse_condition("[STATUS] == 1", PROMETHEUS_PLACEHOLDERS)


def test_failed_summary_names_first_failure_and_count() -> None:
    conds = [
        parse_condition(e, HTTP_PLACEHOLDERS)
        for e in ("[STATUS] == 200", "[STATUS] == 500", "[BODY].status == DOWN")
    ]
    summary = failed_summary(evaluate_all(conds, VALUES))
    assert summary == "[STATUS] == 500 failed (actual 200) (+1 more)"
    assert failed_summary(evaluate_all(conds[:1], VALUES)) == ""
