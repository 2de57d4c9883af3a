"""The `logs:` schema: every kind validates, mistakes are refused, sources are built."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from cockpit.config.models import CockpitConfig
from cockpit.sources.logs.base import NotConfigured, StreamOptions
from cockpit.sources.logs.command import CommandSource
from cockpit.sources.logs.factory import build_source
from cockpit.sources.logs.file import FileSource
from cockpit.sources.logs.journald import JournaldSource


def _config(*entries: dict[str, Any]) -> CockpitConfig:
    return CockpitConfig.model_validate(
        {"environments": {"local": {}, "prod": {}}, "logs": list(entries)}
    )


def test_every_kind_validates() -> None:
    cfg = _config(
        {"name": "app", "file": {"path": "app.log"}, "highlight": ["THREAT"]},
        {"name": "api", "kubernetes": {"deployment": "api", "container": "main", "since": "10m"}},
        {"name": "pod", "kubernetes": {"pod": "api-0", "tail": 20}},
        {"name": "sel", "kubernetes": {"selector": "app=x"}, "environments": ["prod"]},
        {"name": "db", "docker": {"container": "postgres"}},
        {"name": "aca", "command": {"argv": ["az", "containerapp", "logs", "show", "--follow"]}},
        {"name": "web", "azure_webapp": {"name": "my-site"}},
        {"name": "ssh", "journald": {"unit": "ssh.service"}, "filter": "Failed", "exclude": "x"},
    )
    assert [e.kind for e in cfg.logs] == [
        "file",
        "kubernetes",
        "kubernetes",
        "kubernetes",
        "docker",
        "command",
        "azure_webapp",
        "journald",
    ]
    assert cfg.logs[1].kubernetes is not None and cfg.logs[1].kubernetes.since == 600.0


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"name": "x"}, "needs exactly one kind key"),
        ({"name": "x", "file": {"path": "a"}, "docker": {"container": "b"}}, "several kind keys"),
        ({"name": "x", "kubernetes": {"container": "c"}}, "exactly one of deployment, pod"),
        ({"name": "x", "kubernetes": {"pod": "p", "selector": "a=b"}}, "exactly one of"),
        ({"name": "x", "command": {"argv": []}}, "at least 1"),
        ({"name": "x", "command": {"argv": ["a"], "restart": "sometimes"}}, "on-failure"),
        ({"name": "x", "file": {"path": "a", "colour": "red"}}, "Extra inputs"),
        ({"name": "x", "file": {"path": "a"}, "filter": r"(a)\1"}, "invalid pattern"),
        ({"name": "x", "file": {"path": "a"}, "environments": ["nope"]}, "unknown environment"),
        ({"name": "", "file": {"path": "a"}}, "blank"),
    ],
)
def test_mistakes_are_refused(entry: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        _config(entry)


def test_build_local_kinds(tmp_path: Path) -> None:
    cfg = _config(
        {"name": "app", "file": {"path": "logs/app.log", "tail": 5}},
        {"name": "abs", "file": {"path": "/var/log/syslog"}},
        {"name": "cmd", "command": {"argv": ["echo", "hi"], "cwd": "sub", "restart": "never"}},
        {"name": "j", "journald": {"unit": "ssh.service", "tail": 7}},
    )
    opts = StreamOptions(follow=False)
    app = build_source(cfg.logs[0], "local", tmp_path, options=opts)
    assert isinstance(app, FileSource) and app.path == tmp_path / "logs" / "app.log"
    assert app.tail_default == 5 and app.options.follow is False
    absolute = build_source(cfg.logs[1], "local", tmp_path)
    assert isinstance(absolute, FileSource) and absolute.path == Path("/var/log/syslog")
    cmd = build_source(cfg.logs[2], "local", tmp_path)
    assert isinstance(cmd, CommandSource)
    assert (cmd.argv, cmd.cwd, cmd.restart) == (["echo", "hi"], tmp_path / "sub", "never")
    journal = build_source(cfg.logs[3], "local", tmp_path, options=opts)
    assert isinstance(journal, JournaldSource)
    assert "--unit=ssh.service" in journal.argv and "--lines=7" in journal.argv
    assert "--follow" not in journal.argv


@pytest.mark.parametrize(
    "entry",
    [
        {"name": "k", "kubernetes": {"deployment": "api"}},
        {"name": "w", "azure_webapp": {"name": "site"}},
    ],
)
def test_remote_kinds_without_environment_settings_say_so(
    entry: dict[str, Any], tmp_path: Path
) -> None:
    cfg = _config(entry)
    with pytest.raises(NotConfigured, match=r"environment 'local' has no (kubernetes|azure): "):
        build_source(cfg.logs[0], "local", tmp_path)
