"""Every client over real HTTP: ``RequestsTransport`` against the local mock of Stigg's API."""

from __future__ import annotations

import asyncio
import socket

import pytest
import requests

from stigg_portal.clients import (
    DEMO_SCENARIOS,
    ClientConfig,
    ClientError,
    HttpClient,
    RequestsTransport,
    StiggClient,
    create_client,
)
from stigg_portal.demo_data import customer_id_for
from stigg_portal.mock_api import DEFAULT_API_KEY, start_mock_api
from stigg_portal.token import mint_customer_token


async def no_sleep(_seconds: float) -> None:
    return None


@pytest.fixture(scope="module")
def api():
    with start_mock_api() as server:
        yield server


@pytest.fixture(autouse=True)
def clean(api):
    api.reset()
    yield
    api.reset()


@pytest.fixture(scope="module")
def transport():
    return RequestsTransport()


def client_for(api, transport, customer_id="customer-demo", **config) -> StiggClient:
    values = {"api_key": DEFAULT_API_KEY, "customer_id": customer_id, "base_url": api.url, **config}
    return StiggClient(ClientConfig(**values), transport, sleep=no_sleep)


def recorded(api) -> list[dict]:
    return requests.get(api.url + "/__mock__/requests", timeout=5).json()


def fail(api, mode: str, **options) -> None:
    answer = requests.post(api.url + "/__mock__/fail", json={"mode": mode, **options}, timeout=5)
    assert answer.status_code == 200


@pytest.mark.parametrize("customer_id", ["customer-demo", "customer-trial", "customer-custom"])
def test_stigg_client_loads_the_reference_customers(api, transport, customer_id):
    client = client_for(api, transport, customer_id)
    portal = asyncio.run(client.get_customer_portal())
    paywall = asyncio.run(client.get_paywall())
    assert portal.subscriptions and paywall.plans
    assert paywall.customer.ref_id == customer_id


@pytest.mark.parametrize("scenario", DEMO_SCENARIOS)
def test_stigg_client_loads_every_demo_scenario(api, transport, scenario):
    client = create_client(ClientConfig(api_key=DEFAULT_API_KEY, customer_id=customer_id_for(scenario),
                                        base_url=api.url), transport)
    assert isinstance(client, StiggClient)
    asyncio.run(client.get_customer_portal())
    assert asyncio.run(client.get_paywall()).plans


def test_the_server_sees_the_headers_and_variables_of_spec_5(api, transport):
    asyncio.run(client_for(api, transport, customer_token="tok", resource_id="site-1").get_customer_portal())
    (entry,) = recorded(api)
    headers = {k.lower(): v for k, v in entry["headers"].items()}
    assert headers["x-api-key"] == DEFAULT_API_KEY and headers["x-customer-key"] == "tok"
    assert headers["x-graphql-operation-name"] == "GetCustomerPortalByRefId"
    assert entry["body"]["variables"] == {"input": {"customerId": "customer-demo", "resourceId": "site-1"}}
    assert entry["operation"] == "GetCustomerPortalByRefId" and entry["customerId"] == "customer-demo"


@pytest.mark.parametrize(("mode", "code", "attempts"), [
    ("401", "unauthorized", 1),
    ("403", "unauthorized", 1),
    ("404", "not-found", 1),
    ("404-customer", "not-found", 1),
    ("500", "network", 3),
    ("malformed-json", "bad-response", 1),
    ("wrong-shape", "bad-response", 1),
    ("graphql-errors", "bad-response", 1),
])
def test_failure_modes_map_to_error_codes_with_the_right_number_of_attempts(api, transport, mode, code, attempts):
    fail(api, mode)
    with pytest.raises(ClientError) as raised:
        asyncio.run(client_for(api, transport).get_customer_portal())
    assert raised.value.code == code
    assert len(recorded(api)) == attempts


def test_503_then_ok_succeeds_after_two_retries(api, transport):
    fail(api, "503-then-ok", count=2)
    portal = asyncio.run(client_for(api, transport).get_customer_portal())
    assert portal.active_subscription.plan_name == "Pro"
    assert [entry["status"] for entry in recorded(api)] == [503, 503, 200]


def test_503_more_often_than_the_retries_allow_is_a_network_error(api, transport):
    fail(api, "503-then-ok", count=5)
    with pytest.raises(ClientError) as raised:
        asyncio.run(client_for(api, transport, retries=1).get_customer_portal())
    assert raised.value.code == "network" and raised.value.status == 503
    assert len(recorded(api)) == 2


def test_wrong_api_key_is_unauthorized_and_not_retried(api, transport):
    with pytest.raises(ClientError) as raised:
        asyncio.run(client_for(api, transport, api_key="pk_wrong").get_customer_portal())
    assert raised.value.code == "unauthorized" and raised.value.status == 401
    assert "api-key" in raised.value.message
    assert len(recorded(api)) == 1


def test_unknown_customer_is_not_found(api, transport):
    with pytest.raises(ClientError) as raised:
        asyncio.run(client_for(api, transport, "nobody").get_paywall())
    assert raised.value.code == "not-found" and "nobody" in raised.value.message


def test_slow_answer_times_out_and_is_retried(api, transport):
    fail(api, "slow", delay=0.6, count=1)
    client = client_for(api, transport, timeout_s=0.2, retries=1)
    portal = asyncio.run(client.get_customer_portal())  # first attempt times out, the retry is quick
    assert portal.subscriptions
    assert len(recorded(api)) == 2


def test_slow_answer_without_retries_is_a_timeout(api, transport):
    fail(api, "slow", delay=0.5)
    with pytest.raises(ClientError) as raised:
        asyncio.run(client_for(api, transport, timeout_s=0.15, retries=0).get_customer_portal())
    assert raised.value.code == "timeout" and raised.value.retryable


def test_unreachable_server_is_a_network_error(transport):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    config = ClientConfig(api_key="k", customer_id="c", base_url=f"http://127.0.0.1:{port}", retries=1)
    with pytest.raises(ClientError) as raised:
        asyncio.run(StiggClient(config, transport, sleep=no_sleep).get_customer_portal())
    assert raised.value.code == "network" and raised.value.retryable


def test_huge_answer_with_a_thousand_features_loads(api, transport):
    fail(api, "huge")
    portal = asyncio.run(client_for(api, transport).get_customer_portal())
    assert len(portal.feature_entitlements) >= 1000


def test_per_request_failure_header_affects_only_that_client(api, transport):
    class FailingTransport(RequestsTransport):
        async def __call__(self, request):
            request.headers["X-Mock-Fail"] = "403"
            return await super().__call__(request)

    with pytest.raises(ClientError) as raised:
        asyncio.run(client_for(api, FailingTransport()).get_customer_portal())
    assert raised.value.code == "unauthorized"
    assert asyncio.run(client_for(api, transport).get_customer_portal()).subscriptions


def test_hardening_requires_a_valid_customer_token():
    secret = "mock-signing-secret"
    with start_mock_api(signing_secret=secret) as hardened:
        transport = RequestsTransport()
        with pytest.raises(ClientError) as raised:
            asyncio.run(client_for(hardened, transport, customer_token="HMAC-SHA256 x:y").get_customer_portal())
        assert raised.value.code == "unauthorized"
        token = mint_customer_token("customer-demo", secret)
        assert asyncio.run(client_for(hardened, transport, customer_token=token).get_customer_portal())


def test_http_client_talks_to_a_backend_in_its_own_format(api, transport):
    config = ClientConfig(client="http", endpoint=api.url + "/backend", customer_id="demo-trial")
    client = create_client(config, transport)
    assert isinstance(client, HttpClient)
    portal = asyncio.run(client.get_customer_portal())
    assert portal.trial_subscription is not None
    (entry,) = recorded(api)
    assert entry["body"] == {"operation": "GetCustomerPortalByRefId", "variables": {"input": {"customerId": "demo-trial"}}}


def test_http_client_maps_backend_failures(api, transport):
    fail(api, "404-customer")
    client = HttpClient(ClientConfig(endpoint=api.url + "/backend", customer_id="x"), transport, sleep=no_sleep)
    with pytest.raises(ClientError) as raised:
        asyncio.run(client.get_paywall())
    assert raised.value.code == "not-found"
