"""The Django example project, in-process through Django's test Client, with settings made here."""

from __future__ import annotations

import re

import pytest
from integration_support import (
    API_KEY,
    APPS_DIR,
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

from stigg_portal.token import mint_customer_token

django = pytest.importorskip("django")
from django.conf import settings
from django.template import Context, Template
from django.test import Client, override_settings

api, clean_api = hardened_api_fixtures()

ExampleSettings = example("example_config").ExampleSettings


@pytest.fixture(scope="module", autouse=True)
def django_configured():
    """The example project's settings; ``STIGG_PORTAL`` is set per test with ``override_settings``."""
    if not settings.configured:
        project = example("django_site.settings")
        settings.configure(**{name: getattr(project, name) for name in dir(project) if name.isupper()})
        django.setup()


@pytest.fixture
def portal_settings(api, tmp_path):
    example_settings = ExampleSettings(api_key=API_KEY, signing_secret=SIGNING_SECRET, base_url=api.url,
                                       customer_id=CUSTOMER_ID, dist_dir=str(make_site(tmp_path)))
    stigg_portal = {
        "API_KEY": API_KEY,
        "SIGNING_SECRET": SIGNING_SECRET,
        "DIST_URL": "/stigg-portal/",
        "DIST_DIR": example_settings.dist_dir,
        "DEFAULTS": example_settings.defaults(),
    }
    with override_settings(STIGG_PORTAL=stigg_portal, EXAMPLE=example_settings):
        yield stigg_portal


def test_the_page_has_the_server_rendered_portal_with_a_token_and_no_secret(portal_settings, api):
    page = Client().get("/")
    assert page.status_code == 200
    assert_portal_page(page.content.decode())
    hardened_requests(api)


def test_composed_sections_render_from_one_load(portal_settings, api):
    html = Client().get("/sections").content.decode()
    for tag in ("stigg-subscription-overview", "stigg-usage"):
        assert attribute(html, tag, "data-stigg-ssr") == "ready"
    assert SIGNING_SECRET not in html
    assert len(hardened_requests(api)) == 1
    # the same host layout as the Jinja apps' /sections (cards spaced apart: test_example_pages.py)
    jinja_page = (APPS_DIR / "templates" / "sections.html").read_text()
    style = re.search(r"<style>.*?</style>", jinja_page, re.DOTALL).group(0)
    assert "gap:" in style and style in html
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html


def test_the_view_serves_dist_with_the_right_headers(portal_settings):
    client = Client()

    def get(path, headers):
        response = client.get(path, headers=headers)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        return Answer(response.status_code, dict(response.headers), body)

    assert_serves_dist(get, prefix="/stigg-portal")
    assert_serves_designer_sheets(get, prefix="/stigg-portal")
    assert client.post("/stigg-portal/stigg-portal.js").status_code == 405


def test_the_tags_take_attributes_and_escape_them(portal_settings, api):
    template = Template(
        "{% load stigg_portal %}"
        '{% stigg_portal_element "stigg-usage" customer_id=cid text_invoices_title=title buy_more=True %}'
        '<stigg-usage customer-token="{% stigg_portal_token cid %}"></stigg-usage>'
    )
    html = template.render(Context({"cid": CUSTOMER_ID, "title": 'Usage <"quoted">'}))
    assert attribute(html, "stigg-usage", "data-stigg-ssr") == "ready"
    assert attribute(html, "stigg-usage", "buy-more") == ""
    assert 'text-invoices-title="Usage &lt;&#34;quoted&#34;&gt;"' in html
    assert html.count(mint_customer_token(CUSTOMER_ID, SIGNING_SECRET)) == 2
    assert SIGNING_SECRET not in html


def test_without_a_signing_secret_no_token_is_sent(portal_settings):
    with override_settings(STIGG_PORTAL={**portal_settings, "SIGNING_SECRET": None,
                                         "DEFAULTS": {"client": "demo"}}):
        html = Template('{% load stigg_portal %}{% stigg_portal_element "stigg-usage" customer_id="c-1" %}'
                        ).render(Context())
    assert attribute(html, "stigg-usage", "customer-token") is None
    assert attribute(html, "stigg-usage", "data-stigg-ssr") == "ready"
