"""Pod logs through the Kubernetes API, like ``stern`` or ``kubectl logs -f``.

Every call uses the environment's context (named explicitly, never the kubeconfig's
current-context) and namespace. The target is one pod, a deployment (its label selector) or a
label selector; for the last two the pod list is read every ``poll`` seconds and new pods are
followed as they appear, their lines merged with the pod name as ``origin``.

Each container stream asks for ``follow=true&timestamps=true``. A dropped stream is resumed
with ``sinceTime`` = the last time shown; the API keeps whole seconds of it, so up to a second
comes again and is skipped (:class:`~.resume_stream.ResumeFilter`, per stream). A stream that
ends cleanly means the container stopped: a pod that is gone or finished is reported once
(the source stays LIVE while other pods stream; one followed pod ends the source), else the
stream is opened again once the container runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from cockpit.sources.health.describe import describe_error
from cockpit.sources.logs.base import (
    HEALTHY_AFTER,
    TAIL_ALL,
    Backoff,
    LogSink,
    LogSource,
    SourceState,
    StreamOptions,
)
from cockpit.sources.logs.http_stream import (
    body_chunks,
    body_message,
    error_text,
    settings_for,
)
from cockpit.sources.logs.kube_stream import KubeApi, PodInfo, label_selector, load_settings
from cockpit.sources.logs.lines import LineSplitter
from cockpit.sources.logs.resume_stream import (
    ResumeFilter,
    StampedDecoder,
    first_since,
    rfc3339_nano,
    split_stamp,
)
from cockpit.text.sanitize import excerpt

if TYPE_CHECKING:
    import httpx

    from cockpit.config.logs import LogSourceConfig
    from cockpit.sources.logs.factory import BuildContext


class KubeFailure(Exception):
    """The API refused or could not answer a call the whole source depends on."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class _Stream(enum.Enum):
    """Where one container stream stands."""

    LIVE = "live"
    WAITING = "waiting"
    RETRYING = "retrying"


LIVE, WAITING, RETRYING = _Stream.LIVE, _Stream.WAITING, _Stream.RETRYING


@dataclass
class _Origin:
    state: _Stream
    reason: str = ""


class KubernetesSource(LogSource):
    """Follow the logs of a pod, a deployment's pods or a label selector's pods.

    Args:
        name: Name of the configured source.
        context: kubeconfig context, always passed explicitly.
        namespace: Namespace of every call.
        kubeconfig: kubeconfig file (None: ``$KUBECONFIG``, else ``~/.kube/config``).
        pod: Follow this pod, or
        deployment: the pods of this deployment, or
        selector: the pods matching this label selector.
        container: Container to follow (default: the only or default one, else all).
        options: How to read (follow, tail, since).
        tail_default: Lines per pod at start when ``options.tail`` is None (None: all).
        since_default: Seconds back from the start to show (the entry's ``since``), or None.
        poll: Seconds between reads of the pod list.
        timeout: Connect timeout, and the whole timeout of calls that are not streams.
        backoff: Delays between attempts to reach the API.
        stream_backoff: Delays between attempts of one container stream (a new one per stream).
    """

    kind = "kubernetes"

    def __init__(
        self,
        name: str,
        *,
        context: str,
        namespace: str,
        kubeconfig: Path | None = None,
        pod: str | None = None,
        deployment: str | None = None,
        selector: str | None = None,
        container: str | None = None,
        options: StreamOptions | None = None,
        tail_default: int | None = 100,
        since_default: float | None = None,
        poll: float = 5.0,
        timeout: float = 10.0,
        backoff: Backoff | None = None,
        stream_backoff: Backoff | None = None,
    ) -> None:
        super().__init__(name, options, backoff=backoff)
        if [pod, deployment, selector].count(None) != 2:
            raise ValueError("give exactly one of pod, deployment or selector")
        self.context = context
        self.namespace = namespace
        self.kubeconfig = kubeconfig
        self.pod = pod
        self.deployment = deployment
        self.selector = selector
        self.container = container
        self.tail_default = tail_default
        self.since_default = since_default
        self.poll = poll
        self.timeout = timeout
        self._stream_backoff = stream_backoff or Backoff()
        self.followed: dict[str, asyncio.Task[str]] = {}
        """Pods followed so far (or finished), by name."""
        self.ended: dict[str, str] = {}
        """Why each finished pod ended."""
        self._origins: dict[str, _Origin] = {}
        self._decoders: dict[str, StampedDecoder] = {}
        self._active = 0
        self._note = ""
        self._changed = asyncio.Event()
        self._first_list = True
        self._started = 0.0

    def describe(self) -> str:
        """``kubernetes deployment/NAME`` (or ``pod/NAME``, ``selector``) in context/namespace."""
        what = (
            f"pod/{self.pod}"
            if self.pod
            else f"deployment/{self.deployment}"
            if self.deployment
            else self.selector
        )
        return f"kubernetes {what} ({self.context}/{self.namespace})"

    async def run(self, sink: LogSink) -> None:
        """Follow until the target ends or the task is cancelled."""
        self._started = time.time()
        follow = self.options.follow
        while True:
            try:
                api = await self._connect()
            except Exception as exc:  # kubeconfig problems of every kind: say which, retry
                why = _config_problem(exc, self.context)
                if not follow:
                    self.report(sink, SourceState.ERROR, why)
                    return
                await self.retry_later(sink, SourceState.ERROR, why)
                continue
            try:
                if await self._supervise(api, sink):
                    return
            finally:
                await api.aclose()

    async def _connect(self) -> KubeApi:
        from cockpit.sources.health.context import ProbeContext

        # In a daemon thread: an exec credential plugin that hangs must not hold the loop or
        # the exit.
        settings = await asyncio.wait_for(
            ProbeContext().run_blocking(
                lambda: load_settings(self.kubeconfig, self.context, self.timeout)
            ),
            # The plugin's own deadline comes first, so its reason (credentials) is the one shown.
            self.timeout + 2,
        )
        return KubeApi(settings, self.namespace, self.timeout)

    async def _supervise(self, api: KubeApi, sink: LogSink) -> bool:
        """Follow pods as they come; True when the source is done, False to reconnect."""
        async with asyncio.TaskGroup() as group:
            try:
                done = await self._poll(api, sink, group)
            finally:
                for task in self.followed.values():
                    task.cancel()
        # Pods cut off by a reconnect are followed again (from where they were) next time.
        for pod, task in list(self.followed.items()):
            if task.cancelled():
                del self.followed[pod]
        return done

    async def _poll(self, api: KubeApi, sink: LogSink, group: asyncio.TaskGroup) -> bool:
        import httpx

        follow = self.options.follow
        while True:
            self._changed.clear()
            try:
                pods = await self._pods(api)
            except (httpx.HTTPError, KubeFailure) as exc:
                why = (
                    str(exc)
                    if isinstance(exc, KubeFailure)
                    else f"kubernetes API unreachable (context {self.context}): "
                    + describe_error(exc, timeout=self.timeout)
                )
                if not follow:
                    self.report(sink, SourceState.ERROR, why)
                    return True
                if not self._has(LIVE):
                    state = SourceState.ERROR if self._first_list else SourceState.RECONNECTING
                    await self.retry_later(sink, state, why)
                else:
                    await asyncio.sleep(self.backoff.next_delay())
                if isinstance(exc, KubeFailure) and exc.status == 401:
                    return False  # read the kubeconfig again: the token may be new
                continue
            self.backoff.reset()
            for pod in pods:
                if pod.name not in self.followed and not pod.deleting:
                    if not self._first_list:
                        self._note = f"new pod {pod.name}"
                    self._active += 1
                    self.followed[pod.name] = group.create_task(
                        self._follow_pod(api, pod, sink, from_tail=self._first_list)
                    )
            self._first_list = False
            self._update(sink)
            if not follow or self.pod:
                running = [t for t in self.followed.values() if not t.done()]
                if running:
                    await asyncio.wait(running)
                return self._finish(sink)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), self.poll)

    def _finish(self, sink: LogSink) -> bool:
        if self.pod:
            why = self.ended.get(self.pod, f"pod {self.pod} ended")
        else:
            why = f"read {len(self.ended)} pod(s)"
        self.report(sink, SourceState.ENDED, why)
        return True

    async def _pods(self, api: KubeApi) -> list[PodInfo]:
        if self.pod:
            response = await api.get(api.path("pods", quote(self.pod, safe="")))
            if response.status_code == 404:
                if self.pod in self.followed:
                    return []
                raise KubeFailure(f"pod {self.pod!r} not found in namespace {self.namespace}")
            return [PodInfo.parse(self._body(response, "pod"))]
        selector = self.selector
        if self.deployment:
            response = await api.get(
                api.path("deployments", quote(self.deployment, safe=""), group="apps/v1")
            )
            if response.status_code == 404:
                raise KubeFailure(
                    f"deployment {self.deployment!r} not found in namespace {self.namespace}"
                )
            spec = self._body(response, "deployment").get("spec") or {}
            selector = label_selector(spec.get("selector") or {})
        response = await api.get(api.path("pods"), params={"labelSelector": selector or ""})
        items = self._body(response, "pod list").get("items") or []
        return sorted((PodInfo.parse(item) for item in items), key=lambda p: p.name)

    def _body(self, response: httpx.Response, what: str) -> dict[str, Any]:
        if response.status_code in (401, 403):
            raise KubeFailure(
                f"kubernetes API refused access to the {what} (HTTP {response.status_code}, "
                f"context {self.context}): {body_message(response.content)}",
                response.status_code,
            )
        if response.status_code != 200:
            raise KubeFailure(
                f"kubernetes API HTTP {response.status_code} reading the {what}: "
                f"{body_message(response.content)}"
            )
        try:
            body = response.json()
        except ValueError:
            raise KubeFailure(f"kubernetes API sent a {what} that is not JSON") from None
        return body if isinstance(body, dict) else {}

    async def _follow_pod(
        self, api: KubeApi, pod: PodInfo, sink: LogSink, *, from_tail: bool
    ) -> str:
        try:
            containers = pod.pick(self.container)
            if not containers:
                why = f"pod {pod.name} has no container {self.container!r}"
            else:
                merged = len(containers) > 1
                results = await asyncio.gather(
                    *(
                        self._follow_container(
                            api,
                            pod.name,
                            container,
                            f"{pod.name}/{container}" if merged else pod.name,
                            sink,
                            from_tail=from_tail,
                        )
                        for container in containers
                    )
                )
                why = results[0]
        finally:
            self._active -= 1
        self.ended[pod.name] = why
        for origin in [o for o in self._decoders if o == pod.name or o.startswith(f"{pod.name}/")]:
            del self._decoders[origin]  # a pod that ended is never followed again
        live = sum(1 for o in self._origins.values() if o.state is LIVE)
        followed = live and self.options.follow  # a one-shot read follows nothing
        self._note = f"{why}; {live} other stream(s) still followed" if followed else why
        self._update(sink)
        self._changed.set()
        return why

    async def _follow_container(
        self,
        api: KubeApi,
        pod: str,
        container: str,
        origin: str,
        sink: LogSink,
        *,
        from_tail: bool,
    ) -> str:
        """Stream one container until its pod is gone; returns why it ended."""
        import httpx

        follow = self.options.follow
        decoder = self._decoders.get(origin)
        if decoder is None:
            # Kept across reconnects: it knows the last line shown of this stream.
            decoder = StampedDecoder(self.name, origin=origin, max_len=self.options.max_len)
            self._decoders[origin] = decoder
        backoff = Backoff(self._stream_backoff.base, self._stream_backoff.cap)
        path = api.path("pods", quote(pod, safe=""), "log")
        try:
            while True:
                params = self._params(container, decoder.resume, from_tail=from_tail)
                opened = time.monotonic()
                try:
                    async with api.stream(path, params) as response:
                        if response.status_code == 404:
                            return f"pod {pod} was deleted"
                        if response.status_code != 200:
                            message = await error_text(response)
                            why = f"{origin}: kubernetes API HTTP {response.status_code}: {message}"
                            if not follow:
                                return why
                            waiting = response.status_code == 400  # e.g. "waiting to start"
                            self._set(sink, origin, WAITING if waiting else RETRYING, why)
                            await asyncio.sleep(self.poll if waiting else backoff.next_delay())
                            continue
                        self._set(sink, origin, LIVE)
                        await self._read(response, decoder, sink)
                except httpx.HTTPError as exc:
                    why = (
                        f"{origin}: log stream dropped: {describe_error(exc, timeout=self.timeout)}"
                    )
                    if not follow:
                        return why
                    if time.monotonic() - opened >= HEALTHY_AFTER:
                        backoff.reset()
                    self._set(sink, origin, RETRYING, why)
                    await asyncio.sleep(backoff.next_delay())
                    continue
                if not follow:
                    return f"read {origin}"
                # A clean end: the container stopped, or the pod is going away.
                gone, running = await self._check(api, pod, container)
                if gone is not None:
                    return gone
                if running:
                    self._set(sink, origin, RETRYING, f"{origin}: log stream ended; reopening")
                else:
                    why = f"{origin}: container {container} is not running"
                    self._set(sink, origin, WAITING, why)
                await asyncio.sleep(backoff.next_delay())
        finally:
            self._origins.pop(origin, None)

    def _params(self, container: str, resume: ResumeFilter, *, from_tail: bool) -> dict[str, str]:
        params = {"container": container, "timestamps": "true"}
        if self.options.previous:
            params["previous"] = "true"
        elif self.options.follow:
            params["follow"] = "true"
        if resume.last_ns is not None:
            params["sinceTime"] = rfc3339_nano(resume.last_ns)
            resume.resume()
            return params
        tail = self.options.tail if self.options.tail is not None else self.tail_default
        if from_tail and tail is not None and tail != TAIL_ALL and tail >= 0:
            params["tailLines"] = str(tail)
        since = first_since(self.options.since, self.since_default, self._started)
        if since is not None:
            params["sinceTime"] = rfc3339_nano(int(since * 1e9))
        return params

    async def _read(self, response: httpx.Response, decoder: StampedDecoder, sink: LogSink) -> None:
        splitter = LineSplitter()
        async with body_chunks(response) as chunks:
            async for chunk in chunks:
                self._deliver(sink, decoder, splitter.feed(chunk))
        self._deliver(sink, decoder, splitter.flush())

    def _deliver(self, sink: LogSink, decoder: StampedDecoder, raws: list[bytes]) -> None:
        if raws:
            stamped = [(None, *split_stamp(raw)) for raw in raws]
            self.emit(sink, decoder.decode(stamped, time.time()))

    async def _check(self, api: KubeApi, pod: str, container: str) -> tuple[str | None, bool]:
        """Why the pod will log no more (or None), and whether ``container`` is running."""
        import httpx

        try:
            response = await api.get(api.path("pods", quote(pod, safe="")))
        except httpx.HTTPError:
            return None, False
        if response.status_code == 404:
            return f"pod {pod} was deleted", False
        try:
            info = PodInfo.parse(response.json()) if response.status_code == 200 else None
        except ValueError:
            info = None
        if info is None:
            return None, False
        return info.finished(), container in info.running

    def _has(self, state: _Stream) -> bool:
        return any(o.state is state for o in self._origins.values())

    def _set(self, sink: LogSink, origin: str, state: _Stream, reason: str = "") -> None:
        self._origins[origin] = _Origin(state, reason)
        if state is LIVE:
            self._note = ""
        self._update(sink)

    def _update(self, sink: LogSink) -> None:
        """The source's state from its streams' states (the best one wins)."""
        origins = list(self._origins.values())
        if any(o.state is LIVE for o in origins):
            self.report(sink, SourceState.LIVE, self._note)
            return
        retrying = [o.reason for o in origins if o.state is RETRYING]
        if retrying:
            self.report(sink, SourceState.RECONNECTING, retrying[-1])
            return
        waiting = [o.reason for o in origins if o.state is WAITING]
        if waiting:
            self.report(sink, SourceState.STALE, waiting[-1])
        elif not self._active and not self._first_list and not self.pod and self.options.follow:
            target = f"deployment {self.deployment}" if self.deployment else self.selector
            note = f"{self._note}; " if self._note else ""
            self.report(sink, SourceState.STALE, f"{note}no running pods of {target}; waiting")


def _config_problem(exc: BaseException, context: str) -> str:
    if isinstance(exc, TimeoutError):
        return f"kubeconfig context {context!r}: reading credentials timed out"
    text = excerpt(str(exc) or type(exc).__name__, 200)
    return f"kubeconfig context {context!r}: {text}"


def build(cfg: LogSourceConfig, ctx: BuildContext) -> LogSource:
    """A :class:`KubernetesSource` for a ``kubernetes:`` entry, in the environment's context."""
    target = settings_for(cfg, ctx, "kubernetes", "context and namespace")
    spec = cfg.kubernetes
    assert spec is not None
    return KubernetesSource(
        cfg.name,
        context=target.context,
        namespace=target.namespace,
        kubeconfig=ctx.path(target.kubeconfig) if target.kubeconfig else None,
        pod=spec.pod,
        deployment=spec.deployment,
        selector=spec.selector,
        container=spec.container,
        options=ctx.options,
        tail_default=spec.tail,
        since_default=spec.since,
        poll=spec.poll,
    )
