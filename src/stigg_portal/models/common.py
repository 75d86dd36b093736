"""Building blocks shared by the customer-portal and paywall models.

All models derive from :class:`StiggModel`: snake_case attributes, the API's camelCase names as
aliases, and unknown fields kept rather than rejected, so a newer API answer still validates.
Only the fields a portal cannot do without are required; everything else defaults to ``None`` or
an empty list, because real answers (and our own fixtures) omit nullable fields.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field
from pydantic.alias_generators import to_camel

from .enums import BillingPeriod, PricingType, SubscriptionScheduleStatus, SubscriptionScheduleType

__all__ = [
    "AddonQuantity",
    "BillableFeature",
    "CreditRate",
    "CustomerResource",
    "DateRange",
    "FontVariant",
    "LooseStr",
    "Money",
    "Number",
    "PriceOverrideRef",
    "ResetPeriodConfiguration",
    "ScheduleVariables",
    "ScheduledUpdate",
    "StiggModel",
    "TargetPackage",
    "TypographyConfiguration",
    "UtcDatetime",
    "typename_discriminator",
]


def _assume_utc(value: datetime) -> datetime:
    """Stigg sends UTC instants; a timestamp without an offset is read as UTC, never local time."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


UtcDatetime = Annotated[datetime, AfterValidator(_assume_utc)]
"""A timezone-aware datetime (naive input is taken as UTC)."""

def _loose_text(value: Any) -> Any:
    # Some answers send `false` for a missing string (e.g. card digits of a customer without a card).
    if value is False or value == "":
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


LooseStr = Annotated[str | None, BeforeValidator(_loose_text)]
"""An optional string that also takes ``false``/``""`` (as ``None``) and numbers (as text)."""

Number = int | float
"""A GraphQL ``Float``: whole numbers stay ``int`` so ``10`` prints as ``10``, not ``10.0``."""


class StiggModel(BaseModel):
    """Base of every API model: camelCase aliases, snake_case attributes, unknown fields kept."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="allow", defer_build=True)


def typename_discriminator(
    known: Iterable[str], guess: Callable[[dict[str, Any]], str | None] | None = None
) -> Callable[[Any], str]:
    """A pydantic discriminator keyed on ``__typename`` that maps anything unknown to ``"unknown"``.

    ``guess`` names the member for an object that lacks ``__typename`` (hand-written data often does).
    """
    names = frozenset(known)

    def discriminate(value: Any) -> str:
        if isinstance(value, dict):
            name = value.get("__typename") or value.get("typename")
            if name is None and guess is not None:
                name = guess(value)
        else:
            name = getattr(value, "typename", None)
        return name if name in names else "unknown"

    return discriminate


class Money(StiggModel):
    amount: Number
    currency: str = "USD"


class CreditRate(StiggModel):
    amount: Number | None = None
    currency_id: str | None = None
    custom_currency_id: str | None = None


class DateRange(StiggModel):
    start: UtcDatetime | None = None
    end: UtcDatetime | None = None


class CustomerResource(StiggModel):
    resource_id: str


class FontVariant(StiggModel):
    font_size: Number | None = None
    font_weight: str | None = None


class TypographyConfiguration(StiggModel):
    font_family: str | None = None
    h1: FontVariant | None = None
    h2: FontVariant | None = None
    h3: FontVariant | None = None
    body: FontVariant | None = None


class ResetPeriodConfiguration(StiggModel):
    """One of Yearly/Monthly/WeeklyResetPeriodConfig, told apart by ``typename``."""

    typename: str | None = Field(default=None, alias="__typename")
    yearly_according_to: str | None = None
    monthly_according_to: str | None = None
    weekly_according_to: str | None = None


class BillableFeature(StiggModel):
    feature_id: str | None = None
    quantity: Number | None = None


class AddonQuantity(StiggModel):
    addon_ref_id: str | None = None
    quantity: Number | None = None


class PriceOverrideRef(StiggModel):
    plan_ref_id: str | None = None
    addon_ref_id: str | None = None
    feature_id: str | None = None


class ScheduleVariables(StiggModel):
    """The ``ScheduleVariables`` union flattened into one model; ``typename`` names the member
    (``DowngradeChangeVariables``, ``BillingPeriodChangeVariables``, ``UnitAmountChangeVariables``, …).
    """

    typename: str | None = Field(default=None, alias="__typename")
    plan_ref_id: str | None = None
    downgrade_plan_ref_id: str | None = None
    change_type: str | None = None
    billing_period: BillingPeriod | None = None
    billable_features: list[BillableFeature] | None = None
    addons: list[AddonQuantity] | None = None
    price_overrides: list[PriceOverrideRef] | None = None
    new_unit_amount: Number | None = None
    feature_id: str | None = None
    addon_ref_id: str | None = None
    new_quantity: Number | None = None


class TargetPackage(StiggModel):
    id: str | None = None
    ref_id: str | None = None
    display_name: str | None = None
    pricing_type: PricingType | None = None


class ScheduledUpdate(StiggModel):
    """A ``SubscriptionScheduledUpdate`` (or ``SubscriptionFutureUpdate``): a change due later."""

    subscription_schedule_type: SubscriptionScheduleType
    schedule_status: SubscriptionScheduleStatus | None = None
    scheduled_execution_time: UtcDatetime | None = None
    target_package: TargetPackage | None = None
    schedule_variables: ScheduleVariables | None = None


def legacy_entitlements_fallback(
    value: Any, new_key: str, new_attr: str, old_key: str, typename: str
) -> Any:
    """Older answer shapes: when the typed list (``entitlementsV2`` / ``packageEntitlements``) is
    missing or empty and the legacy ``entitlements`` list has items, the typed list is made from
    the legacy items (tagged ``typename``), so usage and plan entitlements never disappear.

    Used as a ``mode="before"`` model validator on the raw answer object."""
    if not isinstance(value, dict):
        return value
    current = value.get(new_key, value.get(new_attr))
    legacy = value.get(old_key)
    if current or not isinstance(legacy, list) or not legacy:
        return value
    converted = [{"__typename": typename, **item} for item in legacy if isinstance(item, dict)]
    if not converted:
        return value
    out = {k: v for k, v in value.items() if k != new_attr}
    out[new_key] = converted
    return out
