"""The Azure stand-in satisfies the real azure-identity and azure-mgmt-monitor clients."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
import pytest

from tests.support.azure_server import AzureStandIn

pytestmark = pytest.mark.integration

SUB = "00000000-1111-2222-3333-444444444444"
RG = "ops-rg"
WEB_APP = f"subscriptions/{SUB}/resourceGroups/{RG}/providers/Microsoft.Web/sites/sitef6141"
ARM_SCOPE = "https://management.azure.com/.default"


def monitor_client(server: AzureStandIn, credential: Any, **kwargs: Any) -> Any:
    from azure.mgmt.monitor import MonitorManagementClient

    # No retries: failures must show up at once, not after azure-core's back-off.
    return MonitorManagementClient(credential, SUB, base_url=server.url, retry_total=0, **kwargs)


def test_managed_identity_and_metrics_with_real_clients(
    azure_managed_identity: AzureStandIn,
) -> None:
    from azure.identity import ManagedIdentityCredential

    server = azure_managed_identity
    client = monitor_client(server, ManagedIdentityCredential())
    result = client.metrics.list(
        WEB_APP,
        timespan="2021-04-20T09:00:00Z/2021-04-20T14:00:00Z",
        interval="PT1H",
        metricnames="BlobCount,CpuPercentage",
        aggregation="average,minimum,maximum",
        enforce_https=False,
    )
    names = [m.name.value for m in result.value]
    assert names == ["BlobCount", "CpuPercentage"]
    blob_count = result.value[0]
    assert blob_count.unit == "Count"
    assert blob_count.timeseries[0].metadatavalues[0].value == "Hot"
    assert [p.average for p in blob_count.timeseries[0].data] == [7.0] * 5
    assert result.value[1].id.endswith(
        f"{WEB_APP}/providers/Microsoft.Insights/metrics/CpuPercentage"
    )

    token_requests = [r for r in server.requests if r.path == "/msi/token"]
    assert len(token_requests) == 1
    assert token_requests[0].headers["x-identity-header"] == server.identity_header
    assert token_requests[0].param("resource") == "https://management.azure.com"
    metrics_request = server.arm_requests()[0]
    token = metrics_request.headers["authorization"].removeprefix("Bearer ")
    assert server.tokens[token].kind == "managed_identity"
    assert metrics_request.param("metricnames") == "BlobCount,CpuPercentage"
    assert metrics_request.param("api-version") == "2024-02-01"


def test_errored_metric_activity_log_paging_and_alerts(
    azure_managed_identity: AzureStandIn,
) -> None:
    from azure.identity import ManagedIdentityCredential

    server = azure_managed_identity
    client = monitor_client(server, ManagedIdentityCredential())
    partial = client.metrics.list(
        WEB_APP, metricnames="MongoRequestsCount,MongoRequests", enforce_https=False
    )
    failed, ok = partial.value
    assert (failed.error_code, failed.timeseries) == ("InvalidSamplingType", [])
    assert ok.error_code == "Success" and ok.timeseries[0].data[0].average == 0.0

    events = list(
        client.activity_logs.list(
            filter="eventTimestamp ge '2015-01-21T20:00:00Z' and resourceGroupName eq 'ops-rg'",
            enforce_https=False,
        )
    )
    assert [e.caller for e in events] == ["admin@contoso.com"]
    pages = [r for r in server.arm_requests() if "eventtypes" in r.path]
    assert [r.param("$skiptoken") for r in pages] == [None, "page2"]

    alerts = client.metric_alerts.list_by_resource_group(RG, enforce_https=False)
    # The example carries no "name"; the id's last segment is the rule name.
    assert [(a.id.rsplit("/", 1)[-1], a.severity, a.evaluation_frequency) for a in alerts] == [
        ("highcpu", 3, dt.timedelta(minutes=1)),
        ("mediumcpu", 4, dt.timedelta(minutes=1)),
    ]


def test_plain_http_client_web_app_state_restart_and_token_expiry(
    azure_server: AzureStandIn,
) -> None:
    token = httpx.get(
        azure_server.identity_endpoint,
        params={"api-version": "2019-08-01", "resource": "https://management.azure.com"},
        headers={"X-IDENTITY-HEADER": azure_server.identity_header},
        timeout=5.0,
    ).json()["access_token"]
    site_url = f"{azure_server.url}/{WEB_APP}"
    auth = {"Authorization": f"Bearer {token}"}
    params = {"api-version": "2025-05-01"}
    with httpx.Client(timeout=5.0, headers=auth, params=params) as client:
        site = client.get(site_url).json()
        assert site["id"] == f"/{WEB_APP}"
        assert (site["name"], site["properties"]["state"]) == ("sitef6141", "Running")

        azure_server.set_site("sitef6141", "Stopped")
        assert client.get(site_url).json()["properties"]["state"] == "Stopped"
        listing = client.get(site_url.rsplit("/", 1)[0]).json()["value"]
        assert {s["name"]: s["properties"]["state"] for s in listing} == {
            "sitef6141": "Stopped",
            "sitef7252": "Running",
        }

        restart = client.post(f"{site_url}/restart", params={"softRestart": "true"})
        assert (restart.status_code, restart.content) == (200, b"")
        assert [(a.action, a.name, a.resource_group) for a in azure_server.site_actions] == [
            ("restart", "sitef6141", RG)
        ]
        assert client.get(site_url.replace("sitef6141", "nosuchsite")).status_code == 404
        missing_version = client.get(site_url, params={"api-version": ""})
        assert missing_version.json()["error"]["code"] == "MissingApiVersionParameter"

        azure_server.expire_tokens()
        expired = client.get(site_url)
        assert expired.status_code == 401
        assert expired.json()["error"]["code"] == "ExpiredAuthenticationToken"
        assert "invalid_token" in expired.headers["www-authenticate"]

    anonymous = httpx.get(site_url, params=params, timeout=5.0)
    assert anonymous.json()["error"]["code"] == "InvalidAuthenticationToken"


def test_token_failure_and_injected_arm_errors(azure_managed_identity: AzureStandIn) -> None:
    from azure.core.exceptions import ClientAuthenticationError, HttpResponseError
    from azure.identity import ManagedIdentityCredential

    server = azure_managed_identity
    server.fail_tokens = True
    with pytest.raises(ClientAuthenticationError):
        ManagedIdentityCredential().get_token(ARM_SCOPE)

    server.fail_tokens = False
    client = monitor_client(server, ManagedIdentityCredential())
    server.fail_next("/providers/Microsoft.Insights/metrics", 503)
    with pytest.raises(HttpResponseError) as info:
        client.metrics.list(WEB_APP, metricnames="BlobCount", enforce_https=False)
    assert info.value.status_code == 503
    assert client.metrics.list(WEB_APP, metricnames="BlobCount", enforce_https=False).value


def test_client_secret_over_https(azure_tls_server: AzureStandIn) -> None:
    from azure.core.exceptions import ClientAuthenticationError
    from azure.identity import ClientSecretCredential

    server = azure_tls_server
    assert server.ca_path is not None and server.url.startswith("https://")

    def credential(secret: str) -> Any:
        return ClientSecretCredential(
            "my-tenant",
            server.client_id,
            secret,
            authority=server.url,
            disable_instance_discovery=True,
            connection_verify=str(server.ca_path),
        )

    with pytest.raises(ClientAuthenticationError, match="AADSTS7000215"):
        credential("wrong-secret").get_token(ARM_SCOPE)

    client = monitor_client(
        server, credential(server.client_secret), connection_verify=str(server.ca_path)
    )
    alerts = client.metric_alerts.list_by_subscription()
    assert len(list(alerts)) == 2
    token_posts = [r for r in server.requests if r.path == "/my-tenant/oauth2/v2.0/token"]
    assert token_posts[-1].body.count(b"grant_type=client_credentials") == 1
    bearer = server.arm_requests()[-1].headers["authorization"].removeprefix("Bearer ")
    assert server.tokens[bearer].kind == "client_secret"
