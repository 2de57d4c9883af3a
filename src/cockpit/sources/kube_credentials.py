"""Kubeconfig contexts with their exec credential plugin run under our control.

The kubernetes client runs a context's ``exec`` plugin (``aws eks get-token``, ``kubelogin``,
``gke-gcloud-auth-plugin``) with no time limit: a plugin that hangs (waiting for a browser
login, a dead network) blocks its thread forever and its process outlives the cockpit, one more
per retry. Here the plugin runs in its own session with a deadline; at the deadline the whole
session is killed and the error names the credentials. What it returned (a token or a client
certificate) replaces the ``exec`` entry in a copy of the kubeconfig, which the client then loads
as usual (clusters, CA files, proxies: all as kubectl reads them).
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import signal
import subprocess
from pathlib import Path
from typing import Any

CREDENTIAL_TIMEOUT = 20.0
"""Seconds a credential plugin may take (a token from a cloud CLI takes one or two)."""


class CredentialError(Exception):
    """The context's credential plugin failed or did not answer in time (the message says)."""


def kubeconfig_for(
    kubeconfig: str | None, context: str, timeout: float = CREDENTIAL_TIMEOUT
) -> Any:
    """The merged kubeconfig (``$KUBECONFIG`` or ``~/.kube/config`` when None), with the exec
    plugin of ``context``'s user already run, or None when no kubeconfig file is there.

    Raises:
        CredentialError: The plugin failed, printed no credential, or took longer than
            ``timeout`` seconds (it is killed with everything it started).
    """
    from kubernetes.config.kube_config import KubeConfigMerger

    paths = kubeconfig or os.environ.get("KUBECONFIG") or "~/.kube/config"
    merged = KubeConfigMerger(paths).config  # type: ignore[no-untyped-call]
    if merged is None:
        return None
    user = _user_of(merged.value, context)
    if user is not None and isinstance(user.get("user"), dict) and "exec" in user["user"]:
        spec = user["user"]
        status = run_plugin(spec["exec"], _base_dir(paths), timeout, str(user.get("name")))
        del spec["exec"]
        if "token" in status:
            spec["token"] = status["token"]
        else:
            for ours, theirs in (
                ("client-certificate-data", "clientCertificateData"),
                ("client-key-data", "clientKeyData"),
            ):
                spec[ours] = base64.b64encode(str(status[theirs]).encode()).decode()
    return merged


def _user_of(config: dict[str, Any], context: str) -> dict[str, Any] | None:
    def named(items: Any, name: str) -> Any:
        for item in items or []:
            value = getattr(item, "value", item)
            if isinstance(value, dict) and value.get("name") == name:
                return value
        return None

    entry = named(config.get("contexts"), context)
    if entry is None or not isinstance(entry.get("context"), dict):
        return None  # the client says what is wrong with the context
    user: dict[str, Any] | None = named(config.get("users"), entry["context"].get("user", ""))
    return user


def _base_dir(paths: str) -> str:
    first = next((p for p in paths.split(os.pathsep) if p), "")
    return str(Path(first).expanduser().resolve().parent) if first else os.getcwd()


def run_plugin(spec: dict[str, Any], cwd: str, timeout: float, user: str) -> dict[str, Any]:
    """Run an exec credential plugin as kubectl does, in its own session, within ``timeout``.

    Returns:
        The ``status`` of the ExecCredential it printed (``token``, or ``clientCertificateData``
        and ``clientKeyData``).

    Raises:
        CredentialError: see :func:`kubeconfig_for`.
    """
    command = str(spec.get("command") or "")
    if not command:
        raise CredentialError(f"credentials of user {user!r}: exec has no command")
    argv = [command, *(str(arg) for arg in spec.get("args") or [])]
    env = dict(os.environ)
    env.update({str(e["name"]): str(e["value"]) for e in spec.get("env") or []})
    info = {"apiVersion": spec.get("apiVersion"), "kind": "ExecCredential"}
    env["KUBERNETES_EXEC_INFO"] = json.dumps({**info, "spec": {"interactive": False}})
    what = f"credential plugin {command!r} of user {user!r}"
    try:
        proc = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=cwd,
            env=env,
            start_new_session=True,
        )
    except OSError as exc:
        raise CredentialError(f"{what} cannot run: {exc.strerror or exc}") from None
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        raise CredentialError(
            f"{what} did not answer within {timeout:g}s (a login waiting for a browser, or no "
            "network?); it was stopped"
        ) from None
    finally:
        _kill_session(proc)  # whatever it left behind (a helper daemon) goes with it
    if proc.returncode != 0:
        detail = err.decode("utf-8", "replace").strip().splitlines()
        raise CredentialError(
            f"{what} failed (exit {proc.returncode})" + (f": {detail[-1]}" if detail else "")
        )
    try:
        status = json.loads(out)["status"]
    except (ValueError, KeyError, TypeError):
        raise CredentialError(f"{what} printed no ExecCredential") from None
    if not isinstance(status, dict) or not (
        "token" in status or {"clientCertificateData", "clientKeyData"} <= status.keys()
    ):
        raise CredentialError(f"{what} returned neither a token nor a client certificate")
    return status


def _kill_session(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    if proc.returncode is None:
        with contextlib.suppress(subprocess.TimeoutExpired):
            # Its pipes close once the session is gone; a grandchild that left the session
            # and kept them open must not hold this thread.
            proc.communicate(timeout=1)
        if proc.poll() is None:
            proc.kill()
            proc.wait()
