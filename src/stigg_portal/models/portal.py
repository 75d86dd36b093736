"""Models of the ``customerPortal`` answer of ``GetCustomerPortalByRefId`` (spec §5.3–5.4)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator, Discriminator, Field, Tag, model_validator

from .common import (
    CreditRate,
    CustomerResource,
    DateRange,
    LooseStr,
    Money,
    Number,
    ResetPeriodConfiguration,
    ScheduledUpdate,
    StiggModel,
    TypographyConfiguration,
    UtcDatetime,
    legacy_entitlements_fallback,
    typename_discriminator,
)
from .enums import (
    BillingModel,
    BillingPeriod,
    EntitlementResetPeriod,
    FeatureType,
    MeterType,
    PaymentMethodType,
    PricingType,
    PromotionalEntitlementPeriod,
    SubscriptionStatus,
)

__all__ = [
    "BillingInformation",
    "CreditCurrency",
    "CreditEntitlement",
    "CustomerPortal",
    "CustomerPortalSubscription",
    "EntitlementFeature",
    "EntitlementUnion",
    "FeatureEntitlement",
    "InvoiceLine",
    "InvoiceLineFeature",
    "InvoiceLinePrice",
    "InvoicePreview",
    "LegacyEntitlement",
    "PortalAddon",
    "PortalConfiguration",
    "PortalPalette",
    "PricingFeature",
    "PromotionalEntitlement",
    "SubscriptionPrice",
    "SubscriptionPricing",
    "SubscriptionPricingFeature",
    "SubscriptionTotalPrice",
    "UnitTransformation",
    "UnknownEntitlement",
]


class PricingFeature(StiggModel):
    """The metered feature a subscription price charges for."""

    id: str | None = None
    ref_id: str
    display_name: str | None = None
    feature_units: str | None = None
    feature_units_plural: str | None = None


class SubscriptionPrice(StiggModel):
    billing_period: BillingPeriod | None = None
    billing_model: BillingModel | None = None
    block_size: Number | None = None
    price: Money | None = None
    credit_rate: CreditRate | None = None
    feature: PricingFeature | None = None


class SubscriptionPricingFeature(StiggModel):
    display_name: str | None = None
    feature_units: str | None = None
    feature_units_plural: str | None = None


class SubscriptionPricing(StiggModel):
    unit_quantity: Number | None = None
    billing_period: BillingPeriod | None = None
    billing_model: BillingModel | None = None
    pricing_type: PricingType | None = None
    usage_based_estimated_bill: Number | None = None
    price: Money | None = None
    credit_rate: CreditRate | None = None
    feature: SubscriptionPricingFeature | None = None


def _first_if_list(value: Any) -> Any:
    # The schema declares one pricing object; some answers (our reference fixtures among them) send a
    # list. Keep the first entry: the portal never displays `pricing`, it only must not break on it.
    if isinstance(value, list):
        return value[0] if value else None
    return value


class SubscriptionTotalPrice(StiggModel):
    sub_total: Money | None = None
    total: Money | None = None
    addons_total: Money | None = None


class PortalAddon(StiggModel):
    addon_id: str
    display_name: str
    description: str | None = None
    quantity: Number = 1


class InvoiceLineFeature(StiggModel):
    ref_id: str | None = None


class InvoiceLinePrice(StiggModel):
    feature: InvoiceLineFeature | None = None


class InvoiceLine(StiggModel):
    quantity: Number | None = None
    period: DateRange | None = None
    price: InvoiceLinePrice | None = None

    @property
    def feature_ref_id(self) -> str | None:
        """The refId of the feature this line charges for, if any."""
        return self.price.feature.ref_id if self.price and self.price.feature else None


class InvoicePreview(StiggModel):
    total: Money | None = None
    amount_due: Money | None = None
    sub_total: Money | None = None
    lines: list[InvoiceLine] = Field(default_factory=list)


class CustomerPortalSubscription(StiggModel):
    subscription_id: str
    plan_id: str
    plan_name: str
    pricing_type: PricingType
    status: SubscriptionStatus
    trial_remaining_days: int | None = None
    billing_period_range: DateRange | None = None
    prices: list[SubscriptionPrice] = Field(default_factory=list)
    pricing: Annotated[SubscriptionPricing | None, BeforeValidator(_first_if_list)] = None
    total_price: SubscriptionTotalPrice | None = None
    addons: list[PortalAddon] = Field(default_factory=list)
    scheduled_updates: list[ScheduledUpdate] = Field(default_factory=list)
    preview_next_invoice: InvoicePreview | None = None

    @property
    def is_active(self) -> bool:
        return self.status == SubscriptionStatus.ACTIVE

    @property
    def is_trial(self) -> bool:
        return self.status == SubscriptionStatus.IN_TRIAL


class UnitTransformation(StiggModel):
    divide: Number | None = None
    round: str | None = None


class EntitlementFeature(StiggModel):
    ref_id: str
    display_name: str
    feature_type: FeatureType | None = None
    meter_type: MeterType | None = None
    feature_units: str | None = None
    feature_units_plural: str | None = None
    description: str | None = None
    unit_transformation: UnitTransformation | None = None

    @property
    def is_metered(self) -> bool:
        return self.meter_type in (MeterType.FLUCTUATING, MeterType.INCREMENTAL)


class LegacyEntitlement(StiggModel):
    """An item of the legacy ``entitlements`` list (upstream 10.16.0 reads ``entitlementsV2``)."""

    feature: EntitlementFeature
    is_granted: bool = True
    usage_limit: Number | None = None
    current_usage: Number | None = None
    has_unlimited_usage: bool = False
    has_soft_limit: bool | None = None
    usage_period_start: UtcDatetime | None = None
    usage_period_end: UtcDatetime | None = None
    next_reset_date: UtcDatetime | None = None
    reset_period: EntitlementResetPeriod | None = None
    reset_period_configuration: ResetPeriodConfiguration | None = None


class FeatureEntitlement(StiggModel):
    typename: str = Field(default="FeatureEntitlement", alias="__typename")
    feature: EntitlementFeature
    is_granted: bool = True
    access_denied_reason: str | None = None
    usage_limit: Number | None = None
    current_usage: Number | None = None
    has_unlimited_usage: bool = False
    has_soft_limit: bool | None = None
    enum_values: list[str] | None = None
    entitlement_updated_at: UtcDatetime | None = None
    usage_updated_at: UtcDatetime | None = None
    usage_period_anchor: UtcDatetime | None = None
    usage_period_start: UtcDatetime | None = None
    usage_period_end: UtcDatetime | None = None
    reset_period: EntitlementResetPeriod | None = None
    reset_period_configuration: ResetPeriodConfiguration | None = None
    credit_rate: CreditRate | None = None
    valid_until: UtcDatetime | None = None


class CreditCurrency(StiggModel):
    currency_id: str
    display_name: str
    description: str | None = None
    unit_singular: str | None = None
    unit_plural: str | None = None
    additional_meta_data: Any = None


class CreditEntitlement(StiggModel):
    typename: str = Field(default="CreditEntitlement", alias="__typename")
    currency: CreditCurrency
    is_granted: bool = True
    access_denied_reason: str | None = None
    usage_limit: Number | None = None
    current_usage: Number | None = None
    has_soft_limit: bool | None = None
    usage_updated_at: UtcDatetime | None = None
    entitlement_updated_at: UtcDatetime | None = None
    usage_period_end: UtcDatetime | None = None
    valid_until: UtcDatetime | None = None


class UnknownEntitlement(StiggModel):
    """An ``entitlementsV2`` member of a kind this library does not know yet; views skip it."""

    typename: str | None = Field(default=None, alias="__typename")


def _guess_entitlement(value: dict[str, Any]) -> str | None:
    if "currency" in value:
        return "CreditEntitlement"
    if "feature" in value:
        return "FeatureEntitlement"
    return None


EntitlementUnion = Annotated[
    Annotated[FeatureEntitlement, Tag("FeatureEntitlement")] | Annotated[CreditEntitlement, Tag("CreditEntitlement")] | Annotated[UnknownEntitlement, Tag("unknown")],
    Discriminator(typename_discriminator(["FeatureEntitlement", "CreditEntitlement"], _guess_entitlement)),
]
"""A member of ``entitlementsV2``, chosen by ``__typename`` (guessed from its fields when absent)."""


class PromotionalEntitlement(StiggModel):
    display_name: str
    has_unlimited_usage: bool | None = None
    has_soft_limit: bool | None = None
    usage_limit: Number | None = None
    period: PromotionalEntitlementPeriod | None = None
    start_date: UtcDatetime | None = None
    end_date: UtcDatetime | None = None
    description: str | None = None


class BillingInformation(StiggModel):
    email: str | None = None
    name: str | None = None
    default_payment_method_id: str | None = None
    default_payment_method_last4_digits: LooseStr = Field(
        default=None, alias="defaultPaymentMethodLast4Digits"
    )
    default_payment_expiration_month: int | None = None
    default_payment_expiration_year: int | None = None
    default_payment_method_type: PaymentMethodType | None = None


class PortalPalette(StiggModel):
    primary: str | None = None
    text_color: str | None = None
    background_color: str | None = None
    border_color: str | None = None
    current_plan_background: str | None = None
    icons_color: str | None = None
    paywall_background_color: str | None = None


class PortalConfiguration(StiggModel):
    """Widget design made in the Stigg app (spec §4.3)."""

    palette: PortalPalette | None = None
    typography: TypographyConfiguration | None = None
    custom_css: str | None = None


class CustomerPortal(StiggModel):
    """Everything the customer portal shows for one customer."""

    subscriptions: list[CustomerPortalSubscription]
    entitlements: list[LegacyEntitlement] = Field(default_factory=list)
    entitlements_v2: list[EntitlementUnion] = Field(default_factory=list, alias="entitlementsV2")
    promotional_entitlements: list[PromotionalEntitlement] = Field(default_factory=list)
    billing_information: BillingInformation | None = None
    show_watermark: bool = False
    billing_portal_url: str | None = None
    can_upgrade_subscription: bool = False
    configuration: PortalConfiguration | None = None
    resource: CustomerResource | None = None

    @model_validator(mode="before")
    @classmethod
    def _legacy_entitlements(cls, value: Any) -> Any:
        return legacy_entitlements_fallback(value, "entitlementsV2", "entitlements_v2", "entitlements",
                                            "FeatureEntitlement")

    @property
    def active_subscription(self) -> CustomerPortalSubscription | None:
        """The first ``ACTIVE`` subscription (spec §6.2)."""
        return next((s for s in self.subscriptions if s.is_active), None)

    @property
    def trial_subscription(self) -> CustomerPortalSubscription | None:
        """The first ``IN_TRIAL`` subscription (spec §6.2)."""
        return next((s for s in self.subscriptions if s.is_trial), None)

    @property
    def feature_entitlements(self) -> list[FeatureEntitlement]:
        return [e for e in self.entitlements_v2 if isinstance(e, FeatureEntitlement)]

    @property
    def credit_entitlements(self) -> list[CreditEntitlement]:
        return [e for e in self.entitlements_v2 if isinstance(e, CreditEntitlement)]
