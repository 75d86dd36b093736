"""``<stigg-paywall>``: the pricing table / plan picker (spec §1.5, §2.5–§2.7, §3.2, §6.8, §6.11).

``build_paywall_view`` applies every plan-card rule to a :class:`~stigg_portal.models.Paywall` and
returns a :class:`PaywallView`, which ``widgets/paywall.html`` renders without further logic. The
customer portal renders its Plans section from ``paywall_context(render, in_portal=True)`` and an
``{% include "paywall.html" %}``.

Where upstream's behaviour is a quirk, this module does what a user would expect:

- plans hidden from the PAYWALL widget are dropped, unless one is the customer's current plan;
- ``eligibleForTrial`` is matched on the product's refId (upstream compares ids of two kinds);
- a subscription with a custom price (``pricingType == CUSTOM``) counts as a custom plan (§6.3),
  like a subscription to a CUSTOM plan;
- counts in entitlement rows use the locale's grouping (upstream: ``,`` for en-US, else a space).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from .. import formatting
from .. import theme as theme_module
from ..elements import PaywallAttributes, RenderInput, Widget, register_widget
from ..models import (
    BillingCadence,
    BillingModel,
    BillingPeriod,
    CustomerSubscription,
    PackageCreditEntitlement,
    PackageEntitlement,
    Paywall,
    PaywallConfiguration,
    PaywallPricePoint,
    Plan,
    Price,
    PriceTier,
    PricingType,
    ScheduledUpdate,
    SubscriptionScheduleType,
    SubscriptionStatus,
    TiersMode,
)
from ..texts import format_text, rich_text, text_at

__all__ = [
    "AddonRow",
    "EntitlementRow",
    "IntentionType",
    "PaywallView",
    "PaywallWidget",
    "PeriodSwitchView",
    "PlanCardView",
    "PlanCtaView",
    "PriceView",
    "TierOption",
    "annual_discount_percent",
    "available_billing_periods",
    "build_paywall_view",
    "configuration_style",
    "default_billing_period",
    "paywall_context",
    "trial_days_left",
]

MONTHLY = BillingPeriod.MONTHLY.value
ANNUALLY = BillingPeriod.ANNUALLY.value
PAYWALL_WIDGET = "PAYWALL"
#: Add-ons listed before "Show {n} more".
ADDONS_SHOWN = 4
#: Cards in the loading skeleton (upstream ``skeletonPlanCount`` default).
SKELETON_PLAN_COUNT = 3
#: Keeps an empty text line's height, as upstream does (U+200E LEFT-TO-RIGHT MARK).
EMPTY_LINE = "\u200e"
#: ``render.state`` key of the selected billing period (sent by ``data-stigg-state``).
BILLING_PERIOD_STATE = "billingPeriod"

#: A text with bold parts: ``[(text, is_bold), …]`` (``texts.rich_text``).
RichText = list[tuple[str, bool]]


class IntentionType:
    """``SubscribeIntentionType``: why a plan CTA was clicked (``stigg-plan-selected`` detail)."""

    START_TRIAL = "START_TRIAL"
    UPGRADE_TRIAL_TO_PAID = "UPGRADE_TRIAL_TO_PAID"
    REQUEST_CUSTOM_PLAN_ACCESS = "REQUEST_CUSTOM_PLAN_ACCESS"
    CHANGE_BILLING_PERIOD = "CHANGE_BILLING_PERIOD"
    CHANGE_UNIT_QUANTITY = "CHANGE_UNIT_QUANTITY"
    UPGRADE_PLAN = "UPGRADE_PLAN"
    DOWNGRADE_PLAN = "DOWNGRADE_PLAN"
    CANCEL_SCHEDULED_UPDATES = "CANCEL_SCHEDULED_UPDATES"


# --------------------------------------------------------------------------- view dataclasses
@dataclass
class PeriodSwitchView:
    """The Monthly ◯ Annual switch, shown only when plans are priced for both periods."""

    selected: str
    monthly_text: str
    annual_text: str
    discount_text: str | None  # "17% off"; None when no plan is cheaper annually
    state: str  # data-stigg-state of the switch: selects the other period

    @property
    def annual(self) -> bool:
        return self.selected == ANNUALLY


@dataclass
class TierOption:
    """One choice of the tier selector (``stigg-price-tier-menu-item-text``)."""

    quantity: float
    text: str
    selected: bool
    state: str  # data-stigg-state selecting it


@dataclass
class PriceView:
    price: str
    unit: str = ""
    billing_period_text: str = EMPTY_LINE
    starting_at_text: str = EMPTY_LINE
    tier_text: str | None = None  # "{quantity} {units}" of the selected tier
    tier_options: list[TierOption] = field(default_factory=list)
    tier_state_key: str | None = None


@dataclass
class PlanCtaView:
    title: str
    intention_type: str
    disabled: bool
    detail: dict[str, Any]
    #: The next plan of a scheduled update shows this sentence and a Cancel link instead (§6.8).
    schedule_text: RichText | None = None


@dataclass
class EntitlementRow:
    text: str
    css_class: str


@dataclass
class AddonRow:
    id: str
    display_name: str
    css_class: str


@dataclass
class PlanCardView:
    id: str
    display_name: str
    description: str
    css_class: str
    is_current: bool
    is_highlighted: bool
    is_next_plan: bool
    #: "Next plan" tab (``chip_kind == "next"``) or the highlight chip (``"highlight"``).
    chip_text: str | None
    chip_kind: str | None
    price: PriceView
    cta: PlanCtaView | None  # None: a spacer (customer on a custom plan, §6.3)
    trial_text: RichText | None  # "**14 days** left on your free trial"
    entitlements_title: str
    entitlement_rows: list[EntitlementRow]
    addons_title: str
    addons: list[AddonRow]
    addons_toggle_text: str | None  # "Show 2 more" / "Show less"
    addons_toggle_state: str | None
    has_entitlements: bool
    test_id: str


@dataclass
class PaywallView:
    """Everything ``paywall.html`` shows; built by :func:`build_paywall_view`."""

    loading: bool
    in_portal: bool = False
    demo_notice: bool = False
    demo_badge_text: str = ""
    loading_text: str = ""
    skeleton_count: int = SKELETON_PLAN_COUNT
    billing_period: str = MONTHLY
    period_switch: PeriodSwitchView | None = None
    plans: list[PlanCardView] = field(default_factory=list)
    show_description: bool = False
    with_unit_row: bool = False
    with_starting_at_row: bool = False
    with_tiers_row: bool = False
    with_trial_row: bool = False
    #: CSS custom properties from ``paywall.configuration`` (standalone only), for ``style=``.
    style: str = ""


# --------------------------------------------------------------------------- small helpers
def _period_text(texts: Mapping[str, Any], period: str, *, kind: str) -> str:
    """``monthly``/``annually`` (kind ``adverb``), ``month``/``year`` (``noun``), ``monthly``/``annual`` (``switch``)."""
    keys = {
        "adverb": ("periodMonthly", "periodAnnually"),
        "noun": ("paywall.month", "paywall.year"),
        "switch": ("paywall.switchMonthly", "paywall.switchAnnual"),
    }[kind]
    return text_at(texts, keys[0] if period == MONTHLY else keys[1])


def _integer(value: float, locale: str) -> str:
    """A rounded count with the locale's grouping (``1,000``)."""
    return formatting.format_number(round(value), locale, max_fraction=0)


def _plain_number(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else str(value)


def _class_token(value: str) -> str:
    """An id inside a class name: whitespace would split the class attribute."""
    return re.sub(r"\s+", "-", value.strip())


# --------------------------------------------------------------------------- price points
def _is_credit_top_up(price: Price) -> bool:
    return price.billing_model == BillingModel.PER_UNIT and bool(price.top_up_custom_currency_id)


def _counts_in_price(price: Price) -> bool:
    """Credit-based prices and one-off credit top-ups are not part of a plan's price."""
    if price.billing_model == BillingModel.CREDIT_BASED:
        return False
    return not (_is_credit_top_up(price) and price.billing_cadence == BillingCadence.ONE_OFF)


def _plan_prices(plan: Plan, period: str) -> list[Price]:
    return [p for p in plan.prices_for(period) if _counts_in_price(p)]


def _tier_amount(tier: PriceTier, quantity: float, per_month_of_year: bool) -> float:
    def amount(value: float) -> float:
        return value / 12 if per_month_of_year else value

    total = 0.0
    if tier.unit_price is not None:
        total += amount(tier.unit_price.amount) * quantity
    if tier.flat_price is not None:
        total += amount(tier.flat_price.amount)
    return total


def tiers_total(price: Price, quantity: float, *, per_month_of_year: bool = False) -> float:
    """The cost of ``quantity`` units of a tiered price (volume: the tier holding it; graduated: a sum)."""
    tiers = list(price.tiers or [])
    if not tiers:
        return 0.0
    if price.tiers_mode == TiersMode.VOLUME:
        ordered = sorted(tiers, key=lambda t: (t.up_to is None, t.up_to or 0))
        chosen = next((t for t in ordered if t.up_to is not None and quantity <= t.up_to), ordered[-1])
        return _tier_amount(chosen, quantity, per_month_of_year)
    if price.tiers_mode == TiersMode.GRADUATED:
        remaining, floor, total = quantity, 0.0, 0.0
        for tier in tiers:
            if remaining <= 0:
                break
            units = remaining if tier.up_to is None else min(remaining, tier.up_to - floor)
            total += _tier_amount(tier, units, per_month_of_year)
            remaining -= units
            floor = tier.up_to if tier.up_to is not None else floor
        return total
    return 0.0


def _quantity_is_free_input(tiers: Sequence[PriceTier]) -> bool:
    """Per-unit tiers (a tier with a unit price and an upper bound) take any quantity, starting at 1."""
    return any(t.unit_price is not None and t.up_to is not None for t in tiers)


def _units_text(price: Price, quantity: float | None = None) -> str:
    feature = price.feature
    if feature is None:
        return ""
    if quantity == 1:
        return feature.feature_units or feature.feature_units_plural or ""
    return feature.feature_units_plural or feature.feature_units or ""


def _tiered_price(plan: Plan, period: str) -> Price | None:
    """The plan's one tiered per-unit price for the period (not a credit top-up), if exactly one."""
    tiered = [p for p in plan.prices_for(period) if p.tiers_mode and p.tiers and not _is_credit_top_up(p)]
    return tiered[0] if len(tiered) == 1 and tiered[0].feature is not None else None


# --------------------------------------------------------------------------- subscription and plans
def current_subscription(subscriptions: Sequence[CustomerSubscription]) -> tuple[CustomerSubscription | None, bool]:
    """The subscription the paywall treats as current, and whether it is a trial (trial first)."""
    for sub in subscriptions:
        if sub.status == SubscriptionStatus.IN_TRIAL:
            return sub, True
    for sub in subscriptions:
        if sub.status == SubscriptionStatus.ACTIVE:
            return sub, False
    return None, False


def _subscription_prices(sub: CustomerSubscription) -> list[Price]:
    return [p.price for p in sub.prices if p.price is not None]


def _subscription_period(sub: CustomerSubscription | None) -> str | None:
    """The period the customer pays for now (the subscription's first price)."""
    if sub is None:
        return None
    prices = _subscription_prices(sub)
    return str(prices[0].billing_period) if prices else None


def trial_days_left(trial_end: datetime | None, now: datetime) -> int | None:
    """Whole days until the trial ends (truncated), plus one, as upstream counts them."""
    if trial_end is None:
        return None
    return int((trial_end - now).total_seconds() / 86400) + 1


def _is_triable(plan: Plan, paywall: Paywall) -> bool:
    """A trial is offered and the customer has not used up eligibility for the plan's product."""
    if plan.default_trial_config is None:
        return False
    entries = (paywall.customer.eligible_for_trial if paywall.customer else None) or []
    product = plan.product.ref_id if plan.product else None
    entry = next((e for e in entries if product and product in (e.product_ref_id, e.product_id)), None)
    return entry is None or entry.eligible


def available_billing_periods(plans: Sequence[Plan]) -> list[str]:
    """Periods any plan is priced for, monthly first."""
    periods = {str(p.billing_period) for plan in plans for p in plan.prices}
    return [p for p in (MONTHLY, ANNUALLY) if p in periods] + sorted(periods - {MONTHLY, ANNUALLY})


def default_billing_period(
    plans: Sequence[Plan], subscriptions: Sequence[CustomerSubscription], preferred: str | None = None
) -> str:
    """Preferred period if offered; else the ACTIVE subscription's; else the more common one (§6.11)."""
    if preferred and preferred in available_billing_periods(plans):
        return preferred
    active = next((s for s in subscriptions if s.status == SubscriptionStatus.ACTIVE), None)
    period = _subscription_period(active)
    if period:
        return period
    periods = [str(p.billing_period) for plan in plans for p in plan.prices]
    return MONTHLY if periods.count(MONTHLY) > periods.count(ANNUALLY) else ANNUALLY


def _reference_amount(plan: Plan, period: str, calculated: Sequence[PaywallPricePoint]) -> float | None:
    """The amount a plan's discount is measured on: calculated point, else first price, else 1 tier unit."""
    point = next((c for c in calculated if c.plan_id == plan.ref_id and c.billing_period == period), None)
    if point is not None:
        amount = point.amount
    else:
        first = next(iter(plan.prices_for(period)), None)
        amount = first.price.amount if first is not None and first.price is not None else None
    if not amount:
        tiered = next((p for p in plan.prices_for(period) if p.tiers_mode), None)
        if tiered is not None:
            return tiers_total(tiered, 1)
    return amount


def annual_discount_percent(plans: Sequence[Plan], calculated: Sequence[PaywallPricePoint] = ()) -> int:
    """The largest saving of paying annually over monthly, in whole percent (0 when none)."""
    best = 0
    for plan in plans:
        monthly = _reference_amount(plan, MONTHLY, calculated)
        annual = _reference_amount(plan, ANNUALLY, calculated)
        if monthly and annual is not None:
            best = max(best, math.floor((monthly - annual / 12) / monthly * 100 + 0.5))
    return best


def _is_next_plan(
    plan: Plan, period: str, is_current: bool, downgrade: ScheduledUpdate | None, period_change: ScheduledUpdate | None
) -> bool:
    """Whether ``plan`` (for ``period``) is what the subscription turns into after its scheduled update."""
    if downgrade is not None:
        target = downgrade.target_package.ref_id if downgrade.target_package else None
        variables = downgrade.schedule_variables
        priced_for_period = any(p.billing_period == period for p in plan.prices)
        return target == plan.ref_id and (
            not priced_for_period or (variables is not None and variables.billing_period == period)
        )
    if period_change is not None and is_current:
        variables = period_change.schedule_variables
        return variables is not None and variables.billing_period == period
    return False


def _schedule_text(update: ScheduledUpdate, texts: Mapping[str, Any], locale: str) -> RichText | None:
    """The paywall's sentence for a scheduled update, always with its date (§6.8)."""
    if update.scheduled_execution_time is None:
        return None
    when = format_text(text_at(texts, "scheduledOnDate"),
                       date=formatting.format_date(update.scheduled_execution_time, locale, long=True))
    if update.subscription_schedule_type == SubscriptionScheduleType.DOWNGRADE:
        name = update.target_package.display_name if update.target_package else ""
        return rich_text(text_at(texts, "scheduledDowngrade"), planName=name or "", when=when)
    if update.subscription_schedule_type == SubscriptionScheduleType.BILLING_PERIOD:
        period = update.schedule_variables.billing_period if update.schedule_variables else None
        if period is None:
            return None
        return rich_text(text_at(texts, "paywall.scheduledBillingPeriod"),
                         period=_period_text(texts, str(period), kind="adverb"), when=when)
    return None


# --------------------------------------------------------------------------- entitlement rows
_RESET_PERIOD_KEYS = {
    "HOUR": "paywall.perHour", "DAY": "paywall.perDay", "WEEK": "paywall.perWeek",
    "MONTH": "paywall.perMonth", "YEAR": "paywall.perYear",
}
_CREDIT_CADENCE_PERIOD = {"MONTH": MONTHLY, "YEAR": ANNUALLY}


def _feature_row_class(ref_id: str) -> str:
    """``stigg-entitlement-{refId}`` as upstream emits it, plus the docs' ``stigg-entitlement-feature-{slug}``."""
    classes = ["stigg-entitlement-row-container"]
    if ref_id:
        for name in (f"stigg-entitlement-{_class_token(ref_id)}", f"stigg-entitlement-feature-{formatting.css_slug(ref_id)}"):
            if name not in classes:
                classes.append(name)
    return " ".join(classes)


def _credit_row_class(currency_id: str) -> str:
    return f"stigg-entitlement-row-container stigg-credit-entitlement-{_class_token(currency_id)}"


def _unit_range_text(price: Price, texts: Mapping[str, Any]) -> str:
    """``Up to {max}``, ``{min}-{max}`` or ``Minimum {min}`` units of a per-unit price."""
    low, high = price.min_unit_quantity, price.max_unit_quantity
    units = price.feature.feature_units_plural if price.feature else ""
    if (not low or low == 1) and high:
        key = "paywall.upTo"
    elif low and low > 1 and high:
        key = "paywall.range"
    elif low and low > 1:
        key = "paywall.minimum"
    else:
        return ""
    text = format_text(text_at(texts, key), min=_plain_number(low), max=_plain_number(high), units=units or "")
    return text.strip()


def _feature_row_text(entitlement: PackageEntitlement, texts: Mapping[str, Any], locale: str) -> str:
    if entitlement.display_name_override:
        return entitlement.display_name_override
    feature = entitlement.feature
    singular = (feature.feature_units if feature else None) or ""
    plural = (feature.feature_units_plural if feature else None) or singular
    if entitlement.enum_values:
        count = len(entitlement.enum_values)
        return format_text(text_at(texts, "paywall.limit"), limit=count, units=singular if count == 1 else plural)
    if entitlement.has_unlimited_usage:
        return format_text(text_at(texts, "paywall.unlimited"), units=plural).strip()
    if entitlement.is_custom:
        return format_text(text_at(texts, "paywall.custom"), units=plural).strip()
    if entitlement.usage_limit:
        limit = entitlement.usage_limit
        text = format_text(text_at(texts, "paywall.limit"), limit=_integer(limit, locale),
                           units=singular if limit == 1 else plural).strip()
        reset_key = _RESET_PERIOD_KEYS.get(str(entitlement.reset_period)) if entitlement.reset_period else None
        return f"{text} {text_at(texts, reset_key)}" if reset_key else text
    return feature.display_name if feature else ""


def _credit_row_text(
    amount: float, currency: Any, dependency_units: str | None, period: str | None,
    texts: Mapping[str, Any], locale: str,
) -> str:
    units = currency.units if currency is not None else None
    unit = (units.singular if amount == 1 else units.plural) if units is not None else None
    name = unit or (currency.display_name if currency is not None else None) or ""
    text = f"{_integer(amount, locale)} {name}".strip()
    if dependency_units:
        text += f" / {dependency_units}"
    if period:
        text += f" {text_at(texts, 'paywall.perMonth' if period == MONTHLY else 'paywall.perYear')}"
    return text


def _visible_entitlements(plan: Plan) -> list[PackageEntitlement | PackageCreditEntitlement]:
    """The plan's own entitlements (the typed union list when sent), granted and shown in paywalls."""
    union = [e for e in plan.package_entitlements if isinstance(e, (PackageEntitlement, PackageCreditEntitlement))]
    source: Sequence[PackageEntitlement | PackageCreditEntitlement] = union or plan.entitlements
    return [e for e in source if e.is_granted and PAYWALL_WIDGET not in (e.hidden_from_widgets or [])]


def _entitlement_rows(plan: Plan, period: str, texts: Mapping[str, Any], locale: str) -> list[EntitlementRow]:
    rows: list[EntitlementRow] = []
    for price in _plan_prices(plan, period):
        if (price.min_unit_quantity and price.min_unit_quantity > 1) or price.max_unit_quantity:
            ref = (price.feature.ref_id if price.feature else None) or ""
            rows.append(EntitlementRow(_unit_range_text(price, texts), _feature_row_class(ref)))
    top_up = next((p for p in plan.prices_for(period) if _is_credit_top_up(p) and p.tiers_mode), None)
    if top_up is not None and len(top_up.tiers or []) <= 1:
        tiers = top_up.tiers or []
        recurring = top_up.billing_cadence == BillingCadence.RECURRING
        text = _credit_row_text((tiers[0].up_to if tiers else None) or 0, top_up.custom_currency, None,
                                period if recurring else None, texts, locale)
        rows.append(EntitlementRow(text, _credit_row_class(top_up.top_up_custom_currency_id or "")))
    for entitlement in _visible_entitlements(plan):
        if isinstance(entitlement, PackageCreditEntitlement):
            if entitlement.display_name_override:
                text = entitlement.display_name_override
            else:
                dependency = entitlement.dependency_feature
                text = _credit_row_text(
                    entitlement.amount or 0, entitlement.custom_currency,
                    dependency.feature_units if dependency is not None else None,
                    _CREDIT_CADENCE_PERIOD.get(str(entitlement.cadence or "").upper()), texts, locale,
                )
            rows.append(EntitlementRow(text, _credit_row_class(entitlement.id or entitlement.custom_currency_id or "")))
        else:
            ref = (entitlement.feature.ref_id if entitlement.feature else None) or entitlement.feature_id or ""
            rows.append(EntitlementRow(_feature_row_text(entitlement, texts, locale), _feature_row_class(ref)))
    return [row for row in rows if row.text]


def _entitlements_title(plan: Plan, has_rows: bool, texts: Mapping[str, Any]) -> str:
    base = plan.base_plan.display_name if plan.base_plan is not None else None
    override = text_at(texts, "entitlementsTitle")
    if override:
        return format_text(override, planName=plan.display_name, basePlan=base or "")
    if plan.base_plan is not None:
        key = "paywall.entitlementsTitleBasePlan" if has_rows else "paywall.entitlementsTitleBasePlanOnly"
        return format_text(text_at(texts, key), basePlan=base or "")
    return text_at(texts, "paywall.entitlementsTitleIncludes") if has_rows else ""


# --------------------------------------------------------------------------- add-ons
def _compatible_addons(plan: Plan) -> list[AddonRow]:
    """Add-ons a plan offers: none on FREE plans, only PAID ones on PAID plans; not hidden from paywalls."""
    if plan.pricing_type == PricingType.FREE:
        return []
    addons = plan.compatible_addons
    if plan.pricing_type == PricingType.PAID:
        addons = [a for a in addons if a.pricing_type == PricingType.PAID]
    rows = []
    for addon in addons:
        if PAYWALL_WIDGET in (addon.hidden_from_widgets or []):
            continue
        token = _class_token(addon.ref_id)
        # Upstream emits a double hyphen; the docs a single one: both, so either selector works.
        css = f"stigg-compatible-addon--{token} stigg-compatible-addon-{token} stigg-compatible-addon-item"
        rows.append(AddonRow(addon.ref_id, addon.display_name, css))
    return rows


# --------------------------------------------------------------------------- the view
@dataclass
class _Card:
    """One plan with the facts the rules need, before it becomes a ``PlanCardView``."""

    plan: Plan
    order: int
    is_current: bool = False
    is_lower: bool = False
    is_triable: bool = False


@dataclass
class _Context:
    paywall: Paywall
    texts: Mapping[str, Any]
    locale: str
    period: str
    state: Mapping[str, str]
    subscription: CustomerSubscription | None
    on_trial: bool
    trial_days: int | None
    subscription_period: str | None
    in_custom_plan: bool
    has_monthly: bool
    has_annually: bool
    scheduled: ScheduledUpdate | None
    downgrade: ScheduledUpdate | None
    period_change: ScheduledUpdate | None


def _tier_quantity(ctx: _Context, card: _Card, price: Price) -> float:
    """Selected quantity of a plan's tiered price: the UI state, else the subscription's, else a default."""
    quantity = _chosen_tier_quantity(ctx, card, price)
    return int(quantity) if float(quantity).is_integer() else quantity


def _chosen_tier_quantity(ctx: _Context, card: _Card, price: Price) -> float:
    tiers = price.tiers or []
    options = _tier_choices(price)
    chosen = ctx.state.get(_tier_state_key(card.plan))
    if chosen is not None:
        try:
            value = float(chosen)
        except ValueError:
            value = None
        if value is not None and value in options:
            return value
    quantity: float = 1 if _quantity_is_free_input(tiers) else (tiers[0].up_to or 1)
    if card.is_current and ctx.subscription is not None:
        feature = price.feature.ref_id if price.feature else None
        for sub_price in ctx.subscription.prices:
            p = sub_price.price
            if (p is not None and p.billing_model == BillingModel.PER_UNIT and p.tiers_mode
                    and p.feature is not None and p.feature.ref_id == feature):
                quantity = sub_price.usage_limit or 1
                break
    return quantity


def _tier_choices(price: Price) -> list[float]:
    """Quantities the tier selector offers: each tier's upper bound (1 first for per-unit tiers)."""
    bounds = [float(t.up_to) for t in (price.tiers or []) if t.up_to is not None]
    if _quantity_is_free_input(price.tiers or []) and 1.0 not in bounds:
        bounds.insert(0, 1.0)
    return bounds


def _tier_state_key(plan: Plan) -> str:
    return f"tier-{plan.ref_id}"


def _unit_quantity_change(ctx: _Context, card: _Card, selected: dict[str, float]) -> int:
    """-1 / 0 / 1: the selected tier quantity against the subscribed one (0 when nothing to compare)."""
    if ctx.subscription is None:
        return 0
    subscribed = next(
        (sp for sp in ctx.subscription.prices
         if sp.price is not None and sp.price.billing_model == BillingModel.PER_UNIT and sp.price.tiers_mode
         and sp.price.feature is not None),
        None,
    )
    if subscribed is None or subscribed.usage_limit is None:
        return 0
    chosen = selected.get(subscribed.price.feature.ref_id)  # type: ignore[union-attr]
    if chosen is None:
        return 0
    return -1 if chosen < subscribed.usage_limit else (1 if chosen > subscribed.usage_limit else 0)


def _price_view(ctx: _Context, card: _Card, selected: dict[str, float]) -> PriceView:
    plan, texts, period = card.plan, ctx.texts, ctx.period
    if plan.pricing_type == PricingType.FREE:
        currency = ctx.paywall.currency
        symbol = (currency.symbol if currency else None) or formatting.currency_symbol(currency.code if currency else "USD")
        return PriceView(format_text(text_at(texts, "price.free"), currencySymbol=symbol))
    if plan.pricing_type == PricingType.CUSTOM:
        return PriceView(format_text(text_at(texts, "price.custom"), planName=plan.display_name))
    prices = _plan_prices(plan, period)
    calculated = next(
        (c for c in ctx.paywall.paywall_calculated_price_points if c.plan_id == plan.ref_id and c.billing_period == period),
        None,
    )
    if not plan.prices_for(period) and calculated is None:
        return PriceView(text_at(texts, "price.priceNotSet"))

    monthly_view = ctx.has_monthly
    per_month_of_year = period == ANNUALLY and monthly_view
    period_unit = format_text(
        text_at(texts, "price.pricePeriod"),
        period=_period_text(texts, MONTHLY if monthly_view else ANNUALLY, kind="noun"),
    )
    view = PriceView(price="", unit="")
    if calculated is not None:
        amount, currency = calculated.amount or 0, calculated.currency
    elif prices:
        first = prices[0]
        amount = first.price.amount if first.price is not None else 0
        currency = first.price.currency if first.price is not None else None
    else:
        return view
    amount = amount / 12 if per_month_of_year else amount
    view.unit = period_unit
    for price in prices:
        if price.tiers_mode and price.tiers:
            if _is_credit_top_up(price):  # credits are bought in the first tier's pack by default
                quantity = price.tiers[0].up_to or 1
            else:
                quantity = selected.get(price.feature.ref_id if price.feature else "", 1)
            amount += tiers_total(price, quantity, per_month_of_year=per_month_of_year)
            tier_money = next((t.unit_price or t.flat_price for t in price.tiers if t.unit_price or t.flat_price), None)
            currency = currency or (tier_money.currency if tier_money is not None else None)
    if len(prices) == 1:
        only = prices[0]
        if only.custom_currency is not None and _is_credit_top_up(only):
            units = only.custom_currency.units
            singular, plural = (units.singular, units.plural) if units else (None, None)
        else:
            singular = only.feature.feature_units if only.feature else None
            plural = only.feature.feature_units_plural if only.feature else None
        if only.block_size and only.block_size > 1:
            per = format_text(text_at(texts, "paywall.forBlock"), blockSize=_plain_number(only.block_size),
                              units=plural or singular or "")
        else:
            per = format_text(text_at(texts, "paywall.perUnit"), unit=singular or "")
        if only.billing_model == BillingModel.PER_UNIT and not only.tiers_mode:
            view.unit = f"{per} {period_unit}"
        elif only.billing_model == BillingModel.USAGE_BASED:
            view.unit = per
    view.price = formatting.format_money(amount, currency or "USD", ctx.locale)
    if plan.prices_for(period) and ctx.has_monthly and ctx.has_annually:
        view.billing_period_text = format_text(
            text_at(texts, "price.billingPeriod"), period=_period_text(texts, period, kind="adverb")
        )
    if len(prices) > 1 and calculated is not None and calculated.additional_charges_may_apply:
        view.starting_at_text = text_at(texts, "price.startingAtCaption")
    paid = text_at(texts, "price.paid")
    if paid:
        view.price = format_text(paid, price=view.price, unit=view.unit,
                                 billingPeriod=_period_text(texts, period, kind="adverb"))
    return view


def _tier_selector(ctx: _Context, card: _Card, view: PriceView, price: Price, quantity: float) -> None:
    key = _tier_state_key(card.plan)
    view.tier_state_key = key
    view.tier_text = f"{_integer(quantity, ctx.locale)} {_units_text(price, quantity)}".strip()
    view.tier_options = [
        TierOption(q, f"{_integer(q, ctx.locale)} {_units_text(price, q)}".strip(), q == quantity,
                   f"{key}={_plain_number(q)}")
        for q in _tier_choices(price)
    ]


def _plan_detail(card: _Card, ctx: _Context) -> dict[str, Any]:
    """The plan as plain JSON for ``stigg-plan-selected`` (upstream's plan fields, ``id`` = refId)."""
    plan = card.plan
    trial = plan.default_trial_config
    return {
        "id": plan.ref_id,
        "refId": plan.ref_id,
        "displayName": plan.display_name,
        "description": plan.description,
        "pricingType": str(plan.pricing_type),
        "order": card.order,
        "basePlan": {"id": plan.base_plan.ref_id, "displayName": plan.base_plan.display_name} if plan.base_plan else None,
        "defaultTrialConfig": {"duration": trial.duration, "units": trial.units} if trial else None,
        "product": {"id": plan.product.ref_id, "displayName": plan.product.display_name} if plan.product else None,
        "pricePoints": [
            {
                "billingPeriod": str(p.billing_period),
                "billingModel": str(p.billing_model),
                "amount": p.price.amount if p.price else None,
                "currency": p.price.currency if p.price else None,
                "featureId": p.feature.ref_id if p.feature else None,
            }
            for p in plan.prices
        ],
        "metadata": plan.additional_meta_data,
        "isCurrentCustomerPlan": card.is_current,
        "isLowerThanCurrentPlan": card.is_lower,
        "isTriable": card.is_triable,
        "trialDaysLeft": ctx.trial_days if card.is_current else None,
    }


def _subscription_detail(sub: CustomerSubscription | None) -> dict[str, Any] | None:
    if sub is None:
        return None

    def iso(moment: datetime | None) -> str | None:
        return moment.isoformat().replace("+00:00", "Z") if moment else None

    return {
        "id": sub.subscription_id,
        "status": str(sub.status),
        "planId": sub.plan.ref_id,
        "pricingType": str(sub.pricing_type) if sub.pricing_type else None,
        "billingPeriod": _subscription_period(sub),
        "trialEndDate": iso(sub.trial_end_date),
        "currentBillingPeriodEnd": iso(sub.current_billing_period_end),
        "resourceId": sub.resource.resource_id if sub.resource else None,
    }


def _cta(ctx: _Context, card: _Card, is_next: bool, selected: dict[str, float]) -> PlanCtaView:
    """Title, intention and state of a plan's button (§6.11 CTA rules, §6.8 next plan)."""
    plan, texts = card.plan, ctx.texts

    def button(key: str) -> str:
        return format_text(text_at(texts, f"planCTAButton.{key}"), planName=plan.display_name)

    customer = ctx.paywall.customer
    title = (button("downgrade") if card.is_lower else button("upgrade")) if customer is not None else button("startNew")
    if card.is_lower:
        intention = IntentionType.DOWNGRADE_PLAN
    elif ctx.on_trial:
        intention = IntentionType.UPGRADE_TRIAL_TO_PAID
    else:
        intention = IntentionType.UPGRADE_PLAN
    disabled = False
    if card.is_triable and not card.is_current and not ctx.on_trial:
        duration = plan.default_trial_config.duration if plan.default_trial_config else None
        title = format_text(text_at(texts, "planCTAButton.startTrial"), trialDays=_plain_number(duration),
                            planName=plan.display_name)
        intention = IntentionType.START_TRIAL
    elif card.is_current and not ctx.on_trial:
        if ctx.period == ctx.subscription_period or plan.pricing_type in (PricingType.FREE, PricingType.CUSTOM):
            change = _unit_quantity_change(ctx, card, selected)
            if change < 0:
                title, intention = button("downgrade"), IntentionType.CHANGE_UNIT_QUANTITY
            elif change > 0:
                title, intention = button("upgrade"), IntentionType.CHANGE_UNIT_QUANTITY
            else:
                title, disabled = button("currentPlan"), True
        else:
            title = format_text(text_at(texts, "planCTAButton.switchToBillingPeriod"),
                                period=_period_text(texts, ctx.period, kind="switch"))
            intention = IntentionType.CHANGE_BILLING_PERIOD
    elif plan.pricing_type == PricingType.CUSTOM:
        title = button("custom")
        intention = IntentionType.REQUEST_CUSTOM_PLAN_ACCESS
    schedule_text = None
    if is_next and ctx.scheduled is not None:
        title, intention, disabled = button("cancelScheduledUpdate"), IntentionType.CANCEL_SCHEDULED_UPDATES, False
        schedule_text = _schedule_text(ctx.scheduled, texts, ctx.locale)
    customer_detail = {"id": customer.ref_id or customer.customer_id or customer.id} if customer is not None else None
    detail = {
        "plan": _plan_detail(card, ctx),
        "intentionType": intention,
        "billingPeriod": ctx.period,
        "customer": customer_detail,
        "subscription": _subscription_detail(ctx.subscription),
        "billableFeatures": [{"featureId": k, "quantity": v} for k, v in selected.items()],
    }
    return PlanCtaView(title, intention, disabled, detail, schedule_text)


def _addons(card: _Card, ctx: _Context) -> tuple[list[AddonRow], str | None, str | None]:
    rows = _compatible_addons(card.plan)
    key = f"addons-{card.plan.ref_id}"
    if len(rows) <= ADDONS_SHOWN:
        return rows, None, None
    if ctx.state.get(key) == "all":
        return rows, text_at(ctx.texts, "paywall.showLessAddons"), f"{key}=less"
    hidden = len(rows) - ADDONS_SHOWN
    toggle = format_text(text_at(ctx.texts, "paywall.showMoreAddons"), count=hidden, n=hidden)
    return rows[:ADDONS_SHOWN], toggle, f"{key}=all"


def configuration_style(configuration: PaywallConfiguration | None, theme_json: str | None = None) -> str:
    """``paywall.configuration`` (the Stigg app's paywall design, §4.3) as a ``style`` value.

    Mapped as upstream maps a standalone paywall's configuration; keys the element's ``theme``
    attribute sets are left out, so the page's theme wins over the app's design.
    """
    if configuration is None:
        return ""
    palette = configuration.palette
    # theme.configuration_style reads the portal's palette names; the paywall's background is the paper.
    adapted = SimpleNamespace(
        palette=SimpleNamespace(
            primary=palette.primary, text_color=palette.text_color, border_color=palette.border_color,
            current_plan_background=palette.current_plan_background,
            paywall_background_color=palette.background_color,
        ) if palette is not None else None,
        typography=configuration.typography,
    )
    style = dict(theme_module.configuration_style(adapted, theme_json))
    layout = configuration.layout
    if layout is not None:
        explicit = theme_module.theme_keys(theme_json)
        values: dict[str, str] = {}
        for key, number in (
            ("layout.planMinWidth", layout.plan_width), ("layout.planMaxWidth", layout.plan_width),
            ("layout.planMargin", layout.plan_margin), ("layout.planPadding", layout.plan_padding),
        ):
            if isinstance(number, (int, float)) and number > 0:
                values[key] = f"{number:g}px"
        alignment = {"LEFT": "flex-start", "CENTER": "center", "RIGHT": "flex-end"}.get(str(layout.alignment or ""))
        if alignment:
            for key in ("layout.ctaAlignment", "layout.headerAlignment", "layout.descriptionAlignment"):
                values[key] = alignment
        style.update({theme_module.css_variable(k): v for k, v in values.items() if k not in explicit})
    return "; ".join(f"{name}: {value}" for name, value in style.items())


def build_paywall_view(
    paywall: Paywall | None,
    *,
    now: datetime,
    texts: Mapping[str, Any],
    locale: str = formatting.DEFAULT_LOCALE,
    billing_period: str | None = None,
    preferred_billing_period: str | None = None,
    highlighted_plan_id: str | None = None,
    show_only_eligible_plans: bool = False,
    state: Mapping[str, str] | None = None,
    in_portal: bool = False,
    demo_notice: bool = False,
    theme_json: str | None = None,
) -> PaywallView:
    """The paywall for one customer: which plans, in which order, with which prices and buttons.

    ``paywall=None`` gives the loading skeleton. ``billing_period`` is the period the visitor picked
    (ignored unless some plan is priced for it); without it the default period rule applies.
    ``state`` carries other UI choices (``addons-{planId}``, ``tier-{planId}``).
    """
    base = PaywallView(
        loading=paywall is None, in_portal=in_portal, demo_notice=demo_notice,
        demo_badge_text=text_at(texts, "demoBadge"), loading_text=text_at(texts, "loading"),
    )
    if paywall is None:
        return base
    state = dict(state or {})
    all_plans = list(paywall.plans)
    periods = available_billing_periods(all_plans)
    period = billing_period if billing_period in periods else default_billing_period(
        all_plans, paywall.active_subscriptions, preferred_billing_period
    )
    subscription, on_trial = current_subscription(paywall.active_subscriptions)
    current_plan_id = subscription.plan.ref_id if subscription is not None else None
    updates = subscription.scheduled_updates if subscription is not None else []
    downgrade = next((u for u in updates if u.subscription_schedule_type == SubscriptionScheduleType.DOWNGRADE), None)
    period_change = next(
        (u for u in updates if u.subscription_schedule_type == SubscriptionScheduleType.BILLING_PERIOD), None
    )
    in_custom_plan = subscription is not None and (
        subscription.plan.pricing_type == PricingType.CUSTOM or subscription.pricing_type == PricingType.CUSTOM
    )
    ctx = _Context(
        paywall=paywall, texts=texts, locale=locale, period=period, state=state,
        subscription=subscription, on_trial=on_trial,
        trial_days=trial_days_left(subscription.trial_end_date, now) if on_trial and subscription else None,
        subscription_period=_subscription_period(subscription),
        in_custom_plan=in_custom_plan,
        has_monthly=any(plan.prices_for(MONTHLY) for plan in all_plans),
        has_annually=any(plan.prices_for(ANNUALLY) for plan in all_plans),
        scheduled=downgrade or period_change, downgrade=downgrade, period_change=period_change,
    )

    # Plans in order; the customer's position decides "lower" and eligibility (§6.11).
    indexed = sorted(enumerate(all_plans), key=lambda item: (
        item[1].order if item[1].order is not None else item[0], item[0]))
    cards = [
        _Card(plan, order, is_current=plan.ref_id == current_plan_id, is_triable=_is_triable(plan, paywall))
        for order, (_, plan) in enumerate(indexed)
    ]
    current_order = next((c.order for c in cards if c.is_current), None)
    if current_order is not None:
        for card in cards:
            card.is_lower = current_order > card.order
        if show_only_eligible_plans:
            cards = [c for c in cards if c.order >= current_order]
    cards = [
        c for c in cards
        if (c.plan.pricing_type != PricingType.PAID or c.plan.prices_for(period))
        and (c.is_current or PAYWALL_WIDGET not in (c.plan.hidden_from_widgets or []))
    ]

    selections = {}
    for card in cards:
        tiered = _tiered_price(card.plan, period)
        selections[card.plan.ref_id] = (
            {tiered.feature.ref_id: _tier_quantity(ctx, card, tiered)} if tiered and tiered.feature else {}  # type: ignore[union-attr]
        )
    with_tiers = not in_custom_plan and any(selections[c.plan.ref_id] for c in cards)

    views: list[PlanCardView] = []
    for card in cards:
        plan = card.plan
        selected = selections[plan.ref_id]
        price = _price_view(ctx, card, selected)
        tiered = _tiered_price(plan, period)
        if with_tiers and tiered is not None and selected:
            _tier_selector(ctx, card, price, tiered, next(iter(selected.values())))
        is_next = _is_next_plan(plan, period, card.is_current, downgrade, period_change)
        show_cta = not in_custom_plan or plan.pricing_type == PricingType.CUSTOM
        cta = _cta(ctx, card, is_next, selected) if show_cta else None
        rows = _entitlement_rows(plan, period, texts, locale)
        addons, toggle_text, toggle_state = _addons(card, ctx)
        highlighted = highlighted_plan_id is not None and plan.ref_id == highlighted_plan_id
        if is_next:
            chip_text, chip_kind = text_at(texts, "paywall.nextPlan"), "next"
        elif highlighted and text_at(texts, "highlightChip"):
            chip_text, chip_kind = text_at(texts, "highlightChip"), "highlight"
        else:
            chip_text, chip_kind = None, None
        trial_text = None
        if card.is_current and ctx.trial_days is not None and ctx.trial_days > 0:
            trial_text = rich_text(text_at(texts, "paywall.trialDaysLeft"), days=ctx.trial_days)
        classes = [f"stigg-{_class_token(plan.ref_id)}", "stigg-plan-offering-container"]
        if card.is_current:
            classes.append("stigg-current-plan")
        if highlighted:
            classes.append("stigg-highlighted-plan")
        views.append(PlanCardView(
            id=plan.ref_id,
            display_name=plan.display_name,
            description=plan.description or "",
            css_class=" ".join(classes),
            is_current=card.is_current,
            is_highlighted=highlighted,
            is_next_plan=is_next,
            chip_text=chip_text,
            chip_kind=chip_kind,
            price=price,
            cta=cta,
            trial_text=trial_text,
            entitlements_title=_entitlements_title(plan, bool(rows), texts),
            entitlement_rows=rows,
            addons_title=text_at(texts, "addonsTitle"),
            addons=addons,
            addons_toggle_text=toggle_text,
            addons_toggle_state=toggle_state,
            has_entitlements=bool(_visible_entitlements(plan)),
            test_id=f"paywall-card-cta-{plan.display_name}",
        ))

    switch = None
    if len(periods) > 1:
        discount = annual_discount_percent(all_plans, paywall.paywall_calculated_price_points)
        switch = PeriodSwitchView(
            selected=period,
            monthly_text=text_at(texts, "paywall.monthly"),
            annual_text=text_at(texts, "paywall.annual"),
            discount_text=format_text(text_at(texts, "paywall.discountRate"), percent=discount) if discount else None,
            state=f"{BILLING_PERIOD_STATE}={ANNUALLY if period == MONTHLY else MONTHLY}",
        )

    base.billing_period = period
    base.period_switch = switch
    base.plans = views
    base.show_description = any(p.description for p in all_plans)
    base.with_unit_row = any(v.price.unit for v in views)
    base.with_starting_at_row = any(
        len(c.plan.prices_for(period)) > 1 and any(
            p.plan_id == c.plan.ref_id and p.billing_period == period and p.additional_charges_may_apply
            for p in paywall.paywall_calculated_price_points)
        for c in cards
    )
    base.with_tiers_row = with_tiers
    base.with_trial_row = any(v.trial_text for v in views)
    base.style = "" if in_portal else configuration_style(paywall.configuration, theme_json)
    return base


# --------------------------------------------------------------------------- the element
def paywall_context(render: RenderInput, *, in_portal: bool) -> dict[str, Any]:
    """Template context of the paywall (``{"paywall": PaywallView}``) for an element's render input.

    The portal calls this for its Plans section with ``in_portal=True`` and includes
    ``paywall.html``; the paywall then inherits the portal's theme and skips its own demo badge.
    """
    attrs = render.attributes
    paywall = render.data.paywall if render.data is not None else None
    view = build_paywall_view(
        paywall,
        now=render.now,
        texts=render.texts,
        locale=render.locale,
        billing_period=render.state.get(BILLING_PERIOD_STATE),
        preferred_billing_period=getattr(attrs, "preferred_billing_period", None),
        highlighted_plan_id=getattr(attrs, "highlighted_plan_id", None),
        show_only_eligible_plans=bool(getattr(attrs, "show_only_eligible_plans", False)),
        state=render.state,
        in_portal=in_portal,
        demo_notice=render.demo_notice and not in_portal,
        theme_json=attrs.theme,
    )
    return {"paywall": view}


@register_widget
class PaywallWidget(Widget):
    """Pricing table / plan picker (upstream ``Paywall``).

    Events: ``stigg-plan-selected`` with ``{plan, intentionType, billingPeriod, customer,
    subscription, billableFeatures}`` when a plan's button is clicked. UI state kept across
    re-renders: ``billingPeriod``, ``addons-{planId}``, ``tier-{planId}``.
    """

    tag = "stigg-paywall"
    summary = "Pricing table: the plans a customer can pick, with prices, entitlements and add-ons."
    attributes_model = PaywallAttributes
    template = "paywall.html"
    loads = ("paywall",)
    events = ("stigg-ready", "stigg-error", "stigg-plan-selected")
    css_classes = (
        "stigg-paywall-container",
        "stigg-paywall-layout",
        "stigg-period-picker-container",
        "stigg-monthly-period-text",
        "stigg-period-switch",
        "stigg-annual-period-text",
        "stigg-discount-rate-text",
        "stigg-paywall-plans-layout",
        "stigg-{planId}",
        "stigg-plan-offering-container",
        "stigg-current-plan",
        "stigg-highlight-badge",
        "stigg-highlight-badge-text",
        "stigg-header-wrapper",
        "stigg-plan-header",
        "stigg-plan-description",
        "stigg-price-text",
        "stigg-starting-at-text",
        "stigg-price-point",
        "stigg-price-unit-and-billing-period-text",
        "stigg-price-unit-text",
        "stigg-price-billing-period-text",
        "stigg-price-tier-select",
        "stigg-price-tier-menu-item-text",
        "stigg-paywall-plan-button-layout",
        "stigg-paywall-plan-button",
        "stigg-paywall-plan-button-text",
        "stigg-paywall-schedule-update-text",
        "stigg-trial-days-left-text",
        "stigg-plan-header-divider",
        "stigg-plan-entitlements-container",
        "stigg-plan-entitlements-title",
        "stigg-entitlement-row-container",
        "stigg-entitlement-{featureRefId}",
        "stigg-entitlement-feature-{featureSlug}",
        "stigg-credit-entitlement-{currencyId}",
        "stigg-entitlement-row-icon",
        "stigg-entitlement-name",
        "stigg-addons-container",
        "stigg-compatible-addons-container",
        "stigg-compatible-addons-header",
        "stigg-compatible-addons-list",
        "stigg-compatible-addon--{addonId}",
        "stigg-compatible-addon-{addonId}",
        "stigg-compatible-addon-item",
        "stigg-compatible-addon-icon",
        "stigg-compatible-addon-content",
        "stigg-compatible-addon-name",
        "stigg-skeleton-loader-container",
        "stigg-skeleton-loader-billing-period",
        "stigg-skeleton-loader-plans-container",
        "stigg-next-plan-badge",
        "stigg-next-plan-badge-icon",
        "stigg-next-plan-badge-text",
        "stigg-period-selected",
        "stigg-period-switch-handle",
        "stigg-addons-container-after-entitlements",
        "stigg-compatible-addons-toggle",
        "stigg-demo-badge",
    )

    def context(self, render: RenderInput) -> dict[str, Any]:
        # Only the portal loads portal data along with the paywall: then this is its Plans section.
        in_portal = render.data is not None and render.data.portal is not None
        return paywall_context(render, in_portal=in_portal)
