"""``<stigg-usage>``: usage of metered features and credits (spec §6.4, §6.5).

Where the numbers come from (a deliberate difference from upstream): upstream 10.16.0 reads a
feature's usage from the ACTIVE subscription's invoice preview (``previewNextInvoice.lines``), shows
0 for any feature that has no line there (unpriced features usually have none) and "Usage
unavailable" for every feature of a paid subscription whose preview is missing (spec §6.4 step 5,
§9.6). Here every card shows the entitlement's own ``currentUsage``, which Stigg keeps for every
metered feature whether or not it is billed, so a customer never sees "0 of 100" for seats they use
or loses all usage numbers when the billing provider cannot preview an invoice. Only an entitlement
that has no ``currentUsage`` at all shows ``usageUnavailable``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from ..clients.remote import PORTAL_OPERATION
from ..elements import RenderInput, Widget, register_widget
from ..formatting import format_date, format_number
from ..models import (
    BillingModel,
    CreditEntitlement,
    CustomerPortal,
    EntitlementResetPeriod,
    FeatureEntitlement,
    MeterType,
    SubscriptionPrice,
)
from ..shapes import Pick, ShapeRule
from ..texts import format_text
from .common import (
    BASE_EVENTS,
    EVENT_BUY_MORE,
    EVENT_MANAGE,
    SHARED_CLASSES,
    UPGRADE_PLAN,
    WARNING_PERCENT,
    Action,
    PortalOptions,
    ProgressBar,
    StateToggle,
    as_utc,
    is_custom_priced,
    manage_action,
    plain,
    progress_status,
    section_context,
    title_with_units,
    usage_percent,
)

#: Cards shown before "Show more" (spec §6.4 step 4).
PAGE_SIZE = 6
#: ``render.state`` key of the Show more / Show less toggle.
SHOW_ALL_STATE = "usageShowAll"
#: The usage section's items read off the raw answer, before Python runs: the filters of
#: :func:`usage_entitlements` (metered features without a zero limit, credits with a positive one),
#: written as data for the loader's first-visit skeleton (:mod:`stigg_portal.shapes`;
#: tests/unit/test_shapes.py keeps the two equal on every fixture).
USAGE_ITEMS = (
    Pick("customerPortal.entitlementsV2", fallback="customerPortal.entitlements",
         fallback_typename="FeatureEntitlement",
         where=(("__typename", "in", ["FeatureEntitlement"]),
                ("feature.meterType", "in", [MeterType.FLUCTUATING.value, MeterType.INCREMENTAL.value]),
                ("usageLimit", "!=", 0))),
    Pick("customerPortal.entitlementsV2",
         where=(("__typename", "in", ["CreditEntitlement"]), ("usageLimit", ">", 0))),
)


_FEATURES, _CREDITS = USAGE_ITEMS
#: The items whose card has a footer line (:func:`reset_line`, :func:`refresh_line`): an unlimited
#: feature ("In current billing period"); a limited one with its usage, a reset period the views word
#: and a period end; a credit with a period end. (A period end already past has none, which the rule,
#: with no clock, does not see: tests/unit/test_shapes.py lists it.)
USAGE_FOOTERS = (
    replace(_FEATURES, where=(*_FEATURES.where, ("hasUnlimitedUsage", "in", [True]))),
    replace(_FEATURES, where=(*_FEATURES.where, ("hasUnlimitedUsage", "not in", [True]),
                              ("currentUsage", "not in", [None]), ("usageLimit", "not in", [None]),
                              ("resetPeriod", "in", [EntitlementResetPeriod.MONTH.value, EntitlementResetPeriod.WEEK.value,
                                                     EntitlementResetPeriod.DAY.value, EntitlementResetPeriod.HOUR.value]),
                              ("usagePeriodEnd", "not in", [None]))),
    replace(_CREDITS, where=(*_CREDITS.where, ("usagePeriodEnd", "not in", [None]))),
)


@dataclass(frozen=True)
class UsageFigures:
    """The numbers of one feature's usage, decided once for cards and charge rows."""

    usage: float
    limit: float | None
    unlimited: bool
    unavailable: bool
    percent: int
    status: str
    over_limit: bool


@dataclass(frozen=True)
class UsageItem:
    """One card of the usage grid (a feature or a credit currency)."""

    kind: str  # "feature" | "credit"
    key: str  # feature refId or credit currencyId, raw (used in the cell class)
    cell_class: str
    title: str
    value: str
    over_limit: bool
    unavailable: bool
    priced: bool
    price_tooltip: str | None
    bar: ProgressBar
    action: Action | None
    footer: str | None
    bar_prefix: str  # stigg-feature-usage-progress-bar | stigg-credit-usage-progress-bar


@dataclass(frozen=True)
class UsageView:
    """The usage section: its title, the cards to show and the Show more toggle."""

    visible: bool
    title: str
    items: tuple[UsageItem, ...]
    total: int
    toggle: StateToggle | None
    many: bool  # more than two items: three per row on wide screens


def feature_figures(entitlement: FeatureEntitlement) -> UsageFigures:
    """Usage, limit, percentage and bar status of a feature entitlement (see module docstring)."""
    unlimited = bool(entitlement.has_unlimited_usage)
    unavailable = entitlement.current_usage is None
    usage = float(entitlement.current_usage or 0)
    limit = entitlement.usage_limit
    percent = 0 if unlimited or unavailable else usage_percent(usage, limit)
    over = not unlimited and not unavailable and limit is not None and usage > limit
    return UsageFigures(usage, limit, unlimited, unavailable, percent, progress_status(percent), over)


def credit_figures(entitlement: CreditEntitlement) -> UsageFigures:
    usage = float(entitlement.current_usage or 0)
    limit = float(entitlement.usage_limit or 0)
    percent = usage_percent(usage, limit)
    return UsageFigures(usage, limit, False, False, percent, progress_status(percent), usage > limit)


def priced_features(portal: CustomerPortal) -> dict[str, SubscriptionPrice]:
    """refId -> the ACTIVE subscription's price for that feature, in ``prices`` order."""
    active = portal.active_subscription
    out: dict[str, SubscriptionPrice] = {}
    for price in active.prices if active else []:
        if price.feature is not None and price.price is not None:
            out.setdefault(price.feature.ref_id, price)
    return out


def usage_action(
    portal: CustomerPortal,
    entitlement: FeatureEntitlement,
    figures: UsageFigures,
    priced: bool,
    options: PortalOptions,
    texts: dict[str, Any],
    focus_key: str,
) -> Action | None:
    """Buy more (priced, with ``buy-more``) or Upgrade (at ≥70 %, when upgrades are possible) — §6.5."""
    if is_custom_priced(portal) or figures.unlimited or figures.unavailable or figures.percent < WARNING_PERCENT:
        return None
    if priced:
        if not options.buy_more:
            return None
        detail = {"feature": plain(entitlement.feature), "entitlement": plain(entitlement)}
        return Action(EVENT_BUY_MORE, detail, texts["buyMore"], focus_key)
    if portal.can_upgrade_subscription:
        return manage_action(portal, UPGRADE_PLAN, texts["upgrade"], focus_key)
    return None


def _truncated(seconds: float, unit: float) -> int:
    return int(seconds / unit)


def reset_line(entitlement: FeatureEntitlement, now: datetime, texts: dict[str, Any]) -> str | None:
    """``Resets monthly - in 14 days`` (§6.5): only for limited usage with a period end ahead."""
    figures = feature_figures(entitlement)
    if figures.unlimited or figures.unavailable or entitlement.usage_limit is None:
        return None
    if entitlement.reset_period is None or entitlement.usage_period_end is None:
        return None
    seconds = (as_utc(entitlement.usage_period_end) - as_utc(now)).total_seconds()
    if seconds < 0:
        return None
    period = entitlement.reset_period
    if period == EntitlementResetPeriod.MONTH:
        return format_text(texts["resetsMonthly"], days=_truncated(seconds, 86400))
    if period == EntitlementResetPeriod.WEEK:
        return format_text(texts["resetsWeekly"], days=_truncated(seconds, 86400))
    if period == EntitlementResetPeriod.DAY:
        return format_text(texts["resetsDaily"], hours=_truncated(seconds, 3600))
    if period == EntitlementResetPeriod.HOUR:
        return format_text(texts["resetsHourly"], minutes=_truncated(seconds, 60))
    return None


def refresh_line(end: datetime | None, now: datetime, texts: dict[str, Any], locale: str) -> str | None:
    """``Refreshes in 3 days`` for credits (§6.5): rounded up, only when the end is ahead."""
    if end is None:
        return None
    seconds = (as_utc(end) - as_utc(now)).total_seconds()
    if seconds <= 0:
        return None
    days, hours, minutes = (math.ceil(seconds / unit) for unit in (86400, 3600, 60))
    if texts.get("formatResetPeriod"):
        when = format_text(texts["formatResetPeriod"], date=format_date(end, locale), days=days,
                           hours=hours, minutes=minutes)
    elif days > 1:
        when = format_text(texts["refreshesInDays"], days=days)
    elif hours > 1:
        when = format_text(texts["refreshesInHours"], hours=hours)
    else:
        when = format_text(texts["refreshesInMinutes"], minutes=minutes)
    return format_text(texts["refreshes"], when=when)


def usage_value_text(figures: UsageFigures, texts: dict[str, Any], locale: str, *, compact: bool) -> str:
    """``92 / 100 (92%)`` on cards, ``92 of 100`` in charge rows, just ``3,000`` when unlimited."""
    if figures.unavailable:
        return texts["usageUnavailable"]
    usage = format_number(figures.usage, locale)
    if figures.unlimited or figures.limit is None:
        return usage
    limit = format_number(figures.limit, locale)
    if compact:
        return format_text(texts["usageOfLimit"], usage=usage, limit=limit)
    return format_text(texts["usageWithLimit"], usage=usage, limit=limit, percent=figures.percent)


def progress_bar(figures: UsageFigures, title: str, texts: dict[str, Any]) -> ProgressBar:
    dotted = figures.unlimited or figures.unavailable or figures.limit is None
    label = format_text(texts["usageProgressLabel"], feature=title)
    return ProgressBar(figures.percent, figures.status, dotted, label)


def usage_entitlements(
    portal: CustomerPortal, prices: dict[str, SubscriptionPrice]
) -> tuple[list[FeatureEntitlement], list[CreditEntitlement]]:
    """Metered features (priced ones first, in ``prices`` order; zero limits dropped) and credits
    with a positive limit (§6.4 steps 1–2). ``prices`` is ``priced_features(portal)``."""
    metered = [
        e for e in portal.feature_entitlements
        if e.feature.meter_type in (MeterType.FLUCTUATING, MeterType.INCREMENTAL) and e.usage_limit != 0
    ]
    order = {ref: index for index, ref in enumerate(prices)}
    priced = sorted((e for e in metered if e.feature.ref_id in order), key=lambda e: order[e.feature.ref_id])
    rest = [e for e in metered if e.feature.ref_id not in order]
    credits = [c for c in portal.credit_entitlements if (c.usage_limit or 0) > 0]
    return priced + rest, credits


def feature_item(
    portal: CustomerPortal,
    entitlement: FeatureEntitlement,
    *,
    now: datetime,
    texts: dict[str, Any],
    locale: str,
    options: PortalOptions,
    prices: dict[str, SubscriptionPrice],
) -> UsageItem:
    """One feature's card; ``prices`` is ``priced_features(portal)`` (computed once per view)."""
    feature = entitlement.feature
    price = prices.get(feature.ref_id)
    figures = feature_figures(entitlement)
    title = title_with_units(feature.display_name, feature.feature_units, feature.feature_units_plural)
    tooltip = None
    if price is not None:
        committed = price.billing_model == BillingModel.PER_UNIT
        tooltip = texts["billedForCommittedUsage"] if committed else texts["billedForActualUsage"]
    footer = texts["inCurrentBillingPeriod"] if figures.unlimited else reset_line(entitlement, now, texts)
    return UsageItem(
        kind="feature",
        key=feature.ref_id,
        cell_class=f"stigg-entitlement-usage-{feature.ref_id}",
        title=title,
        value=usage_value_text(figures, texts, locale, compact=False),
        over_limit=figures.over_limit,
        unavailable=figures.unavailable,
        priced=price is not None,
        price_tooltip=tooltip,
        bar=progress_bar(figures, title, texts),
        action=usage_action(portal, entitlement, figures, price is not None, options, texts,
                            f"usage-action-{feature.ref_id}"),
        footer=footer,
        bar_prefix="stigg-feature-usage-progress-bar",
    )


def credit_item(entitlement: CreditEntitlement, *, now: datetime, texts: dict[str, Any], locale: str) -> UsageItem:
    currency = entitlement.currency
    figures = credit_figures(entitlement)
    title = title_with_units(currency.display_name, currency.unit_singular, currency.unit_plural)
    value = format_text(
        texts["usageWithLimit"],
        usage=format_number(figures.usage, locale),
        limit=format_number(figures.limit, locale),
        percent=figures.percent,
    )
    return UsageItem(
        kind="credit",
        key=currency.currency_id,
        cell_class=f"stigg-credit-usage-{currency.currency_id}",
        title=title,
        value=value,
        over_limit=figures.over_limit,
        unavailable=False,
        priced=False,
        price_tooltip=None,
        bar=progress_bar(figures, title, texts),
        action=None,
        footer=refresh_line(entitlement.usage_period_end, now, texts, locale),
        bar_prefix="stigg-credit-usage-progress-bar",
    )


def build_usage_view(
    portal: CustomerPortal,
    *,
    now: datetime,
    texts: dict[str, Any],
    locale: str,
    options: PortalOptions | None = None,
    show_all: bool = False,
) -> UsageView:
    """The usage section for one customer; ``visible`` is False when hidden or empty (§6.1)."""
    options = options or PortalOptions()
    prices = priced_features(portal)
    features, credits = usage_entitlements(portal, prices)
    total = len(features) + len(credits)
    toggle = None
    shown = total
    if total > PAGE_SIZE:
        if show_all:
            toggle = StateToggle(SHOW_ALL_STATE, "0", texts["showLess"], "usage-toggle")
        else:
            toggle = StateToggle(SHOW_ALL_STATE, "1", texts["showMore"], "usage-toggle")
            shown = PAGE_SIZE
    # Cards are built only for what is shown: a customer with 1,000 features costs six cards.
    items = [feature_item(portal, e, now=now, texts=texts, locale=locale, options=options, prices=prices)
             for e in features[:shown]]
    items += [credit_item(c, now=now, texts=texts, locale=locale) for c in credits[:max(0, shown - len(features))]]
    visible = total > 0 and not options.is_hidden("usage")
    return UsageView(visible, texts["usageTabTitle"], tuple(items), total, toggle, total > 2)


def usage_context(render: RenderInput, options: PortalOptions) -> UsageView | None:
    """The view for a render (``None`` while loading)."""
    if render.loading:
        return None
    return build_usage_view(
        render.data.portal,
        now=render.now,
        texts=render.texts,
        locale=render.locale,
        options=options,
        show_all=render.state.get(SHOW_ALL_STATE) == "1",
    )


USAGE_CLASSES = (
    "stigg-subscription-usage-layout",
    "stigg-customer-portal-usage-section-title",
    "stigg-subscription-usage-skeleton-layout",
    "stigg-entitlement-usage-{feature.refId}",
    "stigg-credit-usage-{currency.currencyId}",
    "stigg-credit-usage-container",
    "stigg-credit-usage-title",
    "stigg-credit-usage-value",
    "stigg-credit-usage-progress-bar",
    "stigg-credit-usage-progress-bar-standard",
    "stigg-credit-usage-progress-bar-warning",
    "stigg-credit-usage-progress-bar-error",
    "stigg-feature-usage-progress-bar",
    "stigg-feature-usage-progress-bar-standard",
    "stigg-feature-usage-progress-bar-warning",
    "stigg-feature-usage-progress-bar-error",
    "stigg-usage-progress-bar",
    "stigg-usage-progress-bar-standard",
    "stigg-usage-progress-bar-warning",
    "stigg-usage-progress-bar-error",
    "stigg-usage-toggle-many-button",
    "stigg-usage-card",
    "stigg-usage-card-title",
    "stigg-usage-card-value",
    "stigg-usage-card-footer",
    "stigg-usage-action-button",
    "stigg-usage-grid",
    "stigg-usage-cell",
    "stigg-usage-card-row",
    "stigg-usage-card-priced",
    "stigg-usage-card-skeleton",
    "stigg-usage-skeleton-cell",
    "stigg-usage-toggle-skeleton",
    "stigg-usage-footer-skeleton",
    "stigg-usage-over-limit",
    "stigg-usage-unavailable",
    "stigg-usage-priced",
    "stigg-usage-divider",
    "stigg-usage-divider-skeleton",
    "stigg-progress-value",
    "stigg-tooltip",
    "stigg-tooltip-arrow",
)


@register_widget
class UsageWidget(Widget):
    """Usage of metered features and credits, as cards with progress bars."""

    tag = "stigg-usage"
    summary = "Usage of metered features and credits (upstream CustomerUsageData)."
    template = "usage.html"
    loads = ("portal",)
    events = BASE_EVENTS + (EVENT_MANAGE, EVENT_BUY_MORE)
    css_classes = USAGE_CLASSES + SHARED_CLASSES
    early_shape = (
        # no items: no usage section at all
        ShapeRule(PORTAL_OPERATION, "stigg-subscription-usage-layout", USAGE_ITEMS, at_most=1),
        # a card per item, up to a page of them
        ShapeRule(PORTAL_OPERATION, "stigg-usage-skeleton-cell", USAGE_ITEMS, at_most=PAGE_SIZE),
        # three per row on wide screens when there are more than two
        ShapeRule(PORTAL_OPERATION, "stigg-subscription-usage-skeleton-layout", USAGE_ITEMS, minus=2,
                  flag="data-stigg-many"),
        # a footer line on as many cards as will have one (after the cells' rule, which makes the cards)
        ShapeRule(PORTAL_OPERATION, "stigg-usage-footer-skeleton", USAGE_FOOTERS, at_most=PAGE_SIZE),
        # "Show more" under a full page
        ShapeRule(PORTAL_OPERATION, "stigg-usage-toggle-skeleton", USAGE_ITEMS, minus=PAGE_SIZE, at_most=1),
    )

    def context(self, render: RenderInput) -> dict[str, Any]:
        options = PortalOptions.from_attributes(render.attributes)
        return {
            **section_context(render),
            "view": usage_context(render, options),
            "hidden": options.is_hidden("usage"),
        }
