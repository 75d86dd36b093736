"""Paywall: the current subscription, billing periods and scheduled updates."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from ... import formatting
from ...models import (
    CustomerSubscription,
    Paywall,
    PaywallPricePoint,
    Plan,
    Price,
    ScheduledUpdate,
    SubscriptionScheduleType,
    SubscriptionStatus,
)
from ...texts import format_text, rich_text, text_at
from ._base import (
    ANNUALLY,
    MONTHLY,
    RichText,
    _period_text,
)
from .prices import (
    tiers_total,
)


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
