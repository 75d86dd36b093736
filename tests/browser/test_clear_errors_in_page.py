"""In the page (issue 14): an unknown locale warns and fires stigg-error, keeping en-US; a provider
without api-key warns about demo data once and shows one badge for its sections."""

from __future__ import annotations

from conftest import events_script, wait_ready


def test_unknown_locale_warns_fires_bad_config_and_keeps_en_us(page, site, watch):
    body = events_script(["stigg-error"]) + (
        '<stigg-invoices id="bad" client="demo" locale="xx-YY"></stigg-invoices>'
        '<stigg-subscription-overview id="de" client="demo" scenario="eur-annual" locale="de-DE">'
        '</stigg-subscription-overview>'
        '<stigg-subscription-overview id="xx" client="demo" scenario="eur-annual" locale="xx-YY">'
        '</stigg-subscription-overview>')
    page.goto(site.page_url(body))
    for selector in ("#bad", "#de", "#xx"):
        wait_ready(page, selector)
    errors = page.evaluate("window.__events")
    locale_errors = [e for e in errors if e["detail"].get("attribute") == "locale"]
    assert {e["target"] for e in locale_errors} == {"stigg-invoices", "stigg-subscription-overview"}
    assert all(e["detail"]["code"] == "bad-config" and "xx-YY" in e["detail"]["message"] for e in locale_errors)
    warnings = [text for kind, text in watch.console if kind == "warning" and "xx-YY" in text]
    assert len(warnings) == 2, warnings
    # en-US kept: the unknown locale formats like no locale at all, unlike de-DE
    assert page.inner_text("#xx") != page.inner_text("#de")
    assert page.inner_text("#xx") == page.evaluate(
        "(async () => { const e = document.createElement('stigg-subscription-overview'); e.id = 'plain';"
        " e.setAttribute('client', 'demo'); e.setAttribute('scenario', 'eur-annual'); document.body.append(e);"
        " await new Promise(r => e.addEventListener('stigg-ready', r, {once: true})); return e.innerText; })()")


def test_provider_without_api_key_warns_once_and_shows_one_badge(page, site, watch):
    body = ('<stigg-provider customer-id="customer-123">'
            '<stigg-subscription-overview></stigg-subscription-overview><stigg-usage></stigg-usage>'
            '<stigg-payment-details></stigg-payment-details><stigg-invoices></stigg-invoices>'
            '</stigg-provider>')
    page.goto(site.page_url(body))
    for tag in ("stigg-subscription-overview", "stigg-usage", "stigg-payment-details", "stigg-invoices"):
        wait_ready(page, tag)
    assert page.locator(".stigg-demo-badge").count() == 1
    # on the section the worker heard of first (elements are defined tag by tag, not in page order)
    assert page.locator("stigg-provider > * .stigg-demo-badge").count() == 1
    demo = [text for kind, text in watch.console if kind == "warning" and "demo data" in text]
    assert len(demo) == 1, demo
