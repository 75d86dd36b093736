"""A server-rendered page (the Flask integration, over real HTTP, under a strict CSP) shows the
Stigg widget designer's CSS from its first paint, through the stylesheet link the server writes
before the element; the loader, once booted, keeps that one link (removing the copy a second
separately rendered element brought) and never adopts the same text again. When the app cannot
serve the sheet, the loader applies the design itself, still exactly once."""

from __future__ import annotations

import pytest
from browser_helpers import BOOT_TIMEOUT_MS, serve_wsgi, wait_ready
from flask import Flask, render_template_string

from stigg_portal.integrations.flask import init_app
from stigg_portal.mock_api import DEFAULT_API_KEY, DESIGNER_CUSTOMER

DESIGN_COLOR = "rgb(200, 30, 90)"  # the mock designer's colour for .stigg-plan-header

# From the page's first moment: at the first frame that has our plan header in it (rAF runs just
# before that frame is painted) what it looks like, and whether the loader had painted anything.
FIRST_PAINT = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => window.__violations.push(
  {directive: e.violatedDirective, blocked: e.blockedURI}));
requestAnimationFrame(function check() {
  const header = document.querySelector("#el .stigg-plan-header");
  if (!header) return requestAnimationFrame(check);
  const box = header.getBoundingClientRect();
  window.__first = {
    color: getComputedStyle(header).color,
    outside: getComputedStyle(document.querySelector("#outside")).color,
    letterSpacing: getComputedStyle(header).letterSpacing,
    state: document.querySelector("#el").getAttribute("data-stigg-state"),
    adopted: document.adoptedStyleSheets.length,
    top: Math.round(box.top), height: Math.round(box.height),
  };
});
"""

# How many stylesheets, linked or adopted, carry the design's rule; and the designer links.
COPIES = """() => {
  const has = (sheet) => { try { return [...sheet.cssRules].some((r) => r.cssText.includes("COLOR")); }
                           catch (_) { return false; } };
  return {linked: [...document.styleSheets].filter(has).length,
          adopted: document.adoptedStyleSheets.filter(has).length,
          links: document.querySelectorAll("link[data-stigg-designer-sheet]").length};
}""".replace("COLOR", DESIGN_COLOR)

PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>SSR designer</title>
<link rel="icon" href="data:,">{{ stigg_portal_script() }}</head><body>
<h3 class="stigg-plan-header" id="outside">A page heading that uses our class name</h3>
{{ stigg_portal_element("stigg-customer-portal", id="el", customer_id=customer) }}
{{ stigg_portal_element("stigg-usage", id="usage", customer_id=customer) }}
</body></html>"""


def policy(api: str) -> str:
    return "; ".join([
        "default-src 'none'", "script-src 'self' 'wasm-unsafe-eval'", "worker-src blob: 'self'",
        f"connect-src 'self' {api}", "style-src 'self'", "font-src 'self'", "img-src 'self' data:",
        "base-uri 'none'",
    ])


@pytest.fixture(scope="module")
def flask_site(dist_dir, mock_api):
    """The Flask integration serving the page and dist/ (and so the designer's sheets) on one origin."""
    app = Flask(__name__)
    app.config["STIGG_PORTAL"] = {"API_KEY": DEFAULT_API_KEY, "DIST_DIR": str(dist_dir),
                                  "DEFAULTS": {"client": "stigg", "base_url": mock_api.url}}
    init_app(app)
    csp = policy(mock_api.url)

    @app.after_request
    def strict(response):  # the page and the same-origin worker script get the same policy
        response.headers["Content-Security-Policy"] = csp
        return response

    @app.get("/")
    def index():
        return render_template_string(PAGE, customer=DESIGNER_CUSTOMER)

    with serve_wsgi(app) as url:
        yield url, csp


def open_page(browser, url: str, *, lose_sheets: bool = False):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(FIRST_PAINT)
    if lose_sheets:  # as if another server process answered, one that never rendered this design
        context.route("**/stigg-portal/designer/*.css", lambda route: route.fulfill(status=404, body="Not found"))
    page = context.new_page()
    page.goto(url)
    page.wait_for_function("() => window.__first !== undefined", timeout=BOOT_TIMEOUT_MS)
    return context, page


def inline_attribute_violations_only(page) -> None:
    """The only refusals are the SSR HTML's own style="" attributes (they wait for the browser's
    render, docs/security.md); never a stylesheet, a script or a font."""
    other = [v for v in page.evaluate("window.__violations") if v["directive"] != "style-src-attr"]
    assert other == [], other


def test_the_design_is_painted_from_the_server_link_and_kept_once_after_boot(browser, flask_site):
    url, csp = flask_site
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    context, page = open_page(browser, url)
    first = page.evaluate("window.__first")
    # first paint: the server's HTML, styled by the designer's rule, before the loader did anything
    assert first["state"] is None, first
    assert first["color"] == DESIGN_COLOR and first["letterSpacing"] == "0.5px", first
    assert first["adopted"] == 0, first
    assert first["outside"] != DESIGN_COLOR  # scoped: the page's own heading is untouched
    # two elements rendered separately brought the same sheet twice (one fetch, the same text)
    assert page.request.get(url).text().count("data-stigg-designer-sheet=") == 2

    wait_ready(page, "#el")
    wait_ready(page, "#usage")
    page.wait_for_selector("#el .stigg-plan-header")
    # after boot: still the design, in exactly one stylesheet (the server's link), adopted nowhere
    assert page.evaluate(COPIES) == {"linked": 1, "adopted": 0, "links": 1}
    header = page.evaluate("""() => { const h = document.querySelector('#el .stigg-plan-header');
        const b = h.getBoundingClientRect();
        return {color: getComputedStyle(h).color, top: Math.round(b.top), height: Math.round(b.height)}; }""")
    assert header == {"color": DESIGN_COLOR, "top": first["top"], "height": first["height"]}, (header, first)
    link_id = page.get_attribute("link[data-stigg-designer-sheet]", "data-stigg-designer-sheet")
    assert page.get_attribute("#el", "data-stigg-designer") == link_id
    assert page.get_attribute("#usage", "data-stigg-designer") == link_id
    inline_attribute_violations_only(page)

    # the sheet belongs to the elements: it goes with the last one of them
    page.evaluate("document.querySelector('#el').remove()")
    page.wait_for_timeout(50)
    assert page.evaluate(COPIES)["links"] == 1
    page.evaluate("document.querySelector('#usage').remove()")
    page.wait_for_function("() => document.querySelectorAll('link[data-stigg-designer-sheet]').length === 0")
    context.close()


def test_a_sheet_the_server_cannot_serve_is_applied_by_the_loader_once(browser, flask_site):
    url, _ = flask_site
    context, page = open_page(browser, url, lose_sheets=True)
    first = page.evaluate("window.__first")
    assert first["state"] is None and first["color"] != DESIGN_COLOR, first  # nothing to paint it with
    wait_ready(page, "#el")
    wait_ready(page, "#usage")
    page.wait_for_selector("#el .stigg-plan-header")
    page.wait_for_function("(color) => getComputedStyle(document.querySelector('#el .stigg-plan-header')).color"
                           " === color", arg=DESIGN_COLOR)
    # the failed links are gone and the one text Python sent is adopted once for both elements
    assert page.evaluate(COPIES) == {"linked": 0, "adopted": 1, "links": 0}
    context.close()
