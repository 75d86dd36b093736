"""``<stigg-subscription-overview>``: plan, trial badge, charges, add-ons/promotions tabs, next bill or
contact-support box, and the scheduled-updates banner (spec §6.2, §6.3, §6.6–§6.8).

Choices where upstream shows something a customer would not expect:

- A customer with no ACTIVE or IN_TRIAL subscription (only canceled or expired ones, or none) gets a
  clear empty state ("No active subscription" and a See plans button) instead of upstream's
  never-ending skeleton.
- The scheduled-updates banner lists updates that are still to happen (status Scheduled,
  PendingPayment or one this library does not know); upstream also shows Done, Failed and Canceled
  ones. An update of a kind the banner cannot describe (Addon, Coupon, …) does not produce an empty
  banner.
- Amounts with cents show full cents (see ``formatting``); usage numbers come from the
  entitlements (see ``views.usage``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..clients.remote import PORTAL_OPERATION
from ..elements import RenderInput, Widget, register_widget
from ..formatting import format_date, format_money, format_number
from ..models import (
    BillingModel,
    BillingPeriod,
    CustomerPortal,
    CustomerPortalSubscription,
    PricingType,
    ScheduledUpdate,
    SubscriptionScheduleStatus,
    SubscriptionScheduleType,
    SubscriptionStatus,
)
from ..shapes import Pick, ShapeRule
from ..texts import format_text, rich_text
from .addons import AddonsView, build_addons_view
from .common import (
    BASE_EVENTS,
    EVENT_BUY_MORE,
    EVENT_CANCEL_UPDATES,
    EVENT_CONTACT_SUPPORT,
    EVENT_MANAGE,
    MANAGE_SUBSCRIPTION,
    SHARED_CLASSES,
    UPGRADE_PLAN,
    UPGRADE_TRIAL_PLAN,
    Action,
    PortalOptions,
    ProgressBar,
    StateToggle,
    as_utc,
    feature_entitlements_by_ref,
    is_custom_priced,
    manage_action,
    plain,
    section_context,
    shown_subscription,
)
from .promotions import PromotionsView, build_promotions_view
from .usage import feature_figures, progress_bar, usage_action, usage_value_text

#: ``render.state`` key of the selected tab (``addons`` or ``promotions``).
TAB_STATE = "overviewTab"

Segments = tuple[tuple[str, bool], ...]


@dataclass(frozen=True)
class TrialBadge:
    text: str
    upgrade: Action


@dataclass(frozen=True)
class ChargeRow:
    """A priced metered feature of the ACTIVE subscription (§6.6)."""

    ref_id: str
    name: str
    price: str | None
    value: str
    unavailable: bool
    over_limit: bool
    bar: ProgressBar
    action: Action | None


@dataclass(frozen=True)
class Tab:
    key: str  # addons | promotions
    label: str
    selected: bool
    toggle: StateToggle


@dataclass(frozen=True)
class ContactSupport:
    """The custom-price box: a link (``contact-support-url``), a button (``contact-support``) or text."""

    title: str
    label: str
    url: str | None
    action: Action | None


@dataclass(frozen=True)
class BillBox:
    """The right-hand box: next estimated bill, a no-charge message, or contact support (§6.7)."""

    kind: str  # bill | message | contact | empty
    title: str = ""
    amount: str = ""
    lines: tuple[str, ...] = ()
    message: str = ""
    contact: ContactSupport | None = None


@dataclass(frozen=True)
class ScheduledBanner:
    """The scheduled-updates strip at the top of the card (§6.8)."""

    multiple: bool
    title: Segments = ()
    subtitle: str = ""
    intro: str = ""
    rows: tuple[Segments, ...] = ()
    cancel: Action | None = None


@dataclass(frozen=True)
class OverviewView:
    empty: bool
    title: str
    plan_name: str = ""
    manage: Action | None = None
    empty_title: str = ""
    empty_text: str = ""
    empty_action: Action | None = None
    trial: TrialBadge | None = None
    charges: tuple[ChargeRow, ...] = ()
    tabs: tuple[Tab, ...] = ()
    selected_tab: str | None = None
    addons: AddonsView | None = None
    promotions: PromotionsView | None = None
    bill: BillBox = field(default_factory=lambda: BillBox("empty"))
    scheduled: ScheduledBanner | None = None


# ------------------------------------------------------------------------------------------ trial
def trial_days(trial: CustomerPortalSubscription, now: datetime) -> int:
    """``trialRemainingDays``, or the whole days left in the trial period when it is missing."""
    if trial.trial_remaining_days is not None:
        return max(0, int(trial.trial_remaining_days))
    end = trial.billing_period_range.end if trial.billing_period_range else None
    if end is None:
        return 0
    return max(0, math.ceil((as_utc(end) - as_utc(now)).total_seconds() / 86400))


def build_trial_badge(
    portal: CustomerPortal, main: CustomerPortalSubscription, *, now: datetime, texts: dict[str, Any]
) -> TrialBadge | None:
    trial = portal.trial_subscription
    if trial is None:
        return None
    days = trial_days(trial, now)
    if trial.plan_name != main.plan_name:
        text = format_text(texts["trialDaysRemainingOfPlan"], days=days, planName=trial.plan_name)
    else:
        text = format_text(texts["trialDaysRemaining"], days=days)
    return TrialBadge(text, manage_action(portal, UPGRADE_TRIAL_PLAN, texts["upgradePlan"], "trial-upgrade"))


# ---------------------------------------------------------------------------------------- charges
def build_charges(
    portal: CustomerPortal, *, texts: dict[str, Any], locale: str, options: PortalOptions
) -> tuple[ChargeRow, ...]:
    active = portal.active_subscription
    if active is None:
        return ()
    entitlements = feature_entitlements_by_ref(portal)
    rows = []
    for price in active.prices:
        if price.feature is None or price.price is None:
            continue
        entitlement = entitlements.get(price.feature.ref_id)
        if entitlement is None:
            continue
        feature = entitlement.feature
        price_text = None
        if price.billing_model != BillingModel.PER_UNIT:
            block = price.block_size
            units = (price.feature.feature_units_plural if block else price.feature.feature_units) or ""
            unit = f"{format_number(block, locale)} {units}" if block else units
            price_text = format_text(
                texts["chargePrice"],
                price=format_money(price.price.amount, price.price.currency, locale),
                unit=unit.strip(),
            )
        figures = feature_figures(entitlement)
        name = price.feature.display_name or feature.display_name
        rows.append(
            ChargeRow(
                ref_id=price.feature.ref_id,
                name=name,
                price=price_text,
                value=usage_value_text(figures, texts, locale, compact=True),
                unavailable=figures.unavailable,
                over_limit=figures.over_limit,
                bar=progress_bar(figures, name, texts),
                action=usage_action(portal, entitlement, figures, True, options, texts,
                                    f"charge-action-{price.feature.ref_id}"),
            )
        )
    return tuple(rows)


# ------------------------------------------------------------------------------------------- bill
def _period_word(period: BillingPeriod | None, texts: dict[str, Any]) -> str:
    return texts["periodAnnually"] if period == BillingPeriod.ANNUALLY else texts["periodMonthly"]


def _pending(updates: list[ScheduledUpdate]) -> list[ScheduledUpdate]:
    done = {SubscriptionScheduleStatus.DONE, SubscriptionScheduleStatus.FAILED, SubscriptionScheduleStatus.CANCELED}
    return [u for u in updates if u.schedule_status not in done]


def build_contact_support(
    portal: CustomerPortal, *, texts: dict[str, Any], options: PortalOptions
) -> ContactSupport:
    url = options.contact_support_url
    action = None
    if url is None and options.contact_support:
        action = Action(EVENT_CONTACT_SUPPORT, {"subscription": plain(portal.active_subscription)},
                        texts["contactSupportLink"], "contact-support")
    return ContactSupport(texts["contactSupportTitle"], texts["contactSupportLink"], url, action)


def build_bill_box(
    portal: CustomerPortal,
    main: CustomerPortalSubscription,
    *,
    texts: dict[str, Any],
    locale: str,
    options: PortalOptions,
) -> BillBox:
    """§6.7: free plan, downgrade to free, trial, missing preview, the estimated bill, or contact."""
    if is_custom_priced(portal) or main.pricing_type == PricingType.CUSTOM:
        return BillBox("contact", contact=build_contact_support(portal, texts=texts, options=options))
    if main.pricing_type == PricingType.FREE:
        return BillBox("message", title=texts["noUpcomingBill"], message=texts["freePlanNoCharges"])
    usage_based = any(p.billing_model == BillingModel.USAGE_BASED for p in main.prices)
    to_free = any(
        u.subscription_schedule_type == SubscriptionScheduleType.DOWNGRADE
        and u.target_package is not None
        and u.target_package.pricing_type == PricingType.FREE
        for u in _pending(main.scheduled_updates)
    )
    if to_free and not usage_based:
        return BillBox("message", title=texts["noUpcomingBill"], message=texts["downgradeToFreeNoCharges"])
    if main.status == SubscriptionStatus.IN_TRIAL:
        return BillBox("message", title=texts["noUpcomingBill"],
                       message=format_text(texts["trialNoCharges"], planName=main.plan_name))
    preview = main.preview_next_invoice
    if preview is None:
        return BillBox("message", title=texts["noUpcomingBill"], message=texts["nextBillUnavailable"])
    due = preview.amount_due or preview.total
    if due is None:
        return BillBox("empty")
    lines = []
    period = main.prices[0].billing_period if main.prices else None
    end = main.billing_period_range.end if main.billing_period_range else None
    if period is not None and end is not None:
        key = "billedAnnuallyOn" if period == BillingPeriod.ANNUALLY else "billedMonthlyOn"
        lines.append(format_text(texts[key], date=format_date(end, locale)))
    lines.append(texts["additionalTaxes"])
    return BillBox(
        "bill",
        title=texts["nextEstimatedBill"],
        amount=format_money(due.amount, due.currency, locale, max_fraction=2),
        lines=tuple(lines),
    )


# -------------------------------------------------------------------------------- scheduled updates
def _unit_feature(main: CustomerPortalSubscription, feature_id: str | None):
    for price in main.prices:
        if price.feature is not None and feature_id and feature_id in (price.feature.id, price.feature.ref_id):
            return price.feature
    return None


def _same_utc_day(a: datetime | None, b: datetime | None) -> bool:
    return a is not None and b is not None and as_utc(a).date() == as_utc(b).date()


def _single_update(
    update: ScheduledUpdate, main: CustomerPortalSubscription, texts: dict[str, Any], locale: str
) -> tuple[Segments, str] | None:
    kind = update.subscription_schedule_type
    variables = update.schedule_variables
    if kind == SubscriptionScheduleType.DOWNGRADE:
        end = main.billing_period_range.end if main.billing_period_range else None
        if _same_utc_day(update.scheduled_execution_time, end) or update.scheduled_execution_time is None:
            when = texts["scheduledAtPeriodEnd"]
        else:
            when = format_text(texts["scheduledOnDate"],
                               date=format_date(update.scheduled_execution_time, locale, long=True))
        name = _target_name(update)
        title = tuple(rich_text(texts["scheduledDowngrade"], planName=name, when=when))
        return title, texts["scheduledDowngradeSubtitle"]
    if kind == SubscriptionScheduleType.BILLING_PERIOD and variables and variables.billing_period:
        period = _period_word(variables.billing_period, texts)
        return tuple(rich_text(texts["scheduledBillingPeriod"], period=period)), ""
    if kind == SubscriptionScheduleType.UNIT_AMOUNT and variables and variables.new_unit_amount is not None:
        feature = _unit_feature(main, variables.feature_id)
        amount = variables.new_unit_amount
        singular = (feature.feature_units if feature else None) or ""
        plural = (feature.feature_units_plural if feature else None) or singular
        units = singular if amount == 1 else plural
        title = tuple(rich_text(texts["scheduledUnitAmount"], quantity=format_number(amount, locale), units=units))
        subtitle = format_text(texts["scheduledUnitAmountSubtitle"], units=singular) if singular else ""
        return title, subtitle
    return None


def _target_name(update: ScheduledUpdate) -> str:
    target = update.target_package
    if target is not None and (target.display_name or target.ref_id):
        return target.display_name or target.ref_id or ""
    variables = update.schedule_variables
    return (variables.downgrade_plan_ref_id or variables.plan_ref_id or "") if variables else ""


def _list_row(
    update: ScheduledUpdate, main: CustomerPortalSubscription, texts: dict[str, Any], locale: str
) -> Segments | None:
    kind = update.subscription_schedule_type
    variables = update.schedule_variables
    if kind == SubscriptionScheduleType.DOWNGRADE:
        return tuple(rich_text(texts["scheduledListDowngrade"], planName=_target_name(update)))
    if kind == SubscriptionScheduleType.BILLING_PERIOD and variables and variables.billing_period:
        to_period = variables.billing_period
        from_period = BillingPeriod.MONTHLY if to_period == BillingPeriod.ANNUALLY else BillingPeriod.ANNUALLY
        return tuple(rich_text(texts["scheduledListBillingPeriod"], fromPeriod=_period_word(from_period, texts),
                               toPeriod=_period_word(to_period, texts)))
    if kind == SubscriptionScheduleType.UNIT_AMOUNT and variables and variables.new_unit_amount is not None:
        feature = _unit_feature(main, variables.feature_id)
        if feature is None:
            return None
        amount = variables.new_unit_amount
        singular = feature.feature_units or ""
        unit = singular if amount == 1 else (feature.feature_units_plural or singular)
        return tuple(rich_text(texts["scheduledListUnitAmount"], units=singular or feature.display_name or "",
                               quantity=format_number(amount, locale), unit=unit))
    return None


#: Whether the overview will show a scheduled-update banner, read off the raw answer before Python
#: runs (:mod:`stigg_portal.shapes`): the ACTIVE subscription's pending updates of the kinds the
#: banner words, each with what its sentence needs (:func:`build_scheduled_banner`;
#: tests/unit/test_shapes.py keeps the two equal).
_PENDING = ("scheduleStatus", "not in", [SubscriptionScheduleStatus.DONE.value, SubscriptionScheduleStatus.FAILED.value,
                                         SubscriptionScheduleStatus.CANCELED.value])
SCHEDULED_UPDATES = tuple(
    Pick("customerPortal.subscriptions", where=(("status", "in", [SubscriptionStatus.ACTIVE.value]),), first=True,
         then=Pick("scheduledUpdates", where=(_PENDING, ("subscriptionScheduleType", "in", [kind.value]), *needs)))
    for kind, needs in (
        (SubscriptionScheduleType.DOWNGRADE, ()),
        (SubscriptionScheduleType.BILLING_PERIOD, (("scheduleVariables.billingPeriod", "not in", [None]),)),
        (SubscriptionScheduleType.UNIT_AMOUNT, (("scheduleVariables.newUnitAmount", "not in", [None]),)),
    )
)


#: Whether the overview will have its Add-ons / Promotions tabs: an add-on of a current subscription
#: or a promotional entitlement (:func:`build_overview_view`), ...
OVERVIEW_TABS = (
    Pick("customerPortal.subscriptions", where=(("status", "not in", [SubscriptionStatus.CANCELED.value,
                                                                       SubscriptionStatus.EXPIRED.value]),),
         then=Pick("addons")),
    Pick("customerPortal.promotionalEntitlements"),
)
#: ... when the overview shows a subscription at all (:func:`~.common.shown_subscription`).
SHOWN_SUBSCRIPTION = Pick("customerPortal.subscriptions", where=(
    ("status", "in", [SubscriptionStatus.ACTIVE.value, SubscriptionStatus.IN_TRIAL.value]),))


#: The overview's charge rows (:func:`build_charges`): the ACTIVE subscription's prices of a feature
#: with an amount. (A charge whose feature has no entitlement is left out by the view, which the
#: rule does not see: tests/unit/test_shapes.py lists it.)
CHARGES = Pick(
    "customerPortal.subscriptions", where=(("status", "in", [SubscriptionStatus.ACTIVE.value]),), first=True,
    then=Pick("prices", where=(("feature", "not in", [None]), ("price", "not in", [None]))),
)


#: Whether the overview's next-bill box will show an amount, not a message or the contact box
#: (:func:`build_bill_box`): the ACTIVE subscription is paid, its invoice preview has an amount due
#: or a total, ...
BILL_AMOUNT = tuple(
    Pick("customerPortal.subscriptions", first=True, where=(
        ("status", "in", [SubscriptionStatus.ACTIVE.value]), ("pricingType", "in", [PricingType.PAID.value]),
        (f"previewNextInvoice.{field}", "not in", [None])))
    for field in ("amountDue", "total")
)
#: ... (the contact box instead when the subscription has a custom price; the rule takes the first
#: ACTIVE or IN_TRIAL one that has, the view the shown one) ...
CONTACT = Pick("customerPortal.subscriptions", first=True, where=(
    ("status", "in", [SubscriptionStatus.ACTIVE.value, SubscriptionStatus.IN_TRIAL.value]),
    ("pricingType", "in", [PricingType.CUSTOM.value])))
#: The trial badge (:func:`build_trial_badge`): a subscription in trial.
TRIAL = Pick("customerPortal.subscriptions", first=True, where=(
    ("status", "in", [SubscriptionStatus.IN_TRIAL.value]),))
#: ... and no pending downgrade to a free plan makes the bill go away (unless the plan is billed by
#: usage, which the rule does not see: tests/unit/test_shapes.py lists it).
DOWNGRADE_TO_FREE = Pick(
    "customerPortal.subscriptions", where=(("status", "in", [SubscriptionStatus.ACTIVE.value]),), first=True,
    then=Pick("scheduledUpdates", where=(
        _PENDING, ("subscriptionScheduleType", "in", [SubscriptionScheduleType.DOWNGRADE.value]),
        ("targetPackage.pricingType", "in", [PricingType.FREE.value]))),
)


def build_scheduled_banner(
    portal: CustomerPortal, *, texts: dict[str, Any], locale: str, options: PortalOptions
) -> ScheduledBanner | None:
    """The banner for the ACTIVE subscription's pending updates (§6.8), or ``None``."""
    active = portal.active_subscription
    if active is None:
        return None
    updates = _pending(active.scheduled_updates)
    cancel = None
    if options.cancel_scheduled_updates:
        cancel = Action(EVENT_CANCEL_UPDATES, {"subscription": plain(active)},
                        texts["cancelScheduledUpdatesButtonTitle"], "cancel-scheduled-updates")
    if len(updates) == 1:
        single = _single_update(updates[0], active, texts, locale)
        if single is None:
            return None
        return ScheduledBanner(False, title=single[0], subtitle=single[1], cancel=cancel)
    rows = tuple(row for row in (_list_row(u, active, texts, locale) for u in updates) if row)
    if not rows:
        return None
    return ScheduledBanner(True, intro=texts["scheduledUpdatesIntro"], rows=rows, cancel=cancel)


# ------------------------------------------------------------------------------------------- view
def build_overview_view(
    portal: CustomerPortal,
    *,
    now: datetime,
    texts: dict[str, Any],
    locale: str,
    options: PortalOptions | None = None,
    selected_tab: str | None = None,
) -> OverviewView:
    """The overview card for one customer."""
    options = options or PortalOptions()
    main = shown_subscription(portal)
    if main is None:
        return OverviewView(
            empty=True,
            title=texts["subscriptionTitle"],
            empty_title=texts["noSubscriptionTitle"],
            empty_text=texts["noSubscriptionDescription"],
            empty_action=manage_action(portal, UPGRADE_PLAN, texts["viewPlans"], "view-plans"),
        )
    addons = build_addons_view(portal, texts=texts, locale=locale, options=options)
    promotions = build_promotions_view(portal, texts=texts, locale=locale, options=options)
    shown = [key for key, view in (("addons", addons), ("promotions", promotions)) if view.visible]
    selected = selected_tab if selected_tab in shown else (shown[0] if shown else None)
    labels = {"addons": texts["addonsTabTitle"], "promotions": texts["promotionsTabTitle"]}
    tabs = tuple(
        Tab(key, labels[key], key == selected, StateToggle(TAB_STATE, key, labels[key], f"overview-tab-{key}"))
        for key in shown
    )
    manage = None
    if not is_custom_priced(portal):
        manage = manage_action(portal, MANAGE_SUBSCRIPTION, texts["manageSubscription"], "manage-subscription")
    return OverviewView(
        empty=False,
        title=texts["subscriptionTitle"],
        plan_name=format_text(texts["planName"], planName=main.plan_name),
        manage=manage,
        trial=build_trial_badge(portal, main, now=now, texts=texts),
        charges=build_charges(portal, texts=texts, locale=locale, options=options),
        tabs=tabs,
        selected_tab=selected,
        addons=addons,
        promotions=promotions,
        bill=build_bill_box(portal, main, texts=texts, locale=locale, options=options),
        scheduled=build_scheduled_banner(portal, texts=texts, locale=locale, options=options),
    )


def overview_context(render: RenderInput, options: PortalOptions) -> OverviewView | None:
    if render.loading:
        return None
    return build_overview_view(
        render.data.portal,
        now=render.now,
        texts=render.texts,
        locale=render.locale,
        options=options,
        selected_tab=render.state.get(TAB_STATE),
    )


OVERVIEW_CLASSES = (
    "stigg-customer-portal-subscriptions-overview",
    "stigg-subscription-overview-skeleton-layout",
    "stigg-scheduled-updates-alert-container",
    "stigg-scheduled-updates-icon",
    "stigg-scheduled-updates-content",
    "stigg-scheduled-updates-title",
    "stigg-scheduled-updates-subtitle",
    "stigg-scheduled-updates-description",
    "stigg-scheduled-updates-arrow-down",
    "stigg-scheduled-updates-cancel-update-button",
    "stigg-scheduled-updates-cancel-update-button-icon",
    "stigg-overview-layout",
    "stigg-overview-main",
    "stigg-customer-portal-overview-header",
    "stigg-overview-title",
    "stigg-manage-subscription-button",
    "stigg-manage-subscription-button-image",
    "stigg-manage-subscription-button-text",
    "stigg-subscription-view-layout",
    "stigg-subscription-plan-name",
    "stigg-subscription-trial-badge",
    "stigg-subscription-trial-badge-image",
    "stigg-subscription-trial-badge-text",
    "stigg-subscription-trial-upgrade-button",
    "stigg-charge-list",
    "stigg-charge-list-item",
    "stigg-charge-list-item-{feature.refId}",
    "stigg-charge-name",
    "stigg-charge-price",
    "stigg-charge-value",
    "stigg-feature-usage-progress-bar",
    "stigg-feature-usage-progress-bar-standard",
    "stigg-feature-usage-progress-bar-warning",
    "stigg-feature-usage-progress-bar-error",
    "stigg-usage-action-button",
    "stigg-overview-tabs",
    "stigg-overview-tab",
    "stigg-overview-tab-panel",
    "stigg-addons-list-layout",
    "stigg-addon-list-item-text",
    "stigg-promotions-layout",
    "stigg-promotions-subtitle",
    "stigg-promotions-table",
    "stigg-subscription-total-price-layout",
    "stigg-next-bill-title",
    "stigg-next-bill-amount",
    "stigg-next-bill-line",
    "stigg-contact-support-layout",
    "stigg-contact-support-label",
    "stigg-contact-support-button",
    "stigg-contact-support-text",
    "stigg-overview-empty",
    "stigg-overview-empty-text",
    "stigg-view-plans-button",
    "stigg-has-scheduled-updates",
    "stigg-scheduled-updates-multiple",
    "stigg-scheduled-updates-cancel-button",
    "stigg-overview-tab-list",
    "stigg-overview-tab-selected",
    "stigg-charge-row",
    "stigg-charge-side",
    "stigg-bill-{kind}",
    "stigg-bill-skeleton",
    "stigg-scheduled-updates-skeleton",
    "stigg-overview-tabs-skeleton",
    "stigg-charge-list-skeleton",
    "stigg-trial-badge-skeleton",
    "stigg-overview-empty-skeleton",
    "stigg-charge-skeleton",
    "stigg-usage-divider",
    "stigg-usage-over-limit",
    "stigg-usage-unavailable",
    "stigg-progress-value",
)


@register_widget
class SubscriptionOverviewWidget(Widget):
    """The subscription card: plan, trial, charges, add-ons and promotions, next bill, scheduled updates."""

    tag = "stigg-subscription-overview"
    summary = "Subscription card: plan, trial badge, tabs, next bill, scheduled updates (upstream SubscriptionsOverview)."
    template = "subscription-overview.html"
    loads = ("portal",)
    events = BASE_EVENTS + (EVENT_MANAGE, EVENT_CONTACT_SUPPORT, EVENT_CANCEL_UPDATES, EVENT_BUY_MORE)
    css_classes = OVERVIEW_CLASSES + SHARED_CLASSES
    # the banner's skeleton shows when the answer has a pending update the banner words
    early_shape = (
        ShapeRule(PORTAL_OPERATION, "stigg-scheduled-updates-skeleton", SCHEDULED_UPDATES, at_most=1),
        ShapeRule(PORTAL_OPERATION, "stigg-overview-tabs-skeleton", OVERVIEW_TABS, at_most=1,
                  requires=(SHOWN_SUBSCRIPTION,)),
        # a row per charge (a dozen at most: the box is cloned)
        ShapeRule(PORTAL_OPERATION, "stigg-charge-list-skeleton", (CHARGES,), at_most=1),
        ShapeRule(PORTAL_OPERATION, "stigg-charge-skeleton", (CHARGES,), at_most=12),
        # the next-bill box's skeleton as tall as an amount's box, or as a message's
        ShapeRule(PORTAL_OPERATION, "stigg-bill-skeleton", BILL_AMOUNT, at_most=1, flag="data-stigg-bill-amount",
                  unless=(DOWNGRADE_TO_FREE,)),
        ShapeRule(PORTAL_OPERATION, "stigg-bill-skeleton", (SHOWN_SUBSCRIPTION,), flag="data-stigg-bill-known"),
        ShapeRule(PORTAL_OPERATION, "stigg-bill-skeleton", (CONTACT,), at_most=1, flag="data-stigg-bill-contact"),
        # no subscription to show: the overview's empty state, with its text and button and no next-bill box
        ShapeRule(PORTAL_OPERATION, "stigg-bill-skeleton", (SHOWN_SUBSCRIPTION,), at_most=1),
        ShapeRule(PORTAL_OPERATION, "stigg-overview-empty-skeleton", (Pick("customerPortal"),), at_most=1,
                  unless=(SHOWN_SUBSCRIPTION,)),
        # the trial badge under the plan's name
        ShapeRule(PORTAL_OPERATION, "stigg-trial-badge-skeleton", (TRIAL,), at_most=1),
    )

    def context(self, render: RenderInput) -> dict[str, Any]:
        options = PortalOptions.from_attributes(render.attributes)
        return {**section_context(render), "view": overview_context(render, options)}
