"""Action settings that could never run are config errors, found by `cockpit validate`."""

from __future__ import annotations

from pathlib import Path

import pytest

from cockpit.config.errors import ConfigError
from cockpit.config.loader import load_config_text


@pytest.mark.parametrize(
    ("kubernetes", "problem"),
    [
        (
            "{operation: rollout_undo, resource: statefulset, name: db}",
            "use `resource: deployment`",
        ),
        (
            "{operation: scale, resource: daemonset, name: node-exporter, replicas: '2'}",
            "cannot be scaled",
        ),
        ("{operation: delete_pods}", "one of `pod:` or `selector:`"),
        (
            "{operation: rollout_restart, name: web, revision: '2'}",
            "goes with `operation: rollout_undo`",
        ),
    ],
)
def test_kubernetes_settings_that_cannot_work(
    kubernetes: str, problem: str, tmp_path: Path
) -> None:
    text = f"actions:\n  - name: fix\n    kubernetes: {kubernetes}\n"

    with pytest.raises(ConfigError) as error:
        load_config_text(text, "c.yaml", tmp_path)

    assert problem in str(error.value)
    assert "c.yaml:3:" in str(error.value)
