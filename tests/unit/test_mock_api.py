"""The mock of Stigg's API: routes, CORS, failure switch, request log, CLI wiring."""

from __future__ import annotations

import argparse

import pytest
import requests

from stigg_portal.demo_data import DEMO_SCENARIOS, customer_id_for
from stigg_portal.mock_api import DEFAULT_API_KEY, FAILURE_MODES, MockApi, add_cli, main, start_mock_api


@pytest.fixture(scope="module")
def api():
    with start_mock_api() as server:
        yield server


@pytest.fixture(autouse=True)
def clean(api):
    api.reset()


def graphql(api: MockApi, customer_id="customer-demo", operation="GetCustomerPortalByRefId", key=DEFAULT_API_KEY,
            headers=None, params=None):
    body = {"operationName": operation, "query": f"query {operation} {{ x }}",
            "variables": {"input": {"customerId": customer_id}}}
    all_headers = {"X-API-KEY": key, **(headers or {})} if key else dict(headers or {})
    return requests.post(api.graphql_url, json=body, headers=all_headers, params=params, timeout=5)


def test_starts_on_a_free_port_and_lists_customers(api):
    assert api.url.startswith("http://127.0.0.1:") and not api.url.endswith(":0")
    info = requests.get(api.url + "/__mock__/customers", timeout=5).json()
    assert {"customer-demo", "customer-trial", "customer-custom"} <= set(info["customers"])
    assert {customer_id_for(s) for s in DEMO_SCENARIOS} <= set(info["customers"])
    assert info["failureModes"] == list(FAILURE_MODES)


def test_answers_both_operations_with_data_envelopes(api):
    portal = graphql(api).json()
    assert portal["data"]["customerPortal"]["subscriptions"][0]["planName"] == "Pro"
    paywall = graphql(api, "demo-eur-annual", "GetPaywall").json()
    assert paywall["data"]["paywall"]["currency"]["code"] == "EUR"


def test_operation_is_found_from_the_header_when_the_body_has_no_name(api):
    body = {"query": "{ x }", "variables": {"input": {"customerId": "customer-trial"}}}
    answer = requests.post(api.graphql_url, json=body, timeout=5,
                           headers={"X-API-KEY": DEFAULT_API_KEY, "x-graphql-operation-name": "GetPaywall"})
    assert "paywall" in answer.json()["data"]


def test_missing_or_wrong_key_is_401(api):
    assert graphql(api, key=None).status_code == 401
    answer = graphql(api, key="pk_other")
    assert answer.status_code == 401 and answer.json()["errors"][0]["extensions"]["code"] == "Unauthenticated"


def test_configurable_keys():
    with start_mock_api(api_keys=["pk_a", "pk_b"]) as server:
        assert graphql(server, key="pk_b").status_code == 200
        assert graphql(server, key=DEFAULT_API_KEY).status_code == 401


def test_unknown_customer_is_a_graphql_customer_not_found(api):
    answer = graphql(api, "nobody")
    assert answer.status_code == 200
    assert answer.json()["errors"][0]["extensions"]["code"] == "CustomerNotFound"


def test_cors_preflight_allows_the_client_headers(api):
    answer = requests.options(api.graphql_url, timeout=5, headers={
        "Origin": "https://shop.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type,x-api-key,x-customer-key,x-graphql-operation-name",
    })
    assert answer.status_code == 204
    assert answer.headers["Access-Control-Allow-Origin"] == "https://shop.example"
    assert "x-customer-key" in answer.headers["Access-Control-Allow-Headers"].lower()
    assert "POST" in answer.headers["Access-Control-Allow-Methods"]


def test_cors_default_allowed_headers_list_what_clients_send(api):
    allowed = requests.options(api.graphql_url, timeout=5).headers["Access-Control-Allow-Headers"].lower()
    for header in ("x-api-key", "x-customer-key", "x-graphql-operation-name", "source",
                   "apollographql-client-name", "apollographql-client-version", "content-type"):
        assert header in allowed


def test_answers_echo_the_origin(api):
    answer = graphql(api, headers={"Origin": "http://localhost:8000"})
    assert answer.headers["Access-Control-Allow-Origin"] == "http://localhost:8000"


def test_failure_mode_applies_to_the_next_n_requests(api):
    requests.post(api.url + "/__mock__/fail", json={"mode": "500", "count": 2}, timeout=5)
    assert [graphql(api).status_code for _ in range(3)] == [500, 500, 200]


def test_failure_mode_stays_until_cleared(api):
    api.fail("403")
    assert [graphql(api).status_code for _ in range(2)] == [403, 403]
    requests.post(api.url + "/__mock__/fail", json={"mode": None}, timeout=5)
    assert graphql(api).status_code == 200


def test_unknown_failure_mode_is_refused(api):
    answer = requests.post(api.url + "/__mock__/fail", json={"mode": "explode"}, timeout=5)
    assert answer.status_code == 400 and "401" in answer.json()["modes"]
    with pytest.raises(ValueError):
        api.fail("explode")


def test_per_request_failure_by_query_or_header(api):
    assert graphql(api, params={"fail": "malformed-json"}).status_code == 200
    with pytest.raises(ValueError):
        graphql(api, params={"fail": "malformed-json"}).json()
    assert graphql(api, headers={"X-Mock-Fail": "graphql-errors"}).json()["errors"]
    assert graphql(api).json()["data"]


def test_per_request_503_then_ok_counts_per_customer_and_operation(api):
    headers = {"X-Mock-Fail": "503-then-ok", "X-Mock-Fail-Count": "1"}
    assert [graphql(api, headers=headers).status_code for _ in range(2)] == [503, 200]
    assert graphql(api, "customer-trial", headers=headers).status_code == 503


def test_wrong_shape_and_huge_modes(api):
    api.fail("wrong-shape", count=1)
    assert graphql(api).json()["data"]["customerPortal"]["subscriptions"] == "none"
    api.fail("huge", count=1)
    entitlements = graphql(api).json()["data"]["customerPortal"]["entitlementsV2"]
    assert len(entitlements) == 1000 + 5


def test_request_log_records_headers_and_bodies_and_can_be_cleared(api):
    graphql(api, headers={"X-CUSTOMER-KEY": "tok"})
    (entry,) = requests.get(api.url + "/__mock__/requests", timeout=5).json()
    assert entry["path"] == "/graphql" and entry["status"] == 200
    assert entry["headers"]["X-CUSTOMER-KEY"] == "tok"
    assert entry["body"]["variables"]["input"]["customerId"] == "customer-demo"
    requests.delete(api.url + "/__mock__/requests", timeout=5)
    assert requests.get(api.url + "/__mock__/requests", timeout=5).json() == []


def test_non_json_body_is_a_400(api):
    answer = requests.post(api.graphql_url, data="nope", headers={"X-API-KEY": DEFAULT_API_KEY}, timeout=5)
    assert answer.status_code == 400


def test_backend_route_takes_the_http_client_format_without_a_key(api):
    body = {"operation": "GetPaywall", "variables": {"input": {"customerId": "demo-free"}}}
    answer = requests.post(api.url + "/backend", json=body, timeout=5).json()
    assert answer["data"]["paywall"]["activeSubscriptions"][0]["plan"]["refId"] == "plan-free"


def test_extra_fixture_directory_adds_customers(tmp_path):
    (tmp_path / "acme.json").write_text(
        '{"customerId": "acme", "GetCustomerPortalByRefId": {"data": {"customerPortal": {"subscriptions": []}}},'
        ' "GetPaywall": {"data": {"paywall": {"plans": []}}}}'
    )
    with start_mock_api(fixtures_dir=tmp_path) as server:
        assert graphql(server, "acme").json()["data"]["customerPortal"] == {"subscriptions": []}


def test_cli_registers_a_mock_api_command():
    parser = argparse.ArgumentParser()
    add_cli(parser.add_subparsers())
    args = parser.parse_args(["mock-api", "--port", "8111", "--api-key", "pk_x"])
    assert args.port == 8111 and args.api_keys == ["pk_x"] and callable(args.func)


def test_cli_refuses_an_empty_signing_secret_variable(monkeypatch, capsys):
    monkeypatch.delenv("NO_SUCH_SECRET", raising=False)
    assert main(["--port", "0", "--signing-secret-env", "NO_SUCH_SECRET"]) == 2
    assert "NO_SUCH_SECRET" in capsys.readouterr().err
