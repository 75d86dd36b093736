"""Demo scenarios: reference answers transformed into the customers the demo client shows."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import cache
from importlib import resources
from typing import Any

from ..formatting import unit_plural

__all__ = [
    "DEMO_SCENARIOS",
    "FIXTURE_NAMES",
    "REFERENCE_NOW",
    "UnknownScenarioError",
    "customer_id_for",
    "load_fixture",
    "scenario_answers",
    "scenario_description",
    "shift_dates",
]

REFERENCE_NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
"""The moment the reference fixtures describe ("now" in their screenshots)."""

FIXTURE_NAMES: tuple[str, ...] = ("customer-demo", "customer-trial", "customer-custom")

Json = dict[str, Any]
PORTAL_OP = "GetCustomerPortalByRefId"
PAYWALL_OP = "GetPaywall"


class UnknownScenarioError(KeyError):
    """No demo scenario has that name."""


@cache
def _fixture_text(name: str) -> str:
    if name not in FIXTURE_NAMES:
        raise KeyError(f"no fixture {name!r}; known: {', '.join(FIXTURE_NAMES)}")
    return resources.files(__package__).joinpath(f"{name}.json").read_text(encoding="utf-8")


def load_fixture(name: str) -> Json:
    """A fresh copy of a reference fixture: ``{customerId, description, GetCustomerPortalByRefId,
    GetPaywall}``, the last two being ``{"data": …}`` envelopes."""
    return json.loads(_fixture_text(name))


_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$")


def _format_iso(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def shift_dates(value: Any, delta: timedelta, years: int = 0) -> Any:
    """Move every ISO timestamp in a JSON tree by ``delta`` and card expiry years by ``years``."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "defaultPaymentExpirationYear" and isinstance(item, int):
                value[key] = item + years
            else:
                value[key] = shift_dates(item, delta, years)
        return value
    if isinstance(value, list):
        return [shift_dates(item, delta, years) for item in value]
    if isinstance(value, str) and delta and _ISO_DATETIME.match(value):
        moment = datetime.fromisoformat(value)
        return _format_iso(moment + delta)
    return value


# --------------------------------------------------------------------------- building blocks
def _money(amount: float, currency: str = "USD") -> Json:
    return {"amount": amount, "currency": currency}


def _iso(days_from_reference: float) -> str:
    return _format_iso(REFERENCE_NOW.replace(hour=0) + timedelta(days=days_from_reference))


def _normalize(portal: Json) -> None:
    """Make the reference answers schema-exact: one ``pricing`` object, card type present."""
    for sub in portal["subscriptions"]:
        pricing = sub.get("pricing")
        if isinstance(pricing, list):
            sub["pricing"] = pricing[0] if pricing else {"pricingType": sub["pricingType"]}
    billing = portal.get("billingInformation") or {}
    billing.setdefault("defaultPaymentMethodType", "CARD" if billing.get("defaultPaymentMethodId") else None)


def _no_card(portal: Json, paywall: Json) -> None:
    billing = portal["billingInformation"]
    for key in ("defaultPaymentMethodId", "defaultPaymentMethodLast4Digits", "defaultPaymentExpirationMonth",
                "defaultPaymentExpirationYear", "defaultPaymentMethodType"):
        billing[key] = None
    customer = paywall["customer"]
    customer.update(hasPaymentMethod=False, defaultPaymentExpirationMonth=None,
                    defaultPaymentExpirationYear=None, defaultPaymentMethodLast4Digits=None)


def _set_usage(portal: Json, usage: dict[str, tuple[float | None, float]]) -> None:
    """Keep only the features in ``usage`` ({refId: (limit or None for unlimited, used)})."""
    for key in ("entitlements", "entitlementsV2"):
        kept = []
        for ent in portal.get(key, []):
            ref = ent["feature"]["refId"]
            if ref in usage:
                limit, used = usage[ref]
                ent.update(usageLimit=limit, hasUnlimitedUsage=limit is None, currentUsage=used)
                kept.append(ent)
        portal[key] = kept


def _plan(paywall: Json, ref_id: str) -> Json:
    return copy.deepcopy(next(p for p in paywall["plans"] if p["refId"] == ref_id))


def _downgrade_to_free_removed(portal: Json, paywall: Json) -> None:
    portal["subscriptions"][0]["scheduledUpdates"] = []
    for sub in paywall["activeSubscriptions"]:
        sub["scheduledUpdates"] = []


def _schedule(portal: Json, paywall: Json, update: Json) -> None:
    """Replace the subscription's scheduled updates (portal and paywall side) with ``update``."""
    portal["subscriptions"][0]["scheduledUpdates"] = [update]
    paywall_update = copy.deepcopy(update)
    paywall_update["targetPackage"].pop("pricingType", None)
    for sub in paywall["activeSubscriptions"]:
        sub["scheduledUpdates"] = [paywall_update]


def _pro_package() -> Json:
    return {"id": "id-plan-pro", "refId": "plan-pro", "displayName": "Pro", "pricingType": "PAID"}


# --------------------------------------------------------------------------- scenarios
def _paid(portal: Json, paywall: Json) -> None:
    """The reference customer as is: Pro monthly, add-ons, promotion, downgrade to Free scheduled."""


def _free(portal: Json, paywall: Json) -> None:
    sub = portal["subscriptions"][0]
    sub.update(
        subscriptionId="sub-demo-free", planId="plan-free", planName="Free", pricingType="FREE", prices=[],
        pricing={"pricingType": "FREE", "billingPeriod": None, "billingModel": None, "price": None},
        totalPrice={"subTotal": _money(0), "total": _money(0), "addonsTotal": _money(0)},
        addons=[], scheduledUpdates=[], previewNextInvoice=None,
    )
    _set_usage(portal, {"feature-api-calls": (1000, 640), "feature-seats": (1, 1), "feature-storage": (5, 4)})
    portal.update(promotionalEntitlements=[], billingPortalUrl=None)
    _no_card(portal, paywall)
    active = paywall["activeSubscriptions"][0]
    active.update(subscriptionId="sub-demo-free", refId="sub-demo-free", plan=_plan(paywall, "plan-free"),
                  pricingType="FREE", prices=[], addons=[], scheduledUpdates=[],
                  totalPrice={"subTotal": _money(0), "total": _money(0)})
    paywall["customer"]["promotionalEntitlements"] = []


def _no_subscription(portal: Json, paywall: Json) -> None:
    portal.update(subscriptions=[], entitlements=[], entitlementsV2=[], promotionalEntitlements=[],
                  billingPortalUrl=None)
    _no_card(portal, paywall)
    paywall["activeSubscriptions"] = []
    paywall["customer"].update(hasActiveSubscription=False, promotionalEntitlements=[])


def _canceled(portal: Json, paywall: Json) -> None:
    sub = portal["subscriptions"][0]
    sub.update(status="CANCELED", scheduledUpdates=[], previewNextInvoice=None)
    portal.update(entitlements=[], entitlementsV2=[], promotionalEntitlements=[])
    paywall["activeSubscriptions"] = []
    paywall["customer"].update(hasActiveSubscription=False, promotionalEntitlements=[])


def _eur_annual(portal: Json, paywall: Json) -> None:
    _downgrade_to_free_removed(portal, paywall)
    for tree in (portal, paywall):
        _replace_currency(tree, "EUR")
    paywall["currency"] = {"code": "EUR", "symbol": "€"}
    sub = portal["subscriptions"][0]
    annual = {"billingPeriod": "ANNUALLY", "billingModel": "FLAT_FEE", "blockSize": None,
              "price": _money(490, "EUR"), "creditRate": None, "feature": None}
    sub.update(prices=[annual],
               billingPeriodRange={"start": _iso(-199), "end": _iso(166)},
               totalPrice={"subTotal": _money(890, "EUR"), "total": _money(890, "EUR"),
                           "addonsTotal": _money(400, "EUR")})
    sub["pricing"].update(billingPeriod="ANNUALLY", price=_money(490, "EUR"))
    sub["previewNextInvoice"].update(amountDue=_money(1059.1, "EUR"), total=_money(1059.1, "EUR"),
                                     subTotal=_money(890, "EUR"))
    portal["billingInformation"].update(name="Muster GmbH", email="rechnung@muster.example")
    active = paywall["activeSubscriptions"][0]
    pro = next(p for p in paywall["plans"] if p["refId"] == "plan-pro")
    active["prices"] = [{"usageLimit": None, "price": copy.deepcopy(pro["prices"][1])}]
    active["currentBillingPeriodEnd"] = _iso(166)
    active["totalPrice"] = {"subTotal": _money(890, "EUR"), "total": _money(890, "EUR")}


def _replace_currency(value: Any, currency: str) -> None:
    if isinstance(value, dict):
        if value.get("currency") == "USD":
            value["currency"] = currency
        for item in value.values():
            _replace_currency(item, currency)
    elif isinstance(value, list):
        for item in value:
            _replace_currency(item, currency)


def _billing_period_change(portal: Json, paywall: Json) -> None:
    _schedule(portal, paywall, {
        "subscriptionScheduleType": "BillingPeriod", "scheduleStatus": "Scheduled",
        "scheduledExecutionTime": _iso(15), "targetPackage": _pro_package(),
        "scheduleVariables": {"__typename": "BillingPeriodChangeVariables", "billingPeriod": "ANNUALLY"},
    })


_SEATS_PRICE_FEATURE = {"id": "id-feature-seats", "refId": "feature-seats", "displayName": "Seats",
                        "featureUnits": "seat", "featureUnitsPlural": "seats"}


def _unit_amount_change(portal: Json, paywall: Json) -> None:
    sub = portal["subscriptions"][0]
    sub["prices"].append({"billingPeriod": "MONTHLY", "billingModel": "PER_UNIT", "blockSize": None,
                          "price": _money(8), "creditRate": None, "feature": dict(_SEATS_PRICE_FEATURE)})
    sub["pricing"]["unitQuantity"] = 10
    _schedule(portal, paywall, {
        "subscriptionScheduleType": "UnitAmount", "scheduleStatus": "Scheduled",
        "scheduledExecutionTime": _iso(15), "targetPackage": _pro_package(),
        "scheduleVariables": {"__typename": "UnitAmountChangeVariables", "newUnitAmount": 5,
                              "featureId": _SEATS_PRICE_FEATURE["id"]},
    })


def _no_invoice_preview(portal: Json, paywall: Json) -> None:
    _downgrade_to_free_removed(portal, paywall)
    portal["subscriptions"][0]["previewNextInvoice"] = None


_HEAVY_FEATURES = (
    "API call", "Seat", "GB of storage|GB of storage", "Project", "Build minute", "GB of bandwidth|GB of bandwidth",
    "Email", "SMS message", "Webhook", "Workflow run", "Dashboard", "Report", "Export", "Integration",
    "Environment", "Custom domain", "Deployment", "Log line", "Trace", "Metric series", "Alert", "Monitor",
    "Scheduled job", "Function invocation", "Database", "Vector", "Image render", "Video minute",
    "Transcription minute", "Translation", "Guest user", "Audit event",
)
_LIMITS = (1000, 10, 100, 25, 5000, 500, 20000, 300)
_RATIOS = (0.12, 0.45, 0.69, 0.7, 0.86, 0.99, 1.0, 1.25, 0.0, 0.3)
_RESETS: tuple[tuple[str | None, float], ...] = (
    ("MONTH", 15), ("WEEK", 5), ("DAY", 1), ("HOUR", 1 / 24 + 0.5), (None, 0), ("YEAR", 350),
)


def _heavy_usage(portal: Json, paywall: Json) -> None:
    _downgrade_to_free_removed(portal, paywall)
    sub = portal["subscriptions"][0]
    features, lines, prices = [], [], list(sub["prices"])
    for i, label in enumerate(_HEAVY_FEATURES):
        unit, _, plural = label.partition("|")
        plural = unit_plural(unit, plural)
        ref = "feature-" + re.sub(r"[^a-z0-9]+", "-", plural.lower()).strip("-")
        name = plural[:1].upper() + plural[1:]
        unlimited = i % 11 == 0
        limit = None if unlimited else _LIMITS[i % len(_LIMITS)]
        used = (i + 1) * 1234 if unlimited else round(limit * _RATIOS[i % len(_RATIOS)])
        incremental = i % 3 != 1
        reset, days = _RESETS[(i - (i + 1) // 3) % len(_RESETS)] if incremental else (None, 0)
        features.append({
            "__typename": "FeatureEntitlement", "isGranted": True, "accessDeniedReason": None,
            "usageLimit": limit, "hasUnlimitedUsage": unlimited, "hasSoftLimit": i % 4 == 0,
            "currentUsage": used, "enumValues": None, "entitlementUpdatedAt": None, "usageUpdatedAt": None,
            "usagePeriodAnchor": None, "usagePeriodStart": _iso(-15) if reset else None,
            "usagePeriodEnd": _iso(days) if reset else None, "resetPeriod": reset,
            "resetPeriodConfiguration": None, "creditRate": None, "validUntil": None,
            "feature": {"__typename": "EntitlementFeature", "featureType": "NUMBER",
                        "meterType": "Incremental" if incremental else "Fluctuating", "featureUnits": unit,
                        "featureUnitsPlural": plural, "description": None, "displayName": name,
                        "refId": ref, "unitTransformation": None},
        })
        lines.append({"quantity": used, "period": {"start": _iso(-15), "end": _iso(15)},
                      "price": {"feature": {"refId": ref}}})
        if i in (0, 4, 7, 19):
            prices.append({"billingPeriod": "MONTHLY", "billingModel": "PER_UNIT" if i == 7 else "USAGE_BASED",
                           "blockSize": 1000 if i == 0 else None, "price": _money(0.5 if i else 2),
                           "creditRate": None,
                           "feature": {"id": f"id-{ref}", "refId": ref, "displayName": name,
                                       "featureUnits": unit, "featureUnitsPlural": plural}})
    credits = [
        _credit("credits-ai", "AI credits", "credit", "credits", 5_000_000, 3_250_000, _iso(15)),
        _credit("credits-compute", "Compute credits", "credit", "credits", 2500, 2730, _iso(5)),
        _credit("hours-support", "Support hours", "hour", "hours", 40, 12, _iso(0.75)),
    ]
    sub["prices"] = prices
    sub["previewNextInvoice"]["lines"] = [{"quantity": 1, "period": {"start": _iso(15), "end": _iso(45)},
                                           "price": None}, *lines]
    portal["entitlementsV2"] = features + credits
    portal["entitlements"] = []
    portal["billingInformation"].update(name="Umbrella Analytics", email="finance@umbrella.example")


def _credit(currency_id: str, name: str, unit: str, plural: str, limit: float, used: float, end: str) -> Json:
    return {
        "__typename": "CreditEntitlement", "isGranted": True, "accessDeniedReason": None,
        "currency": {"currencyId": currency_id, "displayName": name, "description": None,
                     "unitSingular": unit, "unitPlural": plural, "additionalMetaData": None},
        "usageLimit": limit, "currentUsage": used, "hasSoftLimit": False, "usageUpdatedAt": None,
        "entitlementUpdatedAt": None, "usagePeriodEnd": end, "validUntil": None,
    }


Transform = Callable[[Json, Json], None]

_SCENARIOS: dict[str, tuple[str, str, Transform]] = {
    "paid": ("customer-demo", "Pro monthly: add-ons, promotion, scheduled downgrade to Free, card, invoices",
             _paid),
    "trial": ("customer-trial", "Pro in trial, 14 days left, no payment method", _paid),
    "custom-price": ("customer-custom", "Enterprise with a custom price, invoiced", _paid),
    "free": ("customer-demo", "Free plan near its limits, no card, no billing portal", _free),
    "no-subscription": ("customer-demo", "Customer without any subscription", _no_subscription),
    "canceled": ("customer-demo", "Only a canceled Pro subscription", _canceled),
    "heavy-usage": ("customer-demo", "Pro with 32 metered features (some priced) and 3 credit balances",
                    _heavy_usage),
    "eur-annual": ("customer-demo", "Pro billed annually in EUR, next bill shown", _eur_annual),
    "billing-period-change": ("customer-demo", "Pro monthly, switch to annual billing scheduled",
                              _billing_period_change),
    "unit-amount-change": ("customer-demo", "Pro with per-seat price, seat reduction scheduled",
                           _unit_amount_change),
    "no-invoice-preview": ("customer-demo", "Paid Pro whose next invoice preview is unavailable",
                           _no_invoice_preview),
}

DEMO_SCENARIOS: tuple[str, ...] = tuple(_SCENARIOS)
"""Names the ``scenario`` attribute accepts."""


def customer_id_for(scenario: str) -> str:
    """The customer id of a scenario's customer, e.g. ``demo-paid``."""
    return f"demo-{scenario}"


def scenario_description(scenario: str) -> str:
    return _lookup(scenario)[1]


def _lookup(scenario: str) -> tuple[str, str, Transform]:
    try:
        return _SCENARIOS[scenario]
    except KeyError:
        raise UnknownScenarioError(scenario) from None


@cache
def _scenario_text(scenario: str) -> str:
    fixture_name, description, transform = _lookup(scenario)
    fixture = load_fixture(fixture_name)
    portal = fixture[PORTAL_OP]["data"]["customerPortal"]
    paywall = fixture[PAYWALL_OP]["data"]["paywall"]
    _normalize(portal)
    transform(portal, paywall)
    customer_id = customer_id_for(scenario)
    if paywall.get("customer"):
        paywall["customer"].update(refId=customer_id, customerId=customer_id)
    answers = {"customerId": customer_id, "description": description,
               PORTAL_OP: {"data": {"customerPortal": portal}}, PAYWALL_OP: {"data": {"paywall": paywall}}}
    return json.dumps(answers)


def scenario_answers(scenario: str, now: datetime | None = None) -> Json:
    """A scenario's answers, dated relative to ``now`` (default: the current time).

    Same layout as a reference fixture: ``{customerId, description, GetCustomerPortalByRefId,
    GetPaywall}``. Raises :class:`UnknownScenarioError` for an unknown name.
    """
    answers = json.loads(_scenario_text(scenario))
    now = (now or datetime.now(UTC)).astimezone(UTC)
    # Shift by the exact offset, not whole days, so every relative time ("in 14 days", "in 60 minutes")
    # reads the same as at REFERENCE_NOW.
    return shift_dates(answers, now - REFERENCE_NOW, now.year - REFERENCE_NOW.year)
