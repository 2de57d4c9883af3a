"""Reaching one kubeconfig context's API server for log streams, with httpx.

The kubeconfig is read by the official ``kubernetes`` client for the context named explicitly
(never the file's current-context): it resolves the server, credentials (tokens, client
certificates, exec plugins) and CA. Requests then go through an async httpx client built from
that configuration, so a follow can be cancelled at once and TCP keepalive notices a dead peer.
"""

from __future__ import annotations

import ssl
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cockpit.sources.logs.http_stream import keepalive_options, stream_timeout

if TYPE_CHECKING:
    import httpx

DEFAULT_CONTAINER_ANNOTATION = "kubectl.kubernetes.io/default-container"


@dataclass(frozen=True)
class KubeSettings:
    """How to reach one context's API server, resolved from the kubeconfig.

    Attributes:
        server: API server URL (may carry a path prefix).
        authorization: ``Authorization`` header value, when the context has a token.
        tls: TLS settings (CA, client certificate) for an https server.
        proxy: Proxy URL from the kubeconfig, if any.
        server_name: TLS server name to send instead of the URL's host, if any.
    """

    server: str
    authorization: str | None = None
    tls: ssl.SSLContext | None = None
    proxy: str | None = None
    server_name: str | None = None


def load_settings(
    kubeconfig: Path | None, context: str, timeout: float | None = None
) -> KubeSettings:
    """Resolve ``context`` (blocking: reads files, may run an exec credential plugin).

    ``kubeconfig`` None means ``$KUBECONFIG``, else ``~/.kube/config``, as kubectl does. An exec
    plugin gets ``timeout`` seconds (see :mod:`cockpit.sources.kube_credentials`).
    """
    from kubernetes import client, config

    from cockpit.sources.kube_credentials import kubeconfig_for

    cfg = client.Configuration()
    path = str(kubeconfig) if kubeconfig is not None else None
    resolved = kubeconfig_for(path, context, *([] if timeout is None else [timeout]))
    if resolved is None:  # no kubeconfig: the client says so in its words
        config.load_kube_config(  # type: ignore[no-untyped-call]
            config_file=path, context=context, client_configuration=cfg, persist_config=False
        )
    else:
        config.load_kube_config_from_dict(  # type: ignore[no-untyped-call]
            config_dict=resolved, context=context, client_configuration=cfg, persist_config=False
        )
    server = str(cfg.host).rstrip("/")
    auth: Any = cfg.auth_settings().get("BearerToken") or {}
    return KubeSettings(
        server=server,
        authorization=auth.get("value") or None,
        tls=_tls(cfg) if server.startswith("https://") else None,
        proxy=cfg.proxy or None,
        server_name=getattr(cfg, "tls_server_name", None) or None,
    )


def _tls(cfg: Any) -> ssl.SSLContext:
    if cfg.verify_ssl:
        tls = ssl.create_default_context(cafile=cfg.ssl_ca_cert or None)
    else:
        tls = ssl.create_default_context()
        tls.check_hostname = False
        tls.verify_mode = ssl.CERT_NONE
    if cfg.cert_file:
        tls.load_cert_chain(cfg.cert_file, cfg.key_file or None)
    return tls


class KubeApi:
    """An async client for one context's API server (see the module docstring).

    Args:
        settings: From :func:`load_settings`.
        namespace: The namespace every call is made in.
        timeout: Connect timeout, and the whole timeout of calls that are not streams.
    """

    def __init__(self, settings: KubeSettings, namespace: str, timeout: float) -> None:
        import httpx

        self.namespace = namespace
        self.timeout = timeout
        self.server = settings.server
        headers = {"Accept": "application/json", "User-Agent": "ops-cockpit"}
        if settings.authorization:
            headers["Authorization"] = settings.authorization
        transport = httpx.AsyncHTTPTransport(
            verify=settings.tls or False,
            proxy=settings.proxy,
            socket_options=keepalive_options(),
        )
        self.extensions = (
            {"sni_hostname": settings.server_name} if settings.server_name and settings.tls else {}
        )
        self.client = httpx.AsyncClient(
            transport=transport,
            base_url=self.server,
            headers=headers,
            timeout=timeout,
            trust_env=False,
        )

    def path(self, *parts: str, group: str = "") -> str:
        """``/api/v1/namespaces/NS/...`` (or ``/apis/GROUP/namespaces/NS/...``)."""
        from urllib.parse import quote

        prefix = f"/apis/{group}" if group else "/api/v1"
        return "/".join([prefix, "namespaces", quote(self.namespace, safe=""), *parts])

    async def get(self, path: str, params: dict[str, str] | None = None) -> httpx.Response:
        """A bounded GET (raises ``httpx.HTTPError`` on transport errors)."""
        return await self.client.get(path, params=params, extensions=self.extensions)

    @asynccontextmanager
    async def stream(self, path: str, params: dict[str, str]) -> AsyncIterator[httpx.Response]:
        """A streamed GET: bounded connect, no read timeout; closed when the block exits."""
        async with self.client.stream(
            "GET",
            path,
            params=params,
            timeout=stream_timeout(self.timeout),
            extensions=self.extensions,
        ) as response:
            yield response

    async def aclose(self) -> None:
        """Close the connections."""
        await self.client.aclose()


@dataclass(frozen=True)
class PodInfo:
    """What the log source needs to know about a pod."""

    name: str
    containers: tuple[str, ...]
    default_container: str | None
    phase: str
    deleting: bool
    running: frozenset[str]

    @classmethod
    def parse(cls, obj: dict[str, Any]) -> PodInfo:
        """From a Pod object as the API returns it."""
        meta = obj.get("metadata") or {}
        spec = obj.get("spec") or {}
        status = obj.get("status") or {}
        annotations = meta.get("annotations") or {}
        return cls(
            name=str(meta.get("name", "")),
            containers=tuple(str(c.get("name", "")) for c in spec.get("containers") or []),
            default_container=annotations.get(DEFAULT_CONTAINER_ANNOTATION),
            phase=str(status.get("phase") or "Unknown"),
            deleting=bool(meta.get("deletionTimestamp")),
            running=frozenset(
                str(cs.get("name"))
                for cs in status.get("containerStatuses") or []
                if "running" in (cs.get("state") or {})
            ),
        )

    def pick(self, wanted: str | None) -> list[str]:
        """Containers to follow: ``wanted``, else the only or default one, else all of them."""
        if wanted is not None:
            return [wanted] if wanted in self.containers else []
        if len(self.containers) == 1:
            return list(self.containers)
        if self.default_container in self.containers:
            return [str(self.default_container)]
        return list(self.containers)

    def finished(self) -> str | None:
        """Why no more lines will come from this pod, or None while it may still log."""
        if self.deleting:
            return f"pod {self.name} is being deleted"
        if self.phase in ("Succeeded", "Failed"):
            return f"pod {self.name} {self.phase.lower()}"
        return None


def label_selector(selector: dict[str, Any]) -> str:
    """A LabelSelector object (``matchLabels``, ``matchExpressions``) as selector text."""
    terms = [f"{k}={v}" for k, v in sorted((selector.get("matchLabels") or {}).items())]
    for expr in selector.get("matchExpressions") or []:
        key, op = expr.get("key", ""), expr.get("operator", "")
        values = ",".join(expr.get("values") or [])
        if op == "In":
            terms.append(f"{key} in ({values})")
        elif op == "NotIn":
            terms.append(f"{key} notin ({values})")
        elif op == "Exists":
            terms.append(key)
        elif op == "DoesNotExist":
            terms.append(f"!{key}")
    return ",".join(terms)
