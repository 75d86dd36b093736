"""The public pricing table (a ``GetPaywall`` answer without a customer) and localized prices.

``public_paywall_answer`` is what Stigg answers a ``GetPaywall`` without ``customerId``: the plans,
their prices and add-ons, no customer and no subscriptions. Its plans cover every kind of card:
Free, Pro (with a 14-day trial and AI-credit packs), Team (per-seat volume tiers) and Enterprise
(custom). ``localize_paywall`` gives an answer the prices of one billing country, as Stigg's price
localization does when ``billingCountryCode`` is in the query variables. The demo client and the
mock API both use them.
"""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any

from .scenarios import PAYWALL_OP, REFERENCE_NOW, load_fixture, shift_dates

__all__ = ["LOCALIZED_CURRENCIES", "PUBLIC_SCENARIO", "localize_paywall", "public_paywall_answer"]

#: The demo client's ``scenario`` for the public pricing table (no customer).
PUBLIC_SCENARIO = "public"

Json = dict[str, Any]

_EURO_COUNTRIES = ("EU", "AT", "BE", "DE", "ES", "FI", "FR", "IE", "IT", "NL", "PT")
#: Country -> (currency, symbol, factor on the USD amounts): the localized price books of the demo.
LOCALIZED_CURRENCIES: dict[str, tuple[str, str, float]] = {
    **{country: ("EUR", "€", 0.9) for country in _EURO_COUNTRIES},
    "GB": ("GBP", "£", 0.8),
    "JP": ("JPY", "¥", 150.0),
}

_SEATS = {"refId": "feature-seats", "displayName": "Seats", "featureUnits": "seat", "featureUnitsPlural": "seats",
          "description": "Team members who can sign in"}
_AI_CREDITS = {"currencyId": "credits-ai", "displayName": "AI credits", "description": "Credits for AI features",
               "symbol": None, "units": {"singular": "AI credit", "plural": "AI credits"}, "additionalMetaData": None}


def _money(amount: float) -> Json:
    return {"amount": amount, "currency": "USD"}


def _price(period: str, model: str, **fields: Any) -> Json:
    price = {"billingModel": model, "billingPeriod": period, "billingCadence": "RECURRING", "billingId": None,
             "minUnitQuantity": None, "maxUnitQuantity": None, "billingCountryCode": None, "price": None,
             "tiersMode": None, "tiers": None, "feature": None, "blockSize": None}
    price.update(fields)
    return price


def _seat_tiers(factor: float) -> list[Json]:
    return [{"upTo": up_to, "unitPrice": _money(amount * factor), "flatPrice": None}
            for up_to, amount in ((5, 15), (10, 13), (25, 11), (50, 9))]


def _credit_packs(period: str) -> Json:
    """AI credits bought in packs: the flat price of each pack (tier upper bound = credits in it)."""
    factor = 10 if period == "ANNUALLY" else 1
    tiers = [{"upTo": credits, "unitPrice": None, "flatPrice": _money(amount * factor)}
             for credits, amount in ((100, 10), (500, 45), (1000, 80))]
    return _price(period, "PER_UNIT", tiersMode="VOLUME", tiers=tiers,
                  topUpCustomCurrencyId=_AI_CREDITS["currencyId"], customCurrency=copy.deepcopy(_AI_CREDITS))


def _build() -> Json:
    paywall = load_fixture("customer-demo")[PAYWALL_OP]["data"]["paywall"]
    paywall.update(customer=None, activeSubscriptions=[], resource=None, paywallCalculatedPricePoints=[])
    free, pro, enterprise = (next(p for p in paywall["plans"] if p["refId"] == ref)
                             for ref in ("plan-free", "plan-pro", "plan-enterprise"))
    pro["prices"] = [*pro["prices"], _credit_packs("MONTHLY"), _credit_packs("ANNUALLY")]
    team = copy.deepcopy(pro)
    team.update(id="id-plan-team", refId="plan-team", displayName="Team", billingId="prod_plan-team",
                description="Per-seat pricing for larger teams", defaultTrialConfig=None,
                basePlan={"refId": "plan-pro", "displayName": "Pro"})
    team["entitlements"] = [{
        "usageLimit": 200, "hasUnlimitedUsage": False, "hasSoftLimit": False, "featureId": "feature-storage",
        "resetPeriod": None, "hiddenFromWidgets": [], "isCustom": False, "displayNameOverride": "200 GB storage",
        "feature": {"featureType": "NUMBER", "meterType": "Fluctuating", "featureUnits": "GB",
                    "featureUnitsPlural": "GB", "displayName": "Storage", "description": None,
                    "refId": "feature-storage", "additionalMetaData": None},
    }]
    team["prices"] = [
        _price(period, "PER_UNIT", tiersMode="VOLUME", tiers=_seat_tiers(factor), feature=dict(_SEATS))
        for period, factor in (("MONTHLY", 1), ("ANNUALLY", 10))
    ]
    enterprise["basePlan"] = {"refId": "plan-team", "displayName": "Team"}
    paywall["plans"] = [free, pro, team, enterprise]
    return {"data": {"paywall": paywall}}


def public_paywall_answer(now: datetime | None = None) -> Json:
    """``{"data": {"paywall": …}}`` of the public pricing table (no customer), dated to ``now``."""
    answer = _build()
    if now is None:
        return answer
    return shift_dates(answer, now - REFERENCE_NOW, now.year - REFERENCE_NOW.year)


def _localize(value: Any, country: str, currency: str, factor: float) -> None:
    if isinstance(value, dict):
        money = value.get("amount"), value.get("currency")
        if money[1] == "USD" and isinstance(money[0], (int, float)):
            value["amount"] = round(money[0] * factor, 0 if currency == "JPY" else 2)
            value["currency"] = currency
        if "billingModel" in value and "billingCountryCode" in value:
            value["billingCountryCode"] = country
        for item in value.values():
            _localize(item, country, currency, factor)
    elif isinstance(value, list):
        for item in value:
            _localize(item, country, currency, factor)


def localize_paywall(envelope: Json, country: str | None) -> Json:
    """The ``GetPaywall`` answer with ``country``'s prices (unchanged for a country without its own)."""
    if not country or country.upper() not in LOCALIZED_CURRENCIES:
        return envelope
    country = country.upper()
    currency, symbol, factor = LOCALIZED_CURRENCIES[country]
    answer = copy.deepcopy(envelope)
    paywall = (answer.get("data") or {}).get("paywall")
    if not isinstance(paywall, dict):
        return answer
    _localize(paywall.get("plans"), country, currency, factor)
    _localize(paywall.get("paywallCalculatedPricePoints"), country, currency, factor)
    paywall["currency"] = {"code": currency, "symbol": symbol}
    return answer
