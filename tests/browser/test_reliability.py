"""Reliability in real Chromium against the mock Stigg API: every failure mode shows a clear error
state and fires ``stigg-error`` with its code while the rest of the page keeps working; races
(attributes changed mid-load, removal mid-load, two providers) never show the wrong customer;
refresh reloads without flicker or duplicate requests; adding and removing elements 500 times
leaks nothing.

Pages are expensive (each boots Python), so each page carries many elements: the fault matrix is
one page whose cases are checked by a parametrized test.
"""

from __future__ import annotations

import json
import socket
from dataclasses import dataclass, field
from typing import Any

import pytest

from stigg_portal.mock_api import DEFAULT_API_KEY

BOOT_MS = 60_000
PORTAL = "GetCustomerPortalByRefId"

# Records every stigg-* event with its target's id, and the console lines, for the whole page.
EVENTS = """<script>
window.__events = [];
for (const name of ["stigg-ready", "stigg-error"]) {
  document.addEventListener(name, (e) => window.__events.push(
    {type: e.type, id: e.target.id, detail: JSON.parse(JSON.stringify(e.detail))}));
}
window.__clicks = 0;
</script>"""


class Watch:
    """Console lines and uncaught errors of one page."""

    def __init__(self, page) -> None:
        self.console: list[tuple[str, str]] = []
        self.errors: list[str] = []
        page.on("console", lambda m: self.console.append((m.type, m.text)))
        page.on("pageerror", lambda e: self.errors.append(str(e)))

    def ours(self) -> list[tuple[str, str]]:
        return [(kind, text) for kind, text in self.console if text.startswith("stigg-portal")]

    def lines_about(self, element_id: str) -> list[str]:
        return [text for _, text in self.ours() if f'id="{element_id}"' in text]


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def attrs_html(attrs: dict[str, str]) -> str:
    return " ".join(f"{k}='{v}'" for k, v in attrs.items())


@pytest.fixture(scope="module")
def module_context(browser):
    context = browser.new_context()
    yield context
    context.close()


def stigg_attrs(api, customer: str, **extra: str) -> dict[str, str]:
    return {"client": "stigg", "base-url": api.url, "api-key": DEFAULT_API_KEY, "customer-id": customer,
            **{k.replace("_", "-"): v for k, v in extra.items()}}


def requests_for(api, customer: str, operation: str = PORTAL) -> list[dict[str, Any]]:
    return [r for r in list(api.requests) if r.get("customerId") == customer and r.get("operation") == operation]


def events_for(page, element_id: str) -> list[dict[str, Any]]:
    return page.evaluate("(id) => window.__events.filter((e) => e.id === id)", element_id)


def state_of(page, selector: str) -> str | None:
    return page.get_attribute(selector, "data-stigg-state")


# =============================================================================== fault matrix
@dataclass
class Fault:
    name: str
    customer: str
    mock: tuple[str, dict[str, Any]] | None = None
    attrs: dict[str, str] = field(default_factory=dict)
    code: str | None = None  # None: the element must end up showing data
    requests: int | None = None  # how many requests the mock must have seen (retries)


CLOSED = f"http://127.0.0.1:{closed_port()}"
FAULTS = [
    Fault("401", "c-401", attrs={"api-key": "pk_not_a_key"}, code="unauthorized", requests=1),
    Fault("403", "c-403", ("403", {}), code="unauthorized", requests=1),
    Fault("unknown-customer", "no-such-customer", code="not-found", requests=1),
    Fault("500", "demo-free", ("500", {}), code="network", requests=3),
    Fault("503-then-ok", "demo-trial", ("503-then-ok", {"count": 2}), requests=3),
    Fault("timeout", "c-slow", ("slow", {"delay": 6}), attrs={"timeout": "1"}, code="timeout", requests=3),
    Fault("connection-refused", "c-refused", attrs={"base-url": CLOSED}, code="network"),
    Fault("malformed-json", "c-malformed", ("malformed-json", {}), code="bad-response", requests=1),
    Fault("wrong-shape", "customer-trial", ("wrong-shape", {}), code="bad-response", requests=1),
    Fault("graphql-errors", "c-graphql", ("graphql-errors", {}), code="bad-response", requests=1),
    Fault("huge", "customer-custom", ("huge", {})),
]
TEXTS_CUSTOMER = "demo-canceled"  # fails with 500 and shows overridden texts


@pytest.fixture(scope="module")
def fault_page(module_context, site, mock_api):
    """One page: every fault as its own <stigg-usage>, a healthy element, a page button."""
    mock_api.reset()
    for fault in FAULTS:
        if fault.mock:
            mode, options = fault.mock
            mock_api.fail(mode, customer=fault.customer, **options)
    mock_api.fail("500", customer=TEXTS_CUSTOMER)
    elements = []
    for fault in FAULTS:
        attrs = {**stigg_attrs(mock_api, fault.customer), **fault.attrs}
        elements.append(f'<stigg-usage id="f-{fault.name}" {attrs_html(attrs)}></stigg-usage>')
    texts_attrs = stigg_attrs(mock_api, TEXTS_CUSTOMER, text_error_title="Billing is resting",
                              texts=json.dumps({"retry": "Once more"}))
    elements.append(f'<stigg-usage id="f-texts" {attrs_html(texts_attrs)}></stigg-usage>')
    # bad attributes: problems reported by name, rendering goes on with defaults where it can
    bad = {**stigg_attrs(mock_api, "customer-demo"), "texts": "{not json", "theme": '["blue"]',
           "text-no-such-key": "x", "hidden-sections": "usage bogus", "timeout": "soon"}
    elements.append(f'<stigg-usage id="b-attrs" {attrs_html(bad)}></stigg-usage>')
    empty_key = {"base-url": mock_api.url, "api-key": "", "customer-id": "customer-demo"}
    elements.append(f'<stigg-usage id="b-empty-key" {attrs_html(empty_key)}></stigg-usage>')
    no_customer = {k: v for k, v in stigg_attrs(mock_api, "x").items() if k != "customer-id"}
    elements.append(f'<stigg-usage id="b-no-customer" {attrs_html(no_customer)}></stigg-usage>')
    healthy = stigg_attrs(mock_api, "customer-demo")
    body = (EVENTS + '<button id="counter">count</button>'
            "<script>document.getElementById('counter').addEventListener('click', () => window.__clicks++)</script>"
            + "".join(elements)
            + f'<stigg-payment-details id="healthy" {attrs_html(healthy)}></stigg-payment-details>')
    page = module_context.new_page()
    watch = Watch(page)
    page.goto(site.page_url(body))
    page.wait_for_function(
        """() => [...document.querySelectorAll("stigg-usage, stigg-payment-details")]
              .every((e) => ["ready", "error"].includes(e.getAttribute("data-stigg-state")))""",
        timeout=BOOT_MS,
    )
    yield page, watch
    page.close()
    mock_api.reset()


@pytest.mark.parametrize("fault", FAULTS, ids=[f.name for f in FAULTS])
def test_fault_shows_clear_state_fires_its_code_and_logs_one_line(fault_page, mock_api, fault):
    page, watch = fault_page
    element_id = f"f-{fault.name}"
    selector = f"#{element_id}"
    events = events_for(page, element_id)
    lines = watch.lines_about(element_id)
    if fault.code is None:
        assert state_of(page, selector) == "ready"
        assert [e["type"] for e in events] == ["stigg-ready"]
        assert events[0]["detail"] == {"customerId": fault.customer}
        assert lines == []
    else:
        assert state_of(page, selector) == "error"
        assert [e["type"] for e in events] == ["stigg-error"], events
        detail = events[0]["detail"]
        assert detail["code"] == fault.code
        assert len(detail["message"]) > 20
        # the element tells the customer, in overridable texts; the page author gets the details
        assert page.locator(f"{selector} .stigg-error-state[role=alert]").count() == 1
        assert page.inner_text(f"{selector} .stigg-error-title") == "We couldn\u2019t load your billing details right now."
        assert page.inner_text(f"{selector} .stigg-error-message") == "Please try again in a moment."
        assert detail["message"] not in page.inner_text(selector)  # internals: console and event only
        assert page.locator(f"{selector} [data-stigg-action=retry]").count() == 1
        assert len(lines) == 1, watch.ours()
        assert lines[0].endswith(f"({fault.code})") and detail["message"] in lines[0]
    if fault.requests is not None:
        assert len(requests_for(mock_api, fault.customer)) == fault.requests
    assert page.get_attribute(selector, "aria-busy") is None
    assert watch.errors == []


def test_huge_answer_renders_every_feature(fault_page):
    page, watch = fault_page
    page.click('#f-huge [data-stigg-state="usageShowAll=1"]')  # "Show more": all 1,000 and more
    page.wait_for_selector("#f-huge .stigg-entitlement-usage-feature-metric-0999", state="attached",
                           timeout=20_000)
    count = page.locator("#f-huge [class*='stigg-entitlement-usage-feature-metric-']").count()
    assert count >= 1000
    assert watch.errors == []


def test_error_texts_are_overridable(fault_page):
    page, watch = fault_page
    assert state_of(page, "#f-texts") == "error"
    assert page.inner_text("#f-texts .stigg-error-title") == "Billing is resting"
    assert page.inner_text("#f-texts [data-stigg-action=retry]") == "Once more"
    assert len(watch.lines_about("f-texts")) == 1


def test_rest_of_the_page_keeps_working(fault_page, mock_api):
    page, watch = fault_page
    assert state_of(page, "#healthy") == "ready"
    assert "Acme Inc." in page.inner_text("#healthy")
    page.click("#counter")
    page.click("#counter")
    assert page.evaluate("window.__clicks") == 2
    # an element added after all those failures still works
    attrs = stigg_attrs(mock_api, "demo-paid")
    page.evaluate(
        """(attrs) => {
            const el = document.createElement("stigg-payment-details");
            el.id = "late";
            for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
            document.body.appendChild(el);
        }""",
        attrs,
    )
    page.wait_for_selector('#late[data-stigg-state="ready"]', timeout=20_000)
    assert page.locator("#late .stigg-error-state").count() == 0
    assert watch.errors == []
    # no console line of ours without an element's name in it, and only errors for failing elements
    failing = {f"f-{f.name}" for f in FAULTS if f.code} | {"f-texts", "b-attrs", "b-empty-key", "b-no-customer"}
    for kind, text in watch.ours():
        assert kind in {"error", "warning"}
        assert any(f'id="{element_id}"' in text for element_id in failing), text


def test_bad_attributes_are_named_and_rendering_goes_on(fault_page):
    page, watch = fault_page
    assert state_of(page, "#b-attrs") == "ready"
    events = events_for(page, "b-attrs")
    problems = [e["detail"] for e in events if e["type"] == "stigg-error"]
    assert {p["code"] for p in problems} == {"bad-config"}
    assert {p["attribute"] for p in problems} == {"texts", "theme", "text-no-such-key", "hidden-sections", "timeout"}
    assert all(p["attribute"] in p["message"] for p in problems)
    assert events[-1]["type"] == "stigg-ready"
    lines = watch.lines_about("b-attrs")
    assert len(lines) == len(problems)  # one warning per problem, each naming the attribute
    assert page.locator("#b-attrs .stigg-error-state").count() == 0
    for element_id, attribute in (("b-empty-key", "api-key"), ("b-no-customer", "customer-id")):
        assert state_of(page, f"#{element_id}") == "error"
        (event,) = events_for(page, element_id)
        assert event["detail"]["code"] == "bad-config" and attribute in event["detail"]["message"]
        assert page.locator(f"#{element_id} [data-stigg-action=retry]").count() == 0
        assert page.locator(f"#{element_id} .stigg-demo-badge").count() == 0  # never fake data
        assert len(watch.lines_about(element_id)) == 1


def test_retry_button_recovers_once_the_api_does(fault_page, mock_api):
    page, watch = fault_page
    mock_api.fail(None, customer="demo-free")
    before = len(requests_for(mock_api, "demo-free"))
    page.click("#f-500 [data-stigg-action=retry]")
    page.wait_for_selector('#f-500[data-stigg-state="ready"]', timeout=20_000)
    assert len(requests_for(mock_api, "demo-free")) == before + 1
    assert [e["type"] for e in events_for(page, "f-500")] == ["stigg-error", "stigg-ready"]
    assert len(watch.lines_about("f-500")) == 1  # no new line for the success


def test_retry_that_fails_again_reports_again_and_stays_usable(fault_page, mock_api):
    page, watch = fault_page
    page.click("#f-timeout [data-stigg-action=retry]")
    assert page.get_attribute("#f-timeout", "aria-busy") == "true"  # feedback while retrying
    page.wait_for_function(
        "() => window.__events.filter((e) => e.id === 'f-timeout').length === 2", timeout=20_000)
    assert state_of(page, "#f-timeout") == "error"
    assert page.locator("#f-timeout [data-stigg-action=retry]:not([disabled])").count() == 1
    assert len(watch.lines_about("f-timeout")) == 2


# =============================================================================== races
@pytest.fixture(scope="module")
def race_page(module_context, site, mock_api):
    """Two providers for different customers; more elements are added by the tests."""
    mock_api.reset()
    a = stigg_attrs(mock_api, "customer-custom")
    b = stigg_attrs(mock_api, "customer-trial")
    body = EVENTS + f"""
      <stigg-provider id="pa" {attrs_html(a)}>
        <stigg-payment-details id="pa-pay"></stigg-payment-details><stigg-usage id="pa-usage"></stigg-usage>
      </stigg-provider>
      <stigg-provider id="pb" {attrs_html(b)}>
        <stigg-payment-details id="pb-pay"></stigg-payment-details><stigg-usage id="pb-usage"></stigg-usage>
      </stigg-provider>
      <div id="host"></div>"""
    page = module_context.new_page()
    watch = Watch(page)
    page.goto(site.page_url(body))
    for element_id in ("pa-pay", "pa-usage", "pb-pay", "pb-usage"):
        page.wait_for_selector(f'#{element_id}[data-stigg-state="ready"]', timeout=BOOT_MS)
    yield page, watch
    page.close()
    mock_api.reset()


def add_element(page, tag: str, element_id: str, attrs: dict[str, str]) -> None:
    page.evaluate(
        """([tag, id, attrs]) => {
            const el = document.createElement(tag);
            el.id = id;
            for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
            document.getElementById("host").appendChild(el);
        }""",
        [tag, element_id, attrs],
    )


def test_two_providers_show_only_their_own_customer_with_one_request_each(race_page, mock_api):
    page, watch = race_page
    for element_id, own, other in (("pa", "Initech Enterprise", "Globex Trial Co."),
                                   ("pb", "Globex Trial Co.", "Initech Enterprise")):
        text = page.inner_text(f"#{element_id}-pay")
        assert own in text and other not in text
    assert len(requests_for(mock_api, "customer-custom")) == 1  # two sections, one load
    assert len(requests_for(mock_api, "customer-trial")) == 1
    ready = {e["id"]: e["detail"]["customerId"] for e in page.evaluate("window.__events")
             if e["type"] == "stigg-ready"}
    assert ready == {"pa-pay": "customer-custom", "pa-usage": "customer-custom",
                     "pb-pay": "customer-trial", "pb-usage": "customer-trial"}
    assert watch.ours() == [] and watch.errors == []


def test_last_customer_wins_and_a_slow_stale_answer_never_overwrites_it(race_page, mock_api):
    page, watch = race_page
    mock_api.fail("slow", customer="customer-demo", delay=2.5)
    add_element(page, "stigg-payment-details", "race", stigg_attrs(mock_api, "customer-demo"))
    page.wait_for_function("() => true")
    page.wait_for_timeout(300)  # customer-demo's slow request is in flight
    assert len(requests_for(mock_api, "customer-demo")) == 1
    page.evaluate('document.getElementById("race").setAttribute("customer-id", "customer-trial")')
    page.wait_for_selector('#race[data-stigg-state="ready"]', timeout=20_000)
    assert "Globex Trial Co." in page.inner_text("#race")
    page.wait_for_timeout(2800)  # the stale answer has arrived at the worker by now
    text = page.inner_text("#race")
    assert "Globex Trial Co." in text and "Acme Inc." not in text
    assert events_for(page, "race") == [
        {"type": "stigg-ready", "id": "race", "detail": {"customerId": "customer-trial"}}]
    assert watch.lines_about("race") == [] and watch.errors == []
    mock_api.fail(None, customer="customer-demo")


def test_changing_customer_removes_the_old_customers_data_at_once(race_page, mock_api):
    page, _ = race_page
    add_element(page, "stigg-payment-details", "switch", stigg_attrs(mock_api, "customer-custom"))
    page.wait_for_selector('#switch[data-stigg-state="ready"]', timeout=20_000)
    assert "Initech Enterprise" in page.inner_text("#switch")
    mock_api.fail("slow", customer="customer-demo", delay=1.5)
    # in the same task as the change: no microtask has painted yet, so wait for the next frame
    seen = page.evaluate(
        """async () => {
            const el = document.getElementById("switch");
            el.customerId = "customer-demo";
            await new Promise((r) => requestAnimationFrame(() => r()));
            return {state: el.getAttribute("data-stigg-state"), text: el.textContent};
        }""")
    assert seen["state"] == "loading"
    assert "Initech" not in seen["text"]
    page.wait_for_selector('#switch[data-stigg-state="ready"]', timeout=20_000)
    assert "Acme Inc." in page.inner_text("#switch")
    mock_api.fail(None, customer="customer-demo")


def test_element_removed_mid_load_writes_nothing(race_page, mock_api):
    page, watch = race_page
    mock_api.fail("slow", customer="demo-paid", delay=1.5)
    add_element(page, "stigg-usage", "gone", stigg_attrs(mock_api, "demo-paid"))
    page.wait_for_timeout(300)
    page.evaluate('window.__gone = document.getElementById("gone"); window.__gone.remove()')
    page.wait_for_timeout(2000)
    assert events_for(page, "gone") == []
    assert page.evaluate('window.__gone.getAttribute("data-stigg-state")') == "loading"
    assert page.evaluate('window.__gone.querySelector(".stigg-error-state")') is None
    assert watch.lines_about("gone") == [] and watch.errors == []
    stats = page.evaluate("StiggPortal._stats()")
    assert stats["worker"]["inFlight"] == 0
    mock_api.fail(None, customer="demo-paid")


# =============================================================================== refresh
FLICKER_WATCH = """(ids) => {
    window.__flicker = [];
    for (const id of ids) {
        const el = document.getElementById(id);
        new MutationObserver(() => {
            if (el.getAttribute("data-stigg-state") !== "ready" || el.querySelector("[class*=skeleton]")
                || el.children.length === 0) window.__flicker.push(id);
        }).observe(el, {attributes: true, childList: true, subtree: true});
    }
}"""


def test_element_refresh_reloads_once_without_flicker(race_page, mock_api):
    page, watch = race_page
    page.evaluate(FLICKER_WATCH, ["pa-pay", "pa-usage"])
    mock_api.fail("slow", customer="customer-custom", delay=0.8)
    before = len(requests_for(mock_api, "customer-custom"))
    # twice at once, and from a section: one request for the provider's customer
    page.evaluate("Promise.all([document.getElementById('pa-pay').refresh(), "
                  "document.getElementById('pa-usage').refresh()])")
    assert len(requests_for(mock_api, "customer-custom")) == before + 1
    assert page.evaluate("window.__flicker") == []
    assert "Initech Enterprise" in page.inner_text("#pa-pay")
    assert state_of(page, "#pa-pay") == "ready"
    assert watch.errors == []
    mock_api.fail(None, customer="customer-custom")


def test_page_refresh_reloads_every_scope_once_without_flicker(race_page, mock_api):
    page, watch = race_page
    page.evaluate(FLICKER_WATCH, ["pa-pay", "pa-usage", "pb-pay", "pb-usage"])
    mock_api.fail("slow", customer="customer-trial", delay=0.8)
    live = page.evaluate(
        """() => [...document.querySelectorAll("stigg-payment-details, stigg-usage")]
              .filter((e) => !e.closest("stigg-provider")).map((e) => e.getAttribute("customer-id"))""")
    providers = ["customer-custom", "customer-trial"]  # one shared load each
    counts = {c: len(requests_for(mock_api, c)) for c in (*providers, *live)}
    page.evaluate("StiggPortal.refresh()")
    # standalone elements load on their own: one request each
    expected = {c: n + providers.count(c) + live.count(c) for c, n in counts.items()}
    assert {c: len(requests_for(mock_api, c)) for c in expected} == expected
    assert page.evaluate("window.__flicker") == []
    assert "Globex Trial Co." in page.inner_text("#pb-pay")
    assert watch.errors == []
    mock_api.fail(None, customer="customer-trial")


# =============================================================================== leaks
def heap_after_gc(cdp) -> int:
    for _ in range(3):
        cdp.send("HeapProfiler.collectGarbage")
    return int(cdp.send("Runtime.getHeapUsage")["usedSize"])


def test_adding_and_removing_elements_500_times_leaks_nothing(race_page, record_property):
    """On the race page (its providers and elements stay): only the cycled elements come and go."""
    page, watch = race_page
    cdp = page.context.new_cdp_session(page)
    cycle = """async ([rounds, batch]) => {
        const host = document.createElement("div");
        document.body.appendChild(host);
        const tags = ["stigg-usage", "stigg-payment-details", "stigg-addons", "stigg-invoices"];
        for (let round = 0; round < rounds; round++) {
            const made = [];
            for (let i = 0; i < batch; i++) {
                const el = document.createElement(tags[i % tags.length]);
                el.setAttribute("client", "demo");
                el.setAttribute("scenario", ["paid", "trial", "free"][(round + i) % 3]);
                host.appendChild(el);
                made.push(el);
            }
            // half of each batch is removed mid-load, half once painted
            await new Promise((r) => setTimeout(r, 0));
            for (const el of made.splice(0, batch / 2)) el.remove();
            await new Promise((resolve) => {
                const check = () => made.every((e) => e.getAttribute("data-stigg-state") === "ready")
                    ? resolve() : setTimeout(check, 10);
                check();
            });
            for (const el of made) el.remove();
        }
        host.remove();
        await new Promise((r) => setTimeout(r, 50));
        return StiggPortal._stats();
    }"""
    warm = page.evaluate(cycle, [5, 20])  # 100 elements: warm caches, compiled templates
    heap_before = heap_after_gc(cdp)
    warm = page.evaluate("StiggPortal._stats()")
    after = page.evaluate(cycle, [25, 20])  # 500 more elements
    heap_after = heap_after_gc(cdp)
    after = page.evaluate("StiggPortal._stats()")
    numbers = {
        "js_elements": [warm["elements"], after["elements"]],
        "worker_elements": [warm["worker"]["elements"], after["worker"]["elements"]],
        "worker_loads": [warm["worker"]["loads"], after["worker"]["loads"]],
        "python_gc_objects": [warm["worker"]["gcObjects"], after["worker"]["gcObjects"]],
        "js_refs_held_by_python": [warm["worker"].get("jsRefs"), after["worker"].get("jsRefs")],
        "main_js_heap_bytes": [heap_before, heap_after],
    }
    record_property("leak_numbers", json.dumps(numbers))
    print("leak numbers:", json.dumps(numbers))
    assert after["elements"] == warm["elements"] and after["worker"]["elements"] == warm["worker"]["elements"]
    assert after["worker"]["loads"] == warm["worker"]["loads"] and after["worker"]["inFlight"] == 0
    assert after["worker"]["gcObjects"] - warm["worker"]["gcObjects"] < 500
    assert "hostStatsError" not in after["worker"]  # the worker's counter of JavaScript references
    assert after["worker"]["jsRefs"] - warm["worker"]["jsRefs"] < 20
    assert heap_after - heap_before < 1_000_000
    assert watch.errors == [] and [t for k, t in watch.console if k == "error"] == []


# =============================================================================== partial failure
def test_portal_whose_plans_fail_still_shows_the_rest(page, site, mock_api):
    """GetPaywall failing (here a 500 on that request alone) costs the Plans section only: the
    customer still sees the subscription, usage, payment details and invoices; the Plans section
    says so in plain words with Try again; the page gets one stigg-error and one console line."""
    mock_api.reset()
    failing = {"on": True}

    def paywall_fails(route):
        if failing["on"] and "GetPaywall" in (route.request.post_data or ""):
            return route.fulfill(status=500, body="Internal Server Error")
        return route.continue_()

    page.route("**/graphql", paywall_fails)
    watch = Watch(page)
    attrs = stigg_attrs(mock_api, "customer-demo")
    page.goto(site.page_url(EVENTS + f'<stigg-customer-portal id="p" {attrs_html(attrs)}></stigg-customer-portal>'))
    page.wait_for_function("() => ['ready', 'error'].includes(document.getElementById('p').dataset.stiggState)",
                           timeout=BOOT_MS)
    assert state_of(page, "#p") == "ready"
    assert "Acme Inc." in page.inner_text("#p .stigg-payment-details-section-layout")
    assert page.locator("#p .stigg-customer-portal-subscriptions-overview .stigg-error-state").count() == 0
    plans = page.locator("#p .stigg-customer-portal-paywall-section")
    assert plans.locator(".stigg-error-state[role=alert]").count() == 1
    assert plans.locator(".stigg-error-title").inner_text() == "We couldn\u2019t load the plans right now."
    assert page.locator("#p .stigg-error-state").count() == 1  # only there
    events = events_for(page, "p")
    assert [e["type"] for e in events] == ["stigg-error", "stigg-ready"]
    assert events[0]["detail"]["code"] == "network" and events[0]["detail"]["section"] == "paywall"
    assert len(watch.lines_about("p")) == 1 and watch.lines_about("p")[0].endswith("(network)")
    assert "500" not in plans.inner_text()
    # Try again, once the API answers, brings the plans in
    failing["on"] = False
    plans.locator("[data-stigg-action=retry]").click()
    page.wait_for_selector("#p .stigg-customer-portal-paywall-section .stigg-plan-offering-container", timeout=20_000)
    assert page.locator("#p .stigg-error-state").count() == 0
    assert watch.errors == []
    mock_api.reset()
