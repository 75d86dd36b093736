"""Paywall: a plan's price points and tiers."""

from __future__ import annotations

from collections.abc import Sequence

from ...models import (
    BillingCadence,
    BillingModel,
    Plan,
    Price,
    PriceTier,
    TiersMode,
)


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


def _credit_pack_price(plan: Plan, period: str) -> Price | None:
    """The plan's credit top-up sold in packs (a tiered top-up price with several packs), if any."""
    return next(
        (p for p in plan.prices_for(period)
         if _is_credit_top_up(p) and p.tiers_mode and len([t for t in (p.tiers or []) if t.up_to]) > 1),
        None,
    )


def _credit_pack_choices(price: Price) -> list[float]:
    """Credits in each pack the selector offers: each tier's upper bound, in order."""
    return sorted({float(t.up_to) for t in (price.tiers or []) if t.up_to})


def _credit_units_text(price: Price, quantity: float) -> str:
    currency = price.custom_currency
    units = currency.units if currency is not None else None
    if units is not None and (units.singular or units.plural):
        return (units.singular if quantity == 1 else units.plural) or units.plural or units.singular or ""
    return (currency.display_name if currency is not None else None) or ""
