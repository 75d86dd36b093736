"""Rendered HTML of every portal element: the reference texts, every documented CSS class, skeletons,
the interaction protocol (data-stigg-event / -state / -focus-key), accessibility attributes, and
hostile data rendered as text."""

from __future__ import annotations

import asyncio
import copy
import json
import re
from collections.abc import Iterable
from functools import cache
from html.parser import HTMLParser
from typing import Any, ClassVar

import pytest

from stigg_portal.clients import DEMO_SCENARIOS, ClientConfig, DemoClient
from stigg_portal.demo_data import REFERENCE_NOW, load_fixture
from stigg_portal.elements import all_widgets
from stigg_portal.models import parse_customer_portal, parse_paywall
from stigg_portal.rendering import render_async, render_skeleton

NOW = REFERENCE_NOW
PORTAL_TAGS = (
    "stigg-customer-portal", "stigg-subscription-overview", "stigg-usage", "stigg-addons", "stigg-promotions",
    "stigg-payment-details", "stigg-invoices", "stigg-provider",
)
OPTIONS = {"cancel-scheduled-updates": "", "buy-more": "", "contact-support": ""}


class AnswerClient:
    """A client answering from raw API JSON (the envelopes of the reference fixtures)."""

    def __init__(self, answers: dict[str, Any]) -> None:
        self.answers = answers

    async def get_customer_portal(self):
        return parse_customer_portal(self.answers["GetCustomerPortalByRefId"])

    async def get_paywall(self):
        return parse_paywall(self.answers["GetPaywall"])


def render(tag: str, attrs: dict[str, str] | None = None, *, answers: dict | None = None,
           state: dict[str, str] | None = None) -> str:
    attrs = {"client": "demo", **(attrs or {})}
    if answers is not None:
        client = AnswerClient(answers)
    else:  # demo data dated at NOW, so relative texts ("in 14 days") do not depend on the test date
        client = DemoClient(ClientConfig(scenario=attrs.get("scenario", "paid")), now=NOW)
    result = asyncio.run(render_async(tag, attrs, client=client, now=NOW, state=state))
    assert result.status == "ready", result.error
    return result.html


class Page(HTMLParser):
    """Classes, visible text and elements of rendered HTML."""

    BLOCKS: ClassVar[set[str]] = {"p", "div", "h2", "h3", "li", "dt", "dd", "button", "a", "th", "td", "section", "span"}

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.classes: set[str] = set()
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self._text: list[str] = []
        self._skip = 0
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.elements.append((tag, attributes))
        self.classes.update((attributes.get("class") or "").split())
        if self._skip or tag in {"svg", "script", "style"} or "stigg-tooltip" in (attributes.get("class") or ""):
            self._skip += 1
        if tag in self.BLOCKS:
            self._text.append(" ")

    def handle_endtag(self, tag):
        if self._skip:
            self._skip -= 1
        if tag in self.BLOCKS:
            self._text.append(" ")

    def handle_data(self, data):
        if not self._skip:
            self._text.append(data)

    @property
    def text(self) -> str:
        return re.sub(r"\s+", " ", "".join(self._text)).strip().replace(" ,", ",")

    def find(self, cls: str) -> list[dict[str, str | None]]:
        return [a for _, a in self.elements if cls in (a.get("class") or "").split()]


def joined(lines: Iterable[str]) -> str:
    return " ".join(lines)


# ------------------------------------------------------------------------- reference texts
# The non-Plans sections of reference/visible-texts.txt (upstream rendering the same answers).
REFERENCE = {
    "customer-demo": {
        "stigg-subscription-overview": [
            "Your subscription will be downgraded to the Free plan at the end of the current billing period.",
            "Until then you still have access to your current plan.", "Subscription", "Manage", "Pro plan",
            "Add-ons", "Promotions", "2 X Extra storage, Priority support", "No upcoming bill",
            "Your plan will be downgraded to a free plan, so you don\u2019t have any upcoming charges"],
        "stigg-usage": [
            "Usage", "API calls", "128,450", "In current billing period", "Seats", "9 / 10 (90%)", "Upgrade",
            "Storage (GB)", "112 / 100 (100%)", "Upgrade", "Resets monthly - in 14 days",
            "AI assistant (AI requests)", "120 / 500 (24%)", "Resets monthly - in 14 days"],
        "stigg-payment-details": [
            "Payment details", "Edit", "Payment method", "Card", "Ending in 4242", "Expires", "12/2028",
            "Billed to", "Name", "Acme Inc.", "Email", "billing@acme.example"],
        "stigg-invoices": ["Invoices", "View invoice history"],
    },
    "customer-trial": {
        "stigg-subscription-overview": [
            "Subscription", "Manage", "Pro plan", "14 days remaining in trial", "Upgrade plan", "No upcoming bill",
            "You\u2019re on a free trial of the Pro plan, so you don\u2019t have any upcoming charges"],
        "stigg-usage": [
            "Usage", "API calls", "3,120", "In current billing period", "Seats", "3 / 10 (30%)", "Storage (GB)",
            "12 / 100 (12%)", "Resets monthly - in 14 days"],
        "stigg-payment-details": [
            "Payment details", "Edit", "Billed to", "Name", "Globex Trial Co.", "Email", "owner@globex.example"],
        "stigg-invoices": ["Invoices", "View invoice history"],
    },
    "customer-custom": {
        "stigg-subscription-overview": [
            "Subscription", "Enterprise plan", "Have questions about your subscription?", "Contact support"],
        "stigg-usage": [
            "Usage", "API calls", "2,450,310", "In current billing period", "Seats", "184",
            "In current billing period", "Storage (GB)", "3,840", "In current billing period"],
        "stigg-payment-details": [
            "Payment details", "Edit", "Payment method", "Card", "Ending in 4242", "Expires", "12/2028",
            "Billed to", "Name", "Initech Enterprise", "Email", "ap@initech.example"],
        "stigg-invoices": ["Invoices", "View invoice history"],
    },
}


@pytest.mark.parametrize(("fixture", "tag"), [(f, t) for f, sections in REFERENCE.items() for t in sections])
def test_sections_show_the_reference_texts(fixture, tag):
    html = render(tag, answers=load_fixture(fixture))
    assert Page(html).text == joined(REFERENCE[fixture][tag])


@pytest.mark.parametrize("fixture", sorted(REFERENCE))
def test_full_portal_shows_the_sections_in_order(fixture):
    text = Page(render("stigg-customer-portal", answers=load_fixture(fixture))).text
    sections = REFERENCE[fixture]
    before_plans = joined(sections["stigg-subscription-overview"] + sections["stigg-usage"]) + " Plans"
    assert text.startswith(before_plans)
    assert text.endswith(joined(sections["stigg-payment-details"] + sections["stigg-invoices"]))


#: Every class upstream's portal emitted for the three reference customers (reference/emitted-classes.txt).
REFERENCE_CLASSES = ["stigg-addon-list-item-text", "stigg-addons-container", "stigg-addons-list-layout", "stigg-annual-period-text", "stigg-compatible-addon--addon-extra-storage", "stigg-compatible-addon--addon-priority-support", "stigg-compatible-addon-content", "stigg-compatible-addon-icon", "stigg-compatible-addon-item", "stigg-compatible-addon-name", "stigg-compatible-addons-container", "stigg-compatible-addons-header", "stigg-compatible-addons-list", "stigg-contact-support-label", "stigg-contact-support-layout", "stigg-credit-card-expiration-label", "stigg-credit-card-expiration-text", "stigg-credit-card-label", "stigg-credit-card-text", "stigg-current-plan", "stigg-customer-email-label", "stigg-customer-email-text", "stigg-customer-name-label", "stigg-customer-name-text", "stigg-customer-portal-header-layout", "stigg-customer-portal-layout", "stigg-customer-portal-overview-header", "stigg-customer-portal-paywall-header", "stigg-customer-portal-paywall-section", "stigg-customer-portal-paywall-section-title", "stigg-customer-portal-sections", "stigg-customer-portal-subscriptions-overview", "stigg-customer-portal-usage-section-title", "stigg-discount-rate-text", "stigg-edit-payment-details-button", "stigg-entitlement-feature-api-calls", "stigg-entitlement-feature-seats", "stigg-entitlement-feature-sso", "stigg-entitlement-feature-storage", "stigg-entitlement-name", "stigg-entitlement-row-container", "stigg-entitlement-row-icon", "stigg-entitlement-usage-feature-ai-credits", "stigg-entitlement-usage-feature-api-calls", "stigg-entitlement-usage-feature-seats", "stigg-entitlement-usage-feature-storage", "stigg-feature-usage-progress-bar", "stigg-feature-usage-progress-bar-error", "stigg-feature-usage-progress-bar-standard", "stigg-feature-usage-progress-bar-warning", "stigg-header-wrapper", "stigg-invoices-section-header", "stigg-invoices-section-layout", "stigg-invoices-section-title", "stigg-manage-subscription-button", "stigg-manage-subscription-button-image", "stigg-manage-subscription-button-text", "stigg-monthly-period-text", "stigg-overview-layout", "stigg-overview-title", "stigg-payment-details-section-header", "stigg-payment-details-section-layout", "stigg-payment-details-section-title", "stigg-paywall-container", "stigg-paywall-layout", "stigg-paywall-plan-button", "stigg-paywall-plan-button-layout", "stigg-paywall-plan-button-text", "stigg-paywall-plans-layout", "stigg-paywall-schedule-update-text", "stigg-period-picker-container", "stigg-period-switch", "stigg-plan-description", "stigg-plan-enterprise", "stigg-plan-entitlements-container", "stigg-plan-entitlements-title", "stigg-plan-free", "stigg-plan-header", "stigg-plan-header-divider", "stigg-plan-offering-container", "stigg-plan-pro", "stigg-price-billing-period-text", "stigg-price-point", "stigg-price-text", "stigg-price-unit-and-billing-period-text", "stigg-price-unit-text", "stigg-scheduled-updates-alert-container", "stigg-scheduled-updates-subtitle", "stigg-scheduled-updates-title", "stigg-subscription-plan-name", "stigg-subscription-total-price-layout", "stigg-subscription-trial-badge", "stigg-subscription-trial-badge-image", "stigg-subscription-trial-badge-text", "stigg-subscription-trial-upgrade-button", "stigg-subscription-usage-layout", "stigg-subscription-view-layout", "stigg-trial-days-left-text", "stigg-view-invoice-history-button"]


def test_the_portal_emits_every_class_upstream_emitted_for_the_reference_customers():
    emitted: set[str] = set()
    for fixture in REFERENCE:
        emitted |= Page(render("stigg-customer-portal", answers=load_fixture(fixture))).classes
    assert [c for c in REFERENCE_CLASSES if c not in emitted] == []


# ------------------------------------------------------------------------- every element, every scenario
@cache
def scenario_renders() -> dict[tuple[str, str, str], str]:
    out = {}
    for scenario in DEMO_SCENARIOS:
        for tag in PORTAL_TAGS:
            for variant, attrs in (("plain", {}), ("options", OPTIONS)):
                out[(scenario, tag, variant)] = render(tag, {"scenario": scenario, **attrs})
    return out


def test_every_element_renders_every_scenario():
    renders = scenario_renders()
    assert len(renders) == len(DEMO_SCENARIOS) * len(PORTAL_TAGS) * 2
    for (scenario, tag, _), html in renders.items():
        if tag == "stigg-provider":
            assert html.strip() == ""
        elif tag in {"stigg-customer-portal", "stigg-subscription-overview"}:
            assert html.strip(), (scenario, tag)


def test_state_changes_render():
    html = render("stigg-usage", {"scenario": "heavy-usage"}, state={"usageShowAll": "1"})
    assert "Show less" in html and 'data-stigg-state="usageShowAll=0"' in html
    html = render("stigg-customer-portal", {"scenario": "paid"}, state={"overviewTab": "promotions"})
    page = Page(html)
    selected = [a for t, a in page.elements if a.get("role") == "tab" and a.get("aria-selected") == "true"]
    assert [a["data-stigg-state"] for a in selected] == ["overviewTab=promotions"]
    assert "Expiration date" in page.text


# ------------------------------------------------------------------------- classes
SPEC_CLASSES = ["stigg-customer-portal-layout", "stigg-customer-portal-header-layout", "stigg-customer-portal-sections", "stigg-watermark", "stigg-tooltip", "stigg-tooltip-arrow", "stigg-customer-portal-subscriptions-overview", "stigg-subscription-overview-skeleton-layout", "stigg-scheduled-updates-alert-container", "stigg-scheduled-updates-title", "stigg-scheduled-updates-subtitle", "stigg-scheduled-updates-description", "stigg-scheduled-updates-arrow-down", "stigg-scheduled-updates-cancel-update-button", "stigg-scheduled-updates-cancel-update-button-icon", "stigg-overview-layout", "stigg-customer-portal-overview-header", "stigg-overview-title", "stigg-manage-subscription-button", "stigg-manage-subscription-button-image", "stigg-manage-subscription-button-text", "stigg-subscription-view-layout", "stigg-subscription-plan-name", "stigg-subscription-trial-badge", "stigg-subscription-trial-badge-image", "stigg-subscription-trial-badge-text", "stigg-subscription-trial-upgrade-button", "stigg-charge-list", "stigg-charge-list-item", "stigg-feature-usage-progress-bar", "stigg-feature-usage-progress-bar-standard", "stigg-feature-usage-progress-bar-warning", "stigg-feature-usage-progress-bar-error", "stigg-addons-list-layout", "stigg-addon-list-item-text", "stigg-subscription-total-price-layout", "stigg-contact-support-layout", "stigg-contact-support-label", "stigg-contact-support-button", "stigg-subscription-usage-layout", "stigg-customer-portal-usage-section-title", "stigg-subscription-usage-skeleton-layout", "stigg-credit-usage-container", "stigg-credit-usage-title", "stigg-credit-usage-value", "stigg-credit-usage-progress-bar", "stigg-usage-toggle-many-button", "stigg-usage-progress-bar", "stigg-payment-details-section-layout", "stigg-payment-details-section-header", "stigg-payment-details-section-title", "stigg-edit-payment-details-button", "stigg-customer-name-label", "stigg-customer-name-text", "stigg-customer-email-label", "stigg-customer-email-text", "stigg-credit-card-label", "stigg-credit-card-text", "stigg-credit-card-expiration-label", "stigg-credit-card-expiration-text", "stigg-invoices-section-layout", "stigg-invoices-section-header", "stigg-invoices-section-title", "stigg-view-invoice-history-button", "stigg-customer-portal-paywall-section", "stigg-customer-portal-paywall-header", "stigg-customer-portal-paywall-section-title"]

#: The customer-portal docs' class table ([S]); bare prefixes are emitted next to -label/-text.
DOCS_CLASSES = ["stigg-payment-details-section-layout", "stigg-payment-details-section-header", "stigg-payment-details-section-title", "stigg-customer-name", "stigg-customer-email", "stigg-credit-card", "stigg-credit-card-expiration", "stigg-invoices-section-layout", "stigg-invoices-section-header", "stigg-invoices-section-title", "stigg-view-invoice-history-button", "stigg-edit-payment-details-button", "stigg-user-information-layout", "stigg-customer-portal-usage-section-title"]

#: Dynamic classes: a documented pattern and a class that must appear for the demo data.
DYNAMIC_CLASSES = {
    "stigg-entitlement-usage-{feature.refId}": "stigg-entitlement-usage-feature-api-calls",
    "stigg-charge-list-item-{feature.refId}": "stigg-charge-list-item-",
    "stigg-credit-usage-{currency.currencyId}": "stigg-credit-usage-",
    "stigg-{plan.id}": "stigg-plan-pro",
    "stigg-compatible-addon-{addon.id}": "stigg-compatible-addon-addon-extra-storage",
    "stigg-entitlement-feature-{feature.id}": "stigg-entitlement-feature-",
}


def watermarked_multi_update_answers() -> dict[str, Any]:
    answers = copy.deepcopy(load_fixture("customer-demo"))
    portal = answers["GetCustomerPortalByRefId"]["data"]["customerPortal"]
    portal["showWatermark"] = True
    portal["subscriptions"][0]["scheduledUpdates"].append(
        {"subscriptionScheduleType": "BillingPeriod", "scheduleStatus": "Scheduled",
         "scheduledExecutionTime": "2026-12-10T00:00:00Z",
         "scheduleVariables": {"__typename": "BillingPeriodChangeVariables", "billingPeriod": "ANNUALLY"}})
    return answers


@cache
def emitted_classes() -> frozenset[str]:
    classes: set[str] = set()
    for html in scenario_renders().values():
        classes |= Page(html).classes
    for tag in PORTAL_TAGS:
        classes |= Page(render_skeleton(tag)).classes
    classes |= Page(render("stigg-customer-portal", OPTIONS, answers=watermarked_multi_update_answers())).classes
    classes |= Page(render("stigg-usage", {"scenario": "heavy-usage"}, state={"usageShowAll": "1"})).classes
    return frozenset(classes)


@pytest.mark.parametrize("cls", sorted(set(SPEC_CLASSES + DOCS_CLASSES)))
def test_every_documented_class_is_emitted(cls):
    assert cls in emitted_classes()


@pytest.mark.parametrize(("pattern", "example"), sorted(DYNAMIC_CLASSES.items()))
def test_dynamic_classes_are_emitted(pattern, example):
    assert any(c.startswith(example) for c in emitted_classes()), pattern


def _declared_patterns(tag: str) -> list[re.Pattern[str]]:
    declared = [c for c in all_widgets()[tag].css_classes if not c.startswith("stigg-{")]  # no catch-alls
    return [re.compile("^" + re.sub(r"\\\{[^}]*\\\}", ".+", re.escape(c)) + "$") for c in declared]


@pytest.mark.parametrize("tag", [t for t in PORTAL_TAGS if t != "stigg-provider"])
def test_every_emitted_class_is_declared_on_the_widget(tag):
    patterns = _declared_patterns(tag)
    classes: set[str] = set(Page(render_skeleton(tag)).classes)
    # The Plans section is the paywall widget's markup, checked by the paywall's own tests.
    paywall: set[str] = set(Page(render_skeleton("stigg-paywall")).classes)
    for (scenario, rendered_tag, variant), html in scenario_renders().items():
        if rendered_tag == tag:
            classes |= Page(html).classes
            if tag == "stigg-customer-portal" and variant == "plain":
                paywall |= Page(render("stigg-paywall", {"scenario": scenario})).classes
    undeclared = {c for c in classes - paywall if c.startswith("stigg-") and not c.startswith("stigg-paywall")
                  and not any(p.match(c) for p in patterns)}
    assert not undeclared


def test_every_widget_declares_the_spec_classes_it_owns():
    widgets = all_widgets()
    portal = set(widgets["stigg-customer-portal"].css_classes)
    assert set(SPEC_CLASSES) <= portal
    assert {"stigg-usage-toggle-many-button", "stigg-credit-usage-container"} <= set(widgets["stigg-usage"].css_classes)
    assert "stigg-user-information-layout" in widgets["stigg-payment-details"].css_classes


# ------------------------------------------------------------------------- skeletons and states
@pytest.mark.parametrize("tag", [t for t in PORTAL_TAGS if t != "stigg-provider"])
def test_skeleton_marks_loading_and_shows_no_data(tag):
    page = Page(render_skeleton(tag))
    assert "stigg-loading" in page.classes and "stigg-skeleton" in page.classes
    assert any(a.get("aria-busy") == "true" for _, a in page.elements)
    assert "Pro plan" not in page.text and "$" not in page.text


def test_portal_skeleton_has_every_section_box():
    classes = Page(render_skeleton("stigg-customer-portal")).classes
    for cls in ("stigg-subscription-overview-skeleton-layout", "stigg-subscription-usage-skeleton-layout",
                "stigg-customer-portal-paywall-section", "stigg-payment-details-section-layout",
                "stigg-invoices-section-layout"):
        assert cls in classes


def test_hidden_sections_are_not_rendered():
    html = render("stigg-customer-portal", {"scenario": "paid",
                                            "hidden-sections": "usage, invoices paymentDetails addons"})
    classes = Page(html).classes
    assert "stigg-subscription-usage-layout" not in classes
    assert "stigg-invoices-section-layout" not in classes
    assert "stigg-payment-details-section-layout" not in classes
    assert "stigg-addons-list-layout" not in classes
    assert "stigg-customer-portal-subscriptions-overview" in classes
    assert render("stigg-usage", {"scenario": "paid", "hidden-sections": "usage"}).strip() == ""


def test_canceled_customer_gets_an_empty_state():
    page = Page(render("stigg-subscription-overview", {"scenario": "canceled"}))
    assert "stigg-empty" in page.classes and "stigg-loading" not in page.classes
    assert "No active subscription" in page.text


def test_demo_badge_only_when_demo_data_is_implicit():
    implicit = asyncio.run(render_async("stigg-customer-portal", {}, now=NOW))
    badges = Page(implicit.html).find("stigg-demo-badge")
    assert len(badges) == 1 and "Demo data" in Page(implicit.html).text
    for tag in ("stigg-usage", "stigg-invoices", "stigg-subscription-overview"):
        assert "stigg-demo-badge" in asyncio.run(render_async(tag, {}, now=NOW)).html
    assert "stigg-demo-badge" not in render("stigg-customer-portal", {"scenario": "paid"})


# ------------------------------------------------------------------------- interaction protocol
def _details(page: Page, event: str) -> list[dict[str, Any]]:
    return [json.loads(a["data-stigg-detail"]) for _, a in page.elements if a.get("data-stigg-event") == event]


def test_events_carry_json_details():
    page = Page(render("stigg-customer-portal", {"scenario": "paid", **OPTIONS}))
    manage = _details(page, "stigg-manage-subscription")
    assert {d["intentionType"] for d in manage} == {"MANAGE_SUBSCRIPTION", "UPGRADE_PLAN"}
    assert all(d["subscriptions"][0]["subscriptionId"] for d in manage)
    cancel = _details(page, "stigg-cancel-scheduled-updates")
    assert len(cancel) == 1 and set(cancel[0]) == {"subscription"}
    trial = Page(render("stigg-subscription-overview", {"scenario": "trial"}))
    assert [d["intentionType"] for d in _details(trial, "stigg-manage-subscription")] == [
        "MANAGE_SUBSCRIPTION", "UPGRADE_TRIAL_PLAN"]
    buy = Page(render("stigg-usage", {"scenario": "heavy-usage", "buy-more": ""}))
    assert all(set(d) == {"feature", "entitlement"} for d in _details(buy, "stigg-buy-more"))
    assert _details(buy, "stigg-buy-more")
    assert not _details(Page(render("stigg-usage", {"scenario": "heavy-usage"})), "stigg-buy-more")


def test_contact_support_button_link_or_text():
    text = Page(render("stigg-subscription-overview", {"scenario": "custom-price"}))
    assert not text.find("stigg-contact-support-button") and "Contact support" in text.text
    button = Page(render("stigg-subscription-overview", {"scenario": "custom-price", "contact-support": ""}))
    (attrs,) = button.find("stigg-contact-support-button")
    assert attrs["data-stigg-event"] == "stigg-contact-support" and attrs["type"] == "button"
    link = Page(render("stigg-subscription-overview", {"scenario": "custom-price",
                                                       "contact-support-url": "https://help.example/contact"}))
    (attrs,) = link.find("stigg-contact-support-button")
    assert attrs["href"] == "https://help.example/contact"
    assert attrs["target"] == "_blank" and attrs["rel"] == "noopener noreferrer"
    unsafe = Page(render("stigg-subscription-overview", {"scenario": "custom-price",
                                                         "contact-support-url": "javascript:alert(1)"}))
    assert not unsafe.find("stigg-contact-support-button")


def test_buttons_links_tabs_and_progress_bars_are_accessible():
    page = Page(render("stigg-customer-portal", {"scenario": "heavy-usage", **OPTIONS}))
    for tag, attrs in page.elements:
        if tag == "button":
            assert attrs.get("type") == "button"
        if tag == "a":
            assert attrs["href"].startswith("https://")
            assert attrs.get("target") == "_blank" and attrs.get("rel") == "noopener noreferrer"
        if (attrs.get("data-stigg-event") or attrs.get("data-stigg-state")) and attrs.get("aria-hidden") != "true":
            assert tag == "button" and attrs.get("data-stigg-focus-key")
    tabs = [a for _, a in page.elements if a.get("role") == "tab"]
    assert tabs and all(a.get("aria-selected") in {"true", "false"} for a in tabs)
    assert [a for _, a in page.elements if a.get("role") == "tablist"]
    assert [a for _, a in page.elements if a.get("role") == "tabpanel"]
    bars = [a for _, a in page.elements if a.get("role") == "progressbar"]
    assert bars
    for bar in bars:
        assert 0 <= int(bar["aria-valuenow"]) <= 100
        assert bar["aria-valuemin"] == "0" and bar["aria-valuemax"] == "100" and bar["aria-label"]


# ------------------------------------------------------------------------- hostile data
EVIL = '"><script>alert(1)</script><img src=x onerror=alert(2)>'


def hostile_answers() -> dict[str, Any]:
    answers = copy.deepcopy(load_fixture("customer-demo"))
    portal = answers["GetCustomerPortalByRefId"]["data"]["customerPortal"]
    sub = portal["subscriptions"][0]
    sub["planName"] = EVIL
    sub["addons"][0]["displayName"] = EVIL
    sub["scheduledUpdates"][0]["targetPackage"]["displayName"] = "**" + EVIL
    for entitlement in portal["entitlementsV2"]:
        entitlement["feature"]["displayName"] = EVIL
        entitlement["feature"]["refId"] = entitlement["feature"]["refId"] + '" onclick="alert(3)'
    portal["promotionalEntitlements"][0]["displayName"] = EVIL
    portal["billingInformation"]["name"] = EVIL
    portal["billingInformation"]["email"] = EVIL
    portal["billingInformation"]["defaultPaymentMethodLast4Digits"] = "<b>1</b>"
    portal["billingPortalUrl"] = "javascript:alert(4)"
    return answers


@pytest.mark.parametrize("tag", [t for t in PORTAL_TAGS if t != "stigg-provider"])
def test_hostile_strings_are_rendered_as_text(tag):
    html = render(tag, {"texts": json.dumps({"manageSubscription": "<i>Manage</i>"}), **OPTIONS},
                  answers=hostile_answers(), state={"overviewTab": "addons"})
    assert "<script" not in html and "<img" not in html and "<b>" not in html and "<i>" not in html
    assert "javascript:" not in html
    assert 'onclick="' not in html
    page = Page(html)
    for _, attrs in page.elements:
        assert not any(name.startswith("on") for name in attrs), attrs
    if tag in {"stigg-subscription-overview", "stigg-customer-portal"}:
        assert "&lt;script&gt;" in html
        assert "stigg-edit-payment-details-button" not in html  # the unsafe URL drops the link


def test_bold_markers_in_data_do_not_make_bold():
    html = render("stigg-subscription-overview", answers=hostile_answers())
    strong = re.findall(r"<strong>(.*?)</strong>", html)
    assert len(strong) == 1 and strong[0].startswith("**&#34;&gt;&lt;script&gt;")
