"""Server-rendered elements carry the Stigg widget designer's sheet from the first paint: a
``<link rel="stylesheet">`` before the element (no inline style, so a strict CSP holds), the element
naming the sheet in ``data-stigg-designer``, and the app serving exactly that text at the link."""

from __future__ import annotations

import re

from flask import Flask, render_template_string
from integration_support import SIGNING_SECRET, attribute, hardened_api_fixtures, make_site

from stigg_portal.designer import designer_sheet, stored_css
from stigg_portal.integrations import PortalEmbed
from stigg_portal.integrations.flask import init_app
from stigg_portal.mock_api import DEFAULT_API_KEY, DESIGNER_CUSTOMER
from stigg_portal.server import render, render_provider
from stigg_portal.token import mint_customer_token

api, clean_api = hardened_api_fixtures()
LINK = re.compile(r'<link rel="stylesheet" href="([^"]+)" data-stigg-designer-sheet="([0-9a-f]{12})">')


def designer_attributes(api, customer_id: str = DESIGNER_CUSTOMER) -> dict:
    return {"api_key": DEFAULT_API_KEY, "customer_id": customer_id, "base_url": api.url,
            "customer_token": mint_customer_token(customer_id, SIGNING_SECRET)}


def test_a_rendered_element_is_preceded_by_a_link_to_its_designer_sheet(api):
    html = render("stigg-customer-portal", designer_url="/stigg-portal/designer/", **designer_attributes(api))
    links = LINK.findall(html)
    assert len(links) == 1, html[:300]
    href, sheet_id = links[0]
    # the link comes first, so the browser has the sheet before it paints the element after it
    assert html.startswith("<link ") and html.index("<stigg-customer-portal ") > html.index(href)
    assert href == f"/stigg-portal/designer/{sheet_id}.css"
    assert attribute(html, "stigg-customer-portal", "data-stigg-designer") == sheet_id
    assert attribute(html, "stigg-customer-portal", "data-stigg-ssr") == "ready"
    # what the link serves is the sanitized, scoped design: the designer's rule under the element's
    # id, its @import and its rule for the page's body gone
    css = stored_css(f"{sheet_id}.css")
    assert css and f':where([data-stigg-designer="{sheet_id}"]) .stigg-plan-header' in css
    assert "rgb(200, 30, 90)" in css and "@import" not in css and "fonts.example.com" not in css
    assert not re.search(r"(^|[\s,}])body\b", css)  # "body" stands for the element itself
    # no inline style or script is needed for it
    assert "<style" not in html and "<script" not in html


def test_the_font_of_the_design_is_in_the_linked_sheet(api):
    font = "https://fonts.example.com/brand.woff2"
    api.set_configuration("customer-demo", {"customCss": None, "typography": {"fontFamily": font}})
    try:
        html = render("stigg-usage", designer_url="/d/", **designer_attributes(api, "customer-demo"))
    finally:
        api.set_configuration("customer-demo", None)
    (_, sheet_id), = LINK.findall(html)
    css = stored_css(f"{sheet_id}.css")
    assert '@font-face { font-family: "custom-font"' in css and f'url("{font}") format("woff2")' in css
    assert attribute(html, "stigg-usage", "data-stigg-designer") == sheet_id


def test_without_a_design_or_without_a_url_nothing_is_linked(api):
    plain = render("stigg-usage", designer_url="/d/", **designer_attributes(api, "customer-demo"))
    assert not LINK.search(plain) and attribute(plain, "stigg-usage", "data-stigg-designer") is None
    # no URL to serve it from: the element still names its sheet (the loader applies it later)
    unlinked = render("stigg-usage", **designer_attributes(api))
    assert not LINK.search(unlinked) and attribute(unlinked, "stigg-usage", "data-stigg-designer")


def test_an_error_state_links_no_design(api):
    api.fail("500")
    html = render("stigg-usage", designer_url="/d/", **designer_attributes(api))
    assert attribute(html, "stigg-usage", "data-stigg-ssr") == "error"
    assert not LINK.search(html) and attribute(html, "stigg-usage", "data-stigg-designer") is None


def test_a_provider_links_each_distinct_sheet_once_before_itself(api):
    html = render_provider(["stigg-subscription-overview", "stigg-usage", "stigg-invoices"],
                           designer_url="/d/", **designer_attributes(api))
    links = LINK.findall(html)
    assert len(links) == 1 and html.index("<stigg-provider ") > html.index(links[0][0])
    ids = {attribute(html, tag, "data-stigg-designer")
           for tag in ("stigg-subscription-overview", "stigg-usage", "stigg-invoices")}
    assert ids == {links[0][1]}
    assert attribute(html, "stigg-provider", "data-stigg-designer") is None  # it shows nothing itself


def test_the_embed_links_sheets_it_serves_on_this_site_and_none_on_a_cdn():
    assert PortalEmbed(dist_url="/static/portal/").designer_base() == "/static/portal/designer/"
    assert PortalEmbed(dist_url="https://cdn.example.com/sp/0.1.0/").designer_base() is None
    assert PortalEmbed(dist_url="//cdn.example.com/sp/").designer_base() is None
    assert PortalEmbed(dist_url="https://cdn.example.com/sp/", designer_url="/mine/").designer_base() == "/mine/"
    assert PortalEmbed(designer_url="").designer_base() is None
    assert PortalEmbed.from_settings({"DESIGNER_URL": ""}).designer_base() is None


def test_a_flask_page_links_the_sheet_the_app_then_serves(api, tmp_path):
    app = Flask(__name__)
    app.config["STIGG_PORTAL"] = {"API_KEY": DEFAULT_API_KEY, "SIGNING_SECRET": SIGNING_SECRET,
                                  "DIST_DIR": str(make_site(tmp_path)), "DEFAULTS": {"base_url": api.url}}
    init_app(app)
    with app.test_request_context():
        html = render_template_string(
            "<head>{{ stigg_portal_script() }}</head><body>"
            "{{ stigg_portal_element('stigg-customer-portal', customer_id=customer) }}</body>",
            customer=DESIGNER_CUSTOMER)
    (href, sheet_id), = LINK.findall(html)
    assert href == f"/stigg-portal/designer/{sheet_id}.css"
    served = app.test_client().get(href)
    assert served.status_code == 200 and served.mimetype == "text/css"
    text = served.get_data(as_text=True)
    assert f':where([data-stigg-designer="{sheet_id}"]) .stigg-plan-header' in text
    assert attribute(html, "stigg-customer-portal", "data-stigg-designer") == sheet_id


def test_the_served_text_is_the_text_the_browser_runtime_would_adopt(api):
    html = render("stigg-paywall", designer_url="/d/", **designer_attributes(api))
    (_, sheet_id), = LINK.findall(html)
    from stigg_portal.mock_api import DESIGNER_CONFIGURATION

    class Configuration:
        custom_css = DESIGNER_CONFIGURATION["customCss"]
        typography = None

    assert designer_sheet(Configuration()).id == sheet_id  # one sheet, one id, wherever it was made
