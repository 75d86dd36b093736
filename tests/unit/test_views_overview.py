"""Subscription overview rules (spec §6.2, §6.3, §6.6–§6.8): which subscription shows, custom price,
trial badge, charges, tabs, the next-bill box and the scheduled-updates banner."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from stigg_portal.demo_data import REFERENCE_NOW, load_fixture, scenario_answers
from stigg_portal.models import CustomerPortal, parse_customer_portal
from stigg_portal.texts import resolve_texts
from stigg_portal.views.common import (
    EVENT_CANCEL_UPDATES,
    EVENT_CONTACT_SUPPORT,
    EVENT_MANAGE,
    PortalOptions,
)
from stigg_portal.views.subscription_overview import TAB_STATE, build_overview_view

NOW = REFERENCE_NOW
TEXTS = resolve_texts(None, {})[0]
PERIOD_END = datetime(2026, 12, 10, tzinfo=NOW.tzinfo)


def fixture(name: str) -> CustomerPortal:
    return parse_customer_portal(load_fixture(name)["GetCustomerPortalByRefId"])


def scenario(name: str) -> CustomerPortal:
    return parse_customer_portal(scenario_answers(name, NOW)["GetCustomerPortalByRefId"])


def sub(status: str = "ACTIVE", pricing: str = "PAID", name: str = "Pro", **extra: Any) -> dict[str, Any]:
    data = {"subscriptionId": f"sub-{name}-{status}", "planId": f"plan-{name}", "planName": name,
            "pricingType": pricing, "status": status,
            "billingPeriodRange": {"start": "2026-11-10T00:00:00Z", "end": PERIOD_END.isoformat()},
            "prices": [{"billingPeriod": "MONTHLY", "billingModel": "FLAT_FEE",
                        "price": {"amount": 49, "currency": "USD"}}],
            "previewNextInvoice": {"amountDue": {"amount": 85.456, "currency": "USD"}, "lines": []}}
    data.update(extra)
    return data


def update(kind: str, variables: dict | None = None, *, when: datetime = PERIOD_END, status: str = "Scheduled",
           target: dict | None = None) -> dict[str, Any]:
    return {"subscriptionScheduleType": kind, "scheduleStatus": status, "scheduledExecutionTime": when.isoformat(),
            "targetPackage": target, "scheduleVariables": variables}


def portal(*subscriptions: dict, **extra: Any) -> CustomerPortal:
    return parse_customer_portal({"subscriptions": list(subscriptions), "canUpgradeSubscription": True, **extra})


def view(p: CustomerPortal, **kwargs: Any):
    kwargs.setdefault("now", NOW)
    return build_overview_view(p, texts=TEXTS, locale=kwargs.pop("locale", "en-US"), **kwargs)


# ------------------------------------------------------------------------- which subscription
def test_active_wins_over_trial_and_trial_shows_without_active():
    both = view(portal(sub("IN_TRIAL", name="Team", trialRemainingDays=5), sub("ACTIVE", name="Basic")))
    assert both.plan_name == "Basic plan"
    assert both.trial.text == "5 days remaining in trial of the Team plan"
    only_trial = view(portal(sub("IN_TRIAL", name="Team", trialRemainingDays=5)))
    assert only_trial.plan_name == "Team plan"
    assert only_trial.trial.text == "5 days remaining in trial"


@pytest.mark.parametrize("name", ["canceled", "no-subscription"])
def test_no_current_subscription_gives_an_empty_state_not_a_skeleton(name):
    v = view(scenario(name))
    assert v.empty and v.empty_title == "No active subscription"
    assert v.empty_action.event == EVENT_MANAGE
    assert v.empty_action.detail["intentionType"] == "UPGRADE_PLAN"
    assert v.manage is None and v.scheduled is None


def test_reference_demo_overview():
    v = view(fixture("customer-demo"))
    assert (v.title, v.plan_name) == ("Subscription", "Pro plan")
    assert v.manage.event == EVENT_MANAGE and v.manage.label == "Manage"
    assert v.manage.detail["intentionType"] == "MANAGE_SUBSCRIPTION"
    assert [s["planId"] for s in v.manage.detail["subscriptions"]] == ["plan-pro"]
    assert [t.label for t in v.tabs] == ["Add-ons", "Promotions"] and v.selected_tab == "addons"
    assert [a.text for a in v.addons.items] == ["2 X Extra storage", "Priority support"]
    assert [(r.name, r.expires) for r in v.promotions.rows] == [("AI assistant x 500", "Jan 31st, 2027")]
    assert (v.bill.kind, v.bill.title, v.bill.message) == (
        "message", "No upcoming bill",
        "Your plan will be downgraded to a free plan, so you don\u2019t have any upcoming charges")
    assert v.charges == () and v.trial is None


def test_reference_trial_overview():
    v = view(fixture("customer-trial"))
    assert v.plan_name == "Pro plan" and v.manage is not None
    assert v.trial.text == "14 days remaining in trial"
    assert v.trial.upgrade.label == "Upgrade plan"
    assert v.trial.upgrade.detail["intentionType"] == "UPGRADE_TRIAL_PLAN"
    assert v.bill.message == ("You\u2019re on a free trial of the Pro plan, so you don\u2019t have any "
                              "upcoming charges")
    assert v.tabs == ()


def test_trial_days_fall_back_to_the_period_end():
    v = view(portal(sub("IN_TRIAL", trialRemainingDays=None,
                        billingPeriodRange={"end": (NOW + timedelta(days=3, hours=2)).isoformat()})))
    assert v.trial.text == "4 days remaining in trial"


# ------------------------------------------------------------------------- custom price
def test_custom_price_hides_manage_and_shows_contact_support_as_text():
    v = view(fixture("customer-custom"))
    assert v.plan_name == "Enterprise plan" and v.manage is None
    assert v.bill.kind == "contact"
    contact = v.bill.contact
    assert (contact.title, contact.label, contact.url, contact.action) == (
        "Have questions about your subscription?", "Contact support", None, None)


def test_contact_support_as_button_or_link():
    p = fixture("customer-custom")
    button = view(p, options=PortalOptions(contact_support=True)).bill.contact
    assert button.action.event == EVENT_CONTACT_SUPPORT
    assert button.action.detail["subscription"]["planName"] == "Enterprise"
    link = view(p, options=PortalOptions(contact_support=True, contact_support_url="https://help.example/x")).bill
    assert link.contact.url == "https://help.example/x" and link.contact.action is None


# ------------------------------------------------------------------------- next bill box
def test_next_estimated_bill():
    v = view(portal(sub()))
    assert (v.bill.kind, v.bill.title, v.bill.amount) == ("bill", "Next estimated bill", "$85.46")
    assert v.bill.lines == ("Billed monthly on Dec 10th, 2026", "* Additional tax rates may apply")


def test_next_bill_in_euro_and_annual():
    v = view(scenario("eur-annual"), locale="de-DE")
    assert v.bill.kind == "bill"
    assert v.bill.amount.endswith("\u00a0€") and "," in v.bill.amount
    assert v.bill.lines[0].startswith("Billed annually on ")


@pytest.mark.parametrize(
    ("subscription", "message"),
    [(sub(pricing="FREE", name="Free"), "You're on a free plan, so you don\u2019t have any upcoming charges"),
     (sub(previewNextInvoice=None),
      "We couldn\u2019t estimate your next bill right now. Please check back later.")],
)
def test_no_upcoming_bill_messages(subscription, message):
    v = view(portal(subscription))
    assert (v.bill.title, v.bill.message) == ("No upcoming bill", message)


def test_downgrade_to_free_message_unless_usage_based():
    downgrade = update("Downgrade", {"__typename": "DowngradeChangeVariables"},
                       target={"refId": "plan-free", "displayName": "Free", "pricingType": "FREE"})
    assert view(portal(sub(scheduledUpdates=[downgrade]))).bill.message.startswith("Your plan will be downgraded")
    usage_based = sub(scheduledUpdates=[downgrade], prices=[
        {"billingPeriod": "MONTHLY", "billingModel": "USAGE_BASED", "price": {"amount": 1, "currency": "USD"},
         "feature": {"refId": "calls", "displayName": "Calls"}}])
    assert view(portal(usage_based)).bill.kind == "bill"


# ------------------------------------------------------------------------- scheduled updates
def test_single_downgrade_at_period_end_and_on_a_date():
    target = {"refId": "plan-basic", "displayName": "Basic", "pricingType": "PAID"}
    at_end = view(portal(sub(scheduledUpdates=[update("Downgrade", target=target)]))).scheduled
    assert not at_end.multiple
    assert at_end.title == (("Your subscription will be downgraded to the ", False), ("Basic plan", True),
                            (" at the end of the current billing period.", False))
    assert at_end.subtitle == "Until then you still have access to your current plan."
    on_date = view(portal(sub(scheduledUpdates=[update("Downgrade", target=target,
                                                       when=datetime(2026, 12, 22, tzinfo=NOW.tzinfo))])))
    assert "".join(t for t, _ in on_date.scheduled.title).endswith("Basic plan on December 22nd, 2026.")


def test_single_billing_period_and_unit_amount_updates():
    billing = view(scenario("billing-period-change")).scheduled
    assert billing.title == (("Your billing cycle will change to ", False), ("annually", True),
                             (" at the end of the current billing period.", False))
    assert billing.subtitle == ""
    unit = view(scenario("unit-amount-change")).scheduled
    assert "".join(t for t, _ in unit.title) == (
        "Your subscription will be updated to 5 seats at the end of the current billing period.")
    assert ("5", True) in unit.title
    assert unit.subtitle == "Until then you still have access to your current seat count."


def test_several_updates_are_listed():
    seats_price = {"billingPeriod": "MONTHLY", "billingModel": "PER_UNIT", "price": {"amount": 5, "currency": "USD"},
                   "feature": {"id": "f-seats", "refId": "seats", "displayName": "Seats", "featureUnits": "seat",
                               "featureUnitsPlural": "seats"}}
    updates = [
        update("Downgrade", target={"displayName": "Basic"}),
        update("BillingPeriod", {"__typename": "BillingPeriodChangeVariables", "billingPeriod": "MONTHLY"}),
        update("UnitAmount", {"__typename": "UnitAmountChangeVariables", "newUnitAmount": 1, "featureId": "f-seats"}),
        update("UnitAmount", {"__typename": "UnitAmountChangeVariables", "newUnitAmount": 3, "featureId": "unknown"}),
        update("Coupon", {"__typename": "CouponChangeVariables"}),
    ]
    banner = view(portal(sub(scheduledUpdates=updates, prices=[seats_price]))).scheduled
    assert banner.multiple
    assert banner.intro == "The following updates will take effect in the next billing cycle:"
    assert ["".join(t for t, _ in row) for row in banner.rows] == [
        "Downgrade to the Basic plan",
        "Change from an annually to a monthly billing cycle",
        "Reduce the seat quantity to 1 seat",
    ]


def test_finished_updates_and_unknown_kinds_do_not_show():
    done = update("Downgrade", target={"displayName": "Basic"}, status="Done")
    canceled = update("Downgrade", target={"displayName": "Basic"}, status="Canceled")
    assert view(portal(sub(scheduledUpdates=[done, canceled]))).scheduled is None
    assert view(portal(sub(scheduledUpdates=[update("Addon", {"addonRefId": "x"})]))).scheduled is None


def test_cancel_button_only_with_the_attribute():
    p = fixture("customer-demo")
    assert view(p).scheduled.cancel is None
    cancel = view(p, options=PortalOptions(cancel_scheduled_updates=True)).scheduled.cancel
    assert cancel.event == EVENT_CANCEL_UPDATES and cancel.label == "Cancel"
    assert cancel.detail == {"subscription": cancel.detail["subscription"]}
    assert cancel.detail["subscription"]["subscriptionId"] == "sub-customer-demo"


def test_banner_uses_only_the_active_subscription():
    trial = sub("IN_TRIAL", scheduledUpdates=[update("Downgrade", target={"displayName": "Basic"})])
    assert view(portal(trial)).scheduled is None


# ------------------------------------------------------------------------- tabs
def test_tab_selection_follows_state_and_visibility():
    p = fixture("customer-demo")
    assert view(p, selected_tab="promotions").selected_tab == "promotions"
    assert view(p, selected_tab="bogus").selected_tab == "addons"
    tab = view(p).tabs[1]
    assert tab.toggle.state == f"{TAB_STATE}=promotions"
    no_addons = view(p, options=PortalOptions(hidden=frozenset({"addons"})))
    assert [t.key for t in no_addons.tabs] == ["promotions"] and no_addons.selected_tab == "promotions"
    none = view(p, options=PortalOptions(hidden=frozenset({"addons", "promotionalEntitlements"})))
    assert none.tabs == () and none.selected_tab is None


# ------------------------------------------------------------------------- charges
def test_charge_list_for_priced_metered_features():
    v = view(scenario("heavy-usage"), options=PortalOptions(buy_more=True))
    rows = {row.ref_id: row for row in v.charges}
    assert rows, "heavy-usage has priced features"
    for row in v.charges:
        assert row.name
        assert row.value
    priced_with_text = [row for row in v.charges if row.price]
    assert all(" per " in row.price for row in priced_with_text)
    assert any(row.action is not None and row.action.label == "Buy more" for row in v.charges)
    assert any(" of " in row.value for row in v.charges)


def test_charge_price_text_and_per_unit_without_price():
    entitlements = [
        {"__typename": "FeatureEntitlement", "usageLimit": None, "hasUnlimitedUsage": True, "currentUsage": 3000,
         "feature": {"refId": "calls", "displayName": "API calls", "meterType": "Incremental"}},
        {"__typename": "FeatureEntitlement", "usageLimit": 10, "currentUsage": 4,
         "feature": {"refId": "seats", "displayName": "Seats", "meterType": "Fluctuating"}},
    ]
    prices = [
        {"billingPeriod": "MONTHLY", "billingModel": "USAGE_BASED", "blockSize": 1000,
         "price": {"amount": 2, "currency": "USD"},
         "feature": {"refId": "calls", "displayName": "API calls", "featureUnits": "API call",
                     "featureUnitsPlural": "API calls"}},
        {"billingPeriod": "MONTHLY", "billingModel": "PER_UNIT", "price": {"amount": 5, "currency": "USD"},
         "feature": {"refId": "seats", "displayName": "Seats", "featureUnits": "seat", "featureUnitsPlural": "seats"}},
        {"billingPeriod": "MONTHLY", "billingModel": "USAGE_BASED", "price": {"amount": 1, "currency": "USD"},
         "feature": {"refId": "no-entitlement", "displayName": "Ghost"}},
    ]
    v = view(portal(sub(prices=prices), entitlementsV2=entitlements))
    assert [(r.ref_id, r.name, r.price, r.value) for r in v.charges] == [
        ("calls", "API calls", "$2 per 1,000 API calls", "3,000"),
        ("seats", "Seats", None, "4 of 10"),
    ]
    assert v.charges[0].bar.dotted and not v.charges[1].bar.dotted


def test_all_demo_scenarios_build():
    from stigg_portal.clients import DEMO_SCENARIOS

    options = PortalOptions(cancel_scheduled_updates=True, buy_more=True, contact_support=True)
    for name in DEMO_SCENARIOS:
        for tab in (None, "addons", "promotions"):
            v = view(scenario(name), options=options, selected_tab=tab)
            assert v.empty or v.plan_name.endswith(" plan")
