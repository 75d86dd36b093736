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


# ----------------------------------------------------------------------------- several processes
def _render_in_another_process(api, folder) -> str:
    """Server-render the designer customer's portal in a new Python process (one worker of a
    multi-process server) writing its sheets to ``folder``; returns the page's HTML."""
    import json
    import os
    import subprocess
    import sys

    script = ("import json, sys; from stigg_portal.server import render; "
              "print(render('stigg-customer-portal', designer_url='/stigg-portal/designer/', **json.loads(sys.argv[1])))")
    done = subprocess.run([sys.executable, "-c", script, json.dumps(designer_attributes(api))], capture_output=True,
                          text=True, timeout=120, check=True,
                          env={**os.environ, "STIGG_PORTAL_DESIGNER_DIR": str(folder)})
    return done.stdout


def _forget_in_this_process(monkeypatch, folder) -> None:
    from stigg_portal import designer

    monkeypatch.setattr(designer, "_stored", type(designer._stored)())
    monkeypatch.setenv("STIGG_PORTAL_DESIGNER_DIR", str(folder))


def test_a_sheet_rendered_by_one_process_is_served_by_another(api, tmp_path, monkeypatch):
    from stigg_portal.serve import dist_answer

    html = _render_in_another_process(api, tmp_path / "sheets")
    (href, sheet_id), = LINK.findall(html)
    _forget_in_this_process(monkeypatch, tmp_path / "sheets")
    answer = dist_answer(make_site(tmp_path), href.removeprefix("/stigg-portal/"), {})
    assert answer.status == 200 and answer.headers["Content-Type"] == "text/css; charset=utf-8"
    css = answer.content.decode()
    assert f':where([data-stigg-designer="{sheet_id}"]) .stigg-plan-header' in css and "rgb(200, 30, 90)" in css
    assert "immutable" in answer.headers["Cache-Control"]


def test_a_shared_sheet_whose_text_is_not_its_names_is_not_served(api, tmp_path, monkeypatch):
    from stigg_portal.serve import dist_answer

    html = _render_in_another_process(api, tmp_path / "sheets")
    (href, sheet_id), = LINK.findall(html)
    stored = tmp_path / "sheets" / f"{sheet_id}.css"
    stored.write_text(stored.read_text() + "\nhtml { display: none }")  # someone else's text under that name
    (tmp_path / "sheets" / "0123456789ab.css").write_text("body { display: none }")
    _forget_in_this_process(monkeypatch, tmp_path / "sheets")
    site = make_site(tmp_path)
    assert dist_answer(site, href.removeprefix("/stigg-portal/"), {}).status == 404
    assert dist_answer(site, "designer/0123456789ab.css", {}).status == 404


def test_the_shared_folder_can_be_turned_off(api, tmp_path, monkeypatch):
    from stigg_portal.designer import shared_dir

    monkeypatch.setenv("STIGG_PORTAL_DESIGNER_DIR", "")
    assert shared_dir() is None
    _forget_in_this_process(monkeypatch, tmp_path / "sheets")
    monkeypatch.setenv("STIGG_PORTAL_DESIGNER_DIR", "")
    html = render("stigg-customer-portal", designer_url="/d/", **designer_attributes(api))
    (_, sheet_id), = LINK.findall(html)
    assert stored_css(f"{sheet_id}.css")  # this process still serves what it rendered
    assert not (tmp_path / "sheets").exists()
