"""Paywall: the ``<stigg-paywall>`` element."""

from __future__ import annotations

from typing import Any

from ...clients.remote import PAYWALL_OPERATION
from ...elements import PaywallAttributes, RenderInput, Widget, register_widget
from ...models import PricingType, SubscriptionScheduleType
from ...shapes import Pick, ShapeRule
from ..common import BASE_EVENTS, EVENT_BILLING_PERIOD_CHANGE, EVENT_PLAN_SELECTED
from ._base import (
    ADDONS_SHOWN,
    ANNUALLY,
    BILLING_PERIOD_STATE,
    MONTHLY,
    PAYWALL_WIDGET,
)
from .cards import (
    build_paywall_view,
)

# --------------------------------------------------------------------------- the element
_SHOWN = ("hiddenFromWidgets", "lacks", PAYWALL_WIDGET)
#: The plan cards the table will have, read off the raw answer before Python runs
#: (:mod:`stigg_portal.shapes`): plans not hidden from the paywall, paid ones only with a price
#: (:func:`~.cards.build_paywall_view`, which also drops a paid plan with no price in the period
#: shown first; tests/unit/test_shapes.py keeps the two equal on every fixture).
PAYWALL_PLANS = (
    Pick("paywall.plans", where=(_SHOWN, ("pricingType", "not in", [PricingType.PAID.value]))),
    Pick("paywall.plans", where=(_SHOWN, ("pricingType", "in", [PricingType.PAID.value]),
                                 ("prices", "longer than", 0))),
)


_PAID, _FREE = PricingType.PAID.value, PricingType.FREE.value
_TIERED = ("tiersMode", "not in", [None, ""])
_TOP_UP = ("topUpCustomCurrencyId", "not in", [None, ""])
# Inside one plan card (rules with ``each=PAYWALL_PLANS``): its entitlement rows
# (entitlements.py, _entitlement_rows): the granted entitlements not hidden from the paywall, a
# row for a per-unit price with a quantity range, one for a credit top-up
_CARD_ENTITLEMENTS = Pick("packageEntitlements", where=(("isGranted", "not in", [False]), _SHOWN),
                          fallback="entitlements", fallback_typename="PackageFeatureEntitlement")
_CARD_ROWS = (
    _CARD_ENTITLEMENTS,
    Pick("prices", where=(("maxUnitQuantity", ">", 0), ("billingModel", "not in", ["CREDIT_BASED"])), first=True),
    Pick("prices", where=(("minUnitQuantity", ">", 1), ("maxUnitQuantity", "in", [None, 0]),
                          ("billingModel", "not in", ["CREDIT_BASED"])), first=True),
    Pick("prices", where=(("billingModel", "in", ["PER_UNIT"]), _TOP_UP, _TIERED), first=True),
)
# its add-ons (addons.py, _compatible_addons): none on a free plan, only paid ones on a paid plan
_CARD_ADDONS = (
    Pick("", where=(("pricingType", "in", [_PAID]),),
         then=Pick("compatibleAddons", where=(_SHOWN, ("pricingType", "in", [_PAID])))),
    Pick("", where=(("pricingType", "not in", [_PAID, _FREE]),), then=Pick("compatibleAddons", where=(_SHOWN,))),
)


# the card of the plan a scheduled downgrade leads to: a line about it instead of the button
# (cards.py, _cta; subscription.py, _is_next_plan)
_DOWNGRADE_TARGETS = (Pick("paywall.activeSubscriptions", then=Pick(
    "scheduledUpdates", where=(("subscriptionScheduleType", "in", [SubscriptionScheduleType.DOWNGRADE.value]),))),
    "targetPackage.refId")
_NEXT_PLAN = Pick("", where=(("refId", "in picked", _DOWNGRADE_TARGETS),))
_IN_CUSTOM_PLAN = (Pick("paywall.activeSubscriptions", where=(("plan.pricingType", "in", ["CUSTOM"]),)),
                   Pick("paywall.activeSubscriptions", where=(("pricingType", "in", ["CUSTOM"]),)))


def _per_card(box: str, count: tuple[Pick, ...], **options: Any) -> ShapeRule:
    return ShapeRule(PAYWALL_OPERATION, box, count, each=PAYWALL_PLANS, each_sort="order",
                     within="stigg-paywall-skeleton-plan", **options)


def _priced_in(period: str) -> Pick:
    return Pick("paywall.plans", then=Pick("prices", where=(("billingPeriod", "in", [period]),)))


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
        billing_country_code=attrs.billing_country_code,
        hide_compatible_addons=bool(getattr(attrs, "hide_compatible_addons", False)),
        skeleton_plan_count=getattr(attrs, "skeleton_plan_count", None),
    )
    return {"paywall": view}


@register_widget
class PaywallWidget(Widget):
    """Pricing table / plan picker (upstream ``Paywall``).

    Events: ``stigg-plan-selected`` with ``{plan, intentionType, billingPeriod, customer,
    subscription, billableFeatures, billableCredits, waitUntil}`` when a plan's button is clicked
    (``customer`` is ``null`` on a public pricing table); ``stigg-billing-period-change`` with
    ``{billingPeriod}`` when the period switch changes. UI state kept across re-renders:
    ``billingPeriod``, ``addons-{planId}``, ``tier-{planId}``, ``credits-{planId}``.
    """

    tag = "stigg-paywall"
    summary = "Pricing table: the plans a customer can pick, with prices, entitlements and add-ons."
    attributes_model = PaywallAttributes
    template = "paywall.html"
    loads = ("paywall",)
    events = BASE_EVENTS + (EVENT_PLAN_SELECTED, EVENT_BILLING_PERIOD_CHANGE)
    # stacked on a phone, the plan cards' heights decide where everything below the table stands
    skeleton_shape = (
        ("stigg-period-picker-container", "stigg-skeleton-loader-billing-period"),
        ("stigg-plan-offering-container", "stigg-paywall-skeleton-plan"),
    )
    # a first visit: as many plan cards as the answer has, the period switch only when plans are
    # priced both monthly and annually
    early_shape = (
        ShapeRule(PAYWALL_OPERATION, "stigg-paywall-skeleton-plan", PAYWALL_PLANS, at_most=12),
        ShapeRule(PAYWALL_OPERATION, "stigg-skeleton-loader-billing-period", (Pick("paywall.plans"),), at_most=1,
                  requires=(_priced_in(MONTHLY), _priced_in(ANNUALLY))),
        # the header's rows every card keeps when one card has them (cards.py, build_paywall_view):
        # a description, a price-tier menu, a trial line
        ShapeRule(PAYWALL_OPERATION, "stigg-skeleton-loader-plans-container",
                  (Pick("paywall.plans", where=(("description", "not in", [None, ""]),)),), flag="data-stigg-described"),
        ShapeRule(PAYWALL_OPERATION, "stigg-skeleton-loader-plans-container",
                  (Pick("paywall.plans", then=Pick("prices", where=(_TIERED, ("tiers", "longer than", 0)))),),
                  flag="data-stigg-tiers", unless=_IN_CUSTOM_PLAN),
        ShapeRule(PAYWALL_OPERATION, "stigg-skeleton-loader-plans-container",
                  (Pick("paywall.activeSubscriptions", where=(("status", "in", ["IN_TRIAL"]),)),), flag="data-stigg-trial"),
        # each card: the line about a scheduled downgrade to it, its rows, the title above them,
        # the space above the add-ons when the plan has entitlements of its own, its add-ons (a
        # page of them, "Show more")
        _per_card("stigg-paywall-skeleton-after-button", (_NEXT_PLAN,), flag="data-stigg-scheduled"),
        _per_card("stigg-paywall-skeleton-row", _CARD_ROWS, at_most=12),
        _per_card("stigg-paywall-skeleton-rows-title", (*_CARD_ROWS, Pick("basePlan")), at_most=1),
        _per_card("stigg-paywall-skeleton-addons-gap", (_CARD_ENTITLEMENTS,), at_most=1),
        _per_card("stigg-paywall-skeleton-addons", _CARD_ADDONS, at_most=1),
        _per_card("stigg-paywall-skeleton-addon", _CARD_ADDONS, at_most=ADDONS_SHOWN),
        _per_card("stigg-paywall-skeleton-addons-toggle", _CARD_ADDONS, minus=ADDONS_SHOWN, at_most=1),
    )
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
