"""Pytest fixtures for the local Azure stand-in (plain HTTP and HTTPS)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from tests.support.azure_server import AzureStandIn
from tests.support.certs import make_tls_material

# Variables that would make azure-identity pick another credential source than App Service.
_OTHER_IDENTITY_VARS = (
    "IDENTITY_SERVER_THUMBPRINT",
    "IMDS_ENDPOINT",
    "MSI_ENDPOINT",
    "MSI_SECRET",
    "AZURE_CLIENT_ID",
    "AZURE_TENANT_ID",
    "AZURE_CLIENT_SECRET",
    "AZURE_FEDERATED_TOKEN_FILE",
    "AZURE_AUTHORITY_HOST",
)


@pytest.fixture
def azure_server() -> Iterator[AzureStandIn]:
    """The Azure stand-in over plain HTTP (ARM clients need ``enforce_https=False``)."""
    server = AzureStandIn().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def azure_tls_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AzureStandIn]:
    """The Azure stand-in over HTTPS; clients trust ``server.ca_path``."""
    tls = make_tls_material(tmp_path_factory.mktemp("azure-tls"), valid_for=dt.timedelta(days=2))
    server = AzureStandIn(tls=tls).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def azure_managed_identity(
    azure_server: AzureStandIn, monkeypatch: pytest.MonkeyPatch
) -> AzureStandIn:
    """The plain-HTTP stand-in, with IDENTITY_ENDPOINT/IDENTITY_HEADER pointing at it."""
    for var in _OTHER_IDENTITY_VARS:
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("IDENTITY_ENDPOINT", azure_server.identity_endpoint)
    monkeypatch.setenv("IDENTITY_HEADER", azure_server.identity_header)
    return azure_server
