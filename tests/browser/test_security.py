"""Security in real Chromium against the mock Stigg API: hostile API data never runs, a strict
Content-Security-Policy page works (dist/ cross-origin and same-origin), and nothing but the
publishable key and the customer token leaves the page, and nothing is stored unless asked.
"""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from stigg_portal.mock_api import DEFAULT_API_KEY, start_mock_api
from stigg_portal.serve import Server
from stigg_portal.token import mint_customer_token

BOOT_MS = 60_000
HOSTILE = Path(__file__).resolve().parents[1] / "fixtures" / "hostile"
SIGNING_SECRET = "test-signing-secret-not-a-real-one"
ELEMENTS = ["stigg-subscription-overview", "stigg-usage", "stigg-addons", "stigg-promotions",
            "stigg-payment-details", "stigg-invoices", "stigg-paywall"]

# Installed before any page script (Playwright init scripts are not subject to the page's CSP).
RECORDER = """
window.__events = [];
window.__violations = [];
for (const name of ["stigg-ready", "stigg-error"]) {
  document.addEventListener(name, (e) => window.__events.push({type: e.type, id: e.target.id,
    detail: JSON.parse(JSON.stringify(e.detail))}));
}
document.addEventListener("securitypolicyviolation", (e) => window.__violations.push(
  {directive: e.violatedDirective, blocked: e.blockedURI, sample: e.sample}));
"""

# What a stigg element's DOM must never contain, checked in the page.
INERT_CHECK = """(root) => {
  const found = [];
  for (const el of root.querySelectorAll("*")) {
    if (["SCRIPT", "IFRAME", "OBJECT", "EMBED", "BASE", "META"].includes(el.tagName)) found.push(el.tagName);
    for (const attr of el.attributes) {
      if (attr.name.startsWith("on")) found.push(`${el.tagName} ${attr.name}`);
      if (["href", "src", "action", "formaction", "xlink:href"].includes(attr.name)
          && /^\\s*(javascript|data|vbscript):/i.test(attr.value)) found.push(`${el.tagName} ${attr.name}=${attr.value}`);
    }
    if (el.tagName === "IMG" && el.getAttribute("src") === "x") found.push("img src=x");
  }
  return found;
}"""


def page_html(dist_url: str, body: str) -> str:
    return textwrap.dedent(f"""\
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>security</title><link rel="icon" href="data:,">
        <script type="module" src="{dist_url}/stigg-portal.js"></script>
        </head><body>
        {body}
        </body></html>""")


def attrs_html(attrs: dict[str, str]) -> str:
    return " ".join(f"{k}='{v}'" for k, v in attrs.items())


class Console:
    def __init__(self, page) -> None:
        self.lines: list[tuple[str, str]] = []
        self.errors: list[str] = []
        page.on("console", lambda m: self.lines.append((m.type, m.text)))
        page.on("pageerror", lambda e: self.errors.append(str(e)))

    def error_lines(self) -> list[str]:
        return [t for k, t in self.lines if k == "error"] + self.errors


@pytest.fixture(scope="module")
def mock_api():
    api = start_mock_api(fixtures_dir=HOSTILE, signing_secret=SIGNING_SECRET)
    yield api
    api.stop()


def stigg_attrs(api, customer: str, **extra: str) -> dict[str, str]:
    return {"client": "stigg", "base-url": api.url, "api-key": DEFAULT_API_KEY, "customer-id": customer,
            "customer-token": mint_customer_token(customer, SIGNING_SECRET),
            **{k.replace("_", "-"): v for k, v in extra.items()}}


def wait_all_settled(page, selector: str = "[id^=el-]") -> None:
    page.wait_for_function(
        f"""() => [...document.querySelectorAll({json.dumps(selector)})]
              .every((e) => ["ready", "error"].includes(e.getAttribute("data-stigg-state")))""",
        timeout=BOOT_MS)


# =============================================================================== hostile data
@pytest.fixture(scope="module")
def hostile_page(browser, site, mock_api):
    context = browser.new_context()
    # cookies on the page's host and the API's host: neither may ever be sent with API requests
    for origin in {site.server.url, mock_api.url}:
        context.add_cookies([{"name": "session", "value": "page-cookie-secret", "url": origin}])
    context.add_init_script(RECORDER)
    page = context.new_page()
    console = Console(page)
    payload = "<img src=x onerror=\"window.__pwned='texts'\">"
    elements = [f'<{tag} id="el-{tag[6:]}" {attrs_html(stigg_attrs(mock_api, "customer-hostile"))}></{tag}>'
                for tag in ELEMENTS]
    elements.append(f'<stigg-customer-portal id="el-portal" {attrs_html(stigg_attrs(mock_api, "customer-hostile"))}'
                    f' text-manage-subscription="{payload.replace(chr(34), "&quot;")}"></stigg-customer-portal>')
    elements.append(f'<stigg-customer-portal id="el-portal-all" '
                    f'{attrs_html(stigg_attrs(mock_api, "customer-hostile-all"))}></stigg-customer-portal>')
    elements.append(f'<stigg-payment-details id="el-cached" cache="session" '
                    f'{attrs_html(stigg_attrs(mock_api, "customer-demo"))}></stigg-payment-details>')
    mock_api.reset()
    page.goto(site.page_url("".join(elements)))
    wait_all_settled(page)
    page.wait_for_timeout(500)  # an injected <img onerror> would have fired by now
    yield page, console
    context.close()


def test_hostile_data_never_runs(hostile_page):
    page, console = hostile_page
    assert page.evaluate("window.__pwned") is None
    states = page.evaluate("[...document.querySelectorAll('[id^=el-]')].map((e) => [e.id, e.dataset.stiggState])")
    assert all(state == "ready" for _, state in states), states
    for element_id, _ in states:
        assert page.evaluate(INERT_CHECK, page.query_selector(f"#{element_id}")) == [], element_id
    # hovering and focusing every control does not run anything either
    for handle in page.query_selector_all("#el-portal a, #el-portal button")[:40]:
        handle.hover()
    assert page.evaluate("window.__pwned") is None
    assert console.error_lines() == []


def test_hostile_strings_are_shown_as_text(hostile_page):
    page, _ = hostile_page
    for element_id, original in [("el-payment-details", "Acme Inc."), ("el-payment-details", "billing@acme.example"),
                                 ("el-subscription-overview", "Pro"), ("el-addons", "Extra storage"),
                                 ("el-promotions", "AI assistant"), ("el-usage", "API calls"),
                                 ("el-paywall", "Enterprise")]:
        text = page.inner_text(f"#{element_id}")
        assert f"{original}\"'><svg onload=\"window.__pwned='{original}'\"><img src=x onerror=" in text, \
            (element_id, original)
    assert "<img src=x onerror=\"window.__pwned='texts'\">" in page.inner_text("#el-portal")


def test_javascript_urls_never_become_links(hostile_page):
    page, _ = hostile_page
    hrefs = page.evaluate("[...document.querySelectorAll('[id^=el-] a[href]')].map((a) => a.getAttribute('href'))")
    assert all(urlsplit(h).scheme in {"", "http", "https", "mailto"} for h in hrefs), hrefs


# =============================================================================== secrets
BROWSER_HEADERS = {
    "host", "connection", "content-length", "origin", "referer", "user-agent", "accept-encoding",
    "accept-language", "sec-fetch-site", "sec-fetch-mode", "sec-fetch-dest", "sec-ch-ua", "sec-ch-ua-mobile",
    "sec-ch-ua-platform", "pragma", "cache-control", "priority",
}
CLIENT_HEADERS = {"content-type", "accept", "x-api-key", "x-customer-key", "x-graphql-operation-name", "source",
                  "apollographql-client-name", "apollographql-client-version"}


def test_only_the_publishable_key_and_the_customer_token_are_sent(hostile_page, mock_api):
    assert hostile_page  # its elements made the requests
    requests = list(mock_api.requests)
    assert requests
    for request in requests:
        headers = {k.lower(): v for k, v in request["headers"].items()}
        assert set(headers) - BROWSER_HEADERS <= CLIENT_HEADERS, set(headers) - BROWSER_HEADERS
        assert "cookie" not in headers and "authorization" not in headers
        assert headers["x-api-key"] == DEFAULT_API_KEY
        assert headers["x-customer-key"] == mint_customer_token(request["customerId"], SIGNING_SECRET)
        assert request["status"] == 200
        body = request["body"]
        assert set(body) == {"operationName", "query", "variables"}
        assert set(body["variables"]) == {"input"} and body["variables"]["input"] == {"customerId": request["customerId"]}
        # the referrer never carries the page's path or query to the API
        assert urlsplit(headers.get("referer", "http://x/")).path in ("", "/")


def test_no_customer_data_is_stored_unless_the_page_opts_in(hostile_page):
    page, _ = hostile_page
    stored = page.evaluate("""async () => ({
        local: Object.keys(localStorage),
        shapes: localStorage.getItem("stigg-portal:shapes"),
        session: Object.fromEntries(Object.keys(sessionStorage).map((k) => [k, sessionStorage.getItem(k)])),
        cookie: document.cookie,
        indexedDB: (await indexedDB.databases()).map((d) => d.name),
        idbRecords: await (async () => {
          let count = 0;
          for (const { name } of await indexedDB.databases()) {
            const db = await new Promise((ok, ko) => { const r = indexedDB.open(name); r.onsuccess = () => ok(r.result); r.onerror = ko; });
            for (const store of db.objectStoreNames) {
              count += await new Promise((ok) => { const r = db.transaction(store).objectStore(store).count(); r.onsuccess = () => ok(r.result); });
            }
            db.close();
          }
          return count;
        })(),
        caches: await caches.keys(),
        // the one cache the worker may write: its own public runtime files, decoded
        runtime: (await caches.keys()).includes("stigg-portal-runtime")
          ? (await (await caches.open("stigg-portal-runtime")).keys()).map((r) => r.url) : [],
    })""")
    # localStorage: only the skeleton's memory, section heights per tag and viewport width (numbers)
    assert set(stored["local"]) <= {"stigg-portal:shapes"}
    for shape in json.loads(stored["shapes"] or "[]"):
        assert set(shape) == {"tag", "width", "heights"} and shape["tag"].startswith("stigg-"), shape
        assert all(k.startswith("stigg-") and isinstance(v, (int, float)) for k, v in shape["heights"].items()), shape
    assert "customer-demo" not in (stored["shapes"] or "") and "Acme" not in (stored["shapes"] or "")
    assert stored["cookie"] == "session=page-cookie-secret"  # the page's own cookie, nothing added
    # PyScript opens its own IndexedDB stores (IDBMap/...: its fs plugin, its package cache);
    # none of them may hold anything (no customer data, no API answer)
    assert all(name.startswith("IDBMap/") for name in stored["indexedDB"]), stored["indexedDB"]
    assert stored["idbRecords"] == 0
    assert set(stored["caches"]) <= {"stigg-portal-runtime"}
    dist_url = page.evaluate("new URL('./', document.querySelector('script[src]').src).href")
    for url in stored["runtime"]:  # runtime files from dist/ only: no API answer, no customer data
        assert url.startswith(dist_url), url
        assert re.search(r"/pyodide-[^/]+/(pyodide\.asm\.wasm|snapshot-\w+\.bin|dynlib-[^/]+\.so)$", url), url
    # cache="session" (one element opted in) stores that element's HTML, and only that
    (key, html), = stored["session"].items()
    assert key.startswith("stigg-portal:stigg-payment-details:customer-demo")
    assert "Acme Inc." in html
    assert DEFAULT_API_KEY not in html and "HMAC-SHA256" not in html and SIGNING_SECRET not in html
    assert "__pwned" not in html


# =============================================================================== CSP
def csp(script: str, worker: str, connect: str, style: str, font: str | None = None) -> str:
    return "; ".join([
        "default-src 'none'",
        f"script-src {script} 'wasm-unsafe-eval'",
        f"worker-src {worker}",
        f"connect-src {connect}",
        f"style-src {style}",
        f"font-src {font or script}",  # DM Sans from dist/fonts/
        "img-src 'self' data:",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    ])


@pytest.fixture(scope="module")
def csp_sites(tmp_path_factory, dist_dir, dist_server, mock_api):
    """Page servers sending a strict CSP header: dist/ on another origin, dist/ mounted on the
    page's own origin at /dist (blob: still needed: PyScript's workers are blob: workers), and dist/ on another origin with
    no stylesheet allowed at all (the loader's constructed stylesheet is not subject to style-src)."""
    cross_root = tmp_path_factory.mktemp("csp-cross")
    same_root = tmp_path_factory.mktemp("csp-same")
    nostyle_root = tmp_path_factory.mktemp("csp-no-style")
    dist = dist_server.url
    # a module worker's static imports are checked against worker-src, so dist/ is listed there too
    cross_policy = csp(script=dist, worker=f"blob: {dist}", connect=f"{dist} {mock_api.url}", style=dist)
    # PyScript's workers are blob: workers: pages allow `worker-src blob:` (without it the loader
    # falls back to the plain worker, see test_pyscript_runtime.py)
    same_policy = csp(script="'self'", worker="'self' blob:", connect=f"'self' {mock_api.url}", style="'self'")
    nostyle_policy = csp(script=dist, worker=f"blob: {dist}", connect=f"{dist} {mock_api.url}", style="'none'")
    with Server(cross_root, headers={"Content-Security-Policy": cross_policy}) as cross, \
            Server(same_root, headers={"Content-Security-Policy": same_policy}, mounts={"dist": dist_dir}) as same, \
            Server(nostyle_root, headers={"Content-Security-Policy": nostyle_policy}) as nostyle:
        yield {"cross-origin": (cross_root, cross, dist, cross_policy),
               "same-origin": (same_root, same, f"{same.url}/dist", same_policy),
               "style-src-none": (nostyle_root, nostyle, dist, nostyle_policy)}


@pytest.mark.parametrize("layout", ["cross-origin", "same-origin", "style-src-none"])
def test_strict_csp_page_works(browser, csp_sites, mock_api, layout):
    root, server, dist_url, policy = csp_sites[layout]
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
    body = (f'<stigg-customer-portal id="el-portal" {attrs_html(stigg_attrs(mock_api, "customer-demo"))}>'
            f'</stigg-customer-portal>'
            f'<stigg-usage id="el-usage" {attrs_html(stigg_attrs(mock_api, "customer-trial"))}></stigg-usage>')
    (root / "index.html").write_text(page_html(dist_url, body))
    context = browser.new_context()
    context.add_init_script(RECORDER)
    page = context.new_page()
    console = Console(page)
    response = page.goto(f"{server.url}/index.html")
    assert response.headers["content-security-policy"] == policy
    wait_all_settled(page)
    assert page.get_attribute("#el-portal", "data-stigg-state") == "ready"
    assert page.get_attribute("#el-usage", "data-stigg-state") == "ready"
    assert "Acme Inc." in page.inner_text("#el-portal")
    # styles from dist/ applied, and our style values (progress bars) too, without a violation
    assert page.evaluate(
        "getComputedStyle(document.querySelector('#el-portal')).getPropertyValue('--stigg-palette-primary')").strip()
    assert page.evaluate("getComputedStyle(document.querySelector('#el-portal .stigg-section-card')).display") == "flex"
    assert page.evaluate("StiggPortal.styles") == "adopted"
    assert page.evaluate("[...document.querySelectorAll('#el-usage [role=progressbar]')]"
                         ".every((bar) => bar.style.getPropertyValue('--stigg-progress').endsWith('%'))")
    assert page.locator("#el-usage [role=progressbar]").count() >= 1
    page.evaluate("StiggPortal.refresh()")
    assert page.evaluate("window.__violations") == []
    assert console.error_lines() == []
    worker_origin = page.evaluate("new URL(document.querySelector('script[src]').src).origin")
    assert (worker_origin == server.url) is (layout == "same-origin")
    # Python ran under PyScript (its JavaScript worker hook, which needs eval, is turned off)
    assert page.evaluate("StiggPortal.runtime") == "pyscript"
    context.close()
