"""Every plan-card rule of spec §6.11 (and §6.3, §6.8 paywall side) on small hand-made paywalls."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from stigg_portal.models import parse_paywall
from stigg_portal.rendering import environment
from stigg_portal.texts import resolve_texts
from stigg_portal.views.paywall import (
    IntentionType,
    PaywallView,
    annual_discount_percent,
    build_paywall_view,
    configuration_style,
    default_billing_period,
    trial_days_left,
)

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
TEXTS = resolve_texts(None, {})[0]


# --------------------------------------------------------------------------- builders
def price(period: str = "MONTHLY", amount: float | None = 10, model: str = "FLAT_FEE", **extra: Any) -> dict:
    out = {"billingModel": model, "billingPeriod": period,
           "price": {"amount": amount, "currency": extra.pop("currency", "USD")} if amount is not None else None}
    out.update(extra)
    return out


def feature(ref: str = "feature-seats", units: str | None = "seat", plural: str | None = "seats",
            name: str = "Seats", ftype: str = "NUMBER") -> dict:
    return {"refId": ref, "displayName": name, "featureUnits": units, "featureUnitsPlural": plural,
            "featureType": ftype}


def entitlement(ref: str = "feature-seats", **extra: Any) -> dict:
    f = extra.pop("feature", None) or feature(ref)
    return {"featureId": ref, "feature": f, **extra}


def plan(ref: str, pricing: str = "PAID", prices: list | None = None, **extra: Any) -> dict:
    if prices is None:
        prices = [price("MONTHLY", 10), price("ANNUALLY", 100)] if pricing == "PAID" else []
    return {"refId": ref, "displayName": extra.pop("name", ref.title()), "pricingType": pricing, "prices": prices,
            "product": {"refId": "product-1", "displayName": "Product"}, **extra}


def sub(plan_dict: dict, status: str = "ACTIVE", period: str | None = "MONTHLY", **extra: Any) -> dict:
    prices = extra.pop("prices", None)
    if prices is None:
        prices = [{"usageLimit": None, "price": price(period, 10)}] if period else []
    return {"subscriptionId": f"sub-{plan_dict['refId']}", "status": status, "plan": plan_dict, "prices": prices,
            "totalPrice": {"subTotal": {"amount": 10, "currency": "USD"}, "total": {"amount": 10, "currency": "USD"}},
            **extra}


def paywall(plans: list, subs: list | None = None, customer: dict | None | bool = True, **extra: Any):
    if customer is True:
        customer = {"refId": "customer-1", "customerId": "customer-1"}
    return parse_paywall({"plans": plans, "activeSubscriptions": subs or [], "customer": customer or None,
                          "currency": extra.pop("currency", {"code": "USD", "symbol": "$"}), **extra})


def view(pw, **options: Any) -> PaywallView:
    options.setdefault("now", NOW)
    options.setdefault("texts", TEXTS)
    return build_paywall_view(pw, **options)


def card(v: PaywallView, plan_id: str):
    return next(c for c in v.plans if c.id == plan_id)


def cta(v: PaywallView, plan_id: str) -> tuple[str, str, bool]:
    c = card(v, plan_id).cta
    return c.title, c.intention_type, c.disabled


def render(v: PaywallView) -> str:
    return environment().get_template("paywall.html").render(paywall=v)


BASIC, PRO = plan("basic"), plan("pro", prices=[price("MONTHLY", 50), price("ANNUALLY", 480)])


# --------------------------------------------------------------------------- which plans, in which order
def test_plans_keep_api_order_unless_an_order_is_given() -> None:
    pw = paywall([plan("b", order=2), plan("a", order=1), plan("c", order=3)])
    assert [c.id for c in view(pw).plans] == ["a", "b", "c"]
    assert [c.id for c in view(paywall([plan("z"), plan("y")])).plans] == ["z", "y"]


def test_paid_plan_without_price_for_the_period_is_hidden() -> None:
    pw = paywall([plan("monthly-only", prices=[price("MONTHLY")]), plan("both"), plan("free", "FREE")])
    assert [c.id for c in view(pw, billing_period="ANNUALLY").plans] == ["both", "free"]
    assert [c.id for c in view(pw, billing_period="MONTHLY").plans] == ["monthly-only", "both", "free"]


def test_plan_hidden_from_paywall_widget_is_dropped_unless_current() -> None:
    hidden = plan("legacy", hiddenFromWidgets=["PAYWALL"])
    assert [c.id for c in view(paywall([hidden, BASIC])).plans] == ["basic"]
    assert [c.id for c in view(paywall([hidden, BASIC], [sub(hidden)])).plans] == ["legacy", "basic"]


def test_show_only_eligible_plans_drops_plans_below_current() -> None:
    pw = paywall([plan("free", "FREE"), BASIC, PRO], [sub(BASIC)])
    assert [c.id for c in view(pw).plans] == ["free", "basic", "pro"]
    assert [c.id for c in view(pw, show_only_eligible_plans=True).plans] == ["basic", "pro"]


# --------------------------------------------------------------------------- current subscription
def test_trial_subscription_wins_over_active_one() -> None:
    trial_end = NOW + timedelta(days=3, hours=2)
    pw = paywall([BASIC, PRO], [sub(BASIC), sub(PRO, "IN_TRIAL", trialEndDate=trial_end.isoformat())])
    v = view(pw)
    assert card(v, "pro").is_current and not card(v, "basic").is_current
    assert card(v, "pro").trial_text == [("4 days", True), (" left on your free trial", False)]
    assert cta(v, "basic") == ("Downgrade", IntentionType.DOWNGRADE_PLAN, False)
    assert cta(v, "pro") == ("Upgrade", IntentionType.UPGRADE_TRIAL_TO_PAID, False)


def test_trial_days_left_counts_whole_days_plus_one() -> None:
    end = datetime(2026, 12, 9, tzinfo=UTC)
    assert trial_days_left(end, NOW) == 14
    assert trial_days_left(end, end - timedelta(hours=1)) == 1
    assert trial_days_left(None, NOW) is None


def test_expired_trial_shows_no_days_left_row() -> None:
    pw = paywall([PRO], [sub(PRO, "IN_TRIAL", trialEndDate=(NOW - timedelta(days=2)).isoformat())])
    v = view(pw)
    assert card(v, "pro").trial_text is None and not v.with_trial_row


def test_no_customer_means_get_started() -> None:
    v = view(paywall([plan("free", "FREE"), BASIC], customer=None))
    assert cta(v, "free") == ("Get started", IntentionType.UPGRADE_PLAN, False)
    assert v.plans[0].cta.detail["customer"] is None and v.plans[0].cta.detail["subscription"] is None


# --------------------------------------------------------------------------- trials
TRIAL = {"duration": 14, "units": "DAY"}


@pytest.mark.parametrize(
    ("eligibility", "triable"),
    [
        (None, True),  # no entry for the product
        ([{"productRefId": "product-1", "productId": "id-product-1", "eligible": True}], True),
        ([{"productRefId": "product-1", "productId": "id-product-1", "eligible": False}], False),
        ([{"productRefId": "other", "productId": "id-other", "eligible": False}], True),
    ],
)
def test_triable_plan_offers_a_trial(eligibility: list | None, triable: bool) -> None:
    trial_plan = plan("pro", defaultTrialConfig=TRIAL)
    customer = {"refId": "c", "eligibleForTrial": eligibility}
    v = view(paywall([trial_plan], customer=customer))
    expected = ("Start 14 day trial", IntentionType.START_TRIAL, False) if triable else (
        "Upgrade", IntentionType.UPGRADE_PLAN, False)
    assert cta(v, "pro") == expected
    assert v.plans[0].cta.detail["plan"]["isTriable"] is triable


def test_trial_is_not_offered_on_current_plan_or_while_on_trial() -> None:
    trial_plan = plan("pro", defaultTrialConfig=TRIAL)
    other = plan("team", defaultTrialConfig=TRIAL)
    v = view(paywall([trial_plan, other], [sub(trial_plan)]))
    assert cta(v, "pro")[0] == "Current plan"
    assert cta(v, "team")[1] == IntentionType.START_TRIAL
    on_trial = view(paywall([trial_plan, other], [sub(trial_plan, "IN_TRIAL")]))
    assert cta(on_trial, "team") == ("Upgrade", IntentionType.UPGRADE_TRIAL_TO_PAID, False)


# --------------------------------------------------------------------------- billing period
def test_default_billing_period_rules() -> None:
    monthly_heavy = [plan("a", prices=[price("MONTHLY")]), plan("b")]
    assert default_billing_period(parse_paywall({"plans": monthly_heavy}).plans, [], None) == "MONTHLY"
    even = [plan("a")]
    assert default_billing_period(parse_paywall({"plans": even}).plans, [], None) == "ANNUALLY"
    pw = paywall(even, [sub(plan("a"), period="MONTHLY")])
    assert view(pw).billing_period == "MONTHLY"  # the ACTIVE subscription's period
    assert view(pw, preferred_billing_period="ANNUALLY").billing_period == "ANNUALLY"
    # A preferred period no plan offers is ignored.
    only_monthly = paywall([plan("a", prices=[price("MONTHLY")])])
    assert view(only_monthly, preferred_billing_period="ANNUALLY").billing_period == "MONTHLY"


def test_switch_only_with_two_periods_and_discount_chip() -> None:
    assert view(paywall([plan("a", prices=[price("MONTHLY")])])).period_switch is None
    v = view(paywall([BASIC, PRO]))  # 10 vs 100/12 -> 17 %; 50 vs 480/12 -> 20 %
    assert v.period_switch.discount_text == "20% off"
    same = view(paywall([plan("a", prices=[price("MONTHLY", 10), price("ANNUALLY", 120)])]))
    assert same.period_switch is not None and same.period_switch.discount_text is None
    assert "stigg-discount-rate-text" not in render(same)


def test_discount_uses_calculated_price_points_and_tiers() -> None:
    pw = paywall(
        [plan("a", prices=[price("MONTHLY", 10), price("ANNUALLY", 120)])],
        paywallCalculatedPricePoints=[{"planId": "a", "billingPeriod": "ANNUALLY", "amount": 60, "currency": "USD"}],
    )
    assert annual_discount_percent(pw.plans, pw.paywall_calculated_price_points) == 50
    tiered = plan("t", prices=[
        price("MONTHLY", None, "PER_UNIT", tiersMode="VOLUME", feature=feature(),
              tiers=[{"upTo": 10, "unitPrice": {"amount": 10, "currency": "USD"}}]),
        price("ANNUALLY", None, "PER_UNIT", tiersMode="VOLUME", feature=feature(),
              tiers=[{"upTo": 10, "unitPrice": {"amount": 60, "currency": "USD"}}]),
    ])
    assert annual_discount_percent(parse_paywall({"plans": [tiered]}).plans) == 50


# --------------------------------------------------------------------------- CTA rules
def test_current_plan_same_period_is_disabled_other_period_switches() -> None:
    pw = paywall([BASIC, PRO], [sub(BASIC, period="MONTHLY")])
    title, _, disabled = cta(view(pw), "basic")
    assert (title, disabled) == ("Current plan", True)
    assert cta(view(pw), "pro") == ("Upgrade", IntentionType.UPGRADE_PLAN, False)
    annual = view(pw, billing_period="ANNUALLY")
    assert cta(annual, "basic") == ("Switch to annual billing", IntentionType.CHANGE_BILLING_PERIOD, False)
    on_annual = paywall([BASIC], [sub(BASIC, period="ANNUALLY")])
    assert cta(view(on_annual, billing_period="MONTHLY"), "basic")[0] == "Switch to monthly billing"


def test_current_free_or_custom_plan_is_current_in_any_period() -> None:
    free = plan("free", "FREE")
    pw = paywall([free, BASIC], [sub(free, period=None)])
    for period in ("MONTHLY", "ANNUALLY"):
        assert cta(view(pw, billing_period=period), "free")[0] == "Current plan"


def test_only_the_current_plan_button_is_disabled() -> None:
    pw = paywall([plan("free", "FREE"), BASIC, PRO, plan("ent", "CUSTOM")], [sub(BASIC)])
    assert [c.cta.disabled for c in view(pw).plans] == [False, True, False, False]
    html = render(view(pw))
    assert html.count(" disabled") == 1


def test_custom_plan_asks_for_access() -> None:
    v = view(paywall([plan("ent", "CUSTOM")]))
    assert cta(v, "ent") == ("Contact us", IntentionType.REQUEST_CUSTOM_PLAN_ACCESS, False)
    assert card(v, "ent").price.price == "Custom"


def test_custom_price_subscription_counts_as_custom_plan() -> None:
    pw = paywall([BASIC, PRO, plan("ent", "CUSTOM")], [sub(BASIC, pricingType="CUSTOM", period=None)])
    v = view(pw)
    assert card(v, "basic").cta is None and card(v, "pro").cta is None
    assert cta(v, "ent")[1] == IntentionType.REQUEST_CUSTOM_PLAN_ACCESS


def tiered_plan(ref: str = "seats", mode: str = "VOLUME") -> dict:
    tiers = [
        {"upTo": 5, "unitPrice": {"amount": 10, "currency": "USD"}},
        {"upTo": 20, "unitPrice": {"amount": 8, "currency": "USD"}},
        {"upTo": None, "unitPrice": {"amount": 6, "currency": "USD"}},
    ]
    return plan(ref, prices=[
        price("MONTHLY", None, "PER_UNIT", tiersMode=mode, tiers=tiers, feature=feature()),
        price("ANNUALLY", None, "PER_UNIT", tiersMode=mode, tiers=tiers, feature=feature()),
    ])


def test_unit_quantity_change_on_current_plan() -> None:
    seats = tiered_plan()
    subscribed = sub(seats, prices=[{"usageLimit": 5, "price": price(
        "MONTHLY", None, "PER_UNIT", tiersMode="VOLUME", feature=feature(), tiers=[])}])
    pw = paywall([seats], [subscribed])
    assert cta(view(pw), "seats")[0] == "Current plan"  # defaults to the subscribed 5
    up = view(pw, state={"tier-seats": "20"})
    assert cta(up, "seats") == ("Upgrade", IntentionType.CHANGE_UNIT_QUANTITY, False)
    assert up.plans[0].cta.detail["billableFeatures"] == [{"featureId": "feature-seats", "quantity": 20}]
    down = view(pw, state={"tier-seats": "1"})
    assert cta(down, "seats") == ("Downgrade", IntentionType.CHANGE_UNIT_QUANTITY, False)


def test_tier_selector_prices_and_choices() -> None:
    v = view(paywall([tiered_plan()]), billing_period="MONTHLY")
    c = v.plans[0]
    assert v.with_tiers_row
    assert [o.quantity for o in c.price.tier_options] == [1, 5, 20]
    assert c.price.tier_text == "1 seat" and c.price.price == "$10"
    five = view(paywall([tiered_plan()]), billing_period="MONTHLY", state={"tier-seats": "5"}).plans[0]
    assert five.price.price == "$50" and five.price.tier_text == "5 seats"
    graduated = view(paywall([tiered_plan(mode="GRADUATED")]), billing_period="MONTHLY",
                     state={"tier-seats": "20"}).plans[0]
    assert graduated.price.price == "$170"  # 5 x 10 + 15 x 8
    assert view(paywall([tiered_plan()]), billing_period="MONTHLY", state={"tier-seats": "7"}).plans[0].price.price == "$10"
    html = render(v)
    assert 'data-stigg-state="tier-seats=5"' in html and "stigg-price-tier-menu-item-text" in html


# --------------------------------------------------------------------------- prices
def test_free_price_uses_the_paywall_currency_symbol() -> None:
    free = plan("free", "FREE")
    assert view(paywall([free])).plans[0].price.price == "$0"
    eur = paywall([free], currency={"code": "EUR", "symbol": "€"})
    assert view(eur).plans[0].price.price == "€0"


def test_annual_price_shown_per_month_when_monthly_prices_exist() -> None:
    v = view(paywall([BASIC]), billing_period="ANNUALLY")
    p = v.plans[0].price
    assert (p.price, p.unit, p.billing_period_text) == ("$8.33", "/ month", ", billed annually")
    annual_only = view(paywall([plan("a", prices=[price("ANNUALLY", 120)])]))
    p = annual_only.plans[0].price
    assert (p.price, p.unit, p.billing_period_text) == ("$120", "/ year", "\u200e")


def test_prices_keep_cents_and_strip_whole_amounts() -> None:
    v = view(paywall([plan("a", prices=[price("MONTHLY", 12.5)])]))
    assert v.plans[0].price.price == "$12.50"
    assert view(paywall([plan("a", prices=[price("MONTHLY", 12)])])).plans[0].price.price == "$12"


def test_per_unit_usage_based_and_block_prices() -> None:
    per_seat = plan("a", prices=[price("MONTHLY", 10, "PER_UNIT", feature=feature())])
    assert view(paywall([per_seat])).plans[0].price.unit == "per seat / month"
    block = plan("b", prices=[price("MONTHLY", 10, "PER_UNIT", feature=feature(), blockSize=100)])
    assert view(paywall([block])).plans[0].price.unit == "for 100 seats / month"
    usage = plan("c", prices=[price("MONTHLY", 2, "USAGE_BASED", feature=feature("api", "API call", "API calls"))])
    assert view(paywall([usage])).plans[0].price.unit == "per API call"


def test_starts_at_when_several_prices_and_additional_charges() -> None:
    multi = plan("a", prices=[price("MONTHLY", 10), price("MONTHLY", 2, "USAGE_BASED", feature=feature())])
    pw = paywall([multi, plan("b", prices=[price("MONTHLY", 5)])], paywallCalculatedPricePoints=[
        {"planId": "a", "billingPeriod": "MONTHLY", "amount": 10, "currency": "USD", "additionalChargesMayApply": True},
    ])
    v = view(pw)
    assert v.with_starting_at_row
    assert card(v, "a").price.starting_at_text == "Starts at"
    assert card(v, "b").price.starting_at_text == "\u200e"
    assert view(paywall([multi])).with_starting_at_row is False


def test_price_texts_can_be_overridden() -> None:
    texts = resolve_texts(json.dumps({"price": {"pricePeriod": "per {period}", "custom": "Talk to us"},
                                      "planCTAButton": {"startTrial": "Try {trialDays} days"}}), {})[0]
    v = view(paywall([BASIC, plan("ent", "CUSTOM"), plan("t", defaultTrialConfig=TRIAL)]), texts=texts,
             billing_period="MONTHLY")
    assert card(v, "basic").price.unit == "per month"
    assert card(v, "ent").price.price == "Talk to us"
    assert cta(v, "t")[0] == "Try 14 days"


# --------------------------------------------------------------------------- entitlement rows
def test_entitlement_row_texts() -> None:
    rows = [
        entitlement("seats", usageLimit=1),
        entitlement("users", usageLimit=1500, feature=feature("users", "user", "users")),
        entitlement("api", usageLimit=1000, resetPeriod="MONTH", feature=feature("api", "API call", "API calls")),
        entitlement("calls", hasUnlimitedUsage=True, feature=feature("calls", "call", "calls")),
        entitlement("gb", isCustom=True, feature=feature("gb", "GB", "GB")),
        entitlement("regions", enumValues=["eu", "us"], feature=feature("regions", "region", "regions")),
        entitlement("sso", feature=feature("sso", None, None, "Single sign-on", "BOOLEAN")),
        entitlement("renamed", usageLimit=5, displayNameOverride="Five renamed things"),
        entitlement("hidden", usageLimit=5, hiddenFromWidgets=["PAYWALL"]),
        entitlement("denied", usageLimit=5, isGranted=False),
    ]
    v = view(paywall([plan("a", entitlements=rows)]))
    assert [r.text for r in v.plans[0].entitlement_rows] == [
        "1 seat", "1,500 users", "1,000 API calls per month", "Unlimited calls", "Custom GB", "2 regions",
        "Single sign-on", "Five renamed things",
    ]
    assert v.plans[0].entitlement_rows[0].css_class == (
        "stigg-entitlement-row-container stigg-entitlement-seats stigg-entitlement-feature-seats"
    )


def test_unit_range_rows_from_per_unit_prices() -> None:
    def rows(**quantities: Any) -> list[str]:
        p = plan("a", prices=[price("MONTHLY", 10, "PER_UNIT", feature=feature(), **quantities)])
        return [r.text for r in view(paywall([p])).plans[0].entitlement_rows]

    assert rows(maxUnitQuantity=50) == ["Up to 50 seats"]
    assert rows(minUnitQuantity=1, maxUnitQuantity=50) == ["Up to 50 seats"]
    assert rows(minUnitQuantity=5, maxUnitQuantity=50) == ["5-50 seats"]
    assert rows(minUnitQuantity=5) == ["Minimum 5 seats"]
    assert rows(minUnitQuantity=1) == []


def test_credit_entitlement_rows() -> None:
    credits = {"__typename": "PackageCreditEntitlement", "id": "cr-1", "amount": 1000, "cadence": "MONTH",
               "customCurrency": {"currencyId": "tokens", "displayName": "Tokens",
                                  "units": {"singular": "token", "plural": "tokens"}},
               "dependencyFeature": {"refId": "seats", "featureUnits": "seat"}}
    one = {**credits, "id": "cr-2", "amount": 1, "cadence": None, "dependencyFeature": None,
           "customCurrency": {"currencyId": "c", "displayName": "Credits"}}
    v = view(paywall([plan("a", packageEntitlements=[credits, one])]))
    rows = v.plans[0].entitlement_rows
    assert [r.text for r in rows] == ["1,000 tokens / seat per month", "1 Credits"]
    assert "stigg-credit-entitlement-cr-1" in rows[0].css_class


def test_entitlements_title_variants() -> None:
    with_rows = [entitlement(usageLimit=3)]
    pw = paywall([
        plan("a", entitlements=with_rows),
        plan("b", entitlements=with_rows, basePlan={"refId": "a", "displayName": "Starter"}),
        plan("c", basePlan={"refId": "a", "displayName": "Starter"}),
        plan("d"),
    ])
    v = view(pw)
    assert [c.entitlements_title for c in v.plans] == [
        "Includes:", "Everything in Starter, plus:", "Everything in Starter", ""]
    custom = resolve_texts(json.dumps({"entitlementsTitle": "{planName} has:"}), {})[0]
    assert view(pw, texts=custom).plans[0].entitlements_title == "A has:"


# --------------------------------------------------------------------------- add-ons
def addon(ref: str, pricing: str = "PAID", **extra: Any) -> dict:
    return {"refId": ref, "displayName": ref.title(), "pricingType": pricing, **extra}


def test_compatible_addons_by_plan_type() -> None:
    addons = [addon("x"), addon("y", "FREE"), addon("z", hiddenFromWidgets=["PAYWALL"])]
    pw = paywall([plan("free", "FREE", compatibleAddons=addons), plan("paid", compatibleAddons=addons),
                  plan("ent", "CUSTOM", compatibleAddons=addons)])
    v = view(pw)
    assert card(v, "free").addons == []
    assert [a.id for a in card(v, "paid").addons] == ["x"]
    assert [a.id for a in card(v, "ent").addons] == ["x", "y"]
    assert card(v, "paid").addons[0].css_class == (
        "stigg-compatible-addon--x stigg-compatible-addon-x stigg-compatible-addon-item")


def test_first_four_addons_then_show_more() -> None:
    pw = paywall([plan("p", compatibleAddons=[addon(f"a{i}") for i in range(6)])])
    collapsed = view(pw).plans[0]
    assert len(collapsed.addons) == 4
    assert (collapsed.addons_toggle_text, collapsed.addons_toggle_state) == ("Show 2 more", "addons-p=all")
    expanded = view(pw, state={"addons-p": "all"}).plans[0]
    assert len(expanded.addons) == 6
    assert (expanded.addons_toggle_text, expanded.addons_toggle_state) == ("Show less", "addons-p=less")
    html = render(view(pw))
    assert 'data-stigg-state="addons-p=all"' in html and 'data-stigg-focus-key="paywall-addons-p"' in html
    assert 'aria-expanded="false"' in html
    four = paywall([plan("p", compatibleAddons=[addon(f"a{i}") for i in range(4)])])
    assert view(four).plans[0].addons_toggle_text is None


# --------------------------------------------------------------------------- chips and scheduled updates
def test_highlighted_plan_gets_recommended_chip() -> None:
    v = view(paywall([BASIC, PRO]), highlighted_plan_id="pro")
    pro = card(v, "pro")
    assert (pro.chip_kind, pro.chip_text) == ("highlight", "Recommended") and pro.is_highlighted
    assert "stigg-highlighted-plan" in pro.css_class
    assert card(v, "basic").chip_text is None
    html = render(v)
    assert '<div class="stigg-highlight-badge"><span class="stigg-highlight-badge-text">Recommended</span></div>' in html


def downgrade(target: dict, period: str = "MONTHLY") -> dict:
    return {"subscriptionScheduleType": "Downgrade", "scheduledExecutionTime": "2026-12-10T00:00:00Z",
            "targetPackage": {"refId": target["refId"], "displayName": target["displayName"]},
            "scheduleVariables": {"__typename": "DowngradeChangeVariables", "billingPeriod": period}}


def test_scheduled_downgrade_marks_next_plan_for_its_period_only() -> None:
    pw = paywall([BASIC, PRO], [sub(PRO, scheduledUpdates=[downgrade(BASIC, "MONTHLY")])])
    monthly = view(pw, billing_period="MONTHLY", highlighted_plan_id="basic")
    basic = card(monthly, "basic")
    assert basic.is_next_plan and basic.chip_kind == "next"  # wins over the highlight chip
    assert cta(monthly, "basic") == ("Cancel", IntentionType.CANCEL_SCHEDULED_UPDATES, False)
    assert "".join(t for t, _ in basic.cta.schedule_text) == (
        "Your subscription will be downgraded to the Basic plan on December 10th, 2026.")
    annual = view(pw, billing_period="ANNUALLY")
    assert not card(annual, "basic").is_next_plan
    assert cta(annual, "basic")[1] == IntentionType.DOWNGRADE_PLAN


def test_scheduled_billing_period_change_marks_current_plan_for_new_period() -> None:
    update = {"subscriptionScheduleType": "BillingPeriod", "scheduledExecutionTime": "2026-12-10T00:00:00Z",
              "scheduleVariables": {"__typename": "BillingPeriodChangeVariables", "billingPeriod": "ANNUALLY"}}
    pw = paywall([BASIC, PRO], [sub(BASIC, scheduledUpdates=[update])])
    assert not card(view(pw, billing_period="MONTHLY"), "basic").is_next_plan
    annual = view(pw, billing_period="ANNUALLY")
    basic = card(annual, "basic")
    assert basic.is_next_plan
    assert "".join(t for t, _ in basic.cta.schedule_text) == (
        "Your billing cycle will change to annually on December 10th, 2026.")
    assert ("annually", True) in basic.cta.schedule_text


# --------------------------------------------------------------------------- theme from the Stigg app
def test_paywall_configuration_becomes_custom_properties_theme_wins() -> None:
    pw = paywall([BASIC], configuration={
        "palette": {"primary": "#7c3aed", "backgroundColor": "#fafafa"},
        "layout": {"alignment": "CENTER", "planWidth": 300, "planMargin": 12, "planPadding": 24},
    })
    style = configuration_style(pw.configuration)
    assert "--stigg-palette-primary: #7c3aed" in style
    assert "--stigg-palette-background-paper: #fafafa" in style
    assert "--stigg-layout-plan-min-width: 300px" in style and "--stigg-layout-plan-padding: 24px" in style
    assert "--stigg-layout-header-alignment: center" in style
    themed = configuration_style(pw.configuration, json.dumps({"palette": {"primary": "#000000"}}))
    assert "#7c3aed" not in themed and "--stigg-palette-background-paper: #fafafa" in themed
    assert view(pw).style == style
    assert view(pw, in_portal=True).style == ""  # inside the portal the portal's theme applies
    assert f'style="{style}"' in render(view(pw))
    hostile = paywall([BASIC], configuration={"palette": {"primary": "red; background: url(x)"}})
    assert "url(" not in configuration_style(hostile.configuration)


def test_tiered_price_takes_its_currency_from_the_tiers() -> None:
    tiers = [{"upTo": None, "unitPrice": {"amount": 9, "currency": "EUR"}}]
    p = plan("t", prices=[price("MONTHLY", None, "PER_UNIT", tiersMode="VOLUME", tiers=tiers, feature=feature())])
    assert view(paywall([p])).plans[0].price.price == "€9"


def test_single_tier_credit_top_up_is_a_credit_row() -> None:
    top_up = price("MONTHLY", None, "PER_UNIT", tiersMode="VOLUME", billingCadence="RECURRING",
                   topUpCustomCurrencyId="tokens",
                   tiers=[{"upTo": 500, "flatPrice": {"amount": 5, "currency": "USD"}}],
                   customCurrency={"currencyId": "tokens", "displayName": "Tokens",
                                   "units": {"singular": "token", "plural": "tokens"}})
    c = view(paywall([plan("ai", prices=[top_up])])).plans[0]
    assert c.price.price == "$5" and c.price.unit == "/ month"
    assert [(r.text, r.css_class) for r in c.entitlement_rows] == [
        ("500 tokens per month", "stigg-entitlement-row-container stigg-credit-entitlement-tokens")]
    one_off = {**top_up, "billingCadence": "ONE_OFF"}
    assert view(paywall([plan("ai", prices=[one_off, price("MONTHLY", 20)])])).plans[0].price.price == "$20"
