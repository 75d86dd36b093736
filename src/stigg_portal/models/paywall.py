"""Models of the ``paywall`` answer of ``GetPaywall`` (spec Appendix B, ``gql_paywall.graphql``)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Discriminator, Field, Tag, model_validator

from .common import (
    CreditRate,
    CustomerResource,
    LooseStr,
    Money,
    Number,
    ScheduledUpdate,
    StiggModel,
    TypographyConfiguration,
    UtcDatetime,
    legacy_entitlements_fallback,
    typename_discriminator,
)
from .enums import (
    Alignment,
    BillingCadence,
    BillingModel,
    BillingPeriod,
    EntitlementResetPeriod,
    FeatureType,
    MeterType,
    PaymentMethodType,
    PricingType,
    SubscriptionStatus,
    TiersMode,
)

__all__ = [
    "Addon",
    "AddonDependency",
    "Coupon",
    "CurrencyUnits",
    "CustomCurrency",
    "Customer",
    "CustomerPromotionalEntitlement",
    "CustomerSubscription",
    "EligibleForTrial",
    "ExperimentInfo",
    "LayoutConfiguration",
    "OveragePrice",
    "PackageCreditEntitlement",
    "PackageEntitlement",
    "PackageEntitlementUnion",
    "PackageFeature",
    "PackageFeatureEntitlement",
    "PackageGroup",
    "PackageGroupOptions",
    "PackageRef",
    "Paywall",
    "PaywallConfiguration",
    "PaywallCurrency",
    "PaywallPalette",
    "PaywallPricePoint",
    "Plan",
    "Price",
    "PriceFeature",
    "PriceTier",
    "Product",
    "ProductSettings",
    "SlimCustomer",
    "SubscriptionAddon",
    "SubscriptionInvoice",
    "SubscriptionPriceUsage",
    "SubscriptionTotal",
    "TrialBudget",
    "TrialConfig",
    "TrialConfiguration",
    "TrialedPlan",
    "UnknownPackageEntitlement",
]


class PackageRef(StiggModel):
    """A reference to a plan: ``refId`` and ``displayName``."""

    ref_id: str | None = None
    display_name: str | None = None


class ProductSettings(StiggModel):
    downgrade_plan: PackageRef | None = None


class Product(StiggModel):
    ref_id: str | None = None
    display_name: str | None = None
    description: str | None = None
    additional_meta_data: Any = None
    aws_marketplace_product_id: str | None = None
    product_settings: ProductSettings | None = None


class PackageFeature(StiggModel):
    ref_id: str
    display_name: str
    feature_type: FeatureType | None = None
    meter_type: MeterType | None = None
    feature_units: str | None = None
    feature_units_plural: str | None = None
    description: str | None = None
    additional_meta_data: Any = None


class PackageEntitlement(StiggModel):
    """An item of a plan's or add-on's ``entitlements`` list."""

    feature_id: str | None = None
    feature: PackageFeature | None = None
    usage_limit: Number | None = None
    has_unlimited_usage: bool = False
    has_soft_limit: bool | None = None
    reset_period: EntitlementResetPeriod | None = None
    hidden_from_widgets: list[str] = Field(default_factory=list)
    is_custom: bool | None = None
    display_name_override: str | None = None
    enum_values: list[str] | None = None
    is_granted: bool = True


class PackageFeatureEntitlement(PackageEntitlement):
    typename: str = Field(default="PackageFeatureEntitlement", alias="__typename")
    id: str | None = None
    behavior: str | None = None
    description: str | None = None
    order: Number | None = None


class CurrencyUnits(StiggModel):
    singular: str | None = None
    plural: str | None = None


class CustomCurrency(StiggModel):
    currency_id: str | None = None
    display_name: str | None = None
    symbol: str | None = None
    units: CurrencyUnits | None = None


class DependencyFeature(StiggModel):
    ref_id: str | None = None
    display_name: str | None = None
    description: str | None = None
    feature_type: FeatureType | None = None
    feature_units: str | None = None
    feature_units_plural: str | None = None


class PackageCreditEntitlement(StiggModel):
    typename: str = Field(default="PackageCreditEntitlement", alias="__typename")
    id: str | None = None
    amount: Number | None = None
    behavior: str | None = None
    cadence: str | None = None
    custom_currency_id: str | None = None
    description: str | None = None
    display_name_override: str | None = None
    has_soft_limit: bool | None = None
    hidden_from_widgets: list[str] = Field(default_factory=list)
    is_custom: bool | None = None
    is_granted: bool = True
    order: Number | None = None
    dependency_feature: DependencyFeature | None = None
    custom_currency: CustomCurrency | None = None


class UnknownPackageEntitlement(StiggModel):
    """A ``packageEntitlements`` member of a kind this library does not know yet."""

    typename: str | None = Field(default=None, alias="__typename")


def _guess_package_entitlement(value: dict[str, Any]) -> str | None:
    if "feature" in value or "featureId" in value:
        return "PackageFeatureEntitlement"
    if "customCurrency" in value or "customCurrencyId" in value or "amount" in value:
        return "PackageCreditEntitlement"
    return None


PackageEntitlementUnion = Annotated[
    Annotated[PackageFeatureEntitlement, Tag("PackageFeatureEntitlement")] | Annotated[PackageCreditEntitlement, Tag("PackageCreditEntitlement")] | Annotated[UnknownPackageEntitlement, Tag("unknown")],
    Discriminator(
        typename_discriminator(
            ["PackageFeatureEntitlement", "PackageCreditEntitlement"], _guess_package_entitlement
        )
    ),
]


class PriceTier(StiggModel):
    up_to: Number | None = None
    unit_price: Money | None = None
    flat_price: Money | None = None


class PriceFeature(StiggModel):
    ref_id: str | None = None
    display_name: str | None = None
    feature_units: str | None = None
    feature_units_plural: str | None = None
    description: str | None = None


class OveragePrice(StiggModel):
    """A price charged for usage beyond an entitlement (``OveragePriceFragment``)."""

    billing_model: BillingModel
    billing_period: BillingPeriod
    billing_id: str | None = None
    billing_country_code: str | None = None
    price: Money | None = None
    tiers_mode: TiersMode | None = None
    tiers: list[PriceTier] | None = None
    feature: PriceFeature | None = None


class Price(OveragePrice):
    """A price point of a plan or add-on (``PriceFragment``)."""

    billing_cadence: BillingCadence | None = None
    min_unit_quantity: Number | None = None
    max_unit_quantity: Number | None = None
    credit_rate: CreditRate | None = None
    block_size: Number | None = None
    top_up_custom_currency_id: str | None = None
    custom_currency: CustomCurrency | None = None


class AddonDependency(StiggModel):
    id: str | None = None
    ref_id: str | None = None
    display_name: str | None = None
    description: str | None = None


class Addon(StiggModel):
    id: str | None = None
    ref_id: str
    display_name: str
    billing_id: str | None = None
    description: str | None = None
    additional_meta_data: Any = None
    hidden_from_widgets: list[str] = Field(default_factory=list)
    entitlements: list[PackageEntitlement] = Field(default_factory=list)
    package_entitlements: list[PackageEntitlementUnion] = Field(default_factory=list)
    prices: list[Price] = Field(default_factory=list)
    overage_prices: list[OveragePrice] = Field(default_factory=list)
    pricing_type: PricingType | None = None
    max_quantity: Number | None = None
    dependencies: list[AddonDependency] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _legacy_entitlements(cls, value: Any) -> Any:
        return legacy_entitlements_fallback(value, "packageEntitlements", "package_entitlements", "entitlements",
                                            "PackageFeatureEntitlement")


class PackageGroupOptions(StiggModel):
    min_items: int | None = None
    free_items: int | None = None


class PackageGroup(StiggModel):
    package_group_id: str | None = None
    display_name: str | None = None
    addons: list[Addon] = Field(default_factory=list)
    options: PackageGroupOptions | None = None


class TrialBudget(StiggModel):
    limit: Number | None = None


class TrialConfig(StiggModel):
    duration: Number | None = None
    units: str | None = None
    budget: TrialBudget | None = None
    trial_end_behavior: str | None = None


class Plan(StiggModel):
    id: str | None = None
    ref_id: str
    display_name: str
    description: str | None = None
    billing_id: str | None = None
    version_number: int | None = None
    additional_meta_data: Any = None
    hidden_from_widgets: list[str] = Field(default_factory=list)
    product: Product | None = None
    base_plan: PackageRef | None = None
    entitlements: list[PackageEntitlement] = Field(default_factory=list)
    inherited_entitlements: list[PackageEntitlement] = Field(default_factory=list)
    compatible_addons: list[Addon] = Field(default_factory=list)
    compatible_package_groups: list[PackageGroup] = Field(default_factory=list)
    prices: list[Price] = Field(default_factory=list)
    overage_prices: list[OveragePrice] = Field(default_factory=list)
    pricing_type: PricingType
    default_trial_config: TrialConfig | None = None
    aws_marketplace_plan_dimension: str | None = None
    package_entitlements: list[PackageEntitlementUnion] = Field(default_factory=list)
    inherited_package_entitlements: list[PackageEntitlementUnion] = Field(default_factory=list)
    order: Number | None = None

    @model_validator(mode="before")
    @classmethod
    def _legacy_entitlements(cls, value: Any) -> Any:
        return legacy_entitlements_fallback(value, "packageEntitlements", "package_entitlements", "entitlements",
                                            "PackageFeatureEntitlement")

    def prices_for(self, period: BillingPeriod | str) -> list[Price]:
        """This plan's price points for one billing period."""
        return [p for p in self.prices if p.billing_period == period]


class PaywallCurrency(StiggModel):
    code: str
    symbol: str | None = None


class PaywallPalette(StiggModel):
    primary: str | None = None
    text_color: str | None = None
    background_color: str | None = None
    border_color: str | None = None
    current_plan_background: str | None = None


class LayoutConfiguration(StiggModel):
    alignment: Alignment | None = None
    plan_width: Number | None = None
    plan_margin: Number | None = None
    plan_padding: Number | None = None


class PaywallConfiguration(StiggModel):
    palette: PaywallPalette | None = None
    typography: TypographyConfiguration | None = None
    layout: LayoutConfiguration | None = None
    custom_css: str | None = None


class TrialedPlan(StiggModel):
    product_id: str | None = None
    product_ref_id: str | None = None
    plan_ref_id: str | None = None
    plan_id: str | None = None


class ExperimentInfo(StiggModel):
    id: str | None = None
    name: str | None = None
    group_type: str | None = None
    group_name: str | None = None


class Coupon(StiggModel):
    id: str | None = None
    ref_id: str | None = None
    name: str | None = None
    description: str | None = None
    discount_value: Number | None = None
    percent_off: Number | None = None
    amounts_off: list[Money] | None = None
    type: str | None = None
    status: str | None = None
    additional_meta_data: Any = None
    created_at: UtcDatetime | None = None
    updated_at: UtcDatetime | None = None
    billing_id: str | None = None
    billing_link_url: str | None = None


class EligibleForTrial(StiggModel):
    product_id: str | None = None
    product_ref_id: str | None = None
    eligible: bool = False


class CustomerPromotionalEntitlement(StiggModel):
    status: str | None = None
    usage_limit: Number | None = None
    feature_id: str | None = None
    has_unlimited_usage: bool | None = None
    has_soft_limit: bool | None = None
    reset_period: EntitlementResetPeriod | None = None
    end_date: UtcDatetime | None = None
    is_visible: bool | None = None
    feature: PackageFeature | None = None


class SlimCustomer(StiggModel):
    id: str | None = None
    name: str | None = None
    email: str | None = None
    created_at: UtcDatetime | None = None
    updated_at: UtcDatetime | None = None
    ref_id: str | None = None
    customer_id: str | None = None
    billing_id: str | None = None
    additional_meta_data: Any = None
    aws_marketplace_customer_id: str | None = None


class Customer(SlimCustomer):
    has_payment_method: bool | None = None
    has_active_subscription: bool | None = None
    default_payment_expiration_month: int | None = None
    default_payment_expiration_year: int | None = None
    default_payment_method_last4_digits: LooseStr = Field(
        default=None, alias="defaultPaymentMethodLast4Digits"
    )
    default_payment_method_type: PaymentMethodType | None = None
    default_payment_method_card_brand: str | None = None
    default_payment_method_wallet_type: str | None = None
    trialed_plans: list[TrialedPlan] | None = None
    experiment_info: ExperimentInfo | None = None
    coupon: Coupon | None = None
    eligible_for_trial: list[EligibleForTrial] | None = None
    promotional_entitlements: list[CustomerPromotionalEntitlement] = Field(default_factory=list)


class SubscriptionInvoice(StiggModel):
    billing_id: str | None = None
    status: str | None = None
    created_at: UtcDatetime | None = None
    due_date: UtcDatetime | None = None
    updated_at: UtcDatetime | None = None
    error_message: str | None = None
    requires_action: bool | None = None
    payment_secret: str | None = None
    payment_url: str | None = None
    pdf_url: str | None = None
    billing_reason: str | None = None
    currency: str | None = None
    sub_total: Number | None = None
    sub_total_excluding_tax: Number | None = None
    total: Number | None = None
    total_excluding_tax: Number | None = None
    tax: Number | None = None
    amount_due: Number | None = None
    attempt_count: Number | None = None


class SubscriptionPriceUsage(StiggModel):
    usage_limit: Number | None = None
    price: Price | None = None


class SubscriptionTotal(StiggModel):
    sub_total: Money | None = None
    total: Money | None = None


class SubscriptionAddon(StiggModel):
    id: str | None = None
    quantity: Number = 1
    addon: Addon


class TrialConfiguration(StiggModel):
    trial_end_behavior: str | None = None


class CustomerSubscription(StiggModel):
    """One of the customer's active subscriptions, as the paywall sees it."""

    id: str | None = None
    subscription_id: str
    status: SubscriptionStatus
    plan: Plan
    pricing_type: PricingType | None = None
    ref_id: str | None = None
    paying_customer: SlimCustomer | None = None
    start_date: UtcDatetime | None = None
    end_date: UtcDatetime | None = None
    trial_end_date: UtcDatetime | None = None
    cancellation_date: UtcDatetime | None = None
    effective_end_date: UtcDatetime | None = None
    current_billing_period_end: UtcDatetime | None = None
    additional_meta_data: Any = None
    billing_id: str | None = None
    billing_link_url: str | None = None
    latest_invoice: SubscriptionInvoice | None = None
    payment_collection: str | None = None
    payment_collection_method: str | None = None
    billing_sync_error: str | None = None
    resource: CustomerResource | None = None
    experiment_info: ExperimentInfo | None = None
    prices: list[SubscriptionPriceUsage] = Field(default_factory=list)
    total_price: SubscriptionTotal | None = None
    addons: list[SubscriptionAddon] = Field(default_factory=list)
    scheduled_updates: list[ScheduledUpdate] = Field(default_factory=list)
    future_updates: list[ScheduledUpdate] = Field(default_factory=list)
    trial_configuration: TrialConfiguration | None = None


class PaywallPricePoint(StiggModel):
    plan_id: str | None = None
    additional_charges_may_apply: bool | None = None
    billing_period: BillingPeriod | None = None
    amount: Number | None = None
    currency: str | None = None
    billing_country_code: str | None = None
    feature: PriceFeature | None = None


class Paywall(StiggModel):
    """Plans, add-ons and the customer's subscriptions, as the plan picker needs them."""

    plans: list[Plan]
    currency: PaywallCurrency | None = None
    configuration: PaywallConfiguration | None = None
    customer: Customer | None = None
    active_subscriptions: list[CustomerSubscription] = Field(default_factory=list)
    resource: CustomerResource | None = None
    paywall_calculated_price_points: list[PaywallPricePoint] = Field(default_factory=list)
