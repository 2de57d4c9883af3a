"""azure_webapp log source: real azure-identity against the Azure stand-in, a Kudu-like stream.

The token comes from the stand-in's managed-identity endpoint; the log stream is a
:class:`ChunkedServer` that accepts only tokens the stand-in issued and answers like Kudu on
Linux (welcome, the ends of the log files, live lines, heartbeats) or on Windows (no replay).
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from cockpit.config.environments import AzureTarget
from cockpit.sources.logs.azure_webapp import AzureWebappSource
from cockpit.sources.logs.base import Backoff, NotConfigured, SourceState, StreamOptions
from cockpit.sources.logs.factory import build_source
from tests.support.azure_server import AzureStandIn
from tests.support.chunked_server import ChunkedServer, Refusal
from tests.support.config_files import load_ok, write_config
from tests.support.logsink import RecordingSink, running
from tests.support.processes import free_port
from tests.support.stream_checks import assert_cancel_closes_streams

pytestmark = pytest.mark.integration

SUB = "00000000-1111-2222-3333-444444444444"
LOG_FILE = "/home/LogFiles/2024_05_01_lw0sdlwk0001_default_docker.log"


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime())


def _stamped(text: str) -> bytes:
    return f"{_now()}.{time.time_ns() % 10**9:09d}Z {text}".encode()


@dataclass
class Kudu:
    """A Kudu-like log stream in front of one app log file."""

    azure: AzureStandIn
    linux: bool = True
    refuse_all: bool = False
    lines: list[bytes] = field(default_factory=list)
    server: ChunkedServer = field(init=False)

    def __post_init__(self) -> None:
        self.server = ChunkedServer(
            "/api/logstream", preamble=self.preamble, authorize=self.authorize
        ).start()

    def authorize(self, headers: Mapping[str, str]) -> Refusal | None:
        scheme, _, token = headers.get("authorization", "").partition(" ")
        if self.refuse_all or scheme != "Bearer" or token not in self.azure.tokens:
            return 401, b"401 - Unauthorized: Access is denied due to invalid credentials."
        return None

    def preamble(self) -> bytes:
        out = [f"{_now()}  Welcome, you are now connected to log-streaming service.".encode()]
        if self.linux:
            out.append(b"Starting Log Tail -n 10 of existing logs ----")
            out.append(f"{LOG_FILE}  (https://app.scm.azurewebsites.net/api/vfs/x.log)".encode())
            out.extend(self.lines[-10:])
            out += [b"", b"Ending Log Tail of existing logs ---", b"Starting Live Log Stream ---"]
        return b"\r\n".join(out) + b"\r\n"

    def log(self, *texts: str) -> list[str]:
        """The app writes lines: stored in its file and streamed to open connections."""
        raws = [_stamped(t) for t in texts]
        self.lines.extend(raws)
        self.server.append(b"".join(r + b"\n" for r in raws))
        return [r.decode() for r in raws]

    def heartbeat(self) -> None:
        self.server.append(f"{_now()}  No new trace in the past 1 min(s).\r\n".encode())


@pytest.fixture
def kudu(azure_managed_identity: AzureStandIn) -> Iterator[Kudu]:
    k = Kudu(azure_managed_identity)
    try:
        yield k
    finally:
        k.server.stop()


def _source(kudu: Kudu, **kwargs: object) -> AzureWebappSource:
    target = AzureTarget(subscription=SUB, arm_endpoint=kudu.azure.url)
    return AzureWebappSource(
        "web",
        "shop-api",
        target,
        scm_url=kudu.server.url,
        backoff=Backoff(base=0.05, cap=0.3),
        **kwargs,  # type: ignore[arg-type]
    )


def _token_requests(azure: AzureStandIn) -> list[str | None]:
    return [r.param("resource") for r in azure.requests if r.path == "/msi/token"]


async def test_replayed_tail_then_live_lines(kudu: Kudu) -> None:
    old = kudu.log(*(f"old {i}" for i in range(12)))
    sink = RecordingSink()
    async with running(_source(kudu), sink):
        await sink.wait_for(lambda: len(sink.all) == 10)
        new = kudu.log("INFO fresh one", "ERROR fresh two")
        kudu.heartbeat()
        await sink.wait_for(lambda: len(sink.all) == 12)
        await asyncio.sleep(0.2)
    # Kudu's messages, the file header and the markers are not the app's lines.
    assert sink.texts == old[-10:] + new
    assert sink.all[-1].level == "ERROR"
    assert sink.all[-1].ts == pytest.approx(time.time(), abs=30)
    assert sink.statuses == [(SourceState.LIVE, "")]
    (request,) = kudu.server.requests
    assert request.headers["authorization"].removeprefix("Bearer ") in kudu.azure.tokens
    # The token is for the environment's ARM endpoint.
    assert _token_requests(kudu.azure) == [kudu.azure.url]


async def test_drop_resumes_without_repeating_the_replayed_tail(kudu: Kudu) -> None:
    written = kudu.log("a 1", "a 2", "a 3")
    source = _source(kudu)
    sink = RecordingSink()
    async with running(source, sink):
        await sink.wait_for(lambda: len(sink.all) == 3)
        for round_ in range(3):
            written.extend(kudu.log(f"b {round_}"))
            await sink.wait_for(lambda: len(sink.all) == len(written))
            assert kudu.server.drop() == 1
            written.extend(kudu.log(f"while away {round_}"))  # lands in the tail replayed next time
            await sink.wait_for(lambda: len(sink.all) == len(written))
        await asyncio.sleep(0.3)
    assert sink.texts == written
    assert source.resume.dropped >= 3 * 4  # each reconnect replays what was seen before
    assert len(kudu.server.requests) == 4
    reasons = [r for s, r in sink.statuses if s is SourceState.RECONNECTING]
    assert reasons and all(r.startswith("log stream dropped: ") for r in reasons)


async def test_clean_end_reconnects_with_kudus_reason(kudu: Kudu) -> None:
    kudu.linux = False  # the Windows stream: no replay, new lines only
    sink = RecordingSink()
    async with running(_source(kudu), sink):
        await sink.wait_state(SourceState.LIVE)
        await asyncio.sleep(0.1)
        first = kudu.log("one")
        await sink.wait_for(lambda: len(sink.all) == 1)
        kudu.server.append(f"{_now()}  Stream terminated due to timeout 120 min(s).\r\n".encode())
        kudu.server.finish()
        await sink.wait_for(
            lambda: len(kudu.server.requests) == 2 and kudu.server.open_streams == 1
        )
        second = kudu.log("two")
        await sink.wait_for(lambda: len(sink.all) == 2)
    assert sink.texts == first + second
    assert (
        SourceState.RECONNECTING,
        "log stream ended: Stream terminated due to timeout 120 min(s).",
    ) in [(s, re.sub(r"; retrying in .*$", "", r)) for s, r in sink.statuses]


async def test_rejected_credentials_are_an_error_then_recover(kudu: Kudu) -> None:
    kudu.refuse_all = True
    sink = RecordingSink()
    async with running(_source(kudu), sink):
        await sink.wait_for(lambda: len(kudu.server.requests) >= 2)
        state, reason = sink.statuses[0]
        assert state is SourceState.ERROR
        host = kudu.server.url.removeprefix("http://")
        assert re.fullmatch(
            rf"credentials rejected by {re.escape(host)} \(HTTP 401\); retrying in \d+\.\ds", reason
        )
        kudu.refuse_all = False
        await sink.wait_state(SourceState.LIVE)
        line = kudu.log("back")
        await sink.wait_for(lambda: sink.texts == line)
    # After each 401 a new credential asked for a new token.
    assert len(_token_requests(kudu.azure)) >= 2


async def test_no_credential_and_unreachable_stream(kudu: Kudu) -> None:
    kudu.azure.fail_tokens = True
    sink = RecordingSink()
    await asyncio.wait_for(_source(kudu, options=StreamOptions(follow=False)).run(sink), 15)
    (status,) = sink.statuses
    assert status[0] is SourceState.ERROR
    assert status[1].startswith("no Azure credential: ")
    assert kudu.server.requests == []

    kudu.azure.fail_tokens = False
    target = AzureTarget(subscription=SUB, arm_endpoint=kudu.azure.url)
    port = free_port()
    sink = RecordingSink()
    source = AzureWebappSource(
        "web", "x", target, StreamOptions(follow=False), scm_url=f"http://127.0.0.1:{port}"
    )
    await asyncio.wait_for(source.run(sink), 15)
    assert sink.statuses == [
        (SourceState.ERROR, f"log stream unreachable at 127.0.0.1:{port}: connection refused")
    ]


async def test_one_shot_reads_the_replay_and_ends(kudu: Kudu) -> None:
    written = kudu.log(*(f"line {i}" for i in range(5)))
    sink = RecordingSink()
    started = time.monotonic()
    source = _source(kudu, options=StreamOptions(follow=False, tail=2))
    await asyncio.wait_for(source.run(sink), 15)
    assert time.monotonic() - started < 5
    assert sink.texts == written[-2:]
    assert sink.statuses[-1] == (SourceState.ENDED, "read what the log stream replays")


async def test_cancel_is_prompt(kudu: Kudu) -> None:
    sink = RecordingSink()
    task = asyncio.create_task(_source(kudu).run(sink))
    await sink.wait_state(SourceState.LIVE)
    await assert_cancel_closes_streams(task, lambda: kudu.server.open_streams)


def test_built_from_config_with_the_environments_azure_settings(tmp_path: Path) -> None:
    path = write_config(
        tmp_path,
        f"""
        environments:
          prod:
            azure: {{subscription: {SUB}, arm_endpoint: "https://management.usgovcloudapi.net"}}
          local: {{}}
        logs:
          - name: api
            azure_webapp: {{name: shop-api}}
          - name: gov
            azure_webapp: {{name: shop-api, scm_url: "https://shop-api.scm.azurewebsites.us/"}}
        """,
    )
    loaded = load_ok(path)
    config = loaded.config
    api, gov = config.logs
    source = build_source(api, "prod", loaded.base_dir, environment=config.environments["prod"])
    assert isinstance(source, AzureWebappSource)
    assert source.url == "https://shop-api.scm.azurewebsites.net/api/logstream"
    assert source.target.arm_endpoint == "https://management.usgovcloudapi.net"
    source = build_source(gov, "prod", loaded.base_dir, environment=config.environments["prod"])
    assert isinstance(source, AzureWebappSource)
    assert source.url == "https://shop-api.scm.azurewebsites.us/api/logstream"
    with pytest.raises(NotConfigured, match="environment 'local' has no azure: section"):
        build_source(api, "local", loaded.base_dir, environment=config.environments["local"])
