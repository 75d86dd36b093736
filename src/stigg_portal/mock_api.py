"""A local stand-in for Stigg's GraphQL API, for demos and tests (a real HTTP server, stdlib only).

Routes (``{url}`` is e.g. ``http://127.0.0.1:8100``):

- ``POST {url}/graphql``: Stigg's endpoint. Needs ``X-API-KEY`` (default valid key
  ``pk_test_mock``); answers ``GetCustomerPortalByRefId`` / ``GetPaywall`` (from ``operationName``,
  the ``x-graphql-operation-name`` header or the query text) for ``variables.input.customerId``.
  Customers: ``customer-demo``, ``customer-trial``, ``customer-custom`` (the reference answers) and
  ``demo-<scenario>`` for every demo scenario (``demo-paid``, ``demo-trial``, …, dated to now).
  An unknown customer gets Stigg's GraphQL error ``CustomerNotFound``.
  ``GetPaywall`` without ``customerId`` answers the public pricing table (``demo_data.pricing``), and
  ``billingCountryCode`` (e.g. ``DE``, ``EU``, ``GB``, ``JP``) localizes a paywall's prices.
  ``customer-designer`` is
  ``customer-demo`` with a widget design from the Stigg app (``configuration.customCss`` of the
  portal and the paywall, an ``@import`` that must be dropped among it).
- ``POST {url}/__mock__/configuration`` with ``{"customer": id, "configuration": {...}}``: merge a
  widget design (``customCss``, ``typography``, ``palette``…) into that customer's portal and
  paywall answers (``MockApi.set_configuration`` from Python; ``null`` clears).
- ``POST {url}/backend``: the same data in :class:`~stigg_portal.clients.HttpClient`'s format
  (``{"operation", "variables"}``), for testing ``client="http"``; no API key needed.
- ``POST {url}/__mock__/fail`` with ``{"mode": ..., "count": n, "delay": s}``: fail the next ``n``
  data requests (every one when ``count`` is absent; ``{"mode": null}`` clears). With
  ``"customer": id`` the mode applies only to that customer's requests (several customers can
  fail differently at once; a customer's mode wins over the global one). One request alone
  can fail instead with the header ``X-Mock-Fail: <mode>`` or the query ``?fail=<mode>``
  (``X-Mock-Delay`` / ``?delay=`` set the delay of ``slow``).
- ``GET {url}/rest/customers/<id>/portal`` and ``.../paywall``: a page owner's own REST API (no
  key, plain JSON: the bare ``customerPortal`` / ``paywall`` object), read by the example Python
  plugin ``examples/python-plugin/rest_client.py``; an unknown customer is a 404.
- ``GET {url}/__mock__/requests``: every recorded data request (method, path, headers, body,
  operation, customerId, status); ``DELETE`` the same path, or ``POST {url}/__mock__/reset``, clears
  them (reset also clears the failure mode).
- ``OPTIONS`` anywhere: CORS preflight. Every answer echoes the ``Origin`` and allows the headers
  clients send (``X-API-KEY``, ``X-CUSTOMER-KEY``, ``x-graphql-operation-name``, ``source``,
  ``apollographql-client-*``, ``X-Mock-*``).

Failure modes: ``401``, ``403``, ``404`` (plain HTTP 404), ``404-customer`` (GraphQL
``CustomerNotFound``), ``500``, ``503-then-ok`` (``count`` answers 503, default 2, then data),
``slow`` (wait ``delay`` seconds, default 3, then data), ``malformed-json``, ``wrong-shape``,
``graphql-errors``, ``huge`` (the customer's data plus 1,000 metered features).

With ``signing_secret`` set, requests must also carry a valid ``X-CUSTOMER-KEY`` (hardening on).
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import sys
import threading
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Self
from urllib.parse import parse_qs, urlsplit

from .demo_data import DEMO_SCENARIOS, FIXTURE_NAMES, customer_id_for, load_fixture, scenario_answers
from .demo_data.pricing import localize_paywall, public_paywall_answer
from .token import verify_customer_token

__all__ = ["DEFAULT_API_KEY", "FAILURE_MODES", "MockApi", "add_cli", "main", "start_mock_api"]

DEFAULT_API_KEY = "pk_test_mock"
FAILURE_MODES: tuple[str, ...] = (
    "401", "403", "404", "404-customer", "500", "503-then-ok", "slow", "malformed-json", "wrong-shape",
    "graphql-errors", "huge",
)
OPERATIONS = ("GetCustomerPortalByRefId", "GetPaywall")
#: The widget design of the built-in ``customer-designer`` (what the Stigg app's designer saves).
DESIGNER_CUSTOMER = "customer-designer"
DESIGNER_CONFIGURATION: dict[str, Any] = {
    "customCss": (
        "@import url(\"https://fonts.example.com/evil.css\");\n"
        ".stigg-plan-header { color: rgb(200, 30, 90); letter-spacing: 0.5px; }\n"
        ".stigg-overview-layout, .stigg-paywall-plans-layout { outline: 3px solid rgb(200, 30, 90); }\n"
        "body { background: rgb(255, 0, 0); }\n"
    ),
    "typography": {"fontFamily": None},
}
ALLOWED_HEADERS = (
    "Content-Type, Accept, X-API-KEY, X-CUSTOMER-KEY, x-graphql-operation-name, source, "
    "apollographql-client-name, apollographql-client-version, X-API-VERSION, X-Mock-Fail, "
    "X-Mock-Fail-Count, X-Mock-Delay"
)
_ROOT_KEY = {"GetCustomerPortalByRefId": "customerPortal", "GetPaywall": "paywall"}


class _Failure:
    def __init__(self, mode: str, count: int | None, delay: float | None) -> None:
        self.mode, self.remaining, self.delay = mode, count, delay


class MockApi:
    """A running mock server: ``url``, ``graphql_url``, recorded ``requests``; ``stop()`` ends it."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        api_keys: Iterable[str] = (DEFAULT_API_KEY,),
        signing_secret: str | None = None,
        fixtures_dir: str | os.PathLike[str] | None = None,
        now: datetime | None = None,
        quiet: bool = True,
    ) -> None:
        self.api_keys = set(api_keys)
        self.signing_secret = signing_secret
        self.now = now
        self.quiet = quiet
        self.requests: list[dict[str, Any]] = []
        self._failure: _Failure | None = None
        self._per_request_failures: dict[tuple[str, str], int] = {}
        self._customer_failures: dict[str, _Failure] = {}
        self._lock = threading.Lock()
        self._customers = self._load_customers(fixtures_dir)
        self._configurations: dict[str, dict[str, Any]] = {DESIGNER_CUSTOMER: DESIGNER_CONFIGURATION}
        self._server = ThreadingHTTPServer((host, port), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="stigg-mock-api", daemon=True
        )
        self._thread.start()

    # ------------------------------------------------------------------ public
    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def graphql_url(self) -> str:
        return self.url + "/graphql"

    @property
    def customer_ids(self) -> tuple[str, ...]:
        return (tuple(self._customers) + (DESIGNER_CUSTOMER,)
                + tuple(customer_id_for(s) for s in DEMO_SCENARIOS))

    def fail(self, mode: str | None, count: int | None = None, delay: float | None = None,
             customer: str | None = None) -> None:
        """Set (or with ``None`` clear) the failure mode of the next ``count`` data requests
        (only of ``customer``'s requests when given)."""
        if mode is not None and mode not in FAILURE_MODES:
            raise ValueError(f"unknown failure mode {mode!r}; known: {', '.join(FAILURE_MODES)}")
        if mode == "503-then-ok" and count is None:
            count = 2
        failure = _Failure(mode, count, delay) if mode else None
        with self._lock:
            if customer is None:
                self._failure = failure
            elif failure is None:
                self._customer_failures.pop(customer, None)
            else:
                self._customer_failures[customer] = failure

    def set_configuration(self, customer_id: str, configuration: dict[str, Any] | None) -> None:
        """Answer ``customer_id`` with this widget design (``customCss``, ``typography``, ``palette``…)
        in both ``customerPortal.configuration`` and ``paywall.configuration``; ``None`` clears."""
        with self._lock:
            if configuration is None:
                self._configurations.pop(customer_id, None)
            else:
                self._configurations[customer_id] = copy.deepcopy(configuration)

    def reset(self) -> None:
        """Forget recorded requests and any failure mode."""
        with self._lock:
            self.requests.clear()
            self._failure = None
            self._per_request_failures.clear()
            self._customer_failures.clear()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"MockApi({self.url!r})"

    # ------------------------------------------------------------------ data
    @staticmethod
    def _load_customers(fixtures_dir: str | os.PathLike[str] | None) -> dict[str, dict[str, Any]]:
        customers = {}
        for name in FIXTURE_NAMES:
            fixture = load_fixture(name)
            customers[fixture["customerId"]] = fixture
        if fixtures_dir:
            for path in sorted(Path(fixtures_dir).glob("*.json")):
                fixture = json.loads(path.read_text(encoding="utf-8"))
                customers[fixture.get("customerId") or path.stem] = fixture
        return customers

    def answer_for(self, customer_id: str, operation: str) -> dict[str, Any] | None:
        """The ``{"data": …}`` envelope for a customer, or ``None`` for an unknown customer."""
        envelope = self._base_answer(customer_id, operation)
        with self._lock:
            design = copy.deepcopy(self._configurations.get(customer_id))
        if envelope is not None and design is not None:
            root = envelope.get("data", {}).get(_ROOT_KEY[operation])
            if isinstance(root, dict):
                root["configuration"] = {**(root.get("configuration") or {}), **design}
        return envelope

    def _base_answer(self, customer_id: str, operation: str) -> dict[str, Any] | None:
        if customer_id == DESIGNER_CUSTOMER and customer_id not in self._customers:
            return copy.deepcopy(self._customers["customer-demo"][operation])
        if customer_id in self._customers:
            return copy.deepcopy(self._customers[customer_id][operation])
        for scenario in DEMO_SCENARIOS:
            if customer_id == customer_id_for(scenario):
                now = self.now or datetime.now(UTC)
                return scenario_answers(scenario, now)[operation]
        return None

    def _take_failure(self, request_mode: str | None, request_count: int | None, key: str,
                      customer_id: str = "") -> tuple[str | None, float | None]:
        """The failure mode for one request and, for ``slow``, its delay."""
        with self._lock:
            if request_mode:
                if request_mode != "503-then-ok":
                    return request_mode, None
                served = self._per_request_failures.get((request_mode, key), 0)
                if served >= (request_count if request_count is not None else 2):
                    return None, None
                self._per_request_failures[(request_mode, key)] = served + 1
                return request_mode, None
            failure = self._customer_failures.get(customer_id) or self._failure
            if failure is None:
                return None, None
            if failure.remaining is not None:
                if failure.remaining <= 0:
                    if failure is self._failure:
                        self._failure = None
                    else:
                        self._customer_failures.pop(customer_id, None)
                    return None, None
                failure.remaining -= 1
            return failure.mode, failure.delay

    @staticmethod
    def _delay(request_delay: float | None, failure_delay: float | None) -> float:
        for delay in (request_delay, failure_delay):
            if delay is not None:
                return delay
        return 3.0


def _huge(envelope: dict[str, Any], operation: str) -> dict[str, Any]:
    data = envelope.get("data") or {}
    extra = [_huge_feature(i) for i in range(1000)]
    if operation == "GetCustomerPortalByRefId" and data.get("customerPortal"):
        data["customerPortal"]["entitlementsV2"] = data["customerPortal"].get("entitlementsV2", []) + extra
    elif data.get("paywall") and data["paywall"].get("plans"):
        plan = data["paywall"]["plans"][-1]
        plan["entitlements"] = plan.get("entitlements", []) + [
            {"usageLimit": e["usageLimit"], "hasUnlimitedUsage": False, "featureId": e["feature"]["refId"],
             "resetPeriod": "MONTH", "hiddenFromWidgets": [], "isCustom": False, "displayNameOverride": None,
             "feature": {k: v for k, v in e["feature"].items() if k != "__typename"}}
            for e in extra
        ]
    return envelope


def _huge_feature(i: int) -> dict[str, Any]:
    limit = 100 * (1 + i % 10)
    return {
        "__typename": "FeatureEntitlement", "isGranted": True, "usageLimit": limit, "hasUnlimitedUsage": False,
        "hasSoftLimit": False, "currentUsage": (i * 37) % (limit + 20), "resetPeriod": None,
        "usagePeriodEnd": None,
        "feature": {"__typename": "EntitlementFeature", "featureType": "NUMBER",
                    "meterType": "Incremental" if i % 2 else "Fluctuating", "featureUnits": f"unit {i}",
                    "featureUnitsPlural": f"units {i}", "description": None, "displayName": f"Metric {i:04d}",
                    "refId": f"feature-metric-{i:04d}", "unitTransformation": None},
    }


def _graphql_error(message: str, code: str) -> dict[str, Any]:
    return {"errors": [{"message": message, "extensions": {"code": code}}], "data": None}


def _handler_for(api: MockApi) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "StiggMockApi/1"
        protocol_version = "HTTP/1.1"
        # Keep-alive connections: without TCP_NODELAY the body (a second write) waits for the
        # client's delayed ACK of the headers, ~40 ms per request on Linux loopback.
        disable_nagle_algorithm = True

        # -------------------------------------------------------------- plumbing
        def log_message(self, format: str, *args: Any) -> None:
            if not api.quiet:
                super().log_message(format, *args)

        def _cors(self) -> None:
            origin = self.headers.get("Origin")
            self.send_header("Access-Control-Allow-Origin", origin or "*")
            if origin:
                self.send_header("Vary", "Origin")
            requested = self.headers.get("Access-Control-Request-Headers")
            self.send_header("Access-Control-Allow-Headers", requested or ALLOWED_HEADERS)
            self.send_header("Access-Control-Allow-Methods", "GET, POST, DELETE, OPTIONS")
            self.send_header("Access-Control-Max-Age", "600")
            self.send_header("Cross-Origin-Resource-Policy", "cross-origin")

        def _send(self, status: int, body: str | bytes | dict[str, Any] | list[Any] | None,
                  content_type: str = "application/json") -> None:
            if isinstance(body, (dict, list)):
                body = json.dumps(body)
            payload = body.encode("utf-8") if isinstance(body, str) else (body or b"")
            try:
                self.send_response(status)
                self._cors()
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(payload)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (e.g. timed out during "slow"): nothing left to answer

        def _read_body(self) -> str:
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(length).decode("utf-8", "replace") if length else ""

        # -------------------------------------------------------------- verbs
        def do_OPTIONS(self) -> None:
            self.send_response(204)
            self._cors()
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_GET(self) -> None:
            path = urlsplit(self.path).path
            if path == "/__mock__/requests":
                with api._lock:
                    recorded = list(api.requests)
                self._send(200, recorded)
            elif path in ("/", "/health", "/__mock__/customers"):
                self._send(200, {"ok": True, "customers": list(api.customer_ids), "failureModes": FAILURE_MODES,
                                 "graphql": api.graphql_url})
            elif path.startswith("/rest/customers/"):
                self._rest(path)
            else:
                self._send(404, {"error": f"no route GET {path}"})

        def _rest(self, path: str) -> None:
            _, _, customer_id, kind = (path.split("/", 4) + [""])[1:5]
            operation = {"portal": "GetCustomerPortalByRefId", "paywall": "GetPaywall"}.get(kind)
            record: dict[str, Any] = {"time": time.time(), "method": "GET", "path": path, "query": {},
                                      "headers": dict(self.headers.items()), "body": None,
                                      "operation": operation, "customerId": customer_id}
            with api._lock:
                api.requests.append(record)
            envelope = api.answer_for(customer_id, operation) if operation and customer_id else None
            record["status"] = 200 if envelope else 404
            if envelope is None:
                self._send(404, {"error": f"no customer {customer_id!r} or no route {path}"})
            else:
                self._send(200, envelope["data"][_ROOT_KEY[operation]])

        def do_DELETE(self) -> None:
            if urlsplit(self.path).path == "/__mock__/requests":
                with api._lock:
                    api.requests.clear()
                self._send(200, {"ok": True})
            else:
                self._send(404, {"error": "no route"})

        def do_POST(self) -> None:
            parts = urlsplit(self.path)
            text = self._read_body()
            if parts.path == "/__mock__/fail":
                self._set_failure(text)
            elif parts.path == "/__mock__/reset":
                api.reset()
                self._send(200, {"ok": True})
            elif parts.path == "/__mock__/configuration":
                try:
                    spec = json.loads(text or "{}")
                    configuration = spec.get("configuration")
                    if not isinstance(spec.get("customer"), str) or not isinstance(configuration, (dict, type(None))):
                        raise TypeError("expected {\"customer\": id, \"configuration\": {...} | null}")
                    api.set_configuration(spec["customer"], configuration)
                except (ValueError, AttributeError, TypeError) as exc:
                    self._send(400, {"error": str(exc)})
                    return
                self._send(200, {"ok": True})
            elif parts.path in ("/graphql", "/backend"):
                self._data(parts.path, parse_qs(parts.query), text)
            else:
                self._send(404, {"error": f"no route POST {parts.path}"})

        def _set_failure(self, text: str) -> None:
            try:
                spec = json.loads(text or "{}")
                api.fail(spec.get("mode"), spec.get("count"), spec.get("delay"), spec.get("customer"))
            except (ValueError, AttributeError, TypeError) as exc:
                self._send(400, {"error": str(exc), "modes": FAILURE_MODES})
                return
            self._send(200, {"ok": True, "mode": spec.get("mode")})

        # -------------------------------------------------------------- data
        def _data(self, path: str, query: dict[str, list[str]], text: str) -> None:
            try:
                body = json.loads(text) if text else {}
            except ValueError:
                body = None
            record: dict[str, Any] = {
                "time": time.time(), "method": "POST", "path": path, "query": {k: v[0] for k, v in query.items()},
                "headers": dict(self.headers.items()), "body": body if body is not None else text,
            }
            with api._lock:
                api.requests.append(record)
            status, answer = self._answer(path, query, body if isinstance(body, dict) else None, record)
            record["status"] = status
            if isinstance(answer, str):
                self._send(status, answer, "application/json" if status < 500 else "text/plain")
            else:
                self._send(status, answer)

        def _answer(self, path: str, query: dict[str, list[str]], body: dict[str, Any] | None,
                    record: dict[str, Any]) -> tuple[int, Any]:
            if body is None:
                return 400, _graphql_error("The request body is not JSON.", "BadUserInput")
            variables = body.get("variables") or {}
            payload = variables.get("input") if isinstance(variables.get("input"), dict) else variables
            customer_id = str(payload.get("customerId") or payload.get("refId") or "")
            operation = self._operation(body)
            record.update(operation=operation, customerId=customer_id)

            header_mode = self.headers.get("X-Mock-Fail") or (query.get("fail") or [None])[0]
            header_count = self.headers.get("X-Mock-Fail-Count") or (query.get("count") or [None])[0]
            header_delay = self.headers.get("X-Mock-Delay") or (query.get("delay") or [None])[0]
            mode, failure_delay = api._take_failure(header_mode, int(header_count) if header_count else None,
                                                    f"{customer_id}/{operation}", customer_id)
            if mode == "slow":
                time.sleep(api._delay(float(header_delay) if header_delay else None, failure_delay))
                mode = None
            early = {
                "401": (401, _graphql_error("Unauthenticated: invalid API key", "Unauthenticated")),
                "403": (403, _graphql_error("Forbidden: customer token mismatch", "IdentityForbidden")),
                "404": (404, "Not Found"),
                "500": (500, "Internal Server Error"),
                "503-then-ok": (503, "Service Unavailable"),
                "malformed-json": (200, '{"data": {"' + _ROOT_KEY.get(operation or "", "x") + '": {"subscr'),
                "graphql-errors": (200, _graphql_error("Something went wrong on our side", "UnexpectedError")),
                "404-customer": (200, _graphql_error(f"Customer not found: {customer_id}", "CustomerNotFound")),
            }
            if mode in early:
                return early[mode]

            if path == "/graphql":
                key = self.headers.get("X-API-KEY")
                if key not in api.api_keys:
                    return 401, _graphql_error("Unauthenticated: missing or unknown X-API-KEY", "Unauthenticated")
                if api.signing_secret and customer_id and not verify_customer_token(
                    self.headers.get("X-CUSTOMER-KEY") or "", customer_id, api.signing_secret
                ):
                    return 403, _graphql_error("Customer token is missing or invalid", "IdentityForbidden")
            if operation not in OPERATIONS:
                return 400, _graphql_error(f"Unknown operation {operation!r}", "BadUserInput")
            if not customer_id and operation == "GetPaywall":
                envelope = public_paywall_answer(datetime.now(UTC))  # a public pricing table
            elif not customer_id:
                return 400, _graphql_error("variables.input.customerId is required", "BadUserInput")
            else:
                envelope = api.answer_for(customer_id, operation)
            if envelope is None:
                return 200, _graphql_error(f"Customer not found: {customer_id}", "CustomerNotFound")
            country = payload.get("billingCountryCode")
            if operation == "GetPaywall" and country is not None:
                if not (isinstance(country, str) and len(country) == 2 and country.isalpha() and country.isupper()):
                    return 200, _graphql_error(f"Invalid billingCountryCode: {country!r}", "BadUserInput")
                envelope = localize_paywall(envelope, country)
            if mode == "wrong-shape":
                return 200, {"data": {_ROOT_KEY[operation]: {"subscriptions": "none", "plans": 42}}}
            if mode == "huge":
                envelope = _huge(envelope, operation)
            return 200, envelope

        def _operation(self, body: dict[str, Any]) -> str | None:
            name = body.get("operationName") or body.get("operation") or self.headers.get("x-graphql-operation-name")
            if not name and isinstance(body.get("query"), str):
                name = next((op for op in OPERATIONS if op in body["query"]), None)
            return name

    return Handler


def start_mock_api(host: str = "127.0.0.1", port: int = 0, **options: Any) -> MockApi:
    """Start a :class:`MockApi` in a background thread (``port=0`` picks a free port)."""
    return MockApi(host, port, **options)


def add_cli(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``mock-api`` command to an ``argparse`` sub-parser collection."""
    parser = subparsers.add_parser("mock-api", help="run the local mock of Stigg's GraphQL API")
    _configure(parser)
    parser.set_defaults(func=_run)
    return parser


def _configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8100, help="port to listen on (default 8100)")
    parser.add_argument("--api-key", action="append", dest="api_keys", metavar="KEY",
                        help=f"a valid X-API-KEY (repeatable; default {DEFAULT_API_KEY})")
    parser.add_argument("--signing-secret-env", metavar="NAME",
                        help="require X-CUSTOMER-KEY tokens signed with the secret in this environment variable")
    parser.add_argument("--fixtures-dir", metavar="DIR", help="extra customers: *.json files shaped like the "
                        "reference fixtures ({customerId, GetCustomerPortalByRefId, GetPaywall})")
    parser.add_argument("--verbose", action="store_true", help="log every request")


def _run(args: argparse.Namespace) -> int:
    secret = os.environ.get(args.signing_secret_env, "") if args.signing_secret_env else None
    if args.signing_secret_env and not secret:
        print(f"stigg-portal mock-api: {args.signing_secret_env} is empty.", file=sys.stderr)
        return 2
    api = start_mock_api(args.host, args.port, api_keys=args.api_keys or (DEFAULT_API_KEY,),
                         signing_secret=secret, fixtures_dir=args.fixtures_dir, quiet=not args.verbose)
    print(f"Mock Stigg API on {api.graphql_url} (X-API-KEY: {', '.join(sorted(api.api_keys))})", flush=True)
    print(f"Customers: {', '.join(api.customer_ids)}", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        api.stop()
    return 0


def main(argv: list[str] | None = None) -> int:
    """``stigg-portal mock-api [--port 8100] [--api-key KEY] ...``: serve until interrupted."""
    parser = argparse.ArgumentParser(prog="stigg-portal mock-api", description="Run a local mock of Stigg's API.")
    _configure(parser)
    return _run(parser.parse_args(argv))


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
