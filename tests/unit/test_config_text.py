"""Names and texts from the config: printable, refused at FILE:LINE when they hold controls."""

from __future__ import annotations

from pathlib import Path

from tests.support.config_files import issues_of, load_ok, write_config

HOSTILE = r"""
environments:
  local:
    description: "ok \e]0;T\a"
    badge: "B\u202e"
  "bad\u200bname": {}
services:
  - name: "web\e[2J"
    checks:
      - name: "chk\x85"
        http: {url: "http://127.0.0.1:1/"}
logs:
  - name: "a\x9bb"
    file: {path: x.log}
  - name: "   "
    file: {path: x.log}
"""


def test_controls_in_names_and_texts_are_refused_where_they_are(tmp_path: Path) -> None:
    issues = issues_of(write_config(tmp_path, HOSTILE))
    where = {(issue.line, issue.message.split(":")[0]) for issue in issues}
    assert where == {
        (3, "environments.local.description"),
        (4, "environments.local.badge"),
        (5, 'environments."bad\\u200bname"'),
        (7, "services[0].name"),
        (9, "services[0].checks[0].name"),
        (12, "logs[0].name"),
        (14, "logs[1].name"),
    }
    by_line = {issue.line: issue.message for issue in issues}
    assert "U+001B" in by_line[3] and "write printable text" in by_line[3]
    assert "U+202E" in by_line[4]
    assert "U+009B" in by_line[12]
    assert "blank" in by_line[14]
    # The report itself carries no raw control character.
    assert all(ch.isprintable() for issue in issues for ch in str(issue))


def test_printable_unicode_names_and_empty_descriptions_load(tmp_path: Path) -> None:
    loaded = load_ok(
        write_config(
            tmp_path,
            """
            environments:
              prod-東京: {description: "Tokyo — payments 💳", badge: "東京"}
              local: {description: ""}
            services:
              - name: café-api
                checks: [{http: {url: "http://127.0.0.1:1/"}}]
            """,
        )
    )
    assert loaded.config.environments["prod-東京"].badge == "東京"
    assert loaded.config.services[0].name == "café-api"
