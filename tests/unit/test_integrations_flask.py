"""The Flask example app, in-process: a server-rendered portal with a minted token, and dist/ served."""

from __future__ import annotations

import pytest
from flask import Flask, render_template_string
from integration_support import (
    API_KEY,
    CUSTOMER_ID,
    SIGNING_SECRET,
    Answer,
    assert_portal_page,
    assert_serves_designer_sheets,
    assert_serves_dist,
    attribute,
    example,
    hardened_api_fixtures,
    hardened_requests,
    make_site,
)

from stigg_portal.integrations.flask import init_app
from stigg_portal.mock_api import start_mock_api

api, clean_api = hardened_api_fixtures()

ExampleSettings = example("example_config").ExampleSettings
create_app = example("flask_app").create_app


@pytest.fixture
def client(api, tmp_path):
    settings = ExampleSettings(api_key=API_KEY, signing_secret=SIGNING_SECRET, base_url=api.url,
                              customer_id=CUSTOMER_ID, dist_dir=str(make_site(tmp_path)))
    return create_app(settings).test_client()


def test_the_page_has_the_server_rendered_portal_with_a_token_and_no_secret(client, api):
    page = client.get("/")
    assert page.status_code == 200
    assert_portal_page(page.get_data(as_text=True))
    hardened_requests(api)


def test_composed_sections_render_from_one_load(client, api):
    html = client.get("/sections").get_data(as_text=True)
    assert attribute(html, "stigg-provider", "customer-token")
    for tag in ("stigg-subscription-overview", "stigg-usage"):
        assert attribute(html, tag, "data-stigg-ssr") == "ready"
    assert "stigg-subscription-usage-layout" in html
    assert SIGNING_SECRET not in html
    assert len(hardened_requests(api)) == 1


def test_the_blueprint_serves_dist_with_the_right_headers(client):
    def get(path, headers):
        response = client.get(path, headers=headers)
        return Answer(response.status_code, dict(response.headers), response.get_data())

    assert_serves_dist(get, prefix="/stigg-portal")
    assert_serves_designer_sheets(get, prefix="/stigg-portal")
    assert client.head("/stigg-portal/stigg-portal.js").status_code == 200


def test_an_api_outage_still_serves_the_page(client, api):
    api.fail("500")
    page = client.get("/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert attribute(html, "stigg-customer-portal", "data-stigg-ssr") == "error"
    assert SIGNING_SECRET not in html


def test_without_a_key_the_example_shows_the_demo_customers(tmp_path):
    app = create_app(ExampleSettings(dist_dir=str(make_site(tmp_path))))
    html = app.test_client().get("/").get_data(as_text=True)
    assert attribute(html, "stigg-customer-portal", "client") == "demo"
    assert attribute(html, "stigg-customer-portal", "data-stigg-ssr") == "ready"
    assert attribute(html, "stigg-customer-portal", "customer-token") is None


def test_a_cdn_dist_url_is_linked_and_nothing_is_served_locally():
    app = Flask(__name__)
    app.config["STIGG_PORTAL"] = {"API_KEY": API_KEY, "DIST_URL": "https://cdn.example.com/stigg-portal/0.1.0/",
                                  "DEFAULTS": {"client": "demo"}}
    init_app(app)
    with app.test_request_context():
        html = render_template_string("{{ stigg_portal_script() }}")
    assert '<script type="module" src="https://cdn.example.com/stigg-portal/0.1.0/stigg-portal.js">' in html
    assert app.test_client().get("/stigg-portal/stigg-portal.js").status_code == 404


# ------------------------------------------------------------------------------------ own backend
SERVER_KEY = "sk_server_only"


@pytest.fixture(scope="module")
def server_api():
    """Stigg as a server key sees it (no customer token needed)."""
    with start_mock_api(api_keys=(SERVER_KEY,)) as server:
        yield server


@pytest.fixture
def backend(server_api, tmp_path):
    server_api.reset()
    settings = ExampleSettings(server_api_key=SERVER_KEY, base_url=server_api.url, customer_id=CUSTOMER_ID,
                              dist_dir=str(make_site(tmp_path)))
    return create_app(settings).test_client()


def test_the_backend_route_asks_stigg_for_the_signed_in_customer_only(backend, server_api):
    body = {"operation": "GetCustomerPortalByRefId",
            "variables": {"input": {"customerId": "someone-else", "resourceId": "site-1"}}}
    answer = backend.post("/billing-data", json=body)
    assert answer.status_code == 200
    assert answer.get_json()["data"]["customerPortal"]
    (seen,) = server_api.requests
    assert seen["customerId"] == CUSTOMER_ID
    assert seen["body"]["variables"]["input"] == {"customerId": CUSTOMER_ID, "resourceId": "site-1"}
    assert {k.lower(): v for k, v in seen["headers"].items()}["x-api-key"] == SERVER_KEY


def test_the_backend_route_rejects_unknown_operations(backend, server_api):
    answer = backend.post("/billing-data", json={"operation": "DeleteCustomer"})
    assert answer.status_code == 400
    assert "Unknown operation" in answer.get_json()["errors"][0]["message"]
    assert server_api.requests == []


def test_the_http_client_renders_from_the_backend_route(backend):
    from stigg_portal import render
    from stigg_portal.clients import CallableTransport, HttpResponse

    def through_flask(request):  # the element's HttpClient, answered by the Flask route in-process
        answer = backend.post("/billing-data", data=request.body, headers=request.headers)
        return HttpResponse(answer.status_code, dict(answer.headers), answer.get_data(as_text=True))

    html = render("stigg-usage", client="http", endpoint="http://localhost/billing-data",
                  transport=CallableTransport(through_flask))
    assert attribute(html, "stigg-usage", "data-stigg-ssr") == "ready"
    assert "stigg-subscription-usage-layout" in html
