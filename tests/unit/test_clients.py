"""Clients against test transports: requests they build, retries, error mapping, registry, demo."""

from __future__ import annotations

import asyncio
import json
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from stigg_portal import __version__
from stigg_portal.clients import (
    DEMO_SCENARIOS,
    CallableTransport,
    ClientConfig,
    ClientError,
    DemoClient,
    HttpClient,
    HttpRequest,
    HttpResponse,
    PortalClient,
    RequestsTransport,
    StiggClient,
    create_client,
    default_transport,
    get_factory,
    register,
    registered_names,
)
from stigg_portal.graphql import load_document
from stigg_portal.models import CustomerPortal, Paywall

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
DEMO = json.loads((FIXTURES / "customer-demo.json").read_text())


def run(coro):
    return asyncio.run(coro)


class Sleeps:
    """A fake ``sleep`` that records the backoff delays instead of waiting."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


def answering(*responses):
    """A transport answering with ``responses`` in turn (a ClientError in the list is raised)."""
    queue = list(responses)

    def handler(request: HttpRequest) -> HttpResponse:
        item = queue.pop(0) if len(queue) > 1 else queue[0]
        if isinstance(item, Exception):
            raise item
        return item

    return CallableTransport(handler)


def ok(operation: str = "GetCustomerPortalByRefId") -> HttpResponse:
    return HttpResponse(200, {"content-type": "application/json"}, json.dumps(DEMO[operation]))


def stigg(transport, **config) -> tuple[StiggClient, Sleeps]:
    sleeps = Sleeps()
    values = {"api_key": "pk_test", "customer_id": "customer-demo", **config}
    return StiggClient(ClientConfig(**values), transport, sleep=sleeps), sleeps


# ----------------------------------------------------------------------------- StiggClient requests
def test_stigg_client_posts_the_portal_operation_with_spec_headers():
    transport = answering(ok())
    client, _ = stigg(transport, customer_token="HMAC-SHA256 customer-demo:abc", resource_id="r-1")
    portal = run(client.get_customer_portal())
    assert isinstance(portal, CustomerPortal)
    (request,) = transport.requests
    assert request.method == "POST" and request.url == "https://api.stigg.io/graphql"
    assert request.headers["X-API-KEY"] == "pk_test"
    assert request.headers["X-CUSTOMER-KEY"] == "HMAC-SHA256 customer-demo:abc"
    assert request.headers["x-graphql-operation-name"] == "GetCustomerPortalByRefId"
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["source"] == "JS_CLIENT_SDK"
    assert request.headers["apollographql-client-name"] == "stigg-portal"
    assert request.headers["apollographql-client-version"] == __version__
    body = request.json()
    assert body["operationName"] == "GetCustomerPortalByRefId"
    assert body["query"] == load_document("GetCustomerPortalByRefId")
    assert body["variables"] == {"input": {"customerId": "customer-demo", "resourceId": "r-1"}}
    assert request.timeout_s == 10.0


def test_stigg_client_omits_the_customer_key_without_a_token():
    transport = answering(ok())
    client, _ = stigg(transport)
    run(client.get_customer_portal())
    assert "X-CUSTOMER-KEY" not in transport.requests[0].headers


def test_stigg_client_paywall_sends_only_the_set_inputs():
    transport = answering(ok("GetPaywall"))
    client, _ = stigg(transport, product_id="product-acme", billing_country_code="DE",
                      base_url="https://edge.example/", timeout_s=3)
    paywall = run(client.get_paywall())
    assert isinstance(paywall, Paywall) and paywall.plans[0].ref_id == "plan-free"
    request = transport.requests[0]
    assert request.url == "https://edge.example/graphql" and request.timeout_s == 3
    assert request.json()["variables"] == {
        "input": {"customerId": "customer-demo", "productId": "product-acme", "billingCountryCode": "DE"}
    }
    assert request.headers["x-graphql-operation-name"] == "GetPaywall"


@pytest.mark.parametrize("config", [{"customer_id": "c"}, {}])
def test_stigg_client_without_key_is_bad_config(config):
    with pytest.raises(ClientError) as raised:
        StiggClient(ClientConfig(**config))
    assert raised.value.code == "bad-config" and "api-key" in raised.value.message


def test_stigg_client_without_customer_asks_for_the_public_paywall():
    """No customer-id: GetPaywall without customerId (a public pricing table, spec §5.1)."""
    transport = answering(ok("GetPaywall"))
    client = StiggClient(ClientConfig(api_key="k", billing_country_code="EU"), transport)
    run(client.get_paywall())
    assert transport.requests[0].json()["variables"] == {"input": {"billingCountryCode": "EU"}}


def test_stigg_client_portal_without_customer_is_bad_config_and_sends_nothing():
    transport = answering(ok())
    client = StiggClient(ClientConfig(api_key="k"), transport)
    with pytest.raises(ClientError) as raised:
        run(client.get_customer_portal())
    assert raised.value.code == "bad-config" and "customer-id" in raised.value.message
    assert transport.requests == []


# ----------------------------------------------------------------------------- retries
@pytest.mark.parametrize("failure", [
    HttpResponse(503, {}, "Service Unavailable"),
    HttpResponse(500, {}, "oops"),
    HttpResponse(429, {}, ""),
    ClientError("network", "connection refused"),
    ClientError("timeout", "too slow"),
])
def test_transient_failures_are_retried_with_exponential_backoff(failure):
    transport = answering(failure, failure, ok())
    client, sleeps = stigg(transport)
    run(client.get_customer_portal())
    assert len(transport.requests) == 3
    assert sleeps.delays == [0.2, 0.4]


def test_retries_stop_after_the_configured_number_and_raise_the_last_error():
    transport = answering(HttpResponse(503, {}, "busy"))
    client, sleeps = stigg(transport, retries=3)
    with pytest.raises(ClientError) as raised:
        run(client.get_customer_portal())
    assert len(transport.requests) == 4 and sleeps.delays == [0.2, 0.4, 0.8]
    assert raised.value.code == "network" and raised.value.status == 503 and raised.value.retryable


def test_zero_retries_means_one_attempt():
    transport = answering(ClientError("timeout", "slow"))
    client, sleeps = stigg(transport, retries=0)
    with pytest.raises(ClientError) as raised:
        run(client.get_customer_portal())
    assert raised.value.code == "timeout" and len(transport.requests) == 1 and sleeps.delays == []


@pytest.mark.parametrize(("status", "code"), [(401, "unauthorized"), (403, "unauthorized"), (404, "not-found"),
                                               (400, "bad-response"), (422, "bad-response")])
def test_client_errors_are_not_retried(status, code):
    transport = answering(HttpResponse(status, {}, ""))
    client, sleeps = stigg(transport)
    with pytest.raises(ClientError) as raised:
        run(client.get_customer_portal())
    assert raised.value.code == code and raised.value.status == status and not raised.value.retryable
    assert len(transport.requests) == 1 and sleeps.delays == []


def test_unauthorized_message_tells_the_page_author_what_to_fix():
    client, _ = stigg(answering(HttpResponse(401, {}, "")))
    with pytest.raises(ClientError) as raised:
        run(client.get_customer_portal())
    assert str(raised.value) == raised.value.message
    assert "api-key" in raised.value.message and "publishable key" in raised.value.message


# ----------------------------------------------------------------------------- GraphQL errors and shapes
def graphql_errors(code: str, message: str = "boom", status: int = 200) -> HttpResponse:
    body = {"errors": [{"message": message, "extensions": {"code": code}}], "data": None}
    return HttpResponse(status, {}, json.dumps(body))


@pytest.mark.parametrize(("code", "expected"), [
    ("CustomerNotFound", "not-found"),
    ("Unauthenticated", "unauthorized"),
    ("IdentityForbidden", "unauthorized"),
    ("BadUserInput", "bad-config"),
    ("UnexpectedError", "bad-response"),
    ("SomethingNew", "bad-response"),
])
def test_graphql_errors_map_to_typed_errors(code, expected):
    client, _ = stigg(answering(graphql_errors(code)))
    with pytest.raises(ClientError) as raised:
        run(client.get_customer_portal())
    assert raised.value.code == expected
    assert "boom" in raised.value.message


def test_customer_not_found_names_the_customer_and_the_attribute():
    client, _ = stigg(answering(graphql_errors("CustomerNotFound", "Customer not found", status=400)))
    with pytest.raises(ClientError) as raised:
        run(client.get_customer_portal())
    assert raised.value.code == "not-found"
    assert "customer-demo" in raised.value.message and "customer-id" in raised.value.message


def test_customer_not_found_is_recognised_by_message_without_a_code():
    body = {"errors": [{"message": "Customer not found: x"}]}
    client, _ = stigg(answering(HttpResponse(200, {}, json.dumps(body))))
    with pytest.raises(ClientError) as raised:
        run(client.get_customer_portal())
    assert raised.value.code == "not-found"


def test_rate_limit_graphql_error_is_retried():
    transport = answering(graphql_errors("RateLimitExceeded"), ok())
    client, sleeps = stigg(transport)
    run(client.get_customer_portal())
    assert len(transport.requests) == 2 and sleeps.delays == [0.2]


def test_partial_data_with_errors_is_used():
    envelope = dict(DEMO["GetCustomerPortalByRefId"], errors=[{"message": "a field failed"}])
    client, _ = stigg(answering(HttpResponse(200, {}, json.dumps(envelope))))
    assert run(client.get_customer_portal()).active_subscription.plan_name == "Pro"


@pytest.mark.parametrize("text", ["<html>Bad gateway</html>", "", '{"data": {"custo'])
def test_non_json_answer_is_bad_response(text):
    client, _ = stigg(answering(HttpResponse(200, {}, text)))
    with pytest.raises(ClientError) as raised:
        run(client.get_customer_portal())
    assert raised.value.code == "bad-response"


@pytest.mark.parametrize("body", [{"result": 1}, {"data": {"customerPortal": None}}, {"data": "x"}, [1, 2]])
def test_json_without_the_expected_envelope_is_bad_response(body):
    client, _ = stigg(answering(HttpResponse(200, {}, json.dumps(body))))
    with pytest.raises(ClientError) as raised:
        run(client.get_customer_portal())
    assert raised.value.code == "bad-response"


def test_wrong_shape_names_the_offending_path():
    envelope = json.loads(json.dumps(DEMO["GetCustomerPortalByRefId"]))
    envelope["data"]["customerPortal"]["subscriptions"][0]["status"] = None
    client, _ = stigg(answering(HttpResponse(200, {}, json.dumps(envelope))))
    with pytest.raises(ClientError) as raised:
        run(client.get_customer_portal())
    assert raised.value.code == "bad-response"
    assert "customerPortal.subscriptions[0].status" in raised.value.message


def test_async_handlers_work_in_callable_transport():
    async def handler(request: HttpRequest) -> HttpResponse:
        await asyncio.sleep(0)
        return ok()

    client, _ = stigg(CallableTransport(handler))
    assert run(client.get_customer_portal()).subscriptions


# ----------------------------------------------------------------------------- HttpClient
def test_http_client_posts_operation_and_variables_to_the_endpoint():
    transport = answering(ok())
    client = HttpClient(ClientConfig(endpoint="https://shop.example/billing", customer_id="c-1",
                                     customer_token="tok", product_id="p"), transport)
    run(client.get_customer_portal())
    request = transport.requests[0]
    assert request.url == "https://shop.example/billing" and request.method == "POST"
    assert request.json() == {"operation": "GetCustomerPortalByRefId",
                              "variables": {"input": {"customerId": "c-1", "productId": "p"}}}
    assert request.headers["X-CUSTOMER-KEY"] == "tok" and "X-API-KEY" not in request.headers


def test_http_client_needs_an_endpoint():
    with pytest.raises(ClientError) as raised:
        HttpClient(ClientConfig(customer_id="c"))
    assert raised.value.code == "bad-config" and "endpoint" in raised.value.message


@pytest.mark.parametrize(("status", "code"), [(401, "unauthorized"), (404, "not-found"), (502, "network")])
def test_http_client_maps_statuses_like_the_stigg_client(status, code):
    client = HttpClient(ClientConfig(endpoint="https://shop.example/b", retries=0),
                        answering(HttpResponse(status, {}, "")))
    with pytest.raises(ClientError) as raised:
        run(client.get_paywall())
    assert raised.value.code == code and "https://shop.example/b" in raised.value.message


# ----------------------------------------------------------------------------- registry
def test_default_client_is_stigg_with_an_api_key_and_demo_without():
    assert isinstance(create_client(ClientConfig(api_key="k", customer_id="c")), StiggClient)
    assert isinstance(create_client(ClientConfig()), DemoClient)
    assert isinstance(create_client(ClientConfig(client="demo", api_key="k")), DemoClient)
    assert {"stigg", "demo", "http"} <= set(registered_names())


def test_unknown_client_name_is_bad_config_listing_the_names():
    with pytest.raises(ClientError) as raised:
        create_client(ClientConfig(client="nope"))
    assert raised.value.code == "bad-config"
    assert "stigg" in raised.value.message and "demo" in raised.value.message


def test_registered_factory_receives_config_and_transport():
    seen = {}

    class Fixed(PortalClient):
        name = "fixed"

        async def get_customer_portal(self) -> CustomerPortal:
            seen["transport"] = self.transport
            return CustomerPortal(subscriptions=[])

        async def get_paywall(self) -> Paywall:
            return Paywall(plans=[])

    register("fixed-test", Fixed)
    transport = answering(ok())
    client = create_client(ClientConfig(client="fixed-test"), transport)
    assert get_factory("fixed-test") is Fixed
    assert run(client.get_customer_portal()).subscriptions == []
    assert seen["transport"] is transport


def test_default_transport_is_requests_unless_one_is_installed():
    assert isinstance(default_transport(), RequestsTransport)
    from stigg_portal.browser.fetch_transport import FetchTransport  # what the browser worker installs
    from stigg_portal.clients import set_default_transport

    set_default_transport(FetchTransport)
    try:
        assert type(default_transport()).__name__ == "FetchTransport"
        assert "js" not in sys.modules  # the browser FFI is imported only when a request is sent
    finally:
        set_default_transport(None)
    assert isinstance(default_transport(), RequestsTransport)


def test_clients_never_import_the_browser_package():
    import ast
    from pathlib import Path

    from stigg_portal import clients

    for path in Path(clients.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                assert "browser" not in (node.module or ""), f"{path.name} imports {node.module}"


def test_client_error_rejects_unknown_codes_and_exposes_event_detail():
    with pytest.raises(ValueError):
        ClientError("weird", "x")
    err = ClientError("network", "down", status=503)
    assert err.retryable and err.to_dict() == {"code": "network", "message": "down", "status": 503}


# ----------------------------------------------------------------------------- DemoClient
NOW = datetime(2031, 3, 4, 15, 30, tzinfo=UTC)


@pytest.mark.parametrize("scenario", DEMO_SCENARIOS)
def test_demo_client_serves_every_scenario(scenario):
    client = DemoClient(ClientConfig(scenario=scenario), now=NOW)
    portal = run(client.get_customer_portal())
    paywall = run(client.get_paywall())
    assert isinstance(portal, CustomerPortal) and paywall.plans


def test_demo_client_is_dated_relative_to_now():
    portal = run(DemoClient(ClientConfig(), now=NOW).get_customer_portal())
    api_calls = portal.feature_entitlements[0]
    assert api_calls.usage_period_end - NOW == timedelta(days=14, hours=12)  # "Resets in 14 days"
    sub = portal.active_subscription
    assert sub.billing_period_range.start < NOW < sub.billing_period_range.end
    assert sub.scheduled_updates[0].scheduled_execution_time == sub.billing_period_range.end
    later = run(DemoClient(ClientConfig(), now=lambda: NOW + timedelta(days=40)).get_customer_portal())
    assert later.feature_entitlements[0].usage_period_end - api_calls.usage_period_end == timedelta(days=40)


def test_demo_client_unknown_scenario_lists_the_valid_ones():
    with pytest.raises(ClientError) as raised:
        create_client(ClientConfig(scenario="bogus"))
    assert raised.value.code == "bad-config"
    assert all(name in raised.value.message for name in DEMO_SCENARIOS)


def test_demo_client_never_uses_its_transport():
    transport = answering(ClientError("network", "should not be called"))
    run(DemoClient(ClientConfig(), transport).get_customer_portal())
    assert transport.requests == []
