"""Add-ons, promotions, payment details and invoices (spec §6.1, §6.9)."""

from __future__ import annotations

from typing import Any

import pytest

from stigg_portal.demo_data import REFERENCE_NOW, load_fixture, scenario_answers
from stigg_portal.models import CustomerPortal, parse_customer_portal
from stigg_portal.texts import resolve_texts
from stigg_portal.views.addons import build_addons_view
from stigg_portal.views.common import PortalOptions, safe_url
from stigg_portal.views.invoices import build_invoices_view
from stigg_portal.views.payment_details import build_payment_details_view
from stigg_portal.views.promotions import build_promotions_view

TEXTS = resolve_texts(None, {})[0]


def fixture(name: str) -> CustomerPortal:
    return parse_customer_portal(load_fixture(name)["GetCustomerPortalByRefId"])


def scenario(name: str) -> CustomerPortal:
    return parse_customer_portal(scenario_answers(name, REFERENCE_NOW)["GetCustomerPortalByRefId"])


def portal(**data: Any) -> CustomerPortal:
    data.setdefault("subscriptions", [])
    return parse_customer_portal(data)


def hidden(*names: str) -> PortalOptions:
    return PortalOptions(hidden=frozenset(names))


# ------------------------------------------------------------------------- add-ons
def test_addons_with_quantities():
    v = build_addons_view(fixture("customer-demo"), texts=TEXTS, locale="en-US")
    assert v.visible and v.title == "Add-ons"
    assert [(a.addon_id, a.text) for a in v.items] == [
        ("addon-extra-storage", "2 X Extra storage"), ("addon-priority-support", "Priority support")]


def test_addons_of_canceled_subscriptions_do_not_show():
    addon = {"addonId": "a", "displayName": "Old add-on", "quantity": 3}
    p = portal(subscriptions=[{"subscriptionId": "s", "planId": "p", "planName": "P", "pricingType": "PAID",
                               "status": "CANCELED", "addons": [addon]},
                              {"subscriptionId": "t", "planId": "p", "planName": "P", "pricingType": "PAID",
                               "status": "IN_TRIAL", "addons": [dict(addon, displayName="Trial add-on")]}])
    assert [a.text for a in build_addons_view(p, texts=TEXTS, locale="en-US").items] == ["3 X Trial add-on"]


def test_addons_hidden_or_empty():
    assert not build_addons_view(fixture("customer-demo"), texts=TEXTS, locale="en-US", options=hidden("addons")).visible
    assert not build_addons_view(fixture("customer-trial"), texts=TEXTS, locale="en-US").visible


# ------------------------------------------------------------------------- promotions
def test_promotion_rows():
    promotions = [
        {"displayName": "Seats", "usageLimit": 10000, "endDate": "2026-12-10T00:00:00Z", "startDate": "2026-11-01T00:00:00Z"},
        {"displayName": "Storage", "hasUnlimitedUsage": True, "startDate": "2026-11-01T00:00:00Z"},
        {"displayName": "SSO", "startDate": "2026-11-01T00:00:00Z"},
    ]
    v = build_promotions_view(portal(promotionalEntitlements=promotions), texts=TEXTS, locale="en-US")
    assert v.visible and v.subtitle == TEXTS["promotionsSubtitle"]
    assert (v.feature_column, v.expiration_column) == ("Feature", "Expiration date")
    assert [(r.name, r.expires) for r in v.rows] == [
        ("Seats x 10,000", "Dec 10th, 2026"), ("Unlimited Storage", "None"), ("SSO", "None")]
    german = build_promotions_view(portal(promotionalEntitlements=promotions), texts=TEXTS, locale="de-DE")
    assert german.rows[0] == type(german.rows[0])("Seats x 10.000", "10. Dez. 2026")


def test_promotions_hidden_or_empty():
    p = fixture("customer-demo")
    assert build_promotions_view(p, texts=TEXTS, locale="en-US").visible
    assert not build_promotions_view(p, texts=TEXTS, locale="en-US", options=hidden("promotionalEntitlements")).visible
    assert not build_promotions_view(fixture("customer-trial"), texts=TEXTS, locale="en-US").visible


# ------------------------------------------------------------------------- payment details
def test_payment_details_of_the_reference_customer():
    v = build_payment_details_view(fixture("customer-demo"), texts=TEXTS)
    assert v.visible and v.title == "Payment details" and v.edit_label == "Edit"
    assert v.edit_url == "https://billing.stripe.example/p/session/test_acme"
    assert [(r.prefix, r.label, r.value) for r in v.method_rows] == [
        ("stigg-credit-card", "Card", "Ending in 4242"), ("stigg-credit-card-expiration", "Expires", "12/2028")]
    assert [(r.prefix, r.label, r.value, r.missing) for r in v.billed_to_rows] == [
        ("stigg-customer-name", "Name", "Acme Inc.", False),
        ("stigg-customer-email", "Email", "billing@acme.example", False)]


def test_payment_method_needs_every_card_field():
    v = build_payment_details_view(fixture("customer-trial"), texts=TEXTS)
    assert v.visible and v.method_rows == ()
    info = {"email": "a@b.example", "defaultPaymentMethodId": "pm", "defaultPaymentMethodLast4Digits": "1111",
            "defaultPaymentExpirationMonth": 3, "defaultPaymentExpirationYear": None}
    assert build_payment_details_view(portal(billingInformation=info), texts=TEXTS).method_rows == ()


def test_missing_name_shows_a_dash_and_bank_accounts_are_not_cards():
    info = {"email": "a@b.example", "defaultPaymentMethodId": "pm", "defaultPaymentMethodLast4Digits": "6789",
            "defaultPaymentExpirationMonth": 1, "defaultPaymentExpirationYear": 2030, "defaultPaymentMethodType": "BANK"}
    v = build_payment_details_view(portal(billingInformation=info), texts=TEXTS)
    assert v.billed_to_rows[0].value == "-" and v.billed_to_rows[0].missing
    assert v.method_rows[0].label == "Bank account"
    assert v.method_rows[1].value == "01/2030"


@pytest.mark.parametrize("info", [None, {}, {"defaultPaymentMethodType": "CARD"}])
def test_payment_details_hidden_without_name_email_or_method(info):
    data = {} if info is None else {"billingInformation": info}
    assert not build_payment_details_view(portal(**data), texts=TEXTS).visible


@pytest.mark.parametrize("section", ["paymentDetails", "billingInformation"])
def test_payment_details_hidden_by_attribute(section):
    assert not build_payment_details_view(fixture("customer-demo"), texts=TEXTS, options=hidden(section)).visible


def test_edit_link_only_for_http_urls():
    demo = load_fixture("customer-demo")["GetCustomerPortalByRefId"]["data"]["customerPortal"]
    for url in ("javascript:alert(1)", "data:text/html,x", "//evil.example", "ftp://x", " ", None):
        p = parse_customer_portal({**demo, "billingPortalUrl": url})
        assert build_payment_details_view(p, texts=TEXTS).edit_url is None
        assert not build_invoices_view(p, texts=TEXTS).visible


# ------------------------------------------------------------------------- invoices
def test_invoices():
    v = build_invoices_view(fixture("customer-demo"), texts=TEXTS)
    assert (v.visible, v.title, v.button_label) == (True, "Invoices", "View invoice history")
    assert v.url.startswith("https://")
    assert not build_invoices_view(scenario("free"), texts=TEXTS).visible  # no billing portal URL
    for section in ("invoices", "billingInformation"):
        assert not build_invoices_view(fixture("customer-demo"), texts=TEXTS, options=hidden(section)).visible


@pytest.mark.parametrize(
    ("url", "safe"),
    [("https://a.example/x?y=1", True), ("HTTP://a.example", True), ("https://", False),
     ("javascript:alert(1)", False), ("https://a.example/\nx", False), ("https://a b.example", False),
     ("mailto:x@y.example", False)],
)
def test_safe_url(url, safe):
    assert (safe_url(url) is not None) == safe
