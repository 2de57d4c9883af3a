"""Resources shared by the checks of one run: HTTP clients, a thread pool, per-check memory."""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    import httpx

T = TypeVar("T")

DEFAULT_CONCURRENCY = 16


class ProbeContext:
    """Shared state for probes in one event loop.

    One ``httpx.AsyncClient`` per TLS-verification setting (verification is a client-level
    option in httpx) and one per Docker socket; blocking libraries (kubernetes, psutil,
    azure-identity) run on a private thread pool so they never starve the loop's default one.

    Args:
        base_dir: Directory that relative paths in the config (kubeconfig, cwd) are resolved from.
        concurrency: How many checks may run at once.
    """

    def __init__(self, base_dir: Path | None = None, concurrency: int = DEFAULT_CONCURRENCY):
        self.base_dir = base_dir or Path.cwd()
        self.concurrency = concurrency
        self.semaphore = asyncio.Semaphore(concurrency)
        self.memo: dict[tuple[str, ...], object] = {}
        self._clients: dict[object, httpx.AsyncClient] = {}
        self._executor = ThreadPoolExecutor(
            max_workers=max(4, min(concurrency, 16)), thread_name_prefix="cockpit-health"
        )
        self._cache: dict[object, object] = {}

    def resolve_path(self, path: str) -> Path:
        """``path`` with ``~`` expanded, relative to the config's directory."""
        p = Path(path).expanduser()
        return p if p.is_absolute() else self.base_dir / p

    def http_client(self, verify: bool | str = True) -> httpx.AsyncClient:
        """The shared client for plain HTTP(S) checks with this verification setting."""
        import httpx

        key = ("http", verify)
        client = self._clients.get(key)
        if client is None:
            tls: bool | ssl.SSLContext = (
                verify
                if isinstance(verify, bool)
                else (ssl.create_default_context(cafile=str(self.resolve_path(verify))))
            )
            client = httpx.AsyncClient(
                verify=tls,
                limits=httpx.Limits(
                    max_connections=self.concurrency * 4,
                    max_keepalive_connections=self.concurrency * 2,
                    keepalive_expiry=30.0,
                ),
                headers={"User-Agent": "ops-cockpit-health"},
                trust_env=False,
            )
            self._clients[key] = client
        return client

    def unix_client(self, socket_path: str) -> httpx.AsyncClient:
        """A client that speaks HTTP over a unix socket (the Docker Engine API)."""
        import httpx

        key = ("uds", socket_path)
        client = self._clients.get(key)
        if client is None:
            client = httpx.AsyncClient(
                transport=httpx.AsyncHTTPTransport(uds=socket_path),
                base_url="http://docker",
                trust_env=False,
            )
            self._clients[key] = client
        return client

    def cached(self, key: object, factory: Callable[[], T]) -> T:
        """A per-run object (API client, credential) built once per key."""
        if key not in self._cache:
            self._cache[key] = factory()
        value: T = self._cache[key]  # type: ignore[assignment]
        return value

    async def run_blocking(self, fn: Callable[[], T]) -> T:
        """Run a blocking call on the health thread pool."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, fn)

    async def aclose(self) -> None:
        """Close clients and let pool threads finish in the background."""
        clients, self._clients = list(self._clients.values()), {}
        for client in clients:
            await client.aclose()
        # A blocking call stuck past its timeout must not hold up shutdown.
        self._executor.shutdown(wait=False, cancel_futures=True)
