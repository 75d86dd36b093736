"""Demo scenarios: each shows what its name promises, dated relative to now, with no real data."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import pytest

from stigg_portal.demo_data import (
    DEMO_SCENARIOS,
    REFERENCE_NOW,
    UnknownScenarioError,
    customer_id_for,
    load_fixture,
    scenario_answers,
    scenario_description,
    shift_dates,
)
from stigg_portal.models import (
    CreditEntitlement,
    CustomerPortal,
    Paywall,
    parse_customer_portal,
    parse_paywall,
)

NOW = datetime(2027, 6, 1, 8, 0, tzinfo=UTC)


def load(scenario: str, now: datetime = NOW) -> tuple[CustomerPortal, Paywall]:
    answers = scenario_answers(scenario, now)
    return parse_customer_portal(answers["GetCustomerPortalByRefId"]), parse_paywall(answers["GetPaywall"])


def test_scenario_names_are_the_documented_ones():
    assert DEMO_SCENARIOS == (
        "paid", "trial", "custom-price", "free", "no-subscription", "canceled", "heavy-usage", "eur-annual",
        "billing-period-change", "unit-amount-change", "no-invoice-preview",
    )


@pytest.mark.parametrize("scenario", DEMO_SCENARIOS)
def test_every_scenario_has_an_id_a_description_and_both_answers(scenario):
    answers = scenario_answers(scenario, NOW)
    assert answers["customerId"] == customer_id_for(scenario) == f"demo-{scenario}"
    assert scenario_description(scenario)
    assert set(answers) >= {"GetCustomerPortalByRefId", "GetPaywall"}


def test_unknown_scenario_raises():
    with pytest.raises(UnknownScenarioError):
        scenario_answers("bogus")


def test_answers_are_fresh_copies():
    first = scenario_answers("paid", NOW)
    first["GetCustomerPortalByRefId"]["data"]["customerPortal"]["subscriptions"].clear()
    assert scenario_answers("paid", NOW)["GetCustomerPortalByRefId"]["data"]["customerPortal"]["subscriptions"]


def test_dates_move_with_now_so_relative_texts_stay_true():
    at_reference, _ = load("paid", REFERENCE_NOW)
    assert at_reference.active_subscription.billing_period_range.end == datetime(2026, 12, 10, tzinfo=UTC)
    portal, paywall = load("paid", NOW)
    end = portal.feature_entitlements[0].usage_period_end
    assert (end - NOW).days == 14  # "Resets monthly - in 14 days", as in the reference screenshots
    assert paywall.active_subscriptions[0].current_billing_period_end == portal.active_subscription.billing_period_range.end
    assert portal.billing_information.default_payment_expiration_year == 2028 + (NOW.year - 2026)


def test_shift_dates_moves_only_iso_timestamps():
    tree = {"a": "2026-11-25T00:00:00.000Z", "b": ["2026-11-25", "x"], "defaultPaymentExpirationYear": 2028}
    shifted = shift_dates(tree, timedelta(days=1, hours=6), years=1)
    assert shifted == {"a": "2026-11-26T06:00:00.000Z", "b": ["2026-11-25", "x"], "defaultPaymentExpirationYear": 2029}


def test_paid_is_the_reference_customer():
    portal, _ = load("paid")
    sub = portal.active_subscription
    assert sub.plan_name == "Pro" and len(sub.addons) == 2 and portal.promotional_entitlements
    assert sub.scheduled_updates[0].subscription_schedule_type == "Downgrade"
    assert portal.billing_information.default_payment_method_last4_digits == "4242"
    assert portal.billing_information.default_payment_method_type == "CARD"
    assert portal.billing_portal_url and sub.preview_next_invoice is not None


def test_trial_and_custom_price():
    trial, trial_paywall = load("trial")
    assert trial.active_subscription is None and trial.trial_subscription.trial_remaining_days == 14
    assert trial_paywall.active_subscriptions[0].trial_end_date > NOW
    custom, _ = load("custom-price")
    assert custom.active_subscription.pricing_type == "CUSTOM"


def test_free_has_a_free_plan_no_card_and_no_billing_portal():
    portal, paywall = load("free")
    sub = portal.active_subscription
    assert sub.pricing_type == "FREE" and sub.prices == [] and sub.addons == []
    assert portal.billing_portal_url is None
    assert portal.billing_information.default_payment_method_id is None
    assert paywall.active_subscriptions[0].plan.ref_id == "plan-free"
    assert all(e.usage_limit for e in portal.feature_entitlements)


def test_no_subscription_and_canceled():
    portal, paywall = load("no-subscription")
    assert portal.subscriptions == [] and paywall.active_subscriptions == []
    canceled, canceled_paywall = load("canceled")
    assert [s.status for s in canceled.subscriptions] == ["CANCELED"]
    assert canceled.active_subscription is None and canceled_paywall.active_subscriptions == []


def test_heavy_usage_has_thirty_plus_metered_features_and_credits():
    portal, _ = load("heavy-usage")
    metered = [e for e in portal.feature_entitlements if e.feature.is_metered]
    credits = [e for e in portal.entitlements_v2 if isinstance(e, CreditEntitlement)]
    assert len(metered) >= 30 and len(credits) >= 3
    refs = [e.feature.ref_id for e in metered]
    assert len(set(refs)) == len(refs)
    lines = {line.feature_ref_id for line in portal.active_subscription.preview_next_invoice.lines}
    assert set(refs) <= lines  # every feature has an invoice line, so none shows 0 by accident
    ratios = [e.current_usage / e.usage_limit for e in metered if e.usage_limit]
    assert min(ratios) < 0.7 <= max(ratios) and max(ratios) > 1  # standard, warning and error bars
    assert {e.reset_period for e in metered} >= {"MONTH", "WEEK", "DAY", "HOUR"}
    assert any(e.has_unlimited_usage for e in metered)
    assert any(c.usage_limit >= 1_000_000 for c in credits)
    priced = [p.feature.ref_id for p in portal.active_subscription.prices if p.feature]
    assert len(priced) >= 3 and set(priced) <= set(refs)
    assert all(e.usage_period_end > NOW for e in metered if e.usage_period_end)


def test_eur_annual_bills_yearly_in_euros():
    portal, paywall = load("eur-annual")
    sub = portal.active_subscription
    assert sub.prices[0].billing_period == "ANNUALLY" and sub.prices[0].price.currency == "EUR"
    assert sub.preview_next_invoice.amount_due.currency == "EUR" and not sub.scheduled_updates
    assert (sub.billing_period_range.end - sub.billing_period_range.start).days == 365
    assert paywall.currency.code == "EUR" and paywall.currency.symbol == "€"
    assert "USD" not in json.dumps(scenario_answers("eur-annual", NOW))


def test_billing_period_change_is_scheduled_on_both_sides():
    portal, paywall = load("billing-period-change")
    (update,) = portal.active_subscription.scheduled_updates
    assert update.subscription_schedule_type == "BillingPeriod"
    assert update.schedule_variables.billing_period == "ANNUALLY"
    assert paywall.active_subscriptions[0].scheduled_updates[0].subscription_schedule_type == "BillingPeriod"


def test_unit_amount_change_points_at_a_per_unit_price_feature():
    portal, _ = load("unit-amount-change")
    (update,) = portal.active_subscription.scheduled_updates
    assert update.subscription_schedule_type == "UnitAmount" and update.schedule_variables.new_unit_amount == 5
    matching = [p for p in portal.active_subscription.prices
                if p.feature and p.feature.id == update.schedule_variables.feature_id]
    assert matching and matching[0].billing_model == "PER_UNIT"


def test_no_invoice_preview_is_paid_without_a_preview():
    portal, _ = load("no-invoice-preview")
    sub = portal.active_subscription
    assert sub.pricing_type == "PAID" and sub.preview_next_invoice is None and not sub.scheduled_updates


def test_demo_data_holds_no_secrets_or_real_contact_data():
    texts = [json.dumps(scenario_answers(s, NOW)) for s in DEMO_SCENARIOS]
    texts += [json.dumps(load_fixture(n)) for n in ("customer-demo", "customer-trial", "customer-custom")]
    for text in texts:
        assert not re.search(r"\b(sk|pk|rk)_(live|test)_[A-Za-z0-9]{8,}", text)
        emails = re.findall(r"[\w.+-]+@([\w-]+\.)+([a-z]+)", text)
        assert all(tld == "example" for _, tld in emails), emails
