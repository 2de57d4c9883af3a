"""A local stand-in for the Azure endpoints the cockpit uses, answering with published examples.

The real ``azure-identity`` and ``azure-mgmt-monitor`` clients talk to it unchanged:

* Managed identity (App Service protocol): ``GET /msi/token?api-version=2019-08-01&resource=R``
  with ``X-IDENTITY-HEADER``; point ``IDENTITY_ENDPOINT``/``IDENTITY_HEADER`` at
  :attr:`AzureStandIn.identity_endpoint` / :attr:`AzureStandIn.identity_header`.
* Entra ID client credentials: ``/{tenant}/v2.0/.well-known/openid-configuration`` and
  ``POST /{tenant}/oauth2/v2.0/token``. MSAL only accepts an https authority, so
  ``ClientSecretCredential`` needs the TLS variant (``AzureStandIn(tls=...)``).
* ARM, bearer token required: ``Microsoft.Web/sites`` get/list/restart/start/stop, Monitor
  metrics, metric definitions and namespaces, activity log, metric alerts. Bodies come from
  ``fixtures/azure/`` with ids, names, subscription and resource group rewritten to the request.
  Metric points outside a requested ``timespan`` are left out, as the service does;
  :meth:`AzureStandIn.shift_metrics` moves the examples' points near the test's own time.

Switches for failure tests: :attr:`AzureStandIn.fail_tokens` (token endpoints refuse: 400
``invalid_client``), :meth:`AzureStandIn.expire_tokens` (ARM answers 401
``ExpiredAuthenticationToken`` for every token issued so far), :meth:`AzureStandIn.fail_next`
(the next N ARM requests whose path contains a fragment get a chosen status).

Sites are global to the stand-in (any subscription and resource group sees the same ones); they
start as the two sites of ``ListWebAppsByResourceGroup.json``, both Running.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote

from tests.support.certs import TlsMaterial
from tests.support.http_servers import HttpServer, Request, Response
from tests.support.shared_fixtures import example_body

WEB_APP = "azure/web/GetWebApp.json"
WEB_APPS = "azure/web/ListWebAppsByResourceGroup.json"
METRICS = "azure/monitor/GetMetric.json"
METRICS_ERROR = "azure/monitor/GetMetricError.json"
METRIC_DEFINITIONS = "azure/monitor/GetMetricDefinitionsApplicationInsights.json"
METRIC_NAMESPACES = "azure/monitor/GetMetricNamespaces.json"
ACTIVITY_LOG = "azure/monitor/GetActivityLogsFiltered.json"
METRIC_ALERTS = "azure/monitor/listMetricAlert.json"

# Subscription and resource group the Microsoft.Web examples were recorded with.
EXAMPLE_SUB = "34adfa4f-cedf-4dc0-ba29-b6d1a69ab345"
EXAMPLE_RG = "testrg123"
EXAMPLE_SITE = "sitef6141"
MI_API_VERSION = "2019-08-01"

_SUB = r"/subscriptions/(?P<sub>[^/]+)"
_RG = _SUB + r"/resourceGroups/(?P<rg>[^/]+)"
_SITES = _RG + r"/providers/Microsoft\.Web/sites"


@dataclass(frozen=True)
class TokenGrant:
    """An access token the stand-in issued."""

    token: str
    kind: str  # "managed_identity" or "client_secret"
    audience: str
    expires_on: int


@dataclass(frozen=True)
class SiteAction:
    """A recorded POST to a site (restart, start or stop)."""

    action: str
    subscription: str
    resource_group: str
    name: str
    query: dict[str, list[str]]


def _arm_error(status: int, code: str, message: str) -> Response:
    return Response.json({"error": {"code": code, "message": message}}, status)


class AzureStandIn:
    """The stand-in server and its state; see the module docstring.

    Args:
        tls: Serve https with this material (needed for ``ClientSecretCredential``).
        client_id: The only client id the token endpoint accepts.
        client_secret: The only client secret the token endpoint accepts.
        token_lifetime: Seconds each issued token is valid.
    """

    def __init__(
        self,
        *,
        tls: TlsMaterial | None = None,
        client_id: str = "cockpit-client-id",
        client_secret: str = "cockpit-client-secret",
        token_lifetime: int = 3600,
    ) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.token_lifetime = token_lifetime
        self.identity_header = secrets.token_hex(8)
        self.fail_tokens = False
        self.tokens: dict[str, TokenGrant] = {}
        self.site_actions: list[SiteAction] = []
        self.sites: dict[str, str] = {
            s["name"].lower(): s["properties"]["state"] for s in example_body(WEB_APPS)["value"]
        }
        self.error_metric_names = {
            m["name"]["value"].lower()
            for m in example_body(METRICS_ERROR)["value"]
            if m.get("errorCode", "Success") != "Success"
        }
        self.metrics_shift = dt.timedelta(0)
        self._expired: set[str] = set()
        self._failures: list[list[Any]] = []
        self._lock = threading.Lock()
        self.server = HttpServer({"/": self._dispatch}, tls=tls, defaults=False)
        insights = r"/(?P<resource>.+)/providers/Microsoft\.Insights/"
        # (method, path regex matched case-insensitively in full, handler)
        self._routes: list[tuple[str, str, Callable[[Request, re.Match[str]], Response]]] = [
            ("GET", r"/msi/token", self._managed_identity_token),
            ("GET", r"/(?P<tenant>[^/]+)/v2\.0/\.well-known/openid-configuration", self._oidc),
            ("POST", r"/(?P<tenant>[^/]+)/oauth2/v2\.0/token", self._client_token),
            ("GET", _SITES, self._arm(self._list_sites)),
            ("GET", _SITES + r"/(?P<name>[^/]+)", self._arm(self._get_site)),
            ("POST", _SITES + r"/(?P<name>[^/]+)/(?P<action>restart|start|stop)",
             self._arm(self._site_action)),
            ("GET", insights + "metrics", self._arm(self._metrics)),
            ("GET", insights + "metricDefinitions", self._arm(self._example(METRIC_DEFINITIONS))),
            ("GET", insights + "metricNamespaces", self._arm(self._example(METRIC_NAMESPACES))),
            ("GET", _SUB + r"/providers/Microsoft\.Insights/eventtypes/management/values",
             self._arm(self._activity_log)),
            ("GET", _SUB + r"(/resourceGroups/[^/]+)?/providers/Microsoft\.Insights/metricAlerts",
             self._arm(self._metric_alerts)),
        ]  # fmt: skip

    # --- lifecycle and addresses -------------------------------------------------------------

    def start(self) -> AzureStandIn:
        """Start serving; returns self."""
        self.server.start()
        return self

    def stop(self) -> None:
        """Stop serving."""
        self.server.stop()

    @property
    def url(self) -> str:
        """Base URL, used as the ARM base URL and (https only) the authority host."""
        return self.server.url

    @property
    def ca_path(self) -> Path | None:
        """The CA certificate clients must trust (https variant only)."""
        return self.server.tls.ca_path if self.server.tls else None

    @property
    def identity_endpoint(self) -> str:
        """Value for ``IDENTITY_ENDPOINT``."""
        return f"{self.url}/msi/token"

    @property
    def requests(self) -> list[Request]:
        """Every request received, in order."""
        return self.server.requests

    def arm_requests(self) -> list[Request]:
        """Requests to ARM paths (everything under ``/subscriptions/``)."""
        return [r for r in self.requests if r.path.lower().startswith("/subscriptions/")]

    # --- switches ----------------------------------------------------------------------------

    def issue_token(self, kind: str = "managed_identity", audience: str = "") -> TokenGrant:
        """Issue a valid token directly (for plain HTTP clients in tests)."""
        grant = TokenGrant(
            "ckt-" + secrets.token_urlsafe(24),
            kind,
            audience,
            int(time.time()) + self.token_lifetime,
        )
        with self._lock:
            self.tokens[grant.token] = grant
        return grant

    def expire_tokens(self) -> None:
        """Make ARM reject every token issued so far as expired; new tokens work again."""
        with self._lock:
            self._expired.update(self.tokens)

    def fail_next(self, path_fragment: str, status: int, count: int = 1, code: str = "") -> None:
        """Answer the next ``count`` ARM requests whose path contains ``path_fragment`` with
        ``status`` (an ARM error body; 429 and 503 also carry ``Retry-After: 0``)."""
        with self._lock:
            self._failures.append([path_fragment.lower(), status, count, code or f"Http{status}"])

    def shift_metrics(self, end: dt.datetime) -> None:
        """Move every point of the metric examples by the same amount, so that GetMetric's
        timespan ends at ``end`` (its five hourly points are then the five hours before)."""
        example_end = example_body(METRICS)["timespan"].split("/")[1]
        self.metrics_shift = end - dt.datetime.fromisoformat(example_end)

    def set_site(self, name: str, state: str = "Running") -> None:
        """Add a site or change its state (``Running`` or ``Stopped``)."""
        self.sites[name.lower()] = state

    def remove_site(self, name: str) -> None:
        """Delete a site: GET answers 404 ``ResourceNotFound`` from now on."""
        self.sites.pop(name.lower(), None)

    # --- dispatch ----------------------------------------------------------------------------

    def _dispatch(self, request: Request) -> Response:
        path = "/" + request.path.lstrip("/")  # clients joining "/{resourceUri}" may double it
        for method, pattern, handler in self._routes:
            match = re.fullmatch(pattern, path, re.IGNORECASE)
            if match and method == request.method:
                return handler(request, match)
            if match:
                return _arm_error(405, "MethodNotAllowed", f"{request.method} {path}")
        return _arm_error(404, "NotFound", f"no route for {request.method} {path}")

    def _arm(
        self, handler: Callable[[Request, re.Match[str]], Response]
    ) -> Callable[[Request, re.Match[str]], Response]:
        """Wrap an ARM handler with api-version, bearer-token and injected-failure checks."""

        def checked(request: Request, match: re.Match[str]) -> Response:
            if not request.param("api-version"):
                return _arm_error(
                    400,
                    "MissingApiVersionParameter",
                    "The api-version query parameter (?api-version=) is required for all requests.",
                )
            refusal = self._check_bearer(request)
            if refusal is not None:
                return refusal
            injected = self._injected_failure(request.path)
            if injected is not None:
                return injected
            return handler(request, match)

        return checked

    def _check_bearer(self, request: Request) -> Response | None:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        challenge = f'Bearer authorization_uri="{self.url}/common", error="invalid_token"'
        with self._lock:
            grant = self.tokens.get(token) if scheme.lower() == "bearer" else None
            expired = token in self._expired
        if grant is None:
            response = _arm_error(
                401, "InvalidAuthenticationToken", "The access token is missing or invalid."
            )
        elif expired or grant.expires_on <= time.time():
            response = _arm_error(
                401,
                "ExpiredAuthenticationToken",
                "The access token expiry UTC time is in the past.",
            )
        else:
            return None
        response.headers["WWW-Authenticate"] = challenge
        return response

    def _injected_failure(self, path: str) -> Response | None:
        with self._lock:
            for failure in self._failures:
                fragment, status, count, code = failure
                if fragment in path.lower() and count > 0:
                    failure[2] = count - 1
                    response = _arm_error(status, code, "injected failure")
                    if status in (429, 503):
                        response.headers["Retry-After"] = "0"
                    return response
        return None

    # --- tokens ------------------------------------------------------------------------------

    def _managed_identity_token(self, request: Request, _match: re.Match[str]) -> Response:
        if request.headers.get("x-identity-header") != self.identity_header:
            return Response.json({"statusCode": 401, "message": "Invalid X-IDENTITY-HEADER."}, 401)
        resource = request.param("resource")
        if request.param("api-version") != MI_API_VERSION or not resource:
            return Response.json(
                {"statusCode": 400, "message": "api-version 2019-08-01 and resource are required."},
                400,
            )
        if self.fail_tokens:
            return Response.json(
                {"statusCode": 400, "message": "Unable to load the proper Managed Identity."}, 400
            )
        grant = self.issue_token("managed_identity", resource)
        return Response.json(
            {
                "access_token": grant.token,
                "expires_on": str(grant.expires_on),
                "resource": resource,
                "token_type": "Bearer",
                "client_id": self.client_id,
            }
        )

    def _oidc(self, _request: Request, match: re.Match[str]) -> Response:
        base = f"{self.url}/{match['tenant']}"
        return Response.json(
            {
                "token_endpoint": f"{base}/oauth2/v2.0/token",
                "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
                "device_authorization_endpoint": f"{base}/oauth2/v2.0/devicecode",
                "issuer": f"{base}/v2.0",
                "token_endpoint_auth_methods_supported": ["client_secret_post"],
            }
        )

    def _client_token(self, request: Request, match: re.Match[str]) -> Response:
        form = {k: v[0] for k, v in parse_qs(request.body.decode()).items()}
        if form.get("grant_type") != "client_credentials":
            return Response.json({"error": "unsupported_grant_type"}, 400)
        if (
            self.fail_tokens
            or form.get("client_id") != self.client_id
            or form.get("client_secret") != self.client_secret
        ):
            return Response.json(
                {
                    "error": "invalid_client",
                    "error_description": "AADSTS7000215: Invalid client secret provided. Ensure "
                    f"the secret being sent in the request is the client secret value "
                    f"for app '{form.get('client_id', '')}'.",
                    "error_codes": [7000215],
                },
                400,
            )
        grant = self.issue_token("client_secret", form.get("scope", ""))
        return Response.json(
            {
                "token_type": "Bearer",
                "expires_in": self.token_lifetime,
                "ext_expires_in": self.token_lifetime,
                "access_token": grant.token,
            }
        )

    # --- Microsoft.Web/sites -----------------------------------------------------------------

    def _site_body(self, template: dict[str, Any], sub: str, rg: str, name: str) -> dict[str, Any]:
        text = json.dumps(template).replace(EXAMPLE_SUB, sub).replace(EXAMPLE_RG, rg)
        body: dict[str, Any] = json.loads(text.replace(template["name"], name))
        body["properties"]["state"] = self.sites[name.lower()]
        return body

    def _get_site(self, _request: Request, match: re.Match[str]) -> Response:
        name = match["name"]
        if name.lower() not in self.sites:
            return _arm_error(
                404,
                "ResourceNotFound",
                f"The Resource 'Microsoft.Web/sites/{name}' under resource group "
                f"'{match['rg']}' was not found.",
            )
        return Response.json(
            self._site_body(example_body(WEB_APP), match["sub"], match["rg"], name)
        )

    def _list_sites(self, _request: Request, match: re.Match[str]) -> Response:
        examples = {s["name"].lower(): s for s in example_body(WEB_APPS)["value"]}
        template = example_body(WEB_APP)
        value = [
            self._site_body(examples.get(name, template), match["sub"], match["rg"], name)
            for name in self.sites
        ]
        return Response.json({"value": value})

    def _site_action(self, request: Request, match: re.Match[str]) -> Response:
        name, action = match["name"], match["action"]
        if name.lower() not in self.sites:
            return _arm_error(404, "ResourceNotFound", f"Site {name} was not found.")
        self.site_actions.append(
            SiteAction(action, match["sub"], match["rg"], name, dict(request.query))
        )
        if action in ("start", "stop"):
            self.sites[name.lower()] = "Running" if action == "start" else "Stopped"
        return Response(200)  # documented: 200 with no body

    # --- Monitor -----------------------------------------------------------------------------

    def _metrics(self, request: Request, match: re.Match[str]) -> Response:
        resource = match["resource"]
        requested = [n for n in (request.param("metricnames") or "").split(",") if n]
        if any(n.lower() in self.error_metric_names for n in requested):
            body = example_body(METRICS_ERROR)
            for metric in body["value"]:
                metric["id"] = (
                    f"/{resource}/providers/Microsoft.Insights/metrics/" + (metric["name"]["value"])
                )
            return Response.json(self._in_time(body, request.param("timespan")))
        body = example_body(METRICS)
        by_name = {m["name"]["value"].lower(): m for m in body["value"]}
        if requested:
            # The service answers with the metrics asked for; unknown names get the first
            # example's shape and data under the requested name.
            value = []
            for name in requested:
                metric = copy.deepcopy(by_name.get(name.lower(), body["value"][0]))
                metric["name"] = {"value": name, "localizedValue": metric["name"]["localizedValue"]}
                value.append(metric)
            body["value"] = value
        for metric in body["value"]:
            metric["id"] = (
                f"/{resource}/providers/Microsoft.Insights/metrics/{metric['name']['value']}"
            )
        if request.param("timespan"):
            body["timespan"] = request.param("timespan")
        return Response.json(self._in_time(body, request.param("timespan")))

    def _in_time(self, body: dict[str, Any], timespan: str | None) -> dict[str, Any]:
        """The metric points moved by :attr:`metrics_shift`, those outside ``timespan`` left out."""
        start, _, end = (timespan or "").partition("/")
        since = dt.datetime.fromisoformat(start) if end else None
        until = dt.datetime.fromisoformat(end) if end else None
        for metric in body["value"]:
            for series in metric["timeseries"]:
                kept = []
                for point in series["data"]:
                    at = dt.datetime.fromisoformat(point["timeStamp"]) + self.metrics_shift
                    if since is None or until is None or since <= at < until:
                        kept.append({**point, "timeStamp": at.isoformat().replace("+00:00", "Z")})
                series["data"] = kept
        return body

    def _activity_log(self, request: Request, match: re.Match[str]) -> Response:
        if request.param("$skiptoken"):
            return Response.json({"value": []})
        body = example_body(ACTIVITY_LOG)
        body["nextLink"] = (
            f"{self.url}/subscriptions/{match['sub']}/providers/Microsoft.Insights/eventtypes/"
            f"management/values?api-version={quote(request.param('api-version') or '')}"
            "&%24skiptoken=page2"
        )
        return Response.json(body)

    @staticmethod
    def _metric_alerts(_request: Request, _match: re.Match[str]) -> Response:
        # The published example writes durations as "Pt1m"; the service sends "PT1M", and
        # azure-mgmt-monitor's ISO 8601 parser rejects the lower-case form.
        body = example_body(METRIC_ALERTS)
        for alert in body["value"]:
            for key in ("evaluationFrequency", "windowSize"):
                alert["properties"][key] = alert["properties"][key].upper()
        return Response.json(body)

    @staticmethod
    def _example(relative: str) -> Callable[[Request, re.Match[str]], Response]:
        """A handler answering with a published example's body as it is."""
        return lambda _request, _match: Response.json(example_body(relative))
