"""Real Prometheus servers for tests: imported fixed data, or live node-exporter scrapes.

Fixed data: an OpenMetrics document is turned into TSDB blocks with ``promtool tsdb
create-blocks-from openmetrics`` and a Prometheus is started on that directory. Blocks are only
queryable at their own timestamps, so documents should use timestamps a little before now (see
:func:`minute_anchor`); retention is set to 100 years so that no block is ever deleted by age.

Flags used to keep it quiet and fast: ``--log.level=warn`` and a config without scrape jobs.
"""

from __future__ import annotations

import functools
import math
import subprocess
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import httpx

from tests.support.processes import WaitAborted, free_port, stop_process, wait_until

RETENTION = "100y"
QUIET_FLAGS = ("--log.level=warn", f"--storage.tsdb.retention.time={RETENTION}")


class PrometheusError(RuntimeError):
    """Prometheus, promtool or node-exporter failed."""


@dataclass
class PromServer:
    """A running Prometheus.

    Attributes:
        url: Base URL, ``http://127.0.0.1:PORT``.
        process: The prometheus child process.
        directory: Holds the config, the TSDB (``data/``) and the log.
        ready_seconds: Time from spawn to ``/-/ready`` answering 200.
    """

    url: str
    process: subprocess.Popen[bytes]
    directory: Path
    ready_seconds: float = 0.0
    companions: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def log_tail(self, lines: int = 30) -> str:
        """The end of the Prometheus log, for failure messages."""
        return _tail(self.directory / "prometheus.log", lines)

    def query(self, expr: str, at: float | None = None, timeout: float = 10.0) -> list[Any]:
        """Run an instant query through ``/api/v1/query`` and return ``data.result``.

        Raises:
            PrometheusError: The API answered with an error.
        """
        params = {"query": expr}
        if at is not None:
            params["time"] = f"{at:.3f}"
        resp = httpx.get(f"{self.url}/api/v1/query", params=params, timeout=timeout)
        body = resp.json()
        if resp.status_code != 200 or body.get("status") != "success":
            raise PrometheusError(f"query {expr!r} failed: {resp.status_code} {body}")
        result: list[Any] = body["data"]["result"]
        return result

    def stop(self) -> None:
        """Stop Prometheus and any companion process (e.g. node-exporter) by PID."""
        for proc in [self.process, *self.companions]:
            stop_process(proc, timeout=10.0)


def _tail(path: Path, lines: int) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return f"(no log at {path})"


def _answers(proc: subprocess.Popen[bytes], url: str) -> bool:
    """True once ``url`` answers 200; aborts the wait if the process has exited."""
    if proc.poll() is not None:
        raise WaitAborted(f"process {proc.pid} exited with {proc.returncode}")
    return httpx.get(url, timeout=1.0).status_code == 200


def minute_anchor(minutes_ago: int = 2, now: float | None = None) -> float:
    """A whole-minute Unix time ``minutes_ago`` before now: a good last timestamp for fixed data."""
    current = time.time() if now is None else now
    return float(math.floor(current / 60) * 60 - minutes_ago * 60)


def linear_points(
    *, end: float, step: float, count: int, increment: float, start_value: float = 0.0
) -> list[tuple[float, float]]:
    """``count`` (time, value) pairs ``step`` seconds apart ending at ``end``, rising linearly."""
    first = end - step * (count - 1)
    return [(first + i * step, start_value + i * increment) for i in range(count)]


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _labels(labels: Mapping[str, str]) -> str:
    if not labels:
        return ""
    return "{" + ",".join(f'{k}="{_escape(v)}"' for k, v in sorted(labels.items())) + "}"


def _number(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    return repr(float(value))


def openmetrics_family(
    family: str,
    kind: Literal["counter", "gauge"],
    series: Iterable[tuple[Mapping[str, str], Sequence[tuple[float, float]]]],
    help_text: str = "",
) -> str:
    """One OpenMetrics metric family.

    Args:
        family: Family name; counter samples get the ``_total`` suffix, as OpenMetrics requires.
        kind: ``counter`` or ``gauge``.
        series: (labels, points) for each series; points are (Unix seconds, value) in time order.
        help_text: Optional HELP line.
    """
    sample = f"{family}_total" if kind == "counter" else family
    lines = [f"# TYPE {family} {kind}"]
    if help_text:
        lines.append(f"# HELP {family} {help_text}")
    for labels, points in series:
        rendered = _labels(labels)
        lines.extend(f"{sample}{rendered} {_number(value)} {ts:.3f}" for ts, value in points)
    return "\n".join(lines) + "\n"


def openmetrics_document(*families: str) -> str:
    """Join families into a document with the mandatory ``# EOF`` terminator."""
    return "".join(families) + "# EOF\n"


def import_openmetrics(promtool: str, text: str, directory: Path) -> Path:
    """Write ``text`` to ``directory/fixture.om`` and turn it into TSDB blocks under ``data/``.

    Returns:
        The TSDB directory.

    Raises:
        PrometheusError: promtool rejected the document.
    """
    directory.mkdir(parents=True, exist_ok=True)
    source = directory / "fixture.om"
    source.write_text(text)
    data = directory / "data"
    proc = subprocess.run(
        [promtool, "tsdb", "create-blocks-from", "openmetrics", str(source), str(data)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if proc.returncode != 0:
        raise PrometheusError(f"promtool failed ({proc.returncode}): {proc.stderr or proc.stdout}")
    return data


def start_prometheus(
    prometheus: str,
    directory: Path,
    *,
    scrape_configs: str = "",
    scrape_interval: str = "15s",
    timeout: float = 20.0,
) -> PromServer:
    """Start Prometheus on ``directory/data`` and wait for ``/-/ready``.

    Args:
        prometheus: Path of the prometheus binary.
        directory: Working directory; the TSDB is ``directory/data`` (may already hold blocks).
        scrape_configs: YAML list items for ``scrape_configs`` (indented two spaces), or empty.
        scrape_interval: Global scrape interval.
        timeout: Seconds to wait for readiness.

    Raises:
        PrometheusError: It exited or never became ready; the message holds its log.
    """
    config = directory / "prometheus.yml"
    config.write_text(
        f"global:\n  scrape_interval: {scrape_interval}\n  evaluation_interval: {scrape_interval}\n"
        + (f"scrape_configs:\n{scrape_configs}" if scrape_configs else "")
    )
    port = free_port()
    started = time.monotonic()
    with (directory / "prometheus.log").open("ab") as log:
        proc = subprocess.Popen(
            [
                prometheus,
                f"--config.file={config}",
                f"--storage.tsdb.path={directory / 'data'}",
                f"--web.listen-address=127.0.0.1:{port}",
                *QUIET_FLAGS,
            ],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = PromServer(f"http://127.0.0.1:{port}", proc, directory)

    try:
        wait_until(
            functools.partial(_answers, proc, f"{server.url}/-/ready"),
            timeout=timeout,
            interval=0.05,
            what="prometheus /-/ready",
        )
    except (TimeoutError, WaitAborted) as exc:
        server.stop()
        raise PrometheusError(f"{exc}\n--- prometheus log ---\n{server.log_tail()}") from exc
    server.ready_seconds = time.monotonic() - started
    return server


@dataclass
class LivePrometheus:
    """Prometheus scraping a real node-exporter every second.

    Attributes:
        server: The Prometheus.
        exporter_url: node-exporter's base URL.
        textfile_dir: Files ``*.prom`` written here are exposed by node-exporter's textfile
            collector on its next scrape (write a temp name, then rename: no half file is read).
        first_sample_seconds: Time from spawn until ``up{job="node"}`` had a sample.
    """

    server: PromServer
    exporter_url: str
    textfile_dir: Path
    first_sample_seconds: float = 0.0


def start_live_prometheus(
    prometheus: str, node_exporter: str, directory: Path, *, timeout: float = 30.0
) -> LivePrometheus:
    """Start node-exporter (a few cheap collectors plus textfile) and Prometheus scraping it.

    Returns once the first scrape is queryable (about 5-6 s: Prometheus hands new targets to the
    scrape manager on a 5 s tick).

    Raises:
        PrometheusError: Either process failed to come up.
    """
    started = time.monotonic()
    textfile_dir = directory / "textfile"
    textfile_dir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    with (directory / "node-exporter.log").open("ab") as log:
        exporter = subprocess.Popen(
            [
                node_exporter,
                f"--web.listen-address=127.0.0.1:{port}",
                "--collector.disable-defaults",
                "--collector.loadavg",
                "--collector.meminfo",
                "--collector.textfile",
                f"--collector.textfile.directory={textfile_dir}",
                "--log.level=warn",
            ],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    exporter_url = f"http://127.0.0.1:{port}"
    try:
        wait_until(
            functools.partial(_answers, exporter, f"{exporter_url}/metrics"),
            timeout=10.0,
            what=lambda: "node-exporter /metrics\n" + _tail(directory / "node-exporter.log", 20),
        )
        scrape = (
            "  - job_name: node\n"
            "    scrape_interval: 1s\n"
            "    scrape_timeout: 1s\n"
            f"    static_configs:\n      - targets: ['127.0.0.1:{port}']\n"
        )
        server = start_prometheus(
            prometheus, directory, scrape_configs=scrape, scrape_interval="1s"
        )
    except WaitAborted as exc:
        stop_process(exporter)
        tail = _tail(directory / "node-exporter.log", 20)
        raise PrometheusError(f"node-exporter: {exc}\n--- log ---\n{tail}") from exc
    except Exception:
        stop_process(exporter)
        raise
    server.companions.append(exporter)
    live = LivePrometheus(server, exporter_url, textfile_dir)
    try:
        wait_until(
            lambda: server.query('up{job="node"} == 1'),
            timeout=timeout,
            interval=0.2,
            what=lambda: "first node-exporter scrape\n" + server.log_tail(),
        )
    except TimeoutError:
        server.stop()
        raise
    live.first_sample_seconds = time.monotonic() - started
    return live
