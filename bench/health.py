"""Health-check round: `cockpit check` over N HTTP checks vs a plain httpx baseline.

A local asyncio HTTP server (its own process) answers every check. Each run times, as wall
clock from process start to exit:

* cockpit: ``python -m cockpit --config F check --json`` with N http checks;
* baseline: ``python -c`` importing httpx and sending the same N GETs with the same
  concurrency (an asyncio.Semaphore) through one AsyncClient with httpx's default limits.

Prints the median of each over the runs and the ratio. Target: cockpit round <= 1.5 s for 500.

    python bench/health.py [--checks 500] [--runs 5] [--concurrency 16]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RESPONSE = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok"

BASELINE = """
import asyncio, sys, httpx
port, n, conc = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
async def main():
    sem = asyncio.Semaphore(conc)
    async with httpx.AsyncClient(trust_env=False) as client:
        async def one(i):
            async with sem:
                r = await client.get(f"http://127.0.0.1:{port}/s{i}", timeout=10)
                return r.status_code == 200
        ok = await asyncio.gather(*(one(i) for i in range(n)))
    sys.exit(0 if all(ok) else 1)
asyncio.run(main())
"""


async def _handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            if not head:
                break
            writer.write(RESPONSE)
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()


async def _serve(port: int) -> None:
    server = await asyncio.start_server(_handle, "127.0.0.1", port, backlog=1024)
    async with server:
        await server.serve_forever()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _wait_listening(port: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("bench server did not start")


def _config(path: Path, port: int, n: int) -> None:
    lines = ["environments:", "  local: {protection: none}", "services:"]
    for i in range(n):
        lines += [
            f"  - name: svc{i:04d}",
            "    interval: 5s",
            "    checks:",
            f'      - http: {{url: "http://127.0.0.1:{port}/s{i}", '
            'conditions: ["[STATUS] == 200"]}',
        ]
    path.write_text("\n".join(lines) + "\n")


def _time(argv: list[str], env: dict[str, str]) -> tuple[float, subprocess.CompletedProcess[str]]:
    start = time.monotonic()
    proc = subprocess.run(
        argv, capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL, timeout=120
    )
    return time.monotonic() - start, proc


def _tui_round(config: Path, env: dict[str, str], n: int, keys: bool) -> tuple[float, list[float]]:
    """One cockpit start under a pty.

    Returns the seconds from the first frame until the Health pane reports all N up and, with
    ``keys``, the latencies of cursor moves in the services table measured from outside the
    app afterwards, while every check keeps running on its interval: the time from writing
    the key to the terminal until the moved-to row is repainted.
    """
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from ptyrun import PtySession

    session = PtySession([sys.executable, "-m", "cockpit", "--config", str(config)], env=env)
    samples: list[float] = []
    try:
        session.wait_for(b"Checklists", timeout=30)
        start = time.perf_counter()
        session.wait_for(f" {n} up ".encode(), timeout=60)
        elapsed = time.perf_counter() - start
        if keys:
            os.write(session.master, b"1")  # focus the services table
            session.read_for(0.5)
            for i in range(60):
                key, row = (b"\x1b[B", b"svc0001") if i % 2 == 0 else (b"\x1b[A", b"svc0000")
                session.drain()
                t0 = time.perf_counter()
                os.write(session.master, key)
                got = bytearray()
                while time.perf_counter() - t0 < 5:
                    got += session.read_for(0.002)
                    if row in got:
                        samples.append(time.perf_counter() - t0)
                        break
                session.read_for(0.05)
        return elapsed, samples
    finally:
        session.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--checks", type=int, default=500)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        asyncio.run(_serve(args.serve))
        return 0
    py = sys.executable
    port = _free_port()
    server = subprocess.Popen([py, __file__, "--serve", str(port)], stdin=subprocess.DEVNULL)
    try:
        _wait_listening(port)
        with tempfile.TemporaryDirectory() as tmp:
            config = Path(tmp) / "cockpit.yaml"
            _config(config, port, args.checks)
            env = {
                **os.environ,
                "XDG_CONFIG_HOME": os.path.join(tmp, "config"),
                "XDG_DATA_HOME": os.path.join(tmp, "data"),
                "COCKPIT_STATE": os.path.join(tmp, "state.db"),
            }
            env.pop("COCKPIT_CONFIG", None)
            cockpit = [py, "-m", "cockpit", "--config", str(config), "check", "--json",
                       "--concurrency", str(args.concurrency)]  # fmt: skip
            baseline = [py, "-c", BASELINE, str(port), str(args.checks), str(args.concurrency)]
            # Warm-up: bytecode, page cache, and the state file's creation.
            _time(cockpit, env)
            _time(baseline, env)
            cockpit_times: list[float] = []
            baseline_times: list[float] = []
            for _ in range(args.runs):
                # Interleaved so machine noise hits both alike.
                elapsed, proc = _time(cockpit, env)
                services = json.loads(proc.stdout)["services"] if proc.stdout else []
                up = sum(1 for s in services if s["status"] == "UP")
                if proc.returncode != 0 or up != args.checks:
                    print(f"cockpit check failed: exit {proc.returncode}, {up} UP\n{proc.stderr}")
                    return 1
                cockpit_times.append(elapsed)
                elapsed, proc = _time(baseline, env)
                if proc.returncode != 0:
                    print(f"baseline failed: {proc.stderr}")
                    return 1
                baseline_times.append(elapsed)
            tui_times = [_tui_round(config, env, args.checks, keys=False)[0] for _ in range(2)]
            last, latencies = _tui_round(config, env, args.checks, keys=True)
            tui_time = statistics.median([*tui_times, last])
    finally:
        server.kill()
        server.wait()
    c, b = statistics.median(cockpit_times), statistics.median(baseline_times)
    print(f"checks={args.checks} concurrency={args.concurrency} runs={args.runs}")
    for label, median, times in (
        ("cockpit check round", c, cockpit_times),
        ("httpx baseline     ", b, baseline_times),
    ):
        print(f"{label} : {median:.3f} s (median; runs {', '.join(f'{t:.2f}' for t in times)})")
    print(f"ratio               : {c / b:.2f}x   target: cockpit <= 1.5 s -> "
          f"{'met' if c <= 1.5 else 'NOT met'}")  # fmt: skip
    lat = sorted(latencies)
    p95 = lat[max(0, round(0.95 * len(lat) + 0.5) - 1)] if lat else float("nan")
    print(f"TUI round (first frame -> all {args.checks} up in the Health pane): {tui_time:.2f} s "
          f"(median of 3) "
          f"target <= 3 s; cursor key p50 {statistics.median(lat) * 1000:.0f} ms, "
          f"p95 {p95 * 1000:.0f} ms over {len(lat)} presses (target p95 < 50 ms)")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
