"""${VAR} expansion: values from the environment, defaults, escapes, and secrets kept out."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import field_validator

from cockpit.config import ConfigError, load_model_text
from cockpit.config.base import Model
from cockpit.config.interpolate import expand
from tests.support.config_files import issues_of, load_ok, only_issue, write_config


@pytest.mark.parametrize(
    ("text", "environ", "expected"),
    [
        ("${A}", {"A": "x"}, "x"),
        ("pre-${A}-post", {"A": "x"}, "pre-x-post"),
        ("${A}${B}", {"A": "1", "B": "2"}, "12"),
        ("${A:-fallback}", {}, "fallback"),
        ("${A:-fallback}", {"A": ""}, "fallback"),
        ("${A:-fallback}", {"A": "set"}, "set"),
        ("${A:-}", {}, ""),
        ("${A:-a:-b}", {}, "a:-b"),
        ("cost $$5", {}, "cost $5"),
        ("$${A}", {"A": "x"}, "${A}"),
        ("$HOME and $", {"HOME": "/root"}, "$HOME and $"),
        ("no dollars", {}, "no dollars"),
    ],
)
def test_expand(text: str, environ: dict[str, str], expected: str) -> None:
    result = expand(text, environ)
    assert result.problems == ()
    assert result.value == expected


def test_expand_reports_every_problem() -> None:
    result = expand("${A} ${1BAD} ${B} ${unclosed", {})
    assert [p.token for p in result.problems] == ["${A}", "${1BAD}", "${B}", "${"]
    assert "environment variable A is not set" in result.problems[0].message
    assert "${A:-default}" in result.problems[0].message
    assert "not a variable reference" in result.problems[1].message
    assert "unclosed ${" in result.problems[3].message
    assert result.names == ("A", "B")


def test_config_values_are_expanded_and_raw_kept(tmp_path: Path) -> None:
    path = write_config(
        tmp_path,
        """
        environments:
          prod:
            azure:
              subscription: ${AZURE_SUBSCRIPTION_ID}
            prometheus:
              url: "${PROM_URL:-http://127.0.0.1:9090}"
              headers:
                Authorization: Bearer ${PROM_TOKEN}
            description: Costs $$3 an hour
        """,
    )
    environ = {"AZURE_SUBSCRIPTION_ID": "sub-123", "PROM_TOKEN": "s3cret"}
    loaded = load_ok(path, environ)
    prod = loaded.config.environments["prod"]
    assert prod.azure is not None
    assert prod.azure.subscription == "sub-123"
    assert prod.prometheus is not None
    assert prod.prometheus.url == "http://127.0.0.1:9090"
    assert prod.prometheus.headers == {"Authorization": "Bearer s3cret"}
    assert prod.description == "Costs $3 an hour"
    raw = loaded.raw["environments"]["prod"]
    assert raw["prometheus"]["headers"]["Authorization"] == "Bearer ${PROM_TOKEN}"
    assert raw["azure"]["subscription"] == "${AZURE_SUBSCRIPTION_ID}"
    assert "s3cret" not in repr(loaded.raw)
    assert ("environments", "prod", "prometheus", "headers", "Authorization") in loaded.expanded


def test_missing_variable_points_at_the_reference(tmp_path: Path) -> None:
    path = write_config(
        tmp_path,
        """
        environments:
          prod:
            prometheus:
              url: http://prom:9090
              headers: {Authorization: "Bearer ${PROM_TOKEN}"}
        """,
    )
    issue = only_issue(path, {})
    assert (issue.line, issue.col) == (5, 40)
    assert issue.message.startswith(
        "environments.prod.prometheus.headers.Authorization: environment variable PROM_TOKEN "
        "is not set"
    )


def test_missing_variable_in_block_scalar(tmp_path: Path) -> None:
    path = write_config(
        tmp_path,
        """
        environments:
          prod:
            description: |
              first line
              then ${WHO}
        """,
    )
    issue = only_issue(path, {})
    assert (issue.line, issue.col) == (5, 12)


def test_several_missing_variables_all_reported(tmp_path: Path) -> None:
    path = write_config(
        tmp_path,
        """
        environments:
          a: {description: "${ONE}"}
          b: {description: "${TWO} and ${THREE}"}
        """,
    )
    issues = issues_of(path, {})
    assert [(i.line, i.col) for i in issues] == [(2, 21), (3, 21), (3, 32)]
    assert ["ONE" in issues[0].message, "TWO" in issues[1].message] == [True, True]


def test_expanded_value_never_shown_in_errors(tmp_path: Path) -> None:
    # A secret that ends up where it does not fit must not be echoed in the message.
    path = write_config(tmp_path, "environments:\n  local:\n    protection: ${SECRET}\n")
    issue = only_issue(path, {"SECRET": "hunter2"})
    assert "hunter2" not in str(issue)
    assert "${SECRET}" in issue.message


def test_validator_quoting_an_expanded_secret_is_redacted() -> None:
    class Target(Model):
        url: str

        @field_validator("url")
        @classmethod
        def _scheme(cls, value: str) -> str:
            if not value.startswith("http"):
                raise ValueError(f"url {value!r} must start with http:// or https://")
            return value

    with pytest.raises(ConfigError) as caught:
        load_model_text(Target, "url: ftp://user:${PASS}@host\n", "t.yaml", {"PASS": "hunter2"})
    (issue,) = caught.value.issues
    assert "hunter2" not in str(issue)
    assert issue.message == "url: url 'ftp://user:${PASS}@host' must start with http:// or https://"


def test_expansion_is_text_even_for_numbers(tmp_path: Path) -> None:
    path = write_config(tmp_path, "environments:\n  local:\n    read_only: ${RO}\n")
    issue = only_issue(path, {"RO": "true"})
    assert issue.message == (
        'environments.local.read_only: expected true or false, got "${RO}" (text, after ${...} '
        "expansion); ${...} always gives text, so write this value in the file itself"
    )


def test_keys_are_not_expanded(tmp_path: Path) -> None:
    path = write_config(tmp_path, "environments:\n  ${NAME}: {}\n")
    assert list(load_ok(path, {"NAME": "x"}).config.environments) == ["${NAME}"]
