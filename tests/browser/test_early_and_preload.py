"""Early GraphQL requests and preload (issue 11, levers (m) and (n)), in Chromium.

- Early requests: the loader sends the Stigg requests of the elements on the page while the
  runtime boots; the mock API then sees ONE request per operation, and the render shows the data.
  A request Python builds differently (an attribute changed before the boot) is sent by Python;
  an early 401 / 500 ends in the same error UI, event and console line as with early requests off.
- Preload: after an app shell with ``data-preload`` (no element), the portal page boots from Cache
  Storage (``StiggPortal.runtimeCache == "hit"``) and the big runtime files are not served again;
  on a page that also has elements, preload starts no second runtime.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any, ClassVar

import pytest

from stigg_portal.mock_api import DEFAULT_API_KEY, start_mock_api
from stigg_portal.serve import DistHandler, Server

BOOT_MS = 60_000
PORTAL, PAYWALL = "GetCustomerPortalByRefId", "GetPaywall"

EVENTS = """<script>
window.__events = [];
for (const name of ["stigg-ready", "stigg-error"]) {
  document.addEventListener(name, (e) => window.__events.push(
    {type: e.type, id: e.target.id, detail: JSON.parse(JSON.stringify(e.detail))}));
}
</script>"""


@pytest.fixture(scope="module")
def mock_api():
    api = start_mock_api()
    yield api
    api.stop()


def attrs_html(api, customer: str, **extra: str) -> str:
    attrs = {"base-url": api.url, "api-key": DEFAULT_API_KEY, "customer-id": customer,
             **{k.replace("_", "-"): v for k, v in extra.items()}}
    return " ".join(f"{k}='{v}'" for k, v in attrs.items())


def requests_for(api, customer: str, operation: str) -> list[dict[str, Any]]:
    return [r for r in list(api.requests) if r.get("customerId") == customer and r.get("operation") == operation]


def worker_stats(page) -> dict[str, Any]:
    return page.evaluate("StiggPortal._stats()")["worker"]


# =============================================================================== early requests
@pytest.mark.parametrize("early", ["on", "off"])
def test_one_request_per_operation_and_the_data_shows(page, site, mock_api, early):
    mock_api.reset()
    script_attrs = 'data-early-requests="off"' if early == "off" else ""
    url = site.page_url(f"<stigg-customer-portal id='p' {attrs_html(mock_api, 'customer-demo')}></stigg-customer-portal>",
                        head=EVENTS, script_attrs=script_attrs, name=f"early-one-{early}.html")
    page.goto(url)
    page.wait_for_selector('#p[data-stigg-state="ready"]', timeout=BOOT_MS)
    assert len(requests_for(mock_api, "customer-demo", PORTAL)) == 1
    assert len(requests_for(mock_api, "customer-demo", PAYWALL)) == 1
    assert len(mock_api.requests) == 2
    # the data is on screen: the customer's plan and a usage row
    assert page.locator("#p .stigg-subscription-usage-layout").count() == 1
    assert "Pro" in page.inner_text("#p .stigg-overview-layout, #p")
    stats = worker_stats(page)["early"]
    assert stats["used"] == (2 if early == "on" else 0), stats
    assert stats["held"] == 0
    ready = [e for e in page.evaluate("window.__events") if e["type"] == "stigg-ready"]
    assert [e["detail"]["customerId"] for e in ready] == ["customer-demo"]


def test_every_attribute_that_goes_into_the_request_is_sent_the_way_python_sends_it(page, site, mock_api):
    """Token header, trimmed ids, an upper-cased country: still the byte-identical request."""
    mock_api.reset()
    extra = "customer-token='tok-1' resource-id=' site-1 ' product-id='product-main' billing-country-code='de'"
    url = site.page_url(f"<stigg-paywall id='w' {attrs_html(mock_api, 'customer-demo')} {extra}></stigg-paywall>",
                        name="early-attrs.html")
    page.goto(url)
    page.wait_for_selector('#w[data-stigg-state="ready"], #w[data-stigg-state="error"]', timeout=BOOT_MS)
    assert [r["operation"] for r in mock_api.requests] == [PAYWALL]
    sent = mock_api.requests[0]
    assert {k.lower(): v for k, v in sent["headers"].items()}["x-customer-key"] == "tok-1"
    assert sent["body"]["variables"]["input"] == {"customerId": "customer-demo", "resourceId": "site-1",
                                                  "productId": "product-main", "billingCountryCode": "DE"}
    assert worker_stats(page)["early"]["used"] == 1  # Python built the same bytes and took the answer


def test_cache_session_paints_the_cached_html_and_still_loads_once(page, site, mock_api):
    url = site.page_url(f"<stigg-usage id='u' cache='session' {attrs_html(mock_api, 'customer-trial')}></stigg-usage>"
                        + "<script>window.__firstState = null; new MutationObserver(() => { const u = document.getElementById('u');"
                        " if (u && !window.__firstState && u.dataset.stiggState) window.__firstState = u.dataset.stiggState; })"
                        ".observe(document, {subtree: true, attributes: true, childList: true});</script>",
                        name="early-cache-session.html")
    page.goto(url)
    page.wait_for_selector('#u[data-stigg-state="ready"]', timeout=BOOT_MS)
    mock_api.reset()
    page.reload()
    page.wait_for_selector('#u[data-stigg-state="ready"]', timeout=BOOT_MS)
    assert page.evaluate("window.__firstState") == "cached"  # the last HTML first, as before
    assert [r["operation"] for r in mock_api.requests] == [PORTAL]  # then fresh data, one request
    assert worker_stats(page)["early"]["used"] == 1


def test_hidden_plans_need_no_paywall_request_early_either(page, site, mock_api):
    mock_api.reset()
    url = site.page_url(f"<stigg-customer-portal id='p' hidden-sections='paywall' "
                        f"{attrs_html(mock_api, 'customer-trial')}></stigg-customer-portal>", name="early-hidden.html")
    page.goto(url)
    page.wait_for_selector('#p[data-stigg-state="ready"]', timeout=BOOT_MS)
    assert [r["operation"] for r in mock_api.requests] == [PORTAL]
    assert worker_stats(page)["early"]["used"] == 1


def watch_failed(page) -> list[dict[str, str]]:
    """Every Stigg GraphQL request of the page that fails from now on: operation, customer, error."""
    failed: list[dict[str, str]] = []

    def listen(request) -> None:
        try:
            body = json.loads(request.post_data or "{}")
        except ValueError:
            return
        if isinstance(body, dict) and body.get("operationName"):
            failed.append({"operation": body["operationName"], "customer": body["variables"]["input"].get("customerId"),
                           "error": request.failure or ""})

    page.on("requestfailed", listen)
    return failed


def aborted(failed: list[dict[str, str]]) -> list[tuple[str, str]]:
    return sorted((r["operation"], r["customer"]) for r in failed if r["error"] == "net::ERR_ABORTED")


def wait_until(page, condition, seconds: float = 10.0) -> None:
    """Poll ``condition`` (Playwright's waits let the page's events, e.g. requestfailed, come in)."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        page.wait_for_timeout(20)


def ready_customers(page) -> list[str]:
    return [e["detail"]["customerId"] for e in page.evaluate("window.__events") if e["type"] == "stigg-ready"]


def test_attribute_changed_before_the_boot_aborts_the_early_request_and_sends_the_new_one(page, site, mock_api):
    mock_api.reset()
    failed = watch_failed(page)
    # The loader's module runs first (it starts customer-trial's early requests); this module right
    # after it changes the customer, long before Python is up.
    change = """<script type="module">
      window.__bootedWhenChanged = !!document.documentElement.dataset.stiggBoot;
      document.getElementById("p").setAttribute("customer-id", "customer-demo");
    </script>"""
    url = site.page_url(f"<stigg-customer-portal id='p' {attrs_html(mock_api, 'customer-trial')}></stigg-customer-portal>"
                        + change, head=EVENTS, name="early-changed.html")
    page.goto(url)
    page.wait_for_function("window.__events.some((e) => e.type === 'stigg-ready' && e.detail.customerId === 'customer-demo')",
                           timeout=BOOT_MS)
    assert page.evaluate("window.__bootedWhenChanged") is False
    page.wait_for_selector('#p[data-stigg-state="ready"]')
    # customer-trial's early requests were aborted (whether or not they got out); customer-demo's
    # went out early in their place, one each, and Python took their answers
    assert aborted(failed) == [(PORTAL, "customer-trial"), (PAYWALL, "customer-trial")]
    assert len(requests_for(mock_api, "customer-trial", PORTAL)) <= 1
    assert len(requests_for(mock_api, "customer-demo", PORTAL)) == 1
    assert len(requests_for(mock_api, "customer-demo", PAYWALL)) == 1
    stats = worker_stats(page)["early"]
    assert (stats["used"], stats["cancelled"], stats["held"], stats["fallbacks"]) == (2, 2, 0, 0), stats
    assert page.evaluate("document.getElementById('p').getAttribute('customer-id')") == "customer-demo"
    # what is on screen is customer-demo's (its plan is Pro; customer-trial is on a trial)
    assert ready_customers(page) == ["customer-demo"]
    assert "Pro" in page.inner_text("#p")


def test_an_early_answer_no_render_took_is_not_served_to_a_later_render(page, site, mock_api):
    """customer-trial's early answers are back in the page, then (still before the boot) the
    customer changes: nothing takes them. Once the worker has handled its first renders it drops
    them, so going back to customer-trial later sends fresh requests instead of showing the old
    answer (held to 60 s before)."""
    mock_api.reset()
    finished: list[str] = []
    page.on("requestfinished", lambda r: finished.append(json.loads(r.post_data or "{}").get("operationName", ""))
            if r.method == "POST" else None)
    page.goto(site.page_url(f"<stigg-customer-portal id='p' {attrs_html(mock_api, 'customer-trial')}>"
                            "</stigg-customer-portal>", head=EVENTS, name="early-unclaimed.html"))
    wait_until(page, lambda: sorted(finished) == [PORTAL, PAYWALL])
    booted = page.evaluate("""() => {
      const booted = !!document.documentElement.dataset.stiggBoot;
      document.getElementById("p").setAttribute("customer-id", "customer-demo");
      return booted;
    }""")
    assert booted is False  # the answers came back before Python was up
    page.wait_for_function("window.__events.some((e) => e.type === 'stigg-ready' && e.detail.customerId === 'customer-demo')",
                           timeout=BOOT_MS)
    stats = worker_stats(page)["early"]
    assert (stats["used"], stats["held"]) == (2, 0), stats  # customer-demo's taken, customer-trial's dropped
    page.evaluate("document.getElementById('p').setAttribute('customer-id', 'customer-trial')")
    page.wait_for_function("window.__events.filter((e) => e.type === 'stigg-ready').length === 2", timeout=BOOT_MS)
    assert ready_customers(page) == ["customer-demo", "customer-trial"]
    assert "trial" in page.inner_text("#p").lower()
    # the second customer-trial render asked the API again: fresh data, not the unclaimed answer
    assert len(requests_for(mock_api, "customer-trial", PORTAL)) == 2
    assert len(requests_for(mock_api, "customer-trial", PAYWALL)) == 2
    assert worker_stats(page)["early"]["used"] == 2


def slow_trial_page(page, site, mock_api, name: str) -> list[dict[str, str]]:
    """customer-trial's portal, its two early requests slow (12 s) at the mock; returns (the page's
    failed requests, from :func:`watch_failed`) once the mock has them both: the answers are on
    their way."""
    mock_api.reset()
    mock_api.fail("slow", count=2, delay=12, customer="customer-trial")
    failed = watch_failed(page)
    page.goto(site.page_url(f"<stigg-customer-portal id='p' timeout='30' {attrs_html(mock_api, 'customer-trial')}>"
                            "</stigg-customer-portal>", head=EVENTS, name=name))
    wait_until(page, lambda: len(requests_for(mock_api, "customer-trial", PORTAL)) == 1
               and len(requests_for(mock_api, "customer-trial", PAYWALL)) == 1)
    return failed


@pytest.mark.parametrize("when", ["booting", "booted"])
def test_customer_changed_while_the_early_answer_is_on_its_way_aborts_it(page, site, mock_api, when):
    failed = slow_trial_page(page, site, mock_api, f"early-slow-change-{when}.html")
    if when == "booted":  # Python is up and waits for the early answer
        page.wait_for_function("document.documentElement.dataset.stiggBoot", timeout=BOOT_MS)
    booted = page.evaluate("""() => {
      const booted = !!document.documentElement.dataset.stiggBoot;
      document.getElementById("p").setAttribute("customer-id", "customer-demo");
      return booted;
    }""")
    assert booted == (when == "booted")
    started = time.monotonic()
    page.wait_for_function("window.__events.some((e) => e.type === 'stigg-ready' && e.detail.customerId === 'customer-demo')",
                           timeout=BOOT_MS)
    # well before the slow answers (12 s) or the timeout (30 s): the change aborted them
    wait_until(page, lambda: len(aborted(failed)) == 2, seconds=5)
    assert time.monotonic() - started < 8
    assert aborted(failed) == [(PORTAL, "customer-trial"), (PAYWALL, "customer-trial")]
    assert ready_customers(page) == ["customer-demo"]
    assert "Pro" in page.inner_text("#p") and page.get_attribute("#p", "data-stigg-state") == "ready"
    assert len(requests_for(mock_api, "customer-trial", PORTAL)) == 1  # nobody asked for it again
    assert len(requests_for(mock_api, "customer-demo", PORTAL)) == 1
    assert len(requests_for(mock_api, "customer-demo", PAYWALL)) == 1
    stats = worker_stats(page)["early"]
    # while booting, customer-demo's requests went out early too; once booted, they are Python's
    assert (stats["used"], stats["cancelled"], stats["held"]) == (2 if when == "booting" else 0, 2, 0), stats
    mock_api.fail(None, customer="customer-trial")


def test_element_removed_while_the_early_answer_is_on_its_way_and_attached_again_renders(page, site, mock_api):
    failed = slow_trial_page(page, site, mock_api, "early-slow-removed.html")
    page.evaluate("window.__held = document.getElementById('p'); window.__held.remove()")
    wait_until(page, lambda: len(aborted(failed)) == 2, seconds=5)
    assert aborted(failed) == [(PORTAL, "customer-trial"), (PAYWALL, "customer-trial")]
    page.wait_for_function("document.documentElement.dataset.stiggBoot", timeout=BOOT_MS)
    page.wait_for_timeout(300)
    assert ready_customers(page) == []  # nothing rendered for the removed element
    stats = worker_stats(page)["early"]
    assert (stats["cancelled"], stats["held"]) == (2, 0), stats  # Python forgot them: nothing waits
    # attached again (its early requests are gone): it sends its own requests and renders
    page.evaluate("document.body.append(window.__held)")
    page.wait_for_selector('#p[data-stigg-state="ready"]', timeout=8000)  # not the aborted 12 s answer
    assert ready_customers(page) == ["customer-trial"]
    assert page.locator("#p .stigg-subscription-usage-layout").count() == 1
    assert len(requests_for(mock_api, "customer-trial", PORTAL)) == 2  # the aborted one and Python's
    assert len(requests_for(mock_api, "customer-trial", PAYWALL)) == 2
    stats = worker_stats(page)["early"]
    assert (stats["used"], stats["cancelled"], stats["fallbacks"], stats["held"]) == (0, 2, 0, 0), stats
    mock_api.fail(None, customer="customer-trial")


def error_view(page, site, mock_api, name: str, customer: str, early: str, **extra: str) -> dict[str, Any]:
    console: list[str] = []

    def listen(message) -> None:
        if message.text.startswith("stigg-portal <"):
            console.append(message.text)

    page.on("console", listen)
    before = len(requests_for(mock_api, customer, PAYWALL))
    script_attrs = 'data-early-requests="off"' if early == "off" else ""
    url = site.page_url(f"<stigg-paywall id='w' {attrs_html(mock_api, customer, **extra)}></stigg-paywall>",
                        head=EVENTS, script_attrs=script_attrs, name=f"early-{name}-{early}.html")
    page.goto(url)
    page.wait_for_selector('#w[data-stigg-state="error"]', timeout=BOOT_MS)
    page.wait_for_timeout(200)
    page.remove_listener("console", listen)
    return {
        "html": page.inner_html("#w"),
        "events": [e for e in page.evaluate("window.__events") if e["id"] == "w"],
        "console": console,
        "requests": len(requests_for(mock_api, customer, PAYWALL)) - before,
        "used": worker_stats(page)["early"]["used"],
    }


@pytest.mark.parametrize("fault", ["401", "500", "malformed-json"])
def test_an_early_error_status_shows_exactly_what_python_alone_shows(page, site, mock_api, fault):
    mock_api.reset()
    customer = f"c-early-{fault}"
    extra = {"api_key": "pk_not_a_key"} if fault == "401" else {}
    if fault != "401":
        mock_api.fail(fault, customer=customer)
    on = error_view(page, site, mock_api, fault, customer, "on", **extra)
    off = error_view(page, site, mock_api, fault, customer, "off", **extra)
    assert on["used"] == 1 and off["used"] == 0
    assert on["html"] == off["html"]
    assert on["events"] == off["events"] and len(on["events"]) == 1
    assert on["events"][0]["type"] == "stigg-error"
    assert on["events"][0]["detail"]["code"] == {"401": "unauthorized", "500": "network",
                                                  "malformed-json": "bad-response"}[fault]
    assert on["console"] == off["console"] and len(on["console"]) == 1
    assert on["requests"] == off["requests"] == (3 if fault == "500" else 1)  # retries as before
    mock_api.fail(None, customer=customer)


# =============================================================================== preload
class CountingHandler(DistHandler):
    """Counts the bytes of each file actually written to the network."""

    served: ClassVar[dict[str, int]] = {}

    def copyfile(self, source, outputfile) -> None:
        path = self.path.split("?")[0].rsplit("/", 1)[-1]
        while chunk := source.read(64 * 1024):
            outputfile.write(chunk)
            CountingHandler.served[path] = CountingHandler.served.get(path, 0) + len(chunk)


@pytest.fixture
def counting_dist(dist_dir):
    """The session's dist/ on its own origin, counting what it serves."""
    with Server(dist_dir) as server:
        root = str(Path(dist_dir).resolve())
        server.httpd.RequestHandlerClass = lambda *a, **k: CountingHandler(*a, directory=root, **k)
        server.url = server.url.replace("127.0.0.1", "localhost")
        CountingHandler.served = {}
        yield server, CountingHandler.served


def big_files(dist: Path) -> dict[str, int]:
    folder = next(Path(dist).glob("pyodide-*"))
    names = ["pyodide.asm.wasm", *(p.name for p in folder.glob("snapshot-*.bin"))]
    return {name: (folder / name).stat().st_size for name in names}


def served_of(served: dict[str, int], name: str) -> int:
    return sum(size for path, size in served.items() if path == name or path.startswith(name + "."))


def test_preload_on_a_shell_then_the_portal_page_boots_warm(page, site, mock_api, dist_dir, counting_dist):
    server, served = counting_dist
    shop = type(site)(site.root, site.server, server.url)
    mock_api.reset()
    # page-wide Stigg settings on the tag, as an app would set them: still nothing is asked of the API
    shell = shop.page_url("<main>app shell</main>", name="preload-shell.html",
                          script_attrs=f'data-preload data-base-url="{mock_api.url}" data-api-key="{DEFAULT_API_KEY}" '
                                       'data-customer-id="customer-demo"')
    page.goto(shell)
    page.wait_for_function("window.StiggPortal && StiggPortal.bootMode", timeout=BOOT_MS)
    page.evaluate("StiggPortal.preload()")  # resolves once the runtime's files are stored
    assert page.evaluate("StiggPortal.runtimeCache") == "miss"
    assert page.evaluate("document.querySelectorAll('[data-stigg-state]').length") == 0
    assert mock_api.requests == []
    files = big_files(dist_dir)
    assert all(served_of(served, name) > 0 for name in files), served  # the shell downloaded them
    downloaded = dict(served)

    portal = shop.page_url(f"<stigg-customer-portal id='p' {attrs_html(mock_api, 'customer-demo')}></stigg-customer-portal>",
                           name="preload-portal.html")
    page.goto(portal)
    page.wait_for_selector('#p[data-stigg-state="ready"]', timeout=BOOT_MS)
    assert page.evaluate("StiggPortal.runtimeCache") == "hit"
    assert page.evaluate("StiggPortal.bootMode") == "snapshot"
    for name, size in files.items():
        again = served_of(served, name) - served_of(downloaded, name)
        assert again < size * 0.1, (name, again, size)  # read from Cache Storage, not downloaded again
    assert len(requests_for(mock_api, "customer-demo", PORTAL)) == 1


def test_preload_on_a_page_with_elements_starts_no_second_runtime(page, site, worker_requests):
    url = site.page_url("<stigg-usage id='u' client='demo' scenario='paid'></stigg-usage>",
                        name="preload-with-elements.html", script_attrs="data-preload")
    page.goto(url)
    page.wait_for_selector('#u[data-stigg-state="ready"]', timeout=BOOT_MS)
    page.evaluate("StiggPortal.preload()")
    page.evaluate("StiggPortal.preload()")
    page.wait_for_timeout(1500)  # an idle-time second boot would have started by now
    assert len(page.workers) == 1, [w.url for w in page.workers]
    for name in ("pyodide.asm.wasm", "stigg-pyscript.py"):  # asked for once per boot
        hits = [u for u in worker_requests if u.split("?")[0].endswith("/" + name)]
        assert len(hits) == 1, (name, hits)
    # one boot: the page's element and preload share it
    assert page.evaluate("StiggPortal.runtimeCache") == "miss"
    assert page.locator("#u .stigg-subscription-usage-layout").count() == 1
