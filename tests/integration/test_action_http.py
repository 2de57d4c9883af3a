"""`http` actions through the gate against real HTTP servers on 127.0.0.1."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from cockpit.actions.gate import Gate
from cockpit.actions.model import Confirmation, Refused
from cockpit.state.store import Store
from tests.support.actions import action_gate, recorded, recorded_text, run_action
from tests.support.cockpit_cli import action_cli
from tests.support.fixtures_http import HttpServerFactory
from tests.support.http_servers import HttpServer, Request, Response
from tests.support.processes import free_port

pytestmark = pytest.mark.integration

SECRET = "s3cr3t-Jb7x2Qm9Lw4Zp8Kd"
CONFIG = """\
environments:
  local: {}
actions:
  - name: restart-job
    http:
      url: "BASE/api/v1/jobs/{job}/restart?note={note}"
      headers: {Authorization: "Bearer SECRET", X-Job: "{job}"}
    params:
      job: {type: pattern, pattern: "^[A-Za-z0-9/?&=.%#]+$"}
      note: {type: pattern, pattern: "^[a-z&= ]+$", default: "from cockpit"}
  - name: annotate
    http:
      url: BASE/api/v1/notes
      method: PUT
      body: '{"reason": "{reason}", "count": {count}, "env": "{environment}"}'
      expect: [202]
    params:
      reason: {type: pattern, pattern: '^[^\\x00-\\x1f]+$'}
      count: {type: int, min: 1, max: 5}
  - name: bad-body
    http:
      url: BASE/api/v1/notes
      body: '{"reason": {reason}}'
    params:
      reason: {type: name}
  - name: wait-for-it
    http: {url: BASE/hang}
    timeout: 1s
"""


def config(base: str) -> str:
    """The config with its requests going to ``base``."""
    return CONFIG.replace("BASE", base).replace("SECRET", SECRET)


def job_route(status: int = 200, body: str = "restart queued\njob 42 state: pending\n") -> Response:
    """What the jobs API answers."""
    return Response.text(body, status)


@pytest.fixture
def api(http_server_factory: HttpServerFactory) -> HttpServer:
    """A jobs API: restarts answer 200 with two lines, notes 202."""
    return http_server_factory(
        {
            "/api/v1/jobs/": lambda _r: job_route(),
            "/api/v1/notes": lambda _r: Response.json({"accepted": True}, 202),
        }
    )


@pytest.fixture
def gate(api: HttpServer, tmp_path: Path, state_store: Store) -> Gate:
    return action_gate(config(api.url), tmp_path, state_store)


def only(server: HttpServer, prefix: str) -> Request:
    """The one request whose path starts with ``prefix``."""
    (request,) = [r for r in server.requests if r.path.startswith(prefix)]
    return request


async def test_a_value_stays_one_path_segment_and_one_query_value(
    api: HttpServer, gate: Gate
) -> None:
    params = {"job": "a/b?x=1#top", "note": "ok&admin=yes"}

    plan, outcome = await run_action(gate, "restart-job", "local", params)

    assert plan.call.url == (
        f"{api.url}/api/v1/jobs/a%2Fb%3Fx%3D1%23top/restart?note=ok%26admin%3Dyes"
    )
    sent = only(api, "/api/v1/jobs/")
    assert sent.method == "POST"
    assert sent.path == "/api/v1/jobs/a%2Fb%3Fx%3D1%23top/restart"
    assert sent.query == {"note": ["ok&admin=yes"]}
    assert sent.headers["x-job"] == "a/b?x=1#top"
    assert outcome.ok and outcome.http_status == 200 and outcome.detail == "HTTP 200 OK"
    assert outcome.output == "restart queued\njob 42 state: pending"


async def test_a_json_body_holds_each_value_as_one_string(api: HttpServer, gate: Gate) -> None:
    reason = 'say "hi" \\ then {leave}, "x": 1'

    plan, outcome = await run_action(gate, "annotate", "local", {"reason": reason, "count": "3"})

    sent = only(api, "/api/v1/notes")
    assert sent.method == "PUT"
    assert sent.headers["content-type"] == "application/json"
    assert sent.json() == {"reason": reason, "count": 3, "env": "local"}
    assert plan.call.body == sent.body.decode()
    assert outcome.ok and outcome.http_status == 202
    with pytest.raises(Refused, match="the body is not JSON once its values are filled in"):
        await gate.prepare("bad-body", "local", {"reason": "web"})


async def test_header_values_are_sent_but_never_shown_nor_recorded(
    api: HttpServer, gate: Gate, state_store: Store
) -> None:
    plan, outcome = await run_action(gate, "restart-job", "local", {"job": "42"})

    assert only(api, "/api/v1/jobs/").headers["authorization"] == f"Bearer {SECRET}"
    assert SECRET not in "\n".join(plan.call.lines())
    assert SECRET not in recorded_text(state_store)
    assert SECRET not in outcome.output + outcome.detail
    assert plan.call.lines() == [
        f"target: 127.0.0.1:{api.port}",
        f"POST {api.url}/api/v1/jobs/42/restart?note=from%20cockpit",
    ]


async def test_a_status_outside_expect_fails_with_the_status_and_the_body_tail(
    api: HttpServer, gate: Gate, state_store: Store
) -> None:
    hostile = "\x1b]0;pwned\x07\x1b[2Jqueue full\ntoken=" + "Q" * 24 + "\nretry later"
    api.routes["/api/v1/jobs/"] = lambda _r: job_route(503, hostile)
    api.routes["/api/v1/notes"] = lambda _r: Response.json({"done": True}, 200)

    _, busy = await run_action(gate, "restart-job", "local", {"job": "42"})
    _, unexpected = await run_action(gate, "annotate", "local", {"reason": "why", "count": "1"})

    assert busy.status == "failed" and busy.http_status == 503
    assert busy.detail == "HTTP 503 Service Unavailable (expected 2xx)"
    lines = busy.output.splitlines()
    assert lines[0].endswith("queue full") and "\x1b" not in busy.output
    assert "Q" * 24 not in busy.output and lines[2] == "retry later"
    assert unexpected.status == "failed" and unexpected.detail == "HTTP 200 OK (expected 202)"
    assert [(a.outcome, a.http_status) for a in recorded(state_store)] == [
        ("failed", 503),
        ("failed", 200),
    ]


async def test_unreachable_timeout_cancel_and_no_dry_run(
    api: HttpServer, tmp_path: Path, state_store: Store
) -> None:
    dead = action_gate(config(f"http://127.0.0.1:{free_port()}"), tmp_path, state_store)
    _, refused = await run_action(dead, "restart-job", "local", {"job": "1"})
    gate = action_gate(config(api.url), tmp_path, state_store)
    _, slow = await run_action(gate, "wait-for-it", "local")
    plan = await gate.prepare("wait-for-it", "local", {})
    cancel = asyncio.Event()
    running = asyncio.create_task(gate.execute(plan, Confirmation(), cancel=cancel))
    await asyncio.sleep(0.3)
    cancel.set()
    cancelled = await asyncio.wait_for(running, 3)

    assert refused.status == "error"
    assert refused.detail == "could not reach 127.0.0.1: connection refused"
    assert slow.status == "timeout" and 1.0 <= slow.seconds < 3.0
    assert cancelled.status == "cancelled" and cancelled.seconds < 1.5
    with pytest.raises(Refused, match="http actions have no dry run"):
        await gate.prepare("restart-job", "local", {"job": "1"}, dry_run=True)
    assert [a.outcome for a in recorded(state_store)] == [
        "error",
        "timeout",
        "cancelled",
        "refused",
    ]


def test_restart_a_job_through_the_command_line(api: HttpServer, tmp_path: Path) -> None:
    (tmp_path / "c.yaml").write_text(config(api.url))

    done = action_cli(tmp_path, "restart-job", "--env", "local", "--param", "job=42")

    assert done.returncode == 0, done.stderr
    assert f"  POST {api.url}/api/v1/jobs/42/restart?note=from%20cockpit" in done.stdout
    assert "| restart queued\n| job 42 state: pending\n" in done.stdout
    assert "ok: HTTP 200 OK" in done.stdout
    assert SECRET not in done.stdout + done.stderr
    assert only(api, "/api/v1/jobs/").path == "/api/v1/jobs/42/restart"
