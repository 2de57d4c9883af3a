"""Pytest fixtures for a private Docker engine and ready-made test containers."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator

import pytest

from tests.support.backends import backends_required, require_binary
from tests.support.docker_engine import (
    Container,
    DockerContainers,
    DockerEngine,
    build_busybox_image,
    start_docker_engine,
    start_test_containers,
)


@pytest.fixture(scope="session")
def docker_engine() -> Iterator[DockerEngine]:
    """A private dockerd with the ``cockpit/busybox:test`` image, stopped at session end."""
    dockerd = require_binary("dockerd")
    docker = require_binary("docker")
    busybox = require_binary("busybox")
    if os.geteuid() != 0:
        reason = "a private dockerd needs root"
        if backends_required():
            pytest.fail(reason)
        pytest.skip(reason)
    engine = start_docker_engine(dockerd, docker)
    try:
        engine.image_seconds = build_busybox_image(engine, busybox)
        yield engine
    finally:
        engine.stop()


@pytest.fixture
def docker_containers(docker_engine: DockerEngine) -> Iterator[DockerContainers]:
    """Fresh healthy, unhealthy, exited, chatty and hostile containers, removed after the test."""
    started: list[Container] = []
    try:
        yield start_test_containers(docker_engine, secrets.token_hex(3), started)
    finally:
        if started:
            docker_engine.cli("rm", "-f", *(c.id for c in started), check=False)
