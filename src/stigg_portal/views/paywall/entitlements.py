"""Paywall: the entitlement rows of a plan card."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ... import formatting
from ...models import (
    BillingCadence,
    PackageCreditEntitlement,
    PackageEntitlement,
    Plan,
    Price,
)
from ...texts import format_text, text_at
from ._base import (
    ANNUALLY,
    MONTHLY,
    PAYWALL_WIDGET,
    EntitlementRow,
    _class_token,
    _integer,
    _plain_number,
)
from .prices import (
    _is_credit_top_up,
    _plan_prices,
)

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


def _entitlement_rows(plan: Plan, period: str, texts: Mapping[str, Any], locale: str,
                      credit_pack: float | None = None) -> list[EntitlementRow]:
    """The card's rows; ``credit_pack`` is the chosen pack's credits when the plan sells packs."""
    rows: list[EntitlementRow] = []
    for price in _plan_prices(plan, period):
        if (price.min_unit_quantity and price.min_unit_quantity > 1) or price.max_unit_quantity:
            ref = (price.feature.ref_id if price.feature else None) or ""
            rows.append(EntitlementRow(_unit_range_text(price, texts), _feature_row_class(ref)))
    top_up = next((p for p in plan.prices_for(period) if _is_credit_top_up(p) and p.tiers_mode), None)
    if top_up is not None and (len(top_up.tiers or []) <= 1 or credit_pack is not None):
        tiers = top_up.tiers or []
        recurring = top_up.billing_cadence == BillingCadence.RECURRING
        amount = credit_pack if credit_pack is not None else (tiers[0].up_to if tiers else None)
        text = _credit_row_text(amount or 0, top_up.custom_currency, None,
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
