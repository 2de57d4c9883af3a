"""Exec credential plugins run by the cockpit: a token is used, a hang is killed with everything
it started and named as a credentials problem, and no plugin outlives its deadline."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from cockpit.sources.kube_credentials import CredentialError, kubeconfig_for
from cockpit.sources.logs.kube_stream import load_settings
from tests.support.processes import run_cockpit_check

TOKEN_PLUGIN = """
import json, os
info = json.loads(os.environ["KUBERNETES_EXEC_INFO"])
print(json.dumps({"apiVersion": info["apiVersion"], "kind": "ExecCredential",
                  "status": {"token": "tok-" + os.environ["WHO"]}}))
"""

# Starts a helper in its own session (it escapes a plain kill of the plugin) and never answers.
HANGING_PLUGIN = """
import subprocess, sys, time
subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)", sys.argv[1]],
                 start_new_session=False)
time.sleep(300)
"""


def _kubeconfig(tmp_path: Path, *args: str, env: dict[str, str] | None = None) -> Path:
    exec_env = "".join(f"\n          - {{name: {k}, value: {v}}}" for k, v in (env or {}).items())
    path = tmp_path / "kubeconfig"
    path.write_text(
        f"""apiVersion: v1
kind: Config
clusters:
  - name: c
    cluster: {{server: "https://127.0.0.1:6443", insecure-skip-tls-verify: true}}
contexts:
  - name: prod
    context: {{cluster: c, user: u}}
users:
  - name: u
    user:
      exec:
        apiVersion: client.authentication.k8s.io/v1beta1
        command: {sys.executable}
        args: [{", ".join(repr(a) for a in args)}]
        env:{exec_env or " []"}
"""
    )
    return path


def _alive(marker: str) -> list[str]:
    found = subprocess.run(["pgrep", "-f", marker], capture_output=True, text=True)
    return found.stdout.split()


def test_the_plugins_token_is_used(tmp_path: Path) -> None:
    plugin = tmp_path / "plugin.py"
    plugin.write_text(TOKEN_PLUGIN)
    path = _kubeconfig(tmp_path, str(plugin), env={"WHO": "alice"})
    settings = load_settings(path, "prod", timeout=10)
    assert settings.authorization == "Bearer tok-alice"
    assert settings.server == "https://127.0.0.1:6443"


def test_a_hanging_plugin_is_killed_at_its_deadline_with_what_it_started(tmp_path: Path) -> None:
    plugin = tmp_path / "hang.py"
    plugin.write_text(HANGING_PLUGIN)
    marker = f"cockpit-test-{uuid.uuid4().hex}"
    path = _kubeconfig(tmp_path, str(plugin), marker)
    started = time.monotonic()
    with pytest.raises(CredentialError) as caught:
        kubeconfig_for(str(path), "prod", timeout=1.0)
    took = time.monotonic() - started
    assert took < 5, took
    message = str(caught.value)
    assert "credential plugin" in message and "'u'" in message and "did not answer" in message
    time.sleep(0.2)
    assert _alive(marker) == []


def test_a_failing_plugin_says_why(tmp_path: Path) -> None:
    plugin = tmp_path / "fail.py"
    plugin.write_text(
        "import sys; sys.stderr.write('login expired, run aws sso login'); sys.exit(3)"
    )
    path = _kubeconfig(tmp_path, str(plugin))
    with pytest.raises(CredentialError) as caught:
        kubeconfig_for(str(path), "prod", timeout=5.0)
    assert "exit 3" in str(caught.value) and "aws sso login" in str(caught.value)


def _hanging_setup(tmp_path: Path, check_timeout: str, extra: str = "") -> tuple[Path, str]:
    """A cockpit config whose prod context's credential plugin hangs; and its plugin's marker."""
    plugin = tmp_path / "hang.py"
    plugin.write_text(HANGING_PLUGIN)
    marker = f"cockpit-test-{uuid.uuid4().hex}"
    kubeconfig = _kubeconfig(tmp_path, str(plugin), marker)
    config = tmp_path / "cockpit.yaml"
    config.write_text(
        "environments:\n"
        f"  prod: {{kubernetes: {{kubeconfig: {kubeconfig}, context: prod, namespace: x}}}}\n"
        "services:\n"
        "  - name: api\n"
        "    checks:\n"
        f"      - kubernetes: {{deployment: api, timeout: {check_timeout}}}\n" + extra
    )
    return config, marker


@pytest.mark.integration
def test_cockpit_check_names_credentials_and_leaves_no_plugin_behind(tmp_path: Path) -> None:
    config, marker = _hanging_setup(tmp_path, "2s")
    done = run_cockpit_check(config, tmp_path)
    assert done.returncode == 1, done.stderr
    assert "credentials (context prod)" in done.stdout, done.stdout
    assert "Traceback" not in done.stderr and "Event loop is closed" not in done.stderr
    time.sleep(0.2)
    assert _alive(marker) == []


@pytest.mark.integration
def test_quitting_the_tui_mid_plugin_leaves_no_plugin_behind(tmp_path: Path) -> None:
    from tests.support.pty_app import PtyApp

    config, marker = _hanging_setup(
        tmp_path, "30s", "logs:\n  - name: api\n    kubernetes: {deployment: api}\n"
    )
    env = {**os.environ, "HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "d")}
    env.pop("COCKPIT_STATE", None)
    env.pop("COCKPIT_OWNER", None)
    app = PtyApp(
        [sys.executable, "-m", "cockpit", "--config", str(config)], env, columns=120, rows=40
    )
    try:
        app.wait_for(b"Checklists", timeout=20)
        deadline = time.monotonic() + 10
        while not _alive(marker) and time.monotonic() < deadline:
            app.pump(0.2)
        assert _alive(marker), "the plugin never started"
    finally:
        status = app.close()
    assert status == 0
    time.sleep(0.3)
    assert _alive(marker) == []
