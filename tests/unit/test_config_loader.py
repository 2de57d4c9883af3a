"""Loading config files: schema errors become FILE:LINE:COL lines with a hint."""

from __future__ import annotations

from pathlib import Path

import pytest

from cockpit.config import (
    ConfigError,
    ConfigIssue,
    LoadedConfig,
    default_config,
    load_config,
    load_config_text,
)
from cockpit.config.environments import Protection
from tests.support.config_files import CONTRACT, issues_of, load_ok, only_issue, write_config


def test_contract_file_loads(tmp_path: Path) -> None:
    path = write_config(tmp_path, CONTRACT)
    loaded = load_ok(path)
    assert isinstance(loaded, LoadedConfig)
    assert loaded.path == path
    assert loaded.base_dir == tmp_path.resolve()
    assert list(loaded.config.environments) == ["local", "prod"]
    assert loaded.config.environments["prod"].guard is Protection.TYPED
    assert loaded.config.environments["prod"].is_production
    assert loaded.config.environments["local"].description == "This machine"


def test_contract_unknown_key_points_at_line_9(tmp_path: Path) -> None:
    path = write_config(tmp_path, CONTRACT + "    colour_scheme: x\n")
    issue = only_issue(path)
    assert str(issue).startswith(f"{path}:9:5: ")
    assert "colour_scheme" in issue.message
    assert "did you mean 'colour'?" in issue.message
    assert "Allowed keys: description, colour, badge" in issue.message
    assert "name" not in issue.message.split("Allowed keys:")[1].split(", ")


def test_issue_and_error_text() -> None:
    one = ConfigIssue("a.yaml", 3, 7, "bad")
    two = ConfigIssue("a.yaml", 1, 2, "worse")
    assert str(one) == "a.yaml:3:7: bad"
    assert str(ConfigIssue("a.yaml", 0, 0, "no such file")) == "a.yaml: no such file"
    error = ConfigError([one, two])
    assert error.issues == [two, one]  # file order
    assert str(error) == "a.yaml:1:2: worse\na.yaml:3:7: bad"


def test_name_inside_an_environment_is_refused(tmp_path: Path) -> None:
    # The name comes from the mapping key; a written one would be silently replaced.
    path = write_config(tmp_path, "environments:\n  prod:\n    name: Production\n")
    issue = only_issue(path)
    assert (issue.line, issue.col) == (3, 5)
    assert issue.message == (
        "environments.prod: 'name' cannot be written here; it is taken from the entry's key "
        "('prod'): remove the line"
    )


def test_bad_enum_lists_choices_and_suggests(tmp_path: Path) -> None:
    path = write_config(
        tmp_path,
        """
        environments:
          prod:
            protection: Typed
        """,
    )
    issue = only_issue(path)
    assert (issue.line, issue.col) == (3, 17)
    assert '"Typed" is not one of: none, confirm, typed' in issue.message
    assert "did you mean typed?" in issue.message


def test_missing_key_points_at_parent(tmp_path: Path) -> None:
    path = write_config(
        tmp_path,
        """
        environments:
          staging:
            kubernetes:
              namespace: staging
        """,
    )
    issue = only_issue(path)
    assert (issue.line, issue.col) == (3, 5)
    assert "environments.staging.kubernetes: missing required key `context`" in issue.message


def test_text_where_a_mapping_is_needed_lists_keys(tmp_path: Path) -> None:
    path = write_config(
        tmp_path,
        """
        environments:
          azure-prod:
            azure: wine-quality-rg
        """,
    )
    issue = only_issue(path)
    assert (issue.line, issue.col) == (3, 12)
    assert 'expected a mapping (indented `key: value` lines), got "wine-quality-rg"' in (
        issue.message
    )
    assert "keys it takes: subscription, resource_group" in issue.message


def test_number_where_text_is_needed_suggests_quotes(tmp_path: Path) -> None:
    path = write_config(
        tmp_path,
        """
        environments:
          local:
            description: 1.10
        """,
    )
    issue = only_issue(path)
    assert issue.message == (
        'environments.local.description: expected text, got 1.10; quote it ("1.10") to make it text'
    )


def test_quoted_boolean_is_refused_with_hint(tmp_path: Path) -> None:
    path = write_config(
        tmp_path,
        """
        environments:
          local:
            read_only: "true"
        """,
    )
    issue = only_issue(path)
    assert 'expected true or false, got "true"; remove the quotes: true' in issue.message


def test_unknown_environment_reference_points_at_it(tmp_path: Path) -> None:
    path = write_config(
        tmp_path,
        """
        environments:
          local: {}
        ui:
          default_environment: staging
        """,
    )
    issue = only_issue(path)
    assert (issue.line, issue.col) == (4, 24)
    assert "unknown environment 'staging'; known: local" in issue.message


def test_no_environments_is_an_error(tmp_path: Path) -> None:
    path = write_config(tmp_path, "environments: {}\n")
    assert "at least one environment is needed" in only_issue(path).message


def test_missing_environments_section(tmp_path: Path) -> None:
    path = write_config(tmp_path, "ui:\n  theme: war-room\n")
    issue = only_issue(path)
    assert (issue.line, issue.col) == (1, 1)
    assert issue.message == (
        "the config: missing required key `environments`; add `environments: ...` at the top level"
    )


def test_root_must_be_a_mapping(tmp_path: Path) -> None:
    path = write_config(tmp_path, "- local\n- prod\n")
    issue = only_issue(path)
    assert (issue.line, issue.col) == (1, 1)
    assert "expected a mapping" in issue.message
    assert "keys it takes: environments, ui" in issue.message


def test_unknown_top_level_key_mentions_x_prefix(tmp_path: Path) -> None:
    path = write_config(tmp_path, "environments: {local: {}}\nenvironment: {}\n")
    issue = only_issue(path)
    assert (issue.line, issue.col) == (2, 1)
    assert "did you mean 'environments'?" in issue.message
    path = write_config(tmp_path, "environments: {local: {}}\nzzz: {}\n")
    assert "unknown key 'zzz' in the config; Allowed keys: environments, ui" in (
        only_issue(path).message
    )
    assert "starting with x- are ignored" in issue.message


def test_x_keys_hold_anchors_for_merge(tmp_path: Path) -> None:
    path = write_config(
        tmp_path,
        """
        x-guarded: &guarded
          protection: confirm
          read_only: true
        environments:
          staging:
            <<: *guarded
            read_only: false
          qa: *guarded
        """,
    )
    envs = load_ok(path).config.environments
    assert envs["staging"].guard is Protection.CONFIRM
    assert envs["staging"].read_only is False  # the key written here beats the merged one
    assert envs["qa"].read_only is True


def test_error_in_merged_value_points_at_the_anchor(tmp_path: Path) -> None:
    path = write_config(
        tmp_path,
        """
        x-base: &base
          protection: confrim
        environments:
          staging:
            <<: *base
        """,
    )
    issue = only_issue(path)
    assert (issue.line, issue.col) == (2, 15)
    assert "environments.staging.protection" in issue.message


def test_several_errors_are_all_reported_in_file_order(tmp_path: Path) -> None:
    path = write_config(
        tmp_path,
        """
        environments:
          local:
            protection: never
            read_only: off
            badge: 007
          prod:
            kubernetes: {namespace: production}
            colour_scheme: red
        ui:
          theme: 5
        """,
    )
    issues = issues_of(path)
    positions = [(i.line, i.col) for i in issues]
    assert positions == [(3, 17), (4, 16), (5, 12), (7, 5), (8, 5), (10, 10)]
    assert "never" in issues[0].message
    assert "off is ambiguous" in issues[1].message
    assert "007 has a leading zero" in issues[2].message
    assert "missing required key `context`" in issues[3].message
    assert "unknown key 'colour_scheme'" in issues[4].message
    assert "ui.theme: expected text, got 5" in issues[5].message


def test_yaml_problem_hides_the_schema_error_it_causes(tmp_path: Path) -> None:
    # read_only: yes would also fail the bool check; one message for one mistake.
    path = write_config(tmp_path, "environments:\n  local:\n    read_only: yes\n")
    issue = only_issue(path)
    assert issue.message.startswith("environments.local.read_only: yes is ambiguous")


def test_load_config_text_uses_given_names(tmp_path: Path) -> None:
    loaded = load_config_text("environments: {local: {}}\n", "inline.yaml", tmp_path, {})
    assert loaded.path is None
    assert loaded.base_dir == tmp_path
    with pytest.raises(ConfigError) as caught:
        load_config_text("environments: {local: {x: 1}}\n", "inline.yaml", tmp_path, {})
    assert str(caught.value).startswith("inline.yaml:1:24: unknown key 'x'")


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such file"):
        load_config(tmp_path / "absent.yaml")
    with pytest.raises(ConfigError, match="is a directory"):
        load_config(tmp_path)


def test_non_utf8_file_gives_position(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("environments:\n  local:\n    description: caf\xe9\n".encode("latin-1"))
    issue = only_issue(path)
    assert (issue.line, issue.col) == (3, 21)
    assert "not UTF-8" in issue.message


def test_default_config_is_local_and_unguarded() -> None:
    loaded = default_config()
    assert loaded.path is None
    assert list(loaded.config.environments) == ["local"]
    local = loaded.config.environments["local"]
    assert local.description == "This machine"
    assert local.guard is Protection.NONE
    assert not local.is_production


def test_example_file_validates() -> None:
    example = Path(__file__).resolve().parents[2] / "config.example.yaml"
    loaded = load_ok(example, {})
    envs = loaded.config.environments
    assert {"local", "staging", "production", "azure-prod", "container-apps", "docker-host"} <= set(
        envs
    )
    assert envs["production"].guard is Protection.TYPED
    assert envs["staging"].guard is Protection.CONFIRM
    assert envs["local"].guard is Protection.NONE
    assert envs["production"].kubernetes is not None
    assert envs["production"].kubernetes.namespace == "production"
    azure = envs["azure-prod"].azure
    assert azure is not None
    assert azure.resource_group == "wine-quality-rg"
    assert azure.subscription == "00000000-0000-0000-0000-000000000000"
    assert envs["azure-prod"].guard is Protection.TYPED
    assert envs["docker-host"].docker is not None
    assert envs["docker-host"].prometheus is not None
