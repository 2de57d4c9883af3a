"""Resources shared by the checks of one run: HTTP clients, a thread pool, per-check memory."""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import ssl
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    import httpx

T = TypeVar("T")

DEFAULT_CONCURRENCY = 16
POOL_SIZE = 4
"""Connections per pooled HTTP client (see :meth:`ProbeContext.http_client`)."""


def _cache_missing_sniffio() -> None:
    """Make ``import sniffio`` fail fast when it is not installed.

    httpcore tries ``import sniffio`` on every request; Python does not cache a failed import,
    so without this each request pays a full search of sys.path (about 0.4 s per 500 checks).
    A ``None`` entry in ``sys.modules`` is Python's own negative cache: the import still raises
    ImportError, only at once.
    """
    if "sniffio" not in sys.modules and importlib.util.find_spec("sniffio") is None:
        sys.modules["sniffio"] = None  # type: ignore[assignment]


class ProbeContext:
    """Shared state for probes in one event loop.

    One ``httpx.AsyncClient`` per TLS-verification setting (verification is a client-level
    option in httpx) and one per Docker socket; blocking libraries (kubernetes, psutil,
    azure-identity) run in daemon threads (see :meth:`run_blocking`).

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
        self._cache: dict[object, object] = {}
        self._closers: list[Callable[[], object]] = []
        self._turn = 0

    def resolve_path(self, path: str) -> Path:
        """``path`` with ``~`` expanded, relative to the config's directory."""
        p = Path(path).expanduser()
        return p if p.is_absolute() else self.base_dir / p

    def http_client(self, verify: bool | str = True) -> httpx.AsyncClient:
        """A shared client for HTTP(S) checks with this verification setting.

        Requests rotate over a few small clients instead of one large one: httpcore walks its
        whole pool (quadratically) on every request, so several pools of
        :data:`POOL_SIZE` connections cost far less than one pool of ``concurrency``.
        """
        _cache_missing_sniffio()
        import httpx

        shards = max(1, -(-self.concurrency // POOL_SIZE))
        self._turn = (self._turn + 1) % shards
        key = ("http", verify, self._turn)
        client = self._clients.get(key)
        if client is None:
            # One SSL context per setting, shared by the shards: loading CAs takes ~25 ms.
            if isinstance(verify, str):
                tls = self.cached(
                    ("tls", verify),
                    lambda: ssl.create_default_context(cafile=str(self.resolve_path(verify))),
                )
            else:
                tls = self.cached(("tls", verify), lambda: httpx.create_ssl_context(verify))
            client = httpx.AsyncClient(
                verify=tls,
                limits=httpx.Limits(
                    max_connections=POOL_SIZE,
                    max_keepalive_connections=POOL_SIZE,
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
        """Run a blocking call in a daemon thread and await its result.

        A daemon thread per call (bounded by the check semaphore) rather than a pool: a call
        stuck past its check's timeout (a slow credential chain, a wedged API) is abandoned
        and can never delay the exit of ``cockpit check``, which a pool's threads would.
        """
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()

        def deliver(value: T | None, error: BaseException | None) -> None:
            if future.done():
                return
            if error is not None:
                future.set_exception(error)
            else:
                future.set_result(value)  # type: ignore[arg-type]

        def work() -> None:
            try:
                value = fn()
            except BaseException as exc:
                with contextlib.suppress(RuntimeError):  # the loop may be closed by now
                    loop.call_soon_threadsafe(deliver, None, exc)
                return
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(deliver, value, None)

        threading.Thread(target=work, name="cockpit-health", daemon=True).start()
        return await future

    def on_close(self, fn: Callable[[], object]) -> None:
        """Call ``fn`` (blocking, errors ignored) when the context closes."""
        self._closers.append(fn)

    async def aclose(self) -> None:
        """Close the shared clients and anything registered with :meth:`on_close`."""
        clients, self._clients = list(self._clients.values()), {}
        for client in clients:
            await client.aclose()
        closers, self._closers = self._closers, []
        for fn in closers:
            with contextlib.suppress(Exception):
                fn()
