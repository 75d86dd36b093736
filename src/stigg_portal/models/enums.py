"""Enumerations of Stigg's API that the portal reads (spec §8).

Every enum is a ``str`` enum that tolerates values it does not know: Stigg adds enum values over
time, and a new value must not stop a customer's portal from rendering. An unknown value becomes a
pseudo-member (``PricingType("USAGE")`` works) whose ``.known`` is ``False``; it still compares equal
to its string, so ``status == "ACTIVE"`` reads naturally in views and templates.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = [
    "AccessDeniedReason",
    "Alignment",
    "BillingCadence",
    "BillingModel",
    "BillingPeriod",
    "EntitlementResetPeriod",
    "FeatureType",
    "FontWeight",
    "MeterType",
    "PaymentMethodType",
    "PricingType",
    "PromotionalEntitlementPeriod",
    "StiggEnum",
    "SubscriptionScheduleStatus",
    "SubscriptionScheduleType",
    "SubscriptionStatus",
    "TiersMode",
    "WidgetType",
]


class StiggEnum(StrEnum):
    """Base of the API enums: unknown string values become pseudo-members instead of errors."""

    @classmethod
    def _missing_(cls, value: object) -> StiggEnum | None:
        if not isinstance(value, str):
            return None
        member = str.__new__(cls, value)
        member._name_ = value
        member._value_ = value
        return member

    @property
    def known(self) -> bool:
        """Whether this value is one the library was written for."""
        return self._value_ in type(self)._value2member_map_


class PricingType(StiggEnum):
    FREE = "FREE"
    PAID = "PAID"
    CUSTOM = "CUSTOM"


class SubscriptionStatus(StiggEnum):
    ACTIVE = "ACTIVE"
    IN_TRIAL = "IN_TRIAL"
    CANCELED = "CANCELED"
    EXPIRED = "EXPIRED"
    NOT_STARTED = "NOT_STARTED"
    PAYMENT_PENDING = "PAYMENT_PENDING"


class BillingPeriod(StiggEnum):
    MONTHLY = "MONTHLY"
    ANNUALLY = "ANNUALLY"


class BillingModel(StiggEnum):
    FLAT_FEE = "FLAT_FEE"
    PER_UNIT = "PER_UNIT"
    USAGE_BASED = "USAGE_BASED"
    CREDIT_BASED = "CREDIT_BASED"
    MINIMUM_SPEND = "MINIMUM_SPEND"


class BillingCadence(StiggEnum):
    RECURRING = "RECURRING"
    ONE_OFF = "ONE_OFF"


class TiersMode(StiggEnum):
    VOLUME = "VOLUME"
    GRADUATED = "GRADUATED"


class FeatureType(StiggEnum):
    BOOLEAN = "BOOLEAN"
    NUMBER = "NUMBER"
    ENUM = "ENUM"


class MeterType(StiggEnum):
    NONE = "None"
    FLUCTUATING = "Fluctuating"
    INCREMENTAL = "Incremental"


class EntitlementResetPeriod(StiggEnum):
    HOUR = "HOUR"
    DAY = "DAY"
    WEEK = "WEEK"
    MONTH = "MONTH"
    YEAR = "YEAR"


class SubscriptionScheduleType(StiggEnum):
    DOWNGRADE = "Downgrade"
    BILLING_PERIOD = "BillingPeriod"
    UNIT_AMOUNT = "UnitAmount"
    PLAN = "Plan"
    ADDON = "Addon"
    COUPON = "Coupon"
    PRICE_OVERRIDE = "PriceOverride"
    MIGRATE_TO_LATEST = "MigrateToLatest"
    ADDITIONAL_META_DATA = "AdditionalMetaData"
    BILLING_INFO_METADATA = "BillingInfoMetadata"
    RECURRING_CREDITS = "RecurringCredits"


class SubscriptionScheduleStatus(StiggEnum):
    SCHEDULED = "Scheduled"
    PENDING_PAYMENT = "PendingPayment"
    DONE = "Done"
    FAILED = "Failed"
    CANCELED = "Canceled"


class PromotionalEntitlementPeriod(StiggEnum):
    ONE_WEEK = "ONE_WEEK"
    ONE_MONTH = "ONE_MONTH"
    SIX_MONTH = "SIX_MONTH"
    ONE_YEAR = "ONE_YEAR"
    LIFETIME = "LIFETIME"
    CUSTOM = "CUSTOM"


class PaymentMethodType(StiggEnum):
    CARD = "CARD"
    BANK = "BANK"
    CASH_APP = "CASH_APP"


class FontWeight(StiggEnum):
    NORMAL = "NORMAL"
    BOLD = "BOLD"


class Alignment(StiggEnum):
    LEFT = "LEFT"
    CENTER = "CENTER"
    RIGHT = "RIGHT"


class WidgetType(StiggEnum):
    PAYWALL = "PAYWALL"
    CUSTOMER_PORTAL = "CUSTOMER_PORTAL"
    CHECKOUT = "CHECKOUT"


class AccessDeniedReason(StiggEnum):
    BUDGET_EXCEEDED = "BudgetExceeded"
    CUSTOMER_NOT_FOUND = "CustomerNotFound"
    INSUFFICIENT_CREDITS = "InsufficientCredits"
    NO_ACTIVE_SUBSCRIPTION = "NoActiveSubscription"
    REQUESTED_USAGE_EXCEEDING_LIMIT = "RequestedUsageExceedingLimit"
    UNKNOWN = "Unknown"
