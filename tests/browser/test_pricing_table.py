"""The paywall as a public pricing table in real Chromium, against the mock API over real HTTP:
no customer, localized prices, credit packs by keyboard, waitUntil on stigg-plan-selected,
stigg-billing-period-change, skeleton-plan-count, hide-compatible-addons, and the portal with
hidden-sections="paywall" (issue 12, items 1–3, 6, 7, 10)."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser_helpers import events_script, wait_ready

from stigg_portal.mock_api import DEFAULT_API_KEY, start_mock_api
from stigg_portal.serve import Server

ROOT = Path(__file__).resolve().parents[2]

EVENTS = ["stigg-ready", "stigg-error", "stigg-plan-selected", "stigg-billing-period-change",
          "stigg-manage-subscription"]
# Records every layout shift from the first paint (Chromium's Layout Instability API).
SHIFTS = ("<script>window.__shifts=[];new PerformanceObserver(l=>{for(const e of l.getEntries())"
          "window.__shifts.push(e.value)}).observe({type:'layout-shift',buffered:true});</script>")


@pytest.fixture(scope="module")
def api():
    server = start_mock_api()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def demo_examples(dist_dir):
    examples = ROOT / "examples"
    with Server(examples, mounts={"dist": dist_dir, "examples": examples}) as server:
        yield server


@pytest.fixture(autouse=True)
def clean(api):
    api.reset()


def paywall_requests(api) -> list[dict]:
    return [r for r in api.requests if r.get("operation") == "GetPaywall"]


def events(page, name):
    return [e for e in page.evaluate("window.__events") if e["type"] == name]


def public_page(site, api, attrs: str = "", extra: str = "") -> str:
    return site.page_url(
        SHIFTS + events_script(EVENTS)
        + f'<stigg-paywall id="w" api-key="{DEFAULT_API_KEY}" base-url="{api.url}" '
          f'preferred-billing-period="MONTHLY" {attrs}></stigg-paywall>'
        + '<p id="below">content below the table</p>' + extra)


# What examples/pricing-page.html sets: four cards in a row at 1280 px, skeleton cards as tall as its cards.
SIZING = ("<style>#w { --stigg-layout-plan-min-width: 260px; --stigg-layout-plan-max-width: 290px;"
          " --stigg-paywall-skeleton-plan-height: 838px; }</style>")


def test_public_table_skeleton_first_then_every_plan_without_a_customer(page, site, api, watch):
    page.set_viewport_size({"width": 1280, "height": 900})
    api.fail("slow", count=1, delay=1.5)  # time to look at the skeleton
    page.goto(public_page(site, api, 'skeleton-plan-count="4"', extra=SIZING))
    page.wait_for_selector('#w[data-stigg-state="loading"] .stigg-paywall-skeleton-plan')
    assert page.locator("#w .stigg-paywall-skeleton-plan").count() == 4
    below_before = page.evaluate('document.getElementById("below").getBoundingClientRect().top')
    page.evaluate("window.__shifts.length = 0")  # from here: the plans replacing the skeleton
    wait_ready(page, "#w")
    assert page.locator("#w .stigg-plan-header").all_inner_texts() == ["Free", "Pro", "Team", "Enterprise"]
    assert page.locator("#w .stigg-price-point").all_inner_texts() == ["$0", "$59", "$15", "Custom"]
    assert page.locator("#w .stigg-entitlement-row-container").count() >= 12
    assert page.locator("#w .stigg-compatible-addon-item").count() >= 2
    for plan in ("plan-free", "plan-pro", "plan-team", "plan-enterprise"):
        assert page.locator(f"#w .stigg-{plan}.stigg-plan-offering-container").count() == 1
    # one GetPaywall, with no customerId at all
    [request] = paywall_requests(api)
    assert request["body"]["variables"] == {"input": {}}
    assert "X-CUSTOMER-KEY" not in request["headers"]
    # the content below did not jump when the plans replaced the skeleton
    below_after = page.evaluate('document.getElementById("below").getBoundingClientRect().top')
    assert abs(below_after - below_before) <= 8, (below_before, below_after)
    page.wait_for_timeout(200)
    assert sum(page.evaluate("window.__shifts")) < 0.01, page.evaluate("window.__shifts")
    assert watch.console_errors() == []


def test_example_pricing_page_replaces_the_skeleton_in_place(page, demo_examples):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{demo_examples.url}/examples/pricing-page.html")
    page.wait_for_selector('#pricing[data-stigg-state="loading"]')
    before = page.evaluate('document.getElementById("faq").getBoundingClientRect().top')
    wait_ready(page, "#pricing")
    after = page.evaluate('document.getElementById("faq").getBoundingClientRect().top')
    assert abs(after - before) <= 8, (before, after)
    assert page.locator("#pricing .stigg-plan-offering-container").count() == 4
    tops = page.evaluate('[...document.querySelectorAll("#pricing .stigg-plan-offering-container")]'
                         '.map(e => e.getBoundingClientRect().top)')
    assert len(set(tops)) == 1  # one row at 1280 px
    page.locator('#pricing [data-testid="paywall-card-cta-Pro"]').click()
    page.wait_for_function('location.hash.startsWith("#signup?plan=plan-pro")')
    assert "intent=START_TRIAL" in page.evaluate("location.hash")


def test_cta_click_fires_plan_selected_with_null_customer_and_visitor_intents(page, site, api, watch):
    page.goto(public_page(site, api))
    wait_ready(page, "#w")
    for name, intent in (("Free", "UPGRADE_PLAN"), ("Pro", "START_TRIAL"), ("Team", "UPGRADE_PLAN"),
                         ("Enterprise", "REQUEST_CUSTOM_PLAN_ACCESS")):
        page.locator(f'#w [data-testid="paywall-card-cta-{name}"]').click()
        detail = events(page, "stigg-plan-selected")[-1]["detail"]
        assert detail["customer"] is None and detail["intentionType"] == intent, name
        assert detail["plan"]["displayName"] == name and detail["billingPeriod"] == "MONTHLY"
    assert watch.console_errors() == []


def test_wait_until_keeps_the_cta_busy_until_the_promise_settles(page, site, api, watch):
    script = ('<script>document.addEventListener("stigg-plan-selected", e => e.detail.waitUntil('
              'new Promise((ok, no) => { window.__settle = {ok, no}; })));</script>')
    page.goto(public_page(site, api, extra=script))
    wait_ready(page, "#w")
    button = page.locator('#w [data-testid="paywall-card-cta-Team"]')
    focused = "document.activeElement?.dataset?.testid || document.activeElement?.localName"
    for outcome in ("ok()", "no(new Error('checkout failed'))"):
        button.focus()
        page.keyboard.press("Enter")  # as a keyboard user: the focus must stay on the button
        assert button.get_attribute("aria-busy") == "true"
        assert button.get_attribute("aria-disabled") == "true" and "stigg-busy" in (button.get_attribute("class") or "")
        assert page.locator("#w .stigg-busy .stigg-spinner").is_visible()
        assert page.evaluate(focused) == "paywall-card-cta-Team"
        count = len(events(page, "stigg-plan-selected"))
        button.click(force=True)  # a second click while busy does nothing
        page.keyboard.press("Space")  # nor a second key press
        assert len(events(page, "stigg-plan-selected")) == count
        page.evaluate(f"window.__settle.{outcome}")
        page.wait_for_function('!document.querySelector(\'#w [data-testid="paywall-card-cta-Team"]\')'
                               '.hasAttribute("aria-busy")')
        assert button.get_attribute("aria-disabled") is None and "stigg-busy" not in (button.get_attribute("class") or "")
        assert page.evaluate(focused) == "paywall-card-cta-Team"  # given back where the user left it
    assert [e for e in watch.console_errors() if "checkout failed" not in e] == []


def test_the_tier_menu_closes_with_escape_and_moves_with_arrows(page, site, api, watch):
    page.goto(public_page(site, api))
    wait_ready(page, "#w")
    pro = page.locator("#w .stigg-plan-pro")
    menu = pro.locator("details.stigg-price-tier-dropdown").first
    summary = menu.locator("summary")
    focused = "document.activeElement?.textContent.trim()"
    summary.focus()
    page.keyboard.press("ArrowDown")  # opens the menu on its first option
    assert menu.evaluate("d => d.open") and page.evaluate(focused) == "100 AI credits"
    page.keyboard.press("ArrowDown")
    assert page.evaluate(focused) == "500 AI credits"
    page.keyboard.press("End")
    last = page.evaluate(focused)
    page.keyboard.press("ArrowDown")  # stays on the last one
    assert page.evaluate(focused) == last and last != "500 AI credits"
    page.keyboard.press("Home")
    assert page.evaluate(focused) == "100 AI credits"
    page.keyboard.press("Escape")  # closes, and the focus goes back to the menu's button
    assert not menu.evaluate("d => d.open")
    assert page.evaluate("document.activeElement?.localName") == "summary"
    assert summary.inner_text() == "100 AI credits"  # nothing was chosen
    assert watch.console_errors() == []


FOCUSED = "document.activeElement?.className || document.activeElement?.localName"
# what a sighted keyboard user sees at the focused control's centre: the control, or what covers it
COVERED_BY = """() => { const e = document.activeElement; const r = e.getBoundingClientRect();
  const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
  return e.contains(hit) ? null : hit?.className; }"""


def test_an_open_tier_menu_closes_when_focus_or_a_click_leaves_it(page, site, api, watch):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(public_page(site, api))
    wait_ready(page, "#w")
    menu = page.locator("#w .stigg-plan-pro details.stigg-price-tier-dropdown").first
    menu.locator("summary").focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("End")
    page.keyboard.press("Tab")  # past the last option: on to the plan's button, under the menu
    assert page.evaluate(FOCUSED) == "stigg-paywall-plan-button"
    assert not menu.evaluate("d => d.open")
    assert page.evaluate(COVERED_BY) is None  # the focused button is not hidden under the menu
    # a click elsewhere on the page closes it too
    menu.locator("summary").click()
    assert menu.evaluate("d => d.open")
    page.click("#below")
    assert not menu.evaluate("d => d.open")
    # Shift+Tab out of it, back to the summary, keeps it open (focus is still in the menu)
    menu.locator("summary").focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.activeElement?.localName") == "summary" and menu.evaluate("d => d.open")
    assert watch.console_errors() == []


def test_choosing_a_tier_by_keyboard_keeps_focus_on_the_menu(page, site, api, watch):
    page.goto(public_page(site, api))
    wait_ready(page, "#w")
    pro = page.locator("#w .stigg-plan-pro")
    pro.locator(".stigg-price-tier-summary").focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")  # chooses "500 AI credits"; the card re-renders with the menu shut
    page.wait_for_function('document.querySelector("#w .stigg-plan-pro .stigg-price-tier-summary").innerText === "500 AI credits"')
    # the focus is on the menu's button again (not lost to the page's <body>), so Tab goes on from there
    assert page.evaluate(FOCUSED) == "stigg-price-tier-summary"
    assert page.evaluate("document.activeElement.innerText") == "500 AI credits"
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED) == "stigg-paywall-plan-button"
    assert watch.console_errors() == []


def test_a_tier_menu_names_its_plan_to_a_screen_reader(page, site, api, watch):
    """Several cards may each have a "1 seat" menu: the accessible name (as Chromium computes it) says
    whose, starting with the visible text (WCAG 2.5.3), and follows the choice."""
    page.goto(public_page(site, api))
    wait_ready(page, "#w")
    pro = page.locator("#w .stigg-plan-pro")
    summary = pro.locator(".stigg-price-tier-summary")
    assert summary.inner_text() == "100 AI credits"  # what is seen is unchanged
    name = pro.locator("h3.stigg-plan-header").inner_text()
    assert pro.get_by_label(f"100 AI credits, {name}", exact=True).evaluate("e => e.localName") == "summary"
    summary.click()
    assert pro.get_by_role("list", name=name, exact=True).count() == 1
    pro.locator(".stigg-price-tier-menu-item", has_text="500 AI credits").click()
    page.wait_for_function('document.querySelector("#w .stigg-plan-pro .stigg-price-tier-summary").innerText === "500 AI credits"')
    assert pro.get_by_label(f"500 AI credits, {name}", exact=True).evaluate("e => e.localName") == "summary"
    assert watch.console_errors() == []


def test_credit_pack_and_seat_tier_by_keyboard_go_into_the_detail(page, site, api, watch):
    page.goto(public_page(site, api))
    wait_ready(page, "#w")
    pro = page.locator("#w .stigg-plan-pro")
    summary = pro.locator(".stigg-price-tier-summary")
    assert summary.inner_text() == "100 AI credits"
    summary.focus()
    page.keyboard.press("Enter")  # opens the menu
    option = pro.locator(".stigg-price-tier-menu-item", has_text="500 AI credits")
    option.focus()
    page.keyboard.press("Enter")
    page.wait_for_function('document.querySelector("#w .stigg-plan-pro .stigg-price-point").innerText === "$94"')
    assert pro.locator(".stigg-price-tier-summary").inner_text() == "500 AI credits"
    assert "500 AI credits per month" in pro.locator(".stigg-entitlement-name").all_inner_texts()
    pro.locator(".stigg-paywall-plan-button").click()
    detail = events(page, "stigg-plan-selected")[-1]["detail"]
    assert detail["billableCredits"] == [{"topUpCustomCurrencyId": "credits-ai", "quantity": 500}]

    team = page.locator("#w .stigg-plan-team")
    team.locator(".stigg-price-tier-summary").click()
    team.locator(".stigg-price-tier-menu-item-text", has_text="10 seats").click()
    page.wait_for_function('document.querySelector("#w .stigg-plan-team .stigg-price-point").innerText === "$130"')
    team.locator(".stigg-paywall-plan-button").click()
    detail = events(page, "stigg-plan-selected")[-1]["detail"]
    assert detail["billableFeatures"] == [{"featureId": "feature-seats", "quantity": 10}]
    assert watch.console_errors() == []


def test_period_switch_fires_billing_period_change(page, site, api, watch):
    page.goto(public_page(site, api))
    wait_ready(page, "#w")
    page.locator("#w .stigg-period-switch").click()
    page.wait_for_function('document.querySelector("#w .stigg-period-switch").getAttribute("aria-checked") === "true"')
    assert [e["detail"] for e in events(page, "stigg-billing-period-change")] == [{"billingPeriod": "ANNUALLY"}]
    page.locator("#w .stigg-annual-period-text").click()  # already annual: no change, no event
    page.locator("#w .stigg-monthly-period-text").click()
    page.wait_for_function('document.querySelector("#w .stigg-period-switch").getAttribute("aria-checked") === "false"')
    assert [e["detail"]["billingPeriod"] for e in events(page, "stigg-billing-period-change")] == [
        "ANNUALLY", "MONTHLY"]
    assert watch.console_errors() == []


def test_billing_country_code_localizes_and_a_bad_value_is_reported(page, site, api, watch):
    page.goto(site.page_url(
        events_script(EVENTS)
        + f'<stigg-provider api-key="{DEFAULT_API_KEY}" base-url="{api.url}" billing-country-code="de">'
          '<stigg-paywall id="de" locale="de-DE" preferred-billing-period="MONTHLY"></stigg-paywall></stigg-provider>'
        + f'<stigg-paywall id="bad" api-key="{DEFAULT_API_KEY}" base-url="{api.url}" billing-country-code="Germany" '
          'preferred-billing-period="MONTHLY"></stigg-paywall>'))
    wait_ready(page, "#de")
    wait_ready(page, "#bad")
    assert page.locator("#de .stigg-price-point").all_inner_texts()[:3] == ["€0", "53,10\u00a0€", "13,50\u00a0€"]
    assert page.locator("#bad .stigg-price-point").all_inner_texts()[:2] == ["$0", "$59"]
    sent = sorted(str(r["body"]["variables"]["input"]) for r in paywall_requests(api))
    assert sent == ["{'billingCountryCode': 'DE'}", "{}"]
    [error] = [e for e in events(page, "stigg-error") if e["target"] == "stigg-paywall"]
    assert error["detail"]["code"] == "bad-config" and error["detail"]["attribute"] == "billing-country-code"
    warnings = [text for kind, text in watch.console if kind == "warning"]
    assert any('billing-country-code' in w and "ISO 3166-1 alpha-2" in w for w in warnings), warnings


def test_hide_compatible_addons(page, site, api, watch):
    page.goto(public_page(site, api, "hide-compatible-addons"))
    wait_ready(page, "#w")
    assert page.locator("#w .stigg-plan-offering-container").count() == 4
    assert page.locator("#w .stigg-compatible-addons-container").count() == 0


@pytest.mark.parametrize("hidden", ["paywall", "plans"])
def test_portal_with_hidden_plans_makes_no_paywall_request_and_manage_does_not_scroll(
        page, site, api, watch, hidden):
    page.set_viewport_size({"width": 1280, "height": 700})
    page.goto(site.page_url(
        events_script(EVENTS) + '<div style="height:300px"></div>'
        + f'<stigg-customer-portal id="p" api-key="{DEFAULT_API_KEY}" base-url="{api.url}" '
          f'customer-id="customer-demo" hidden-sections="{hidden}"></stigg-customer-portal>'
        + '<div style="height:2000px"></div><stigg-paywall id="other" client="demo" scenario="public"></stigg-paywall>'))
    # the skeleton already leaves the Plans section out
    page.wait_for_selector("#p[data-stigg-state]")
    wait_ready(page, "#p")
    assert page.locator("#p .stigg-customer-portal-paywall-section").count() == 0
    assert paywall_requests(api) == []
    assert [r["operation"] for r in api.requests] == ["GetCustomerPortalByRefId"]
    page.evaluate("window.scrollTo(0, 0)")
    page.locator("#p .stigg-manage-subscription-button").click()
    assert events(page, "stigg-manage-subscription")[-1]["detail"]["intentionType"] == "MANAGE_SUBSCRIPTION"
    page.wait_for_timeout(600)
    assert page.evaluate("window.scrollY") == 0
    assert watch.console_errors() == []


def test_hidden_plans_skeleton_has_no_plans_section(page, site, api):
    api.fail("slow", count=3, delay=1.5)
    page.goto(site.page_url(
        f'<stigg-customer-portal id="p" api-key="{DEFAULT_API_KEY}" base-url="{api.url}" '
        'customer-id="customer-demo" hidden-sections="paywall"></stigg-customer-portal>'
        f'<stigg-customer-portal id="q" api-key="{DEFAULT_API_KEY}" base-url="{api.url}" '
        'customer-id="customer-demo"></stigg-customer-portal>'))
    page.wait_for_selector('#q[data-stigg-state="loading"] .stigg-customer-portal-paywall-section')
    assert page.locator('#p[data-stigg-state="loading"]').count() == 1
    assert page.locator("#p .stigg-customer-portal-paywall-section").count() == 0
