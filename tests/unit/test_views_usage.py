"""Usage section rules (spec §6.4, §6.5): which features show, in what order, with which numbers,
bars, buttons and reset lines — on the reference customers, the demo scenarios and small cases."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from stigg_portal.demo_data import REFERENCE_NOW, load_fixture, scenario_answers
from stigg_portal.models import CustomerPortal, parse_customer_portal
from stigg_portal.texts import resolve_texts
from stigg_portal.views.common import EVENT_BUY_MORE, EVENT_MANAGE, PortalOptions, title_with_units
from stigg_portal.views.usage import PAGE_SIZE, SHOW_ALL_STATE, build_usage_view

NOW = REFERENCE_NOW
TEXTS = resolve_texts(None, {})[0]


def fixture(name: str) -> CustomerPortal:
    return parse_customer_portal(load_fixture(name)["GetCustomerPortalByRefId"])


def scenario(name: str) -> CustomerPortal:
    return parse_customer_portal(scenario_answers(name, NOW)["GetCustomerPortalByRefId"])


def feature(ref: str, *, limit: float | None = 100, usage: float | None = 10, unlimited: bool = False,
            meter: str = "Incremental", reset: str | None = None, end: datetime | None = None,
            name: str | None = None, units: str | None = "unit", plural: str | None = "units") -> dict[str, Any]:
    return {
        "__typename": "FeatureEntitlement", "isGranted": True, "usageLimit": limit, "currentUsage": usage,
        "hasUnlimitedUsage": unlimited, "resetPeriod": reset, "usagePeriodEnd": end.isoformat() if end else None,
        "feature": {"refId": ref, "displayName": name or ref, "featureType": "NUMBER", "meterType": meter,
                    "featureUnits": units, "featureUnitsPlural": plural},
    }


def subscription(*, status: str = "ACTIVE", pricing: str = "PAID", prices: list | None = None,
                 preview: dict | None = None) -> dict[str, Any]:
    return {"subscriptionId": "sub-1", "planId": "plan-pro", "planName": "Pro", "pricingType": pricing,
            "status": status, "prices": prices or [], "previewNextInvoice": preview}


def price(ref: str, model: str = "USAGE_BASED", amount: float = 2, block: float | None = None) -> dict[str, Any]:
    return {"billingPeriod": "MONTHLY", "billingModel": model, "blockSize": block,
            "price": {"amount": amount, "currency": "USD"},
            "feature": {"id": f"id-{ref}", "refId": ref, "displayName": ref, "featureUnits": "call",
                        "featureUnitsPlural": "calls"}}


def portal(entitlements: list, subscriptions: list | None = None, **extra: Any) -> CustomerPortal:
    data = {"subscriptions": subscriptions if subscriptions is not None else [subscription()],
            "entitlementsV2": entitlements, "canUpgradeSubscription": True, **extra}
    return parse_customer_portal(data)


def view(p: CustomerPortal, **kwargs: Any):
    kwargs.setdefault("now", NOW)
    return build_usage_view(p, texts=TEXTS, locale=kwargs.pop("locale", "en-US"), **kwargs)


# ------------------------------------------------------------------------- reference customers
def test_reference_demo_customer_cards():
    v = view(fixture("customer-demo"))
    assert v.visible and v.title == "Usage" and v.many and v.toggle is None
    cards = [(i.cell_class, i.title, i.value, i.bar.dotted, i.bar.status, i.footer,
              i.action.label if i.action else None) for i in v.items]
    assert cards == [
        ("stigg-entitlement-usage-feature-api-calls", "API calls", "128,450", True, "standard",
         "In current billing period", None),
        ("stigg-entitlement-usage-feature-seats", "Seats", "9 / 10 (90%)", False, "warning", None, "Upgrade"),
        ("stigg-entitlement-usage-feature-storage", "Storage (GB)", "112 / 100 (100%)", False, "error",
         "Resets monthly - in 14 days", "Upgrade"),
        ("stigg-entitlement-usage-feature-ai-credits", "AI assistant (AI requests)", "120 / 500 (24%)", False,
         "standard", "Resets monthly - in 14 days", None),
    ]
    storage = v.items[2]
    assert storage.over_limit and not v.items[1].over_limit
    assert storage.action.event == EVENT_MANAGE
    assert storage.action.detail["intentionType"] == "UPGRADE_PLAN"
    assert storage.action.detail["subscriptions"][0]["subscriptionId"] == "sub-customer-demo"


def test_reference_trial_and_custom_customers():
    trial = view(fixture("customer-trial"))
    assert [(i.title, i.value) for i in trial.items] == [
        ("API calls", "3,120"), ("Seats", "3 / 10 (30%)"), ("Storage (GB)", "12 / 100 (12%)")]
    custom = view(fixture("customer-custom"))
    assert [(i.title, i.value, i.footer) for i in custom.items] == [
        ("API calls", "2,450,310", "In current billing period"),
        ("Seats", "184", "In current billing period"),
        ("Storage (GB)", "3,840", "In current billing period")]


# ------------------------------------------------------------------------- selection and order
def test_only_metered_features_and_credits_with_a_limit():
    p = portal([
        feature("boolean", meter="None"),
        feature("zero-limit", limit=0),
        feature("metered"),
        {"__typename": "CreditEntitlement", "usageLimit": 0, "currentUsage": 0,
         "currency": {"currencyId": "no-credits", "displayName": "Nothing"}},
        {"__typename": "CreditEntitlement", "usageLimit": 1000, "currentUsage": 250,
         "currency": {"currencyId": "ai-tokens", "displayName": "AI tokens", "unitSingular": "token",
                      "unitPlural": "tokens"}},
        {"__typename": "SomethingNew", "whatever": 1},
    ])
    v = view(p)
    assert [i.key for i in v.items] == ["metered", "ai-tokens"]
    credit = v.items[1]
    assert credit.cell_class == "stigg-credit-usage-ai-tokens"
    assert credit.title == "AI tokens (tokens)"
    assert credit.value == "250 / 1,000 (25%)"
    assert credit.bar_prefix == "stigg-credit-usage-progress-bar"


def test_priced_features_come_first_in_price_order():
    p = portal(
        [feature("a"), feature("b"), feature("c"), feature("d")],
        [subscription(prices=[price("c"), price("a", "PER_UNIT")])],
    )
    v = view(p)
    assert [i.key for i in v.items] == ["c", "a", "b", "d"]
    assert [i.priced for i in v.items] == [True, True, False, False]
    assert v.items[0].price_tooltip == "Billed for actual usage"
    assert v.items[1].price_tooltip == "Billed for committed usage"


def test_empty_or_hidden_usage_is_not_visible():
    assert not view(portal([feature("b", meter="None")])).visible
    assert not view(fixture("customer-demo"), options=PortalOptions(hidden=frozenset({"usage"}))).visible


# ------------------------------------------------------------------------- where the numbers come from
def test_usage_comes_from_the_entitlement_not_the_invoice_preview():
    preview = {"amountDue": {"amount": 10, "currency": "USD"},
               "lines": [{"quantity": 999, "price": {"feature": {"refId": "seats"}}}]}
    p = portal([feature("seats", usage=4, limit=10), feature("storage", usage=7, limit=10)],
               [subscription(prices=[price("seats")], preview=preview)])
    assert [i.value for i in view(p).items] == ["4 / 10 (40%)", "7 / 10 (70%)"]  # no 999, no 0


def test_a_paid_subscription_without_invoice_preview_still_shows_usage():
    v = view(scenario("no-invoice-preview"))
    assert v.items and not any(i.unavailable for i in v.items)
    assert all(i.value != TEXTS["usageUnavailable"] for i in v.items)


def test_missing_current_usage_is_unavailable():
    item = view(portal([feature("x", usage=None)])).items[0]
    assert item.unavailable and item.value == "Usage unavailable"
    assert item.bar.dotted and item.action is None and item.footer is None


# ------------------------------------------------------------------------- percentages, bars, buttons
@pytest.mark.parametrize(
    ("usage", "limit", "percent", "status", "value"),
    [(0, 100, 0, "standard", "0 / 100 (0%)"), (69, 100, 69, "standard", "69 / 100 (69%)"),
     (70, 100, 70, "warning", "70 / 100 (70%)"), (99.9, 100, 99, "warning", "99.9 / 100 (99%)"),
     (100, 100, 100, "error", "100 / 100 (100%)"), (250, 100, 100, "error", "250 / 100 (100%)"),
     (1, 3, 33, "standard", "1 / 3 (33%)")],
)
def test_percent_and_bar_status(usage, limit, percent, status, value):
    item = view(portal([feature("x", usage=usage, limit=limit)])).items[0]
    assert (item.bar.percent, item.bar.status, item.value) == (percent, status, value)
    assert item.over_limit == (usage > limit)
    assert (item.action is not None) == (percent >= 70)


def test_upgrade_needs_an_upgradable_subscription_and_a_non_custom_price():
    base = [feature("x", usage=90, limit=100)]
    assert view(portal(base)).items[0].action.label == "Upgrade"
    assert view(portal(base, canUpgradeSubscription=False)).items[0].action is None
    assert view(portal(base, [subscription(pricing="CUSTOM")])).items[0].action is None
    assert view(portal([feature("x", usage=90, limit=None, unlimited=True)])).items[0].action is None


def test_buy_more_only_on_priced_features_and_only_when_asked_for():
    p = portal([feature("x", usage=90, limit=100)], [subscription(prices=[price("x")])])
    assert view(p).items[0].action is None
    action = view(p, options=PortalOptions(buy_more=True)).items[0].action
    assert action.event == EVENT_BUY_MORE and action.label == "Buy more"
    assert action.detail["feature"]["refId"] == "x"
    assert action.detail["entitlement"]["usageLimit"] == 100


def test_show_more_beyond_six_items():
    p = scenario("heavy-usage")
    collapsed = view(p)
    assert collapsed.total > PAGE_SIZE and len(collapsed.items) == PAGE_SIZE
    assert collapsed.toggle.label == "Show more" and collapsed.toggle.state == f"{SHOW_ALL_STATE}=1"
    expanded = view(p, show_all=True)
    assert len(expanded.items) == expanded.total
    assert expanded.toggle.label == "Show less" and expanded.toggle.state == f"{SHOW_ALL_STATE}=0"
    assert [i.key for i in expanded.items[:PAGE_SIZE]] == [i.key for i in collapsed.items]
    six = portal([feature(f"f{i}") for i in range(6)])
    assert view(six).toggle is None and len(view(six).items) == 6


def test_three_per_row_only_with_more_than_two_items():
    assert not view(portal([feature("a"), feature("b")])).many
    assert view(portal([feature("a"), feature("b"), feature("c")])).many


# ------------------------------------------------------------------------- reset and refresh lines
@pytest.mark.parametrize(
    ("period", "delta", "line"),
    [("MONTH", timedelta(days=14, hours=23), "Resets monthly - in 14 days"),
     ("WEEK", timedelta(days=6, hours=1), "Resets weekly - in 6 days"),
     ("DAY", timedelta(hours=5, minutes=59), "Resets daily - in 5 hours"),
     ("HOUR", timedelta(minutes=42, seconds=30), "Resets hourly - in 42 minutes"),
     ("YEAR", timedelta(days=100), None),
     ("MONTH", timedelta(days=-1), None)],
)
def test_reset_line_relative_to_now(period, delta, line):
    item = view(portal([feature("x", reset=period, end=NOW + delta)])).items[0]
    assert item.footer == line


def test_no_reset_line_without_limit_or_period():
    assert view(portal([feature("x", limit=None, reset="MONTH", end=NOW + timedelta(days=3))])).items[0].footer is None
    assert view(portal([feature("x", reset=None, end=NOW + timedelta(days=3))])).items[0].footer is None


@pytest.mark.parametrize(
    ("delta", "line"),
    [(timedelta(days=2, hours=1), "Refreshes in 3 days"), (timedelta(hours=20), "Refreshes in 20 hours"),
     (timedelta(minutes=30), "Refreshes in 30 minutes"), (timedelta(hours=-1), None)],
)
def test_credit_refresh_line(delta, line):
    credit = {"__typename": "CreditEntitlement", "usageLimit": 10, "currentUsage": 12,
              "usagePeriodEnd": (NOW + delta).isoformat(), "currency": {"currencyId": "c", "displayName": "Credits"}}
    item = view(portal([credit])).items[0]
    assert item.footer == line
    assert item.over_limit and item.bar.status == "error"


def test_credit_reset_text_override():
    texts = resolve_texts('{"formatResetPeriod": "on {date}"}', {})[0]
    credit = {"__typename": "CreditEntitlement", "usageLimit": 10, "currentUsage": 1,
              "usagePeriodEnd": datetime(2026, 12, 1, tzinfo=UTC).isoformat(),
              "currency": {"currencyId": "c", "displayName": "Credits"}}
    v = build_usage_view(portal([credit]), now=NOW, texts=texts, locale="en-US")
    assert v.items[0].footer == "Refreshes on Dec 1st, 2026"


# ------------------------------------------------------------------------- titles and locale
@pytest.mark.parametrize(
    ("name", "units", "plural", "title"),
    [("Storage", "GB", "GB", "Storage (GB)"), ("Seats", "seat", "seats", "Seats"),
     ("API calls", "API call", "API calls", "API calls"), ("apiCalls", "api call", "API calls", "apiCalls"),
     ("Build minutes", None, None, "Build minutes"), ("AI assistant", "AI request", "AI requests",
                                                      "AI assistant (AI requests)")],
)
def test_title_with_units(name, units, plural, title):
    assert title_with_units(name, units, plural) == title


def test_numbers_follow_the_locale():
    item = view(portal([feature("x", usage=1234.5, limit=10000)]), locale="de-DE").items[0]
    assert item.value == "1.234,5 / 10.000 (12%)"


def test_all_demo_scenarios_build():
    from stigg_portal.clients import DEMO_SCENARIOS

    for name in DEMO_SCENARIOS:
        for show_all in (False, True):
            v = view(scenario(name), show_all=show_all, options=PortalOptions(buy_more=True))
            assert all(item.title for item in v.items)


def test_building_never_mutates_the_portal():
    p = fixture("customer-demo")
    before = copy.deepcopy(p.model_dump())
    view(p, show_all=True, options=PortalOptions(buy_more=True))
    assert p.model_dump() == before
