"""Every element for every demo customer in real Chromium, and the interactions a user tries:
tabs and the period switch by keyboard, Manage / Upgrade / plan buttons / Cancel / Contact support /
Buy more firing the contract's events, focus kept across re-renders, no overflow at 390 px."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from browser_helpers import events_script, wait_ready

from stigg_portal.clients import DEMO_SCENARIOS
from stigg_portal.serve import Server

ROOT = Path(__file__).resolve().parents[2]
SECTIONS = ["stigg-subscription-overview", "stigg-usage", "stigg-addons", "stigg-promotions",
            "stigg-payment-details", "stigg-invoices", "stigg-paywall"]
EVENTS = ["stigg-ready", "stigg-error", "stigg-manage-subscription", "stigg-plan-selected",
          "stigg-contact-support", "stigg-cancel-scheduled-updates", "stigg-buy-more"]


def test_every_element_renders_for_every_demo_customer(page, site, watch):
    blocks = []
    for scenario in DEMO_SCENARIOS:
        sections = "".join(f'<{tag} data-scenario="{scenario}"></{tag}>' for tag in SECTIONS)
        blocks.append(f'<stigg-provider client="demo" scenario="{scenario}">{sections}</stigg-provider>')
        blocks.append(f'<stigg-customer-portal client="demo" scenario="{scenario}"></stigg-customer-portal>')
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(site.page_url("".join(blocks)))
    total = len(DEMO_SCENARIOS) * (len(SECTIONS) + 1)
    page.wait_for_function(
        f'document.querySelectorAll(\'[data-stigg-state="ready"]:not(stigg-provider)\').length >= {total}',
        timeout=120_000)
    assert page.locator('[data-stigg-state="error"]').count() == 0
    portals = page.locator("stigg-customer-portal")
    for i in range(portals.count()):
        assert portals.nth(i).locator(".stigg-customer-portal-layout").count() == 1
    paid = page.locator('stigg-customer-portal[scenario="paid"]')
    for cls in ("stigg-customer-portal-subscriptions-overview", "stigg-subscription-usage-layout",
                "stigg-customer-portal-paywall-section", "stigg-payment-details-section-layout",
                "stigg-invoices-section-layout"):
        assert paid.locator(f".{cls}").count() == 1, cls
    assert watch.console_errors() == []


def test_interactions_fire_the_contract_events(page, site, watch):
    body = events_script(EVENTS) + (
        '<stigg-customer-portal id="p" client="demo" scenario="paid" cancel-scheduled-updates buy-more '
        'contact-support></stigg-customer-portal>'
        '<stigg-subscription-overview id="c" client="demo" scenario="custom-price" contact-support>'
        '</stigg-subscription-overview>'
        '<script type="module">document.addEventListener("stigg-cancel-scheduled-updates", e => '
        'e.detail.waitUntil(new Promise(r => { window.__finishCancel = r; })));</script>')
    page.goto(site.page_url(body))
    wait_ready(page, "#p")
    wait_ready(page, "#c")

    def events(name):
        return [e for e in page.evaluate("window.__events") if e["type"] == name]

    # Manage: the event carries the intention and the subscriptions; by default the page scrolls to Plans
    page.locator("#p .stigg-manage-subscription-button").click()
    [manage] = events("stigg-manage-subscription")
    assert manage["detail"]["intentionType"] == "MANAGE_SUBSCRIPTION"
    assert manage["detail"]["subscriptions"]
    page.wait_for_function(
        'Math.abs(document.querySelector("#p .stigg-customer-portal-paywall-section")'
        '.getBoundingClientRect().top) < 5', timeout=10_000)

    # a plan button: stigg-plan-selected with the contract's detail
    page.locator("#p .stigg-paywall-plan-button:not([disabled])").first.click()
    [selected] = events("stigg-plan-selected")
    assert set(selected["detail"]) >= {"plan", "intentionType", "billingPeriod", "customer", "subscription",
                                       "billableFeatures"}

    # Cancel on the scheduled-update banner: spinner until the page's promise settles
    cancel = page.locator("#p .stigg-scheduled-updates-alert-container button")
    cancel.click()
    assert events("stigg-cancel-scheduled-updates")
    assert cancel.get_attribute("aria-busy") == "true"
    page.evaluate("window.__finishCancel()")
    page.wait_for_function(
        '!document.querySelector("#p .stigg-scheduled-updates-alert-container button").hasAttribute("aria-busy")')

    # Upgrade on a nearly exhausted feature asks to manage the subscription with UPGRADE_PLAN
    upgrade = page.locator('#p [data-stigg-event="stigg-manage-subscription"]', has_text="Upgrade")
    if upgrade.count():
        upgrade.first.click()
        assert events("stigg-manage-subscription")[-1]["detail"]["intentionType"] == "UPGRADE_PLAN"

    # Contact support on a custom-price subscription
    page.locator("#c .stigg-contact-support-button").click()
    assert events("stigg-contact-support")
    assert watch.console_errors() == []


def test_keyboard_tabs_and_period_switch_keep_focus(page, site, watch):
    page.goto(site.page_url(
        '<stigg-subscription-overview id="o" client="demo" scenario="paid"></stigg-subscription-overview>'
        '<stigg-paywall id="w" client="demo" scenario="paid"></stigg-paywall>'))
    wait_ready(page, "#o")
    wait_ready(page, "#w")
    first_tab = page.locator('#o [role="tab"][aria-selected="true"]')
    first_label = first_tab.inner_text()
    first_tab.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function(
        f'document.querySelector(\'#o [role="tab"][aria-selected="true"]\').innerText.trim() !== {json.dumps(first_label.strip())}')
    focused = page.evaluate('document.activeElement.getAttribute("role")')
    assert focused == "tab"
    assert page.evaluate('document.activeElement.getAttribute("aria-selected")') == "true"
    # one Tab stop for the whole tab list (roving tabindex): Shift+Tab then Tab comes back to the
    # selected tab, and Tab from it leaves the tab list
    stops = '[...document.querySelectorAll(\'#o [role="tab"]\')].filter((t) => t.tabIndex >= 0).map((t) => t.innerText.trim())'
    assert page.evaluate(stops) == [page.evaluate("document.activeElement.innerText.trim()")]
    page.keyboard.press("Tab")
    assert page.evaluate('document.activeElement.getAttribute("role")') != "tab"

    switch = page.locator('#w [role="switch"]')
    before = switch.get_attribute("aria-checked")
    switch.focus()
    page.keyboard.press("Enter")
    page.wait_for_function(
        f'document.querySelector(\'#w [role="switch"]\').getAttribute("aria-checked") !== "{before}"')
    assert page.evaluate('document.activeElement.getAttribute("role")') == "switch"
    assert watch.console_errors() == []


EXAMPLES = sorted(p.name for p in (ROOT / "examples").glob("*.html") if p.name not in {"index.html", "own-api.html", "python-plugin.html"})


@pytest.fixture(scope="module")
def demo_site(dist_dir):
    examples = ROOT / "examples"
    with Server(examples, mounts={"dist": dist_dir, "examples": examples}) as server:
        yield server


@pytest.mark.parametrize("example", EXAMPLES)
def test_examples_render_without_overflow_and_are_screenshotted(page, demo_site, example):
    shots = ROOT / "screenshots"
    shots.mkdir(exist_ok=True)
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{demo_site.url}/examples/{example}")
    page.wait_for_function(
        # a function, not an expression: a page with a strict CSP (no eval) runs it too
        '() => { const els = [...document.querySelectorAll("[data-stigg-state]")]'
        '.filter(e => e.localName.startsWith("stigg-") && e.localName !== "stigg-provider");'
        ' return els.length > 0 && els.every(e => e.dataset.stiggState === "ready"); }',
        timeout=90_000)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_timeout(100)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, (example, width)
        page.screenshot(path=str(shots / f"{example[:-5]}-{width}.png"), full_page=True)
    assert errors == []
