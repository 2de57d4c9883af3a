"""A private Docker engine for integration tests, plus a local busybox image.

The engine is a real ``dockerd`` on its own unix socket, data root and exec root under a short
directory in /tmp (unix socket paths, including containerd's under the exec root, must stay below
108 bytes, which pytest's tmp_path does not guarantee). It never touches a system daemon.

Flags and what this machine needed:

* ``--iptables=false --ip6tables=false --bridge=none``: no network setup at all, so no iptables
  and no bridge device are needed; containers run with ``--network none``.
* The default storage driver (overlay2) and the host's cgroups (v1) work here as root: dockerd
  20.10 answers ``/_ping`` 0.25-0.6 s after spawn. If a daemon cannot start (e.g. overlay on
  overlay), the start is retried with ``--storage-driver vfs``, which needs no kernel support
  beyond plain directories (checked here too: ready in about 0.3 s, and busybox runs).
* The docker CLI may be newer than the daemon (here 28.2 against 20.10); it negotiates the API
  version down by itself.
* There is no registry access, so the image is a busybox-static rootfs (one binary plus one
  symlink per applet) imported with ``docker import``.

Containers started through :meth:`DockerEngine.run` carry the label ``cockpit.test=1`` and are
removed with ``docker rm -f`` before the daemon gets SIGTERM, so shutdown does not wait for
processes that ignore SIGTERM.
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.support.processes import WaitAborted, kill_pidfile, stop_process, wait_until

BUSYBOX_IMAGE = "cockpit/busybox:test"
TEST_LABEL = "cockpit.test=1"
# Retried in order until one daemon answers /_ping; see the module docstring.
STORAGE_ATTEMPTS: tuple[tuple[str, ...], ...] = ((), ("--storage-driver", "vfs"))


class DockerEngineError(RuntimeError):
    """The daemon did not start or a docker CLI call failed."""


@dataclass
class DockerEngine:
    """A running private dockerd and the means to drive it.

    Attributes:
        directory: Short private directory holding sockets, data root, exec root and logs.
        socket: Path of the Engine API unix socket.
        docker_bin: The docker CLI used by :meth:`cli`.
        process: The dockerd child process.
        flags: Extra dockerd flags this instance needed (empty when the defaults worked).
        ready_seconds: Time from spawn to the first successful ``/_ping``.
        image_seconds: Time :func:`build_busybox_image` took (set by the fixture).
    """

    directory: Path
    socket: Path
    docker_bin: str
    process: subprocess.Popen[bytes]
    flags: tuple[str, ...] = ()
    ready_seconds: float = 0.0
    image_seconds: float = 0.0
    _cli_env: dict[str, str] = field(default_factory=dict, repr=False)

    @property
    def host(self) -> str:
        """The ``DOCKER_HOST`` style address, ``unix:///...``."""
        return f"unix://{self.socket}"

    @property
    def log_path(self) -> Path:
        """Where dockerd writes its log."""
        return self.directory / "dockerd.log"

    def log_tail(self, lines: int = 40) -> str:
        """The last lines of the daemon log, for failure messages."""
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no dockerd log)"
        return "\n".join(text.splitlines()[-lines:])

    def api(self, timeout: float = 10.0) -> httpx.Client:
        """An httpx client bound to the Engine API socket (the caller closes it)."""
        return httpx.Client(
            transport=httpx.HTTPTransport(uds=str(self.socket)),
            base_url="http://docker",
            timeout=timeout,
        )

    def cli(
        self, *args: str, timeout: float = 60.0, check: bool = True, input: bytes | None = None
    ) -> subprocess.CompletedProcess[str]:
        """Run the docker CLI against this engine.

        Raises:
            DockerEngineError: ``check`` is set and the command failed.
        """
        raw = subprocess.run(
            [self.docker_bin, "-H", self.host, *args],
            input=input,
            capture_output=True,
            timeout=timeout,
            env=self._cli_env,
            check=False,
        )
        proc = subprocess.CompletedProcess(
            raw.args,
            raw.returncode,
            raw.stdout.decode(errors="replace"),
            raw.stderr.decode(errors="replace"),
        )
        if check and proc.returncode != 0:
            raise DockerEngineError(
                f"docker {' '.join(args)} exited {proc.returncode}: {proc.stderr.strip()}"
            )
        return proc

    def run(
        self,
        name: str,
        *cmd: str,
        healthcheck: str | None = None,
        detach: bool = True,
        image: str = BUSYBOX_IMAGE,
        health_interval: str = "1s",
        health_retries: int = 1,
        extra_args: Sequence[str] = (),
    ) -> str:
        """Start a container with no network and return its full id.

        Args:
            name: Container name (at least two characters; docker rejects one-letter names).
            *cmd: Command and arguments run in the container.
            healthcheck: Shell command for a HEALTHCHECK (``CMD-SHELL``), or None for none.
            detach: Return at once (True) or wait for the container to exit (False).
            image: Image to run; the local busybox image by default.
            health_interval: Interval between health checks.
            health_retries: Consecutive failures before the container turns unhealthy.
            extra_args: More ``docker create`` arguments, placed before the image.
        """
        args = ["--name", name, "--network", "none", "--label", TEST_LABEL, *extra_args]
        if healthcheck is not None:
            args += [
                "--health-cmd",
                healthcheck,
                "--health-interval",
                health_interval,
                "--health-retries",
                str(health_retries),
                "--health-timeout",
                "5s",
            ]
        if detach:
            return self.cli("run", "-d", *args, image, *cmd).stdout.strip()
        cid = self.cli("create", *args, image, *cmd).stdout.strip()
        self.cli("start", "-a", cid, timeout=120.0, check=False)
        return cid

    def inspect_state(self, container: str) -> dict[str, object]:
        """The ``State`` object of a container, from the Engine API."""
        with self.api() as client:
            resp = client.get(f"/containers/{container}/json")
            resp.raise_for_status()
            state: dict[str, object] = resp.json()["State"]
            return state

    def health(self, container: str) -> str | None:
        """The HEALTHCHECK status (``starting``, ``healthy``, ``unhealthy``) or None without one."""
        health = self.inspect_state(container).get("Health")
        return str(health["Status"]) if isinstance(health, dict) else None

    def remove_test_containers(self) -> None:
        """Force-remove every container this harness created."""
        ids = self.cli("ps", "-aq", "--filter", f"label={TEST_LABEL}", check=False).stdout.split()
        if ids:
            self.cli("rm", "-f", *ids, check=False, timeout=60.0)

    def stop(self) -> None:
        """Remove test containers, stop dockerd (and its containerd) and delete the directory."""
        if self.process.poll() is None:
            # The daemon is stopped below even if the removal fails.
            with contextlib.suppress(subprocess.TimeoutExpired, OSError):
                self.remove_test_containers()
        stop_process(self.process, timeout=20.0)
        # dockerd normally stops its containerd; after a SIGKILL it cannot.
        kill_pidfile(
            self.directory / "exec" / "containerd" / "containerd.pid",
            must_mention=str(self.directory),
        )
        _unmount_below(self.directory)
        shutil.rmtree(self.directory, ignore_errors=True)


def _unmount_below(directory: Path) -> None:
    """Lazily unmount anything a killed daemon left mounted under ``directory``."""
    try:
        mounts = Path("/proc/self/mounts").read_text().splitlines()
    except OSError:
        return
    prefix = str(directory) + "/"
    targets = [
        m.split()[1] for m in mounts if len(m.split()) > 1 and m.split()[1].startswith(prefix)
    ]
    for target in sorted(targets, key=len, reverse=True):
        subprocess.run(["umount", "-l", target], capture_output=True, timeout=10, check=False)


def _answers(engine: DockerEngine) -> bool:
    if engine.process.poll() is not None:
        raise WaitAborted(f"dockerd exited with {engine.process.returncode}")
    if not engine.socket.exists():
        return False
    with engine.api(timeout=1.0) as client:
        return client.get("/_ping").text == "OK"


def _spawn(dockerd: str, directory: Path, flags: tuple[str, ...]) -> subprocess.Popen[bytes]:
    log = (directory / "dockerd.log").open("ab")
    try:
        return subprocess.Popen(
            [
                dockerd,
                "--data-root",
                str(directory / "root"),
                "--exec-root",
                str(directory / "exec"),
                "-H",
                f"unix://{directory / 'docker.sock'}",
                "--pidfile",
                str(directory / "pid"),
                "--iptables=false",
                "--ip6tables=false",
                "--bridge=none",
                *flags,
            ],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            # Its own session: a terminal's Ctrl-C goes to pytest, which then stops it in order.
            start_new_session=True,
        )
    finally:
        log.close()


def start_docker_engine(
    dockerd: str,
    docker_bin: str,
    *,
    timeout: float = 30.0,
    attempts: Sequence[tuple[str, ...]] = STORAGE_ATTEMPTS,
) -> DockerEngine:
    """Start a private dockerd and wait until its API answers ``/_ping``.

    Args:
        dockerd: Path of the dockerd binary.
        docker_bin: Path of the docker CLI.
        timeout: Seconds to wait for each start attempt.
        attempts: Extra dockerd flags for each attempt, tried in order.

    Raises:
        DockerEngineError: No attempt produced a daemon that answers; the message holds the log.
    """
    failures: list[str] = []
    for flags in attempts:
        directory = Path(tempfile.mkdtemp(prefix="ckd-", dir="/tmp"))
        (directory / "cli").mkdir()
        env = dict(os.environ, DOCKER_CONFIG=str(directory / "cli"))
        env.pop("DOCKER_HOST", None)
        started = time.monotonic()
        proc = _spawn(dockerd, directory, flags)
        engine = DockerEngine(directory, directory / "docker.sock", docker_bin, proc, flags)
        engine._cli_env = env
        try:
            wait_until(functools.partial(_answers, engine), timeout=timeout, what="dockerd /_ping")
        except (TimeoutError, WaitAborted) as exc:
            failures.append(f"flags {list(flags)}: {exc}\n--- dockerd log ---\n{engine.log_tail()}")
            engine.stop()
            continue
        engine.ready_seconds = time.monotonic() - started
        return engine
    raise DockerEngineError("dockerd did not start:\n" + "\n\n".join(failures))


def build_busybox_image(engine: DockerEngine, busybox: str, tag: str = BUSYBOX_IMAGE) -> float:
    """Import a busybox-static rootfs as ``tag`` and return the seconds it took.

    Every applet becomes a relative symlink to /bin/busybox (what ``busybox --install -s`` makes
    inside the rootfs), so no chroot is needed to build it.
    """
    started = time.monotonic()
    rootfs = engine.directory / "rootfs"
    bindir = rootfs / "bin"
    bindir.mkdir(parents=True, exist_ok=True)
    for sub in ("tmp", "proc", "sys", "dev", "etc"):
        (rootfs / sub).mkdir(exist_ok=True)
    shutil.copy2(busybox, bindir / "busybox")
    applets = subprocess.run(
        [busybox, "--list"], capture_output=True, text=True, timeout=10, check=True
    ).stdout.split()
    for applet in applets:
        link = bindir / applet
        if applet != "busybox" and not link.exists():
            link.symlink_to("busybox")
    (rootfs / "etc" / "passwd").write_text("root:x:0:0:root:/root:/bin/sh\n")
    tar = subprocess.run(
        ["tar", "-C", str(rootfs), "-c", "."], capture_output=True, timeout=60, check=True
    )
    engine.cli("import", "-", tag, input=tar.stdout, timeout=60.0)
    shutil.rmtree(rootfs, ignore_errors=True)
    return time.monotonic() - started


# sh as PID 1 ignores SIGTERM unless it traps it; the trap makes `docker stop` and `docker restart`
# take a fraction of a second instead of the 10 s grace period.
IDLE = "trap 'exit 0' TERM INT; while :; do sleep 0.2; done"
CHATTY = (
    "trap 'exit 0' TERM INT; i=0; while :; do i=$((i+1)); echo \"line $i\"; "
    'if [ $((i % 5)) -eq 0 ]; then echo "warn $i" >&2; fi; sleep 0.1; done'
)
# Terminal control sequences a hostile or broken program might print: window title, clipboard
# write (OSC 52), clear screen, colour, then a plain marker line.
HOSTILE = (
    r"printf '\033]0;pwned\007\033]52;c;ZXZpbA==\007\033[2J\033[31mred\033[0m\n';"
    " echo hostile-done; " + IDLE
)


@dataclass(frozen=True)
class Container:
    """A container started for a test."""

    id: str
    name: str


@dataclass(frozen=True)
class DockerContainers:
    """Ready-made containers, each in its final state once :func:`start_test_containers` returns.

    Attributes:
        healthy: Running; HEALTHCHECK ``test ! -e /tmp/sick`` passes (``touch /tmp/sick`` in the
            container turns it unhealthy about a second later).
        unhealthy: Running; HEALTHCHECK always fails (one retry, 1 s interval).
        exited: Printed ``bye`` and exited with code 3.
        chatty: Running; prints ``line N`` to stdout every 0.1 s and ``warn N`` to stderr after
            every fifth line.
        hostile: Running; printed terminal control sequences once, then ``hostile-done``.
    """

    healthy: Container
    unhealthy: Container
    exited: Container
    chatty: Container
    hostile: Container

    def all(self) -> tuple[Container, ...]:
        """Every container, in field order."""
        return (self.healthy, self.unhealthy, self.exited, self.chatty, self.hostile)


def start_test_containers(
    engine: DockerEngine, suffix: str, started: list[Container], *, timeout: float = 20.0
) -> DockerContainers:
    """Start the ready-made containers named ``<kind>-<suffix>`` and wait until they settle.

    Args:
        engine: The engine to run them on.
        suffix: Makes the names unique per test.
        started: Every container is appended here as soon as it exists, so the caller can remove
            them even when this function fails half-way.
        timeout: Seconds to wait for health checks and exits to reach their final state.
    """

    def start(kind: str, script: str, healthcheck: str | None = None) -> Container:
        name = f"{kind}-{suffix}"
        container = Container(engine.run(name, "sh", "-c", script, healthcheck=healthcheck), name)
        started.append(container)
        return container

    containers = DockerContainers(
        healthy=start("healthy", IDLE, healthcheck="test ! -e /tmp/sick"),
        unhealthy=start("unhealthy", IDLE, healthcheck="exit 1"),
        exited=start("exited", "echo bye; exit 3"),
        chatty=start("chatty", CHATTY),
        hostile=start("hostile", HOSTILE),
    )
    expected = {
        containers.healthy.id: ("running", "healthy"),
        containers.unhealthy.id: ("running", "unhealthy"),
        containers.exited.id: ("exited", None),
        containers.chatty.id: ("running", None),
        containers.hostile.id: ("running", None),
    }

    def settled() -> bool:
        for cid, (status, health) in expected.items():
            if engine.inspect_state(cid).get("Status") != status:
                return False
            if health and engine.health(cid) != health:
                return False
        return True

    wait_until(settled, timeout=timeout, interval=0.1, what="test containers to settle")
    return containers
