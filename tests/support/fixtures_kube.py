"""Pytest fixture ``kube_api``: a running Kubernetes API stand-in plus a two-context kubeconfig.

The kubeconfig has contexts ``standin-staging`` (namespace ``shop-staging``) and
``standin-prod`` (namespace ``shop-prod``). Its current-context is deliberately ``standin-prod``,
the one tests do not normally use, so code that forgets to pass the context explicitly talks to
the wrong one, and ``RecordedRequest.context`` shows it.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.support.backends import require_binary
from tests.support.kube_api import KubeApiStandin

STAGING = "standin-staging"
PROD = "standin-prod"
NAMESPACES = {STAGING: "shop-staging", PROD: "shop-prod"}


def write_kubeconfig(path: Path, server: KubeApiStandin, current: str = PROD) -> Path:
    """Write a kubeconfig with one context per entry of ``NAMESPACES`` pointing at ``server``."""
    lines = ["apiVersion: v1", "kind: Config", "clusters:"]
    for ctx in NAMESPACES:
        lines += [f"- name: {ctx}-api", "  cluster:", f"    server: {server.url_for(ctx)}"]
    lines.append("users:")
    for ctx in NAMESPACES:
        # kubectl sends no bearer token over plain HTTP; the Python client does.
        lines += [f"- name: {ctx}-user", "  user:", f"    token: {ctx}-token"]
    lines.append("contexts:")
    for ctx, ns in NAMESPACES.items():
        lines += [
            f"- name: {ctx}",
            "  context:",
            f"    cluster: {ctx}-api",
            f"    user: {ctx}-user",
            f"    namespace: {ns}",
        ]
    lines.append(f"current-context: {current}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@dataclass(frozen=True)
class KubeApiHandle:
    """What the ``kube_api`` fixture yields.

    Attributes:
        server: The running stand-in (set up state, read recorded requests).
        kubeconfig: Kubeconfig file with both contexts.
        cache_dir: kubectl discovery cache folder private to this test.
        context: The context tests should pass explicitly (not the current-context).
        namespace: Default namespace of ``context``.
        other_context: The kubeconfig's current-context.
        other_namespace: Default namespace of ``other_context``.
    """

    server: KubeApiStandin
    kubeconfig: Path
    cache_dir: Path
    context: str = STAGING
    namespace: str = NAMESPACES[STAGING]
    other_context: str = PROD
    other_namespace: str = NAMESPACES[PROD]

    def kubectl_args(
        self, *args: str, context: str | None = None, namespace: str | None = None
    ) -> list[str]:
        """Full kubectl argv with explicit kubeconfig, context, namespace and cache dir."""
        return [
            require_binary("kubectl"),
            "--kubeconfig",
            str(self.kubeconfig),
            "--context",
            context or self.context,
            "-n",
            namespace or self.namespace,
            "--cache-dir",
            str(self.cache_dir),
            *args,
        ]

    def kubectl(
        self,
        *args: str,
        context: str | None = None,
        namespace: str | None = None,
        timeout: float = 20.0,
    ) -> subprocess.CompletedProcess[str]:
        """Run kubectl to completion (bounded by ``timeout``) and return its result."""
        return subprocess.run(
            self.kubectl_args(*args, context=context, namespace=namespace),
            capture_output=True,
            text=True,
            timeout=timeout,
            env=kubectl_env(),
            check=False,
        )

    def kubectl_popen(
        self, *args: str, context: str | None = None, namespace: str | None = None
    ) -> subprocess.Popen[bytes]:
        """Start a long-running kubectl (``logs -f``, ``get -w``) with piped output."""
        return subprocess.Popen(
            self.kubectl_args(*args, context=context, namespace=namespace),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=kubectl_env(),
        )

    def api_client(self, context: str | None = None) -> Any:
        """A ``kubernetes.client.ApiClient`` for ``context`` built from the kubeconfig file."""
        from kubernetes import config

        return config.new_client_from_config(  # type: ignore[no-untyped-call]
            config_file=str(self.kubeconfig), context=context or self.context
        )


def kubectl_env() -> dict[str, str]:
    """Environment for kubectl: no inherited KUBECONFIG, so only explicit flags count."""
    env = dict(os.environ)
    env.pop("KUBECONFIG", None)
    return env


@pytest.fixture
def kube_api(tmp_path: Path) -> Iterator[KubeApiHandle]:
    """A fresh Kubernetes API stand-in and kubeconfig for one test."""
    server = KubeApiStandin(contexts=list(NAMESPACES)).start()
    try:
        kubeconfig = write_kubeconfig(tmp_path / "kubeconfig", server)
        cache = tmp_path / "kube-cache"
        cache.mkdir()
        yield KubeApiHandle(server=server, kubeconfig=kubeconfig, cache_dir=cache)
    finally:
        leftover = server.close()
        assert not leftover, f"Kubernetes API stand-in threads still running: {leftover}"
