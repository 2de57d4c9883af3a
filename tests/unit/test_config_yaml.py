"""YAML-level strictness (tags, duplicates, ambiguous scalars, syntax) and error positions."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any, Literal

import pytest
from pydantic import Field, model_validator

from cockpit.config import ConfigError, ConfigIssue, load_model_text
from cockpit.config.base import Duration, Model, split_kind
from tests.support.config_files import issues_of, load_ok, only_issue, write_config


class HttpCheck(Model):
    url: str
    timeout: Duration = 10.0


class Check(Model):
    name: str = ""
    http: HttpCheck | None = None
    tcp: HttpCheck | None = None

    @model_validator(mode="before")
    @classmethod
    def _one_kind(cls, data: Any) -> Any:
        return split_kind(data, ("http", "tcp"), "a check")


class Service(Model):
    name: str
    replicas: int = Field(default=1, ge=1, le=10)
    mode: Literal["active", "passive"] = "active"
    weight: float = 1.0
    checks: list[Check] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list, max_length=2)
    verify: bool | str = True


class Root(Model):
    services: list[Service] = Field(default_factory=list)


def model_issues(text: str, environ: dict[str, str] | None = None) -> list[ConfigIssue]:
    with pytest.raises(ConfigError) as caught:
        load_model_text(Root, textwrap.dedent(text).lstrip("\n"), "svc.yaml", environ or {})
    return caught.value.issues


def test_deep_list_path_maps_to_its_line() -> None:
    issues = model_issues(
        """
        services:
          - name: api
            checks:
              - name: first
                http: {url: "http://a"}
              - name: second
                http:
                  url: http://b
                  timeout: soon
        """
    )
    assert len(issues) == 1
    issue = issues[0]
    assert (issue.line, issue.col) == (9, 20)
    assert issue.message.startswith("services[0].checks[1].http.timeout: 'soon' is not a duration")


def test_text_for_an_int_is_refused() -> None:
    (issue,) = model_issues("services:\n  - name: api\n    replicas: abc\n")
    assert (issue.line, issue.col) == (3, 15)
    assert issue.message == 'services[0].replicas: expected a whole number, got "abc"'


def test_quoted_number_for_an_int_says_remove_quotes() -> None:
    (issue,) = model_issues('services:\n  - name: api\n    replicas: "3"\n')
    assert issue.message.endswith("; remove the quotes: 3")


def test_float_for_an_int_is_refused() -> None:
    (issue,) = model_issues("services:\n  - name: api\n    replicas: 2.5\n")
    assert "expected a whole number, got 2.5" in issue.message


def test_literal_choices() -> None:
    (issue,) = model_issues("services:\n  - name: api\n    mode: activ\n")
    assert issue.message == (
        'services[0].mode: "activ" is not one of: active, passive; did you mean active?'
    )


def test_union_members_give_one_message() -> None:
    (issue,) = model_issues("services:\n  - name: api\n    verify: 3\n")
    assert issue.message == "services[0].verify: expected true or false or text, got 3"


def test_limits_in_plain_words() -> None:
    issues = model_issues(
        "services:\n  - name: api\n    replicas: 0\n    tags: [a, b, c]\n"
        "  - name: web\n    replicas: 11\n"
    )
    assert [i.message for i in issues] == [
        "services[0].replicas: must be at least 1, got 0",
        "services[0].tags: allows at most 2 entries, got 3",
        "services[1].replicas: must be at most 10, got 11",
    ]


def test_kind_key_typo_is_named_with_suggestion() -> None:
    issues = model_issues(
        """
        services:
          - name: api
            checks:
              - htp: {url: "http://a"}
        """
    )
    assert [(i.line, i.col) for i in issues] == [(4, 9), (4, 9)]
    assert issues[0].message.startswith("services[0].checks[0]: a check needs exactly one kind key")
    assert issues[1].message.startswith(
        "unknown key 'htp' in services[0].checks[0]; did you mean 'http'?"
    )


def test_list_expected() -> None:
    (issue,) = model_issues("services:\n  - name: api\n    tags: web\n")
    assert 'expected a list (lines starting with `- `), got "web"' in issue.message


def test_missing_key_in_list_item_points_at_item() -> None:
    (issue,) = model_issues("services:\n  - replicas: 2\n")
    assert (issue.line, issue.col) == (2, 5)
    assert "services[0]: missing required key `name`" in issue.message


def test_validator_crash_is_one_line_not_a_traceback() -> None:
    class Fragile(Model):
        value: str = ""

        @model_validator(mode="after")
        def _crash(self) -> Fragile:
            raise LookupError("table missing")

    with pytest.raises(ConfigError) as caught:
        load_model_text(Fragile, "value: x\n", "f.yaml", {})
    (issue,) = caught.value.issues
    assert str(issue).startswith("f.yaml:1:1: validation stopped on an internal error")
    assert "LookupError: table missing" in issue.message


def test_well_formed_values_load() -> None:
    root = load_model_text(
        Root,
        "services:\n  - name: api\n    replicas: 3\n    weight: 2\n    checks:\n"
        "      - http: {url: 'http://x', timeout: 500ms}\n",
        "svc.yaml",
        {},
    )
    service = root.services[0]
    assert service.replicas == 3
    assert service.weight == 2.0
    assert service.checks[0].http is not None
    assert service.checks[0].http.timeout == 0.5


@pytest.mark.parametrize(
    ("value", "hint"),
    [
        ("010", "write 10, or quote it"),
        ("-007", "write -7, or quote it"),
        ("00", "write 0, or quote it"),
    ],
)
def test_leading_zero_is_refused(value: str, hint: str) -> None:
    (issue,) = model_issues(f"services:\n  - name: api\n    replicas: {value}\n")
    assert (issue.line, issue.col) == (3, 15)
    assert "leading zero" in issue.message
    assert hint in issue.message


@pytest.mark.parametrize("word", ["yes", "no", "on", "off", "y", "n", "Yes", "OFF"])
def test_yaml11_booleans_are_refused(tmp_path: Path, word: str) -> None:
    path = write_config(tmp_path, f"environments:\n  local:\n    read_only: {word}\n")
    issue = only_issue(path)
    assert (issue.line, issue.col) == (3, 16)
    assert f"{word} is ambiguous" in issue.message
    assert "write true or false" in issue.message
    assert f'quote it ("{word}")' in issue.message


def test_quoted_yaml11_words_are_text(tmp_path: Path) -> None:
    path = write_config(
        tmp_path, 'environments:\n  local:\n    badge: "yes"\n    description: "010"\n'
    )
    local = load_ok(path).config.environments["local"]
    assert local.badge == "yes"
    assert local.description == "010"


def test_yaml12_scalars(tmp_path: Path) -> None:
    path = write_config(
        tmp_path,
        """
        environments:
          local:
            description: 2024-01-01
            badge: 1:30
            read_only: True
            colour: ~
          "on": {}
        """,
    )
    envs = load_ok(path).config.environments
    assert envs["local"].description == "2024-01-01"  # no date object
    assert envs["local"].badge == "1:30"  # no sexagesimal 90
    assert envs["local"].read_only is True
    assert envs["local"].colour is None
    assert "on" in envs


def test_duplicate_key_names_both_lines(tmp_path: Path) -> None:
    path = write_config(
        tmp_path,
        """
        environments:
          prod:
            description: first
          staging: {}
          prod:
            description: second
        """,
    )
    issue = only_issue(path)
    assert (issue.line, issue.col) == (5, 3)
    assert "duplicate key 'prod' (first written at line 2)" in issue.message


def test_duplicate_nested_key(tmp_path: Path) -> None:
    path = write_config(tmp_path, "environments:\n  local: {badge: a, badge: b}\n")
    issue = only_issue(path)
    assert (issue.line, issue.col) == (2, 21)
    assert "duplicate key 'badge'" in issue.message


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("!!str red", "!!str"),
        ("!!python/object/apply:os.system ['true']", "!!python/object/apply:os.system"),
        ("!custom red", "!custom"),
        ("!!binary aGVsbG8=", "!!binary"),
    ],
)
def test_explicit_tags_are_refused(tmp_path: Path, value: str, shown: str) -> None:
    path = write_config(tmp_path, f"environments:\n  local:\n    colour: {value}\n")
    issue = only_issue(path)
    assert (issue.line, issue.col) == (3, 13)
    assert f"explicit YAML tag {shown} is not allowed" in issue.message


def test_tag_on_a_mapping_is_refused(tmp_path: Path) -> None:
    path = write_config(tmp_path, "environments: !!map\n  local: {}\n")
    assert "explicit YAML tag !!map" in only_issue(path).message


def test_syntax_error_has_yaml_mark(tmp_path: Path) -> None:
    path = write_config(tmp_path, "environments:\n  local:\n    description: [unclosed\n  b: c\n")
    issue = only_issue(path)
    assert (issue.line, issue.col) == (4, 4)
    assert issue.message.startswith("invalid YAML:")
    assert "started at line 3" in issue.message


def test_control_character_position(tmp_path: Path) -> None:
    path = write_config(tmp_path, "environments:\n  local:\n    description: a\x07b\n")
    issue = only_issue(path)
    assert (issue.line, issue.col) == (3, 19)
    assert "character U+0007 is not allowed" in issue.message


def test_tab_indent_hint(tmp_path: Path) -> None:
    path = write_config(tmp_path, "environments:\n\tlocal: {}\n")
    issue = only_issue(path)
    assert (issue.line, issue.col) == (2, 1)
    assert "indent with spaces, not tabs" in issue.message


@pytest.mark.parametrize("text", ["", "\n\n", "# nothing here yet\n"])
def test_empty_file(tmp_path: Path, text: str) -> None:
    path = tmp_path / "cockpit.yaml"
    path.write_text(text)
    issue = only_issue(path)
    assert (issue.line, issue.col) == (1, 1)
    assert "the config file is empty" in issue.message


def test_two_documents_are_refused(tmp_path: Path) -> None:
    path = write_config(tmp_path, "environments: {local: {}}\n---\nenvironments: {prod: {}}\n")
    issue = only_issue(path)
    assert issue.line == 2
    assert "single document" in issue.message


def test_aliases_are_fine_and_self_reference_is_refused(tmp_path: Path) -> None:
    good = write_config(
        tmp_path,
        "environments:\n  a: &same {badge: X}\n  b: *same\n",
    )
    envs = load_ok(good).config.environments
    assert envs["b"].badge == "X"
    bad = write_config(tmp_path, "environments:\n  a: &loop [*loop]\n", name="loop.yaml")
    assert "contains itself" in issues_of(bad)[0].message


def test_alias_bomb_is_refused(tmp_path: Path) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        lines.append(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]")
    path = write_config(tmp_path, "\n".join(lines) + "\n")
    issues = issues_of(path)
    assert any("expands to more than" in i.message for i in issues)
