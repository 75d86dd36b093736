"""Text keys (spec §3.1, §3.2): every upstream key with its default, overridable by the ``texts`` JSON
and by ``text-*`` attributes; placeholders and bold parts stay safe."""

from __future__ import annotations

import json

import pytest

from stigg_portal.rendering import prepare
from stigg_portal.texts import (
    DEFAULT_TEXTS,
    format_text,
    resolve_texts,
    rich_text,
    text_at,
    text_attribute_names,
)

#: spec §3.1 CustomerPortalLocalization, with upstream's (code) defaults.
PORTAL_KEYS = {
    "manageSubscription": "Manage",
    "usageTabTitle": "Usage",
    "addonsTabTitle": "Add-ons",
    "promotionsTabTitle": "Promotions",
    "promotionsSubtitle": "You were granted access to additional functionality at no additional cost.",
    "contactSupportTitle": "Have questions about your subscription?",
    "contactSupportLink": "Contact support",
    "editBilling": "Edit billing details",
    "invoicesTitle": "Invoices",
    "viewInvoiceHistory": "View invoice history",
    "editPaymentDetails": "Edit",
    "paywallSectionTitle": "Plans",
    "cancelScheduledUpdatesButtonTitle": "Cancel",
    "usageUnavailable": "Usage unavailable",
    "nextBillUnavailable": "We couldn\u2019t estimate your next bill right now. Please check back later.",
    "formatResetPeriod": "",
}

#: spec §3.2 PaywallLocalization; function-valued ones as placeholder templates.
PAYWALL_KEYS = {
    "highlightChip": "Recommended",
    "entitlementsTitle": "",
    "addonsTitle": "Available add-ons:",
    "planCTAButton.upgrade": "Upgrade",
    "planCTAButton.downgrade": "Downgrade",
    "planCTAButton.startTrial": "Start {trialDays} day trial",
    "planCTAButton.custom": "Contact us",
    "planCTAButton.currentPlan": "Current plan",
    "planCTAButton.startNew": "Get started",
    "planCTAButton.switchToBillingPeriod": "Switch to {period} billing",
    "planCTAButton.cancelScheduledUpdate": "Cancel",
    "price.startingAtCaption": "Starts at",
    "price.billingPeriod": ", billed {period}",
    "price.pricePeriod": "/ {period}",
    "price.custom": "Custom",
    "price.priceNotSet": "Price not set",
    "price.free": "{currencySymbol}0",
    "price.paid": "",
}

#: Strings upstream hard-codes (spec §3.1 last paragraph, §6.8), now keys with the same default.
HARD_CODED = {
    "subscriptionTitle": "Subscription",
    "planName": "{planName} plan",
    "trialDaysRemaining": "{days} days remaining in trial",
    "upgradePlan": "Upgrade plan",
    "nextEstimatedBill": "Next estimated bill",
    "billedMonthlyOn": "Billed monthly on {date}",
    "billedAnnuallyOn": "Billed annually on {date}",
    "additionalTaxes": "* Additional tax rates may apply",
    "noUpcomingBill": "No upcoming bill",
    "freePlanNoCharges": "You're on a free plan, so you don\u2019t have any upcoming charges",
    "downgradeToFreeNoCharges": "Your plan will be downgraded to a free plan, so you don\u2019t have any upcoming charges",
    "trialNoCharges": "You\u2019re on a free trial of the {planName} plan, so you don\u2019t have any upcoming charges",
    "promotionsFeatureColumn": "Feature",
    "promotionsExpirationColumn": "Expiration date",
    "promotionNoExpiration": "None",
    "promotionUnlimited": "Unlimited {name}",
    "promotionWithLimit": "{name} x {limit}",
    "buyMore": "Buy more",
    "upgrade": "Upgrade",
    "billedForCommittedUsage": "Billed for committed usage",
    "billedForActualUsage": "Billed for actual usage",
    "inCurrentBillingPeriod": "In current billing period",
    "resetsMonthly": "Resets monthly - in {days} days",
    "resetsWeekly": "Resets weekly - in {days} days",
    "resetsDaily": "Resets daily - in {hours} hours",
    "resetsHourly": "Resets hourly - in {minutes} minutes",
    "showMore": "Show more",
    "showLess": "Show less",
    "chargePrice": "{price} per {unit}",
    "usageOfLimit": "{usage} of {limit}",
    "paymentDetailsTitle": "Payment details",
    "billedTo": "Billed to",
    "paymentMethod": "Payment method",
    "customerName": "Name",
    "customerEmail": "Email",
    "cardLabel": "Card",
    "cardEndingIn": "Ending in {last4}",
    "cardExpires": "Expires",
    "scheduledDowngrade": "Your subscription will be downgraded to the **{planName} plan** {when}.",
    "scheduledDowngradeSubtitle": "Until then you still have access to your current plan.",
    "scheduledUpdatesIntro": "The following updates will take effect in the next billing cycle:",
    "paywall.monthly": "Monthly",
    "paywall.annual": "Annual",
    "paywall.nextPlan": "Next plan",
    "demoBadge": "Demo data",
}

ALL_EXPECTED = {**PORTAL_KEYS, **PAYWALL_KEYS, **HARD_CODED}


@pytest.mark.parametrize(("key", "default"), sorted(ALL_EXPECTED.items()))
def test_every_key_has_its_upstream_default(key, default):
    assert text_at(DEFAULT_TEXTS, key) == default
    node = DEFAULT_TEXTS
    for part in key.split("."):
        assert part in node, key
        node = node[part]


@pytest.mark.parametrize("key", sorted(ALL_EXPECTED))
def test_every_key_is_overridable_by_json_and_by_attribute(key):
    tree: dict = {}
    node = tree
    parts = key.split(".")
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    node[parts[-1]] = "FROM JSON"
    texts, problems = resolve_texts(json.dumps(tree), {})
    assert problems == []
    assert text_at(texts, key) == "FROM JSON"

    attribute = next(name for name, path in text_attribute_names().items() if path == tuple(parts))
    texts, problems = resolve_texts(json.dumps(tree), {attribute: "FROM ATTRIBUTE"})
    assert problems == []
    assert text_at(texts, key) == "FROM ATTRIBUTE"  # attributes win over the JSON


def test_attribute_names_are_kebab_case_and_unique():
    names = text_attribute_names()
    assert names["manage-subscription"] == ("manageSubscription",)
    assert names["plan-cta-button-upgrade"] == ("planCTAButton", "upgrade")
    assert names["price-free"] == ("price", "free")
    assert names["cancel-scheduled-updates-button-title"] == ("cancelScheduledUpdatesButtonTitle",)
    for name in names:
        assert name == name.lower() and " " not in name
    assert len(set(names.values())) == len(names)


def test_text_attributes_work_through_prepare():
    prepared = prepare("stigg-customer-portal", {"text-manage-subscription": "Manage plan",
                                                 "texts": '{"planCTAButton": {"upgrade": "Go"}}'})
    assert prepared.texts["manageSubscription"] == "Manage plan"
    assert prepared.texts["planCTAButton"]["upgrade"] == "Go"
    assert prepared.problems == []


def test_bad_overrides_are_reported_and_defaults_kept():
    texts, problems = resolve_texts('{"nope": "x", "planCTAButton": "flat", "upgrade": 5, "buyMore": true}',
                                    {"no-such-key": "x"})
    messages = " | ".join(p.message for p in problems)
    assert "nope" in messages and "planCTAButton" in messages and "buyMore" in messages
    assert "text-no-such-key" in messages
    assert texts["upgrade"] == "5"
    assert texts["buyMore"] == "Buy more"
    assert texts["planCTAButton"]["upgrade"] == "Upgrade"

    texts, problems = resolve_texts("{not json", {})
    assert texts == DEFAULT_TEXTS and len(problems) == 1
    texts, problems = resolve_texts("[1, 2]", {})
    assert texts == DEFAULT_TEXTS and len(problems) == 1


def test_resolving_never_changes_the_defaults():
    resolve_texts('{"manageSubscription": "changed", "price": {"free": "zero"}}', {"upgrade": "x"})
    assert DEFAULT_TEXTS["manageSubscription"] == "Manage"
    assert DEFAULT_TEXTS["price"]["free"] == "{currencySymbol}0"
    assert DEFAULT_TEXTS["upgrade"] == "Upgrade"


def test_format_text_fills_known_placeholders_and_keeps_the_rest():
    assert format_text("Start {trialDays} day trial", trialDays=14) == "Start 14 day trial"
    assert format_text("Switch to {period} billing", period="annual") == "Switch to annual billing"
    assert format_text("{unknown} and {0} and { x } and {", x=1) == "{unknown} and {0} and { x } and {"
    assert format_text("{a}{a}", a="<b>") == "<b><b>"
    assert format_text("{a}", a=None) == "{a}"


def test_rich_text_marks_bold_before_filling_values():
    segments = rich_text("Downgraded to the **{planName} plan** {when}.", planName="**Evil** <b>", when="soon")
    assert segments == [("Downgraded to the ", False), ("**Evil** <b> plan", True), (" soon.", False)]
    assert rich_text("no bold") == [("no bold", False)]
    assert rich_text("a **b") == [("a **b", False)]
    assert rich_text("**{n} days** left", n=3) == [("3 days", True), (" left", False)]
