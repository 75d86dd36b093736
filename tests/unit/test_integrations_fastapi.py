"""The FastAPI example app, in-process through httpx: server-rendered portal, minted token, dist/ mounted."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
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

api, clean_api = hardened_api_fixtures()

ExampleSettings = example("example_config").ExampleSettings
create_app = example("fastapi_app").create_app


@pytest.fixture
def client(api, tmp_path):
    settings = ExampleSettings(api_key=API_KEY, signing_secret=SIGNING_SECRET, base_url=api.url,
                              customer_id=CUSTOMER_ID, dist_dir=str(make_site(tmp_path)))
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def test_the_page_has_the_server_rendered_portal_with_a_token_and_no_secret(client, api):
    page = client.get("/")
    assert page.status_code == 200
    assert_portal_page(page.text)
    hardened_requests(api)


def test_an_async_endpoint_awaits_the_element(client, api):
    html = client.get("/usage").text
    assert_portal_page(html, tag="stigg-usage", layout_class="stigg-subscription-usage-layout")


def test_composed_sections_render_from_one_load(client, api):
    html = client.get("/sections").text
    for tag in ("stigg-subscription-overview", "stigg-usage"):
        assert attribute(html, tag, "data-stigg-ssr") == "ready"
    assert SIGNING_SECRET not in html
    assert len(hardened_requests(api)) == 1


def test_the_mount_serves_dist_with_the_right_headers(client):
    def get(path, headers):
        with client.stream("GET", path, headers=headers) as response:
            return Answer(response.status_code, dict(response.headers), b"".join(response.iter_raw()))

    assert_serves_dist(get, prefix="/stigg-portal")
    assert_serves_designer_sheets(get, prefix="/stigg-portal")
    head = client.head("/stigg-portal/stigg-portal.js")
    assert head.status_code == 200 and head.content == b""
    assert client.post("/stigg-portal/stigg-portal.js").status_code == 405
