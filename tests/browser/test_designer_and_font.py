"""Issue 12, items 4 and 5 in Chromium: the Stigg designer's CSS and font applied to our elements
only (a constructed stylesheet, so a strict CSP page still works; ``@import`` dropped; the theme
attribute winning), and DM Sans served from dist/ with no third-party request and no layout shift
when it arrives."""

from __future__ import annotations

import json
import re
import textwrap
from urllib.parse import urlsplit

import pytest
from browser_helpers import BOOT_TIMEOUT_MS

from stigg_portal.mock_api import DEFAULT_API_KEY, DESIGNER_CUSTOMER
from stigg_portal.serve import Server

RECORDER = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => window.__violations.push(
  {directive: e.violatedDirective, blocked: e.blockedURI}));
"""


def policy(dist: str, api: str) -> str:
    return "; ".join([
        "default-src 'none'", f"script-src {dist} 'wasm-unsafe-eval'", f"worker-src blob: {dist}",
        f"connect-src {dist} {api}", f"style-src {dist}", f"font-src {dist}", "img-src 'self' data:",
        "base-uri 'none'",
    ])


@pytest.fixture(scope="module")
def csp_site(tmp_path_factory, dist_dir, dist_server, mock_api):
    root = tmp_path_factory.mktemp("designer")
    csp = policy(dist_server.url, mock_api.url)
    with Server(root, headers={"Content-Security-Policy": csp}) as server:
        yield root, server, csp


def write_page(root, dist_url: str, body: str, name: str) -> str:
    (root / name).write_text(textwrap.dedent(f"""\
        <!doctype html><html lang="en"><head><meta charset="utf-8"><title>designer</title>
        <link rel="icon" href="data:,">
        <script type="module" src="{dist_url}/stigg-portal.js"></script>
        </head><body>{body}</body></html>"""))
    return name


def element(api, customer: str, tag: str = "stigg-customer-portal", el_id: str = "el", **extra: str) -> str:
    attrs = {"id": el_id, "client": "stigg", "base-url": api.url, "api-key": DEFAULT_API_KEY, "customer-id": customer,
             **extra}
    return f"<{tag} " + " ".join(f"{k}='{v}'" for k, v in attrs.items()) + f"></{tag}>"


def wait_ready(page, *ids: str) -> None:
    for el_id in ids:
        page.wait_for_selector(f'#{el_id}[data-stigg-state="ready"]', timeout=BOOT_TIMEOUT_MS)


def computed(page, selector: str, prop: str) -> str:
    return page.evaluate(f"getComputedStyle(document.querySelector({json.dumps(selector)}))"
                         f".getPropertyValue({json.dumps(prop)}).trim()")


def test_designer_css_applies_to_our_elements_only_under_a_strict_csp(browser, csp_site, dist_server, mock_api):
    root, server, csp = csp_site
    assert "'unsafe-inline'" not in csp
    body = (element(mock_api, DESIGNER_CUSTOMER)
            + '<h3 class="stigg-plan-header" id="outside">A page heading that uses our class name</h3>')
    context = browser.new_context()
    context.add_init_script(RECORDER)
    requests: list[str] = []
    context.on("request", lambda r: requests.append(r.url))
    page = context.new_page()
    page.goto(f"{server.url}/{write_page(root, dist_server.url, body, 'designer.html')}")
    wait_ready(page, "el")
    page.wait_for_selector("#el .stigg-plan-header", timeout=BOOT_TIMEOUT_MS)
    # the designer's rule reaches the plan cards inside the portal ...
    assert computed(page, "#el .stigg-plan-header", "color") == "rgb(200, 30, 90)"
    assert page.get_attribute("#el", "data-stigg-designer")
    # ... and nothing outside it, not even an element with the same class
    assert computed(page, "#outside", "color") != "rgb(200, 30, 90)"
    # @import of an outside URL dropped: not in any adopted sheet, never requested
    sheets = page.evaluate("document.adoptedStyleSheets.map((s) => [...s.cssRules].map((r) => r.cssText).join('\\n'))")
    assert len(sheets) == 2 and "rgb(200, 30, 90)" in sheets[1]
    assert "@import" not in "".join(sheets) and "fonts.example.com" not in "".join(sheets)
    assert not [u for u in requests if "example.com" in u]
    # the strict CSP page works: no violation, only our three origins were asked for anything
    assert page.evaluate("window.__violations") == []
    origins = {f"{urlsplit(u).scheme}://{urlsplit(u).netloc}" for u in requests if u.startswith("http")}
    assert origins <= {server.url, dist_server.url, mock_api.url}, origins
    context.close()


def test_theme_attribute_wins_over_the_designer_and_the_designer_font_loads(browser, csp_site, dist_server,
                                                                             mock_api):
    root, server, _ = csp_site
    font_url = f"{dist_server.url}/fonts/dm-sans-latin-700-normal.woff2"
    mock_api.set_configuration("customer-demo", {
        "customCss": ".stigg-section-card { --stigg-palette-primary: rgb(1, 2, 3); }\n"
                     "@import url('https://evil.example/x.css');",
        "typography": {"fontFamily": font_url},
    })
    try:
        theme = json.dumps({"palette": {"primary": "#112233"}})
        body = (element(mock_api, "customer-demo", el_id="plain")
                + element(mock_api, "customer-demo", el_id="themed", theme=theme))
        context = browser.new_context()
        context.add_init_script(RECORDER)
        page = context.new_page()
        page.goto(f"{server.url}/{write_page(root, dist_server.url, body, 'theme.html')}")
        wait_ready(page, "plain", "themed")
        assert computed(page, "#plain .stigg-section-card", "--stigg-palette-primary") == "rgb(1, 2, 3)"
        assert computed(page, "#themed .stigg-section-card", "--stigg-palette-primary").lower() == "#112233"
        # one sheet each (different texts: the themed one lost the declaration the theme sets)
        assert page.get_attribute("#plain", "data-stigg-designer") != page.get_attribute("#themed", "data-stigg-designer")
        # the designer's font is the first family of the stack, loaded from its URL (font-src allows it)
        page.wait_for_function("document.fonts.ready.then(() => true)")
        loaded = page.evaluate("""document.fonts.ready.then(() => [...document.fonts]
            .filter((f) => f.family.replace(/["']/g, '') === 'custom-font').map((f) => f.status))""")
        assert loaded and set(loaded) == {"loaded"}  # one face per element's sheet, each loaded
        assert page.evaluate("window.__violations") == []
        # removing the elements drops their sheets again
        page.evaluate("document.querySelectorAll('#plain, #themed').forEach((e) => e.remove())")
        page.wait_for_function("document.adoptedStyleSheets.length === 1")
        context.close()
    finally:
        mock_api.set_configuration("customer-demo", None)


def test_dm_sans_comes_from_dist_and_its_arrival_moves_nothing(browser, site, dist_server):
    url = site.page_url('<stigg-paywall id="pw" scenario="trial" client="demo"></stigg-paywall>', name="font.html")

    def measure(block_fonts: bool) -> tuple[dict, list[str], list[str]]:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        requests: list[str] = []
        context.on("request", lambda r: requests.append(r.url))
        if block_fonts:
            context.route("**/fonts/*.woff2", lambda route: route.abort())
        page = context.new_page()
        page.goto(url)
        wait_ready(page, "pw")
        page.evaluate("document.fonts.ready")
        page.wait_for_timeout(200)
        boxes = page.evaluate("""() => Object.fromEntries([...document.querySelectorAll(
            '#pw .stigg-paywall-plan-container, #pw .stigg-plan-header-divider, #pw .stigg-plan-entitlements-container')]
            .map((e, i) => [i, Math.round(e.getBoundingClientRect().top)]))""")
        families = page.evaluate("""[...document.fonts].filter((f) => f.status === 'loaded')
            .map((f) => f.family.replace(/["']/g, '') + ' ' + f.weight)""")
        context.close()
        return boxes, requests, families

    with_font, requests, families = measure(False)
    fonts = [u for u in requests if u.endswith(".woff2")]
    assert fonts and all(u.startswith(f"{dist_server.url}/fonts/dm-sans-latin") for u in fonts), fonts
    assert "DM Sans 400" in families and "DM Sans 700" in families
    assert {f"{urlsplit(u).scheme}://{urlsplit(u).netloc}" for u in requests if u.startswith("http")} <= {
        site.server.url, dist_server.url}
    fallback, _, families = measure(True)
    assert "DM Sans 400" not in families and "DM Sans Fallback 400" in families
    # the metric-matched fallback lays out every card part at the same place as DM Sans does
    assert with_font.keys() == fallback.keys() and len(with_font) >= 6
    shifts = {k: with_font[k] - fallback[k] for k in with_font if abs(with_font[k] - fallback[k]) > 1}
    assert not shifts, shifts


def test_dist_ships_dm_sans_woff2_latin_and_latin_ext_with_its_license(dist_dir):
    fonts = dist_dir / "fonts"
    assert sorted(p.name for p in fonts.iterdir()) == sorted(
        ["DM-Sans-OFL.txt"] + [f"dm-sans-{s}-{w}-normal.woff2" for s in ("latin", "latin-ext") for w in (400, 500, 700)])
    assert "SIL Open Font License" in (fonts / "DM-Sans-OFL.txt").read_text()
    for path in fonts.glob("*.woff2"):
        assert path.read_bytes()[:4] == b"wOF2", path.name
    css = (dist_dir / "stigg-portal.css").read_text()
    faces = [f for f in css.split("@font-face")[1:] if '"DM Sans"' in f.split("}")[0]]
    assert len(faces) == 6 and all("font-display: swap" in f.split("}")[0] for f in faces)
    assert "size-adjust" in css and '"DM Sans Fallback"' in css
    assert not [u for u in re.findall(r'url\("([^"]+)"\)', css) if "//" in u]  # dist-relative only
