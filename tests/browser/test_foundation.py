"""The foundation pipe in real Chromium: Python widget class -> generated element -> Python in a
worker -> HTML on the page, loaded from the built dist/ on another origin."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

from browser_helpers import events_script, wait_ready

from stigg_portal.clients import ClientConfig, DemoClient


def metered_feature_ids(scenario: str) -> list[str]:
    """What the demo customer's usage section must show: its metered features (from the API data)."""
    # Playwright's sync API owns this thread's event loop: load the data on another thread
    load = DemoClient(ClientConfig(scenario=scenario)).get_customer_portal
    with ThreadPoolExecutor(1) as pool:
        portal = pool.submit(lambda: asyncio.run(load())).result()
    ids = []
    for entitlement in portal.entitlements_v2 or []:
        feature = getattr(entitlement, "feature", None)
        meter = getattr(getattr(feature, "meter_type", None), "value", None)
        if feature is not None and meter in {"Fluctuating", "Incremental"} and entitlement.usage_limit != 0:
            ids.append(feature.ref_id)
    return ids


def test_usage_renders_demo_data_from_dist_on_another_origin(page, site, watch):
    url = site.page_url('<stigg-usage client="demo" scenario="paid"></stigg-usage>')
    page.goto(url)
    # the skeleton is painted by the loader before Python is ready
    page.wait_for_selector("stigg-usage .stigg-subscription-usage-skeleton-layout", state="attached", timeout=5000)
    wait_ready(page, "stigg-usage")
    expected = metered_feature_ids("paid")
    assert expected, "the demo paid customer has metered features"
    for feature_id in expected:
        card = page.locator(f"stigg-usage .stigg-entitlement-usage-{feature_id}")
        assert card.count() == 1, feature_id
    text = page.locator("stigg-usage").inner_text()
    assert "Usage" in text
    assert page.locator("stigg-usage [role=progressbar]").count() >= 1
    assert urlsplit(url).netloc != urlsplit(site.dist_url).netloc  # two origins
    page_origin = f"http://{urlsplit(url).netloc}"
    assert watch.origins() <= {page_origin, site.dist_url}, watch.origins()
    assert watch.console_errors() == []


def test_attribute_change_and_property_rerender(page, site, watch):
    page.goto(site.page_url('<stigg-usage client="demo" scenario="paid"></stigg-usage>'))
    wait_ready(page, "stigg-usage")
    paid_html = page.locator("stigg-usage").inner_html()
    page.evaluate('document.querySelector("stigg-usage").setAttribute("scenario", "heavy-usage")')
    paid = metered_feature_ids("paid")
    heavy_only = [f for f in metered_feature_ids("heavy-usage") if f not in paid]
    page.wait_for_selector(f"stigg-usage .stigg-entitlement-usage-{heavy_only[0]}", state="attached",
                           timeout=30000)
    assert page.locator("stigg-usage").inner_html() != paid_html
    page.evaluate('document.querySelector("stigg-usage").scenario = "paid"')
    page.wait_for_function(
        f'!document.querySelector("stigg-usage .stigg-entitlement-usage-{heavy_only[0]}")', timeout=30000)
    # the customer changed, so the skeleton shows first; wait for the paid customer's cards
    wait_ready(page, "stigg-usage")
    page.wait_for_selector(f"stigg-usage .stigg-entitlement-usage-{paid[0]}", state="attached", timeout=30000)
    for feature_id in paid:
        assert page.locator(f"stigg-usage .stigg-entitlement-usage-{feature_id}").count() == 1
    assert watch.console_errors() == []


def test_element_added_by_script_renders_and_removal_is_clean(page, site, watch):
    body = events_script(["stigg-ready", "stigg-error"]) + '<div id="host"></div>'
    page.goto(site.page_url(body))
    page.evaluate("""() => {
        const el = document.createElement("stigg-usage");
        el.setAttribute("client", "demo");
        el.id = "late";
        document.getElementById("host").appendChild(el);
    }""")
    wait_ready(page, "#late")
    assert page.locator("#late .stigg-subscription-usage-layout").count() == 1
    events = page.evaluate("window.__events")
    assert [e["type"] for e in events] == ["stigg-ready"]
    assert events[0]["target"] == "stigg-usage"
    # removing it, and adding another, keeps working
    page.evaluate('document.getElementById("late").remove()')
    page.evaluate("""() => {
        const el = document.createElement("stigg-usage");
        el.setAttribute("client", "demo");
        el.setAttribute("scenario", "trial");
        el.id = "again";
        document.body.appendChild(el);
    }""")
    wait_ready(page, "#again")
    assert watch.console_errors() == []


def test_one_runtime_for_many_elements(page, site, watch):
    body = "".join(f'<stigg-usage client="demo" id="u{i}"></stigg-usage>' for i in range(4))
    page.goto(site.page_url(body))
    for i in range(4):
        wait_ready(page, f"#u{i}")
    wasm = [u for u in watch.requests if u.endswith("pyodide.asm.wasm")]
    assert len(wasm) == 1, wasm
    assert watch.console_errors() == []


def test_demo_badge_and_warning_when_api_key_missing(page, site, watch):
    page.goto(site.page_url('<stigg-usage></stigg-usage>'))
    wait_ready(page, "stigg-usage")
    assert page.locator("stigg-usage .stigg-demo-badge").count() == 1
    warnings = [text for kind, text in watch.console if kind == "warning"]
    assert any("demo data" in w for w in warnings), warnings
