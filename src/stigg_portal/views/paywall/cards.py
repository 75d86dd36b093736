"""Paywall: the plan cards (``build_paywall_view``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from ... import formatting
from ... import theme as theme_module
from ...models import (
    BillingModel,
    CustomerSubscription,
    Paywall,
    PaywallConfiguration,
    Plan,
    Price,
    PricingType,
    ScheduledUpdate,
    SubscriptionScheduleType,
)
from ...texts import format_text, rich_text, text_at
from ._base import (
    ADDONS_SHOWN,
    ANNUALLY,
    BILLING_PERIOD_STATE,
    MONTHLY,
    PAYWALL_WIDGET,
    SKELETON_PLAN_COUNT,
    AddonRow,
    IntentionType,
    PaywallView,
    PeriodSwitchView,
    PlanCardView,
    PlanCtaView,
    PriceView,
    TierOption,
    _class_token,
    _integer,
    _period_text,
    _plain_number,
)
from .addons import (
    _compatible_addons,
)
from .entitlements import (
    _entitlement_rows,
    _entitlements_title,
    _visible_entitlements,
)
from .prices import (
    _credit_pack_choices,
    _credit_pack_price,
    _credit_units_text,
    _is_credit_top_up,
    _plan_prices,
    _quantity_is_free_input,
    _tiered_price,
    _units_text,
    tiers_total,
)
from .subscription import (
    _is_next_plan,
    _is_triable,
    _schedule_text,
    _subscription_period,
    annual_discount_percent,
    available_billing_periods,
    current_subscription,
    default_billing_period,
    trial_days_left,
)


# --------------------------------------------------------------------------- the view
@dataclass
class _Card:
    """One plan with the facts the rules need, before it becomes a ``PlanCardView``."""

    plan: Plan
    order: int
    is_current: bool = False
    is_lower: bool = False
    is_triable: bool = False


@dataclass
class _Context:
    paywall: Paywall
    texts: Mapping[str, Any]
    locale: str
    period: str
    state: Mapping[str, str]
    subscription: CustomerSubscription | None
    on_trial: bool
    trial_days: int | None
    subscription_period: str | None
    in_custom_plan: bool
    has_monthly: bool
    has_annually: bool
    scheduled: ScheduledUpdate | None
    downgrade: ScheduledUpdate | None
    period_change: ScheduledUpdate | None


def _tier_quantity(ctx: _Context, card: _Card, price: Price) -> float:
    """Selected quantity of a plan's tiered price: the UI state, else the subscription's, else a default."""
    quantity = _chosen_tier_quantity(ctx, card, price)
    return int(quantity) if float(quantity).is_integer() else quantity


def _chosen_tier_quantity(ctx: _Context, card: _Card, price: Price) -> float:
    tiers = price.tiers or []
    options = _tier_choices(price)
    chosen = ctx.state.get(_tier_state_key(card.plan))
    if chosen is not None:
        try:
            value = float(chosen)
        except ValueError:
            value = None
        if value is not None and value in options:
            return value
    quantity: float = 1 if _quantity_is_free_input(tiers) else (tiers[0].up_to or 1)
    if card.is_current and ctx.subscription is not None:
        feature = price.feature.ref_id if price.feature else None
        for sub_price in ctx.subscription.prices:
            p = sub_price.price
            if (p is not None and p.billing_model == BillingModel.PER_UNIT and p.tiers_mode
                    and p.feature is not None and p.feature.ref_id == feature):
                quantity = sub_price.usage_limit or 1
                break
    return quantity


def _tier_choices(price: Price) -> list[float]:
    """Quantities the tier selector offers: each tier's upper bound (1 first for per-unit tiers)."""
    bounds = [float(t.up_to) for t in (price.tiers or []) if t.up_to is not None]
    if _quantity_is_free_input(price.tiers or []) and 1.0 not in bounds:
        bounds.insert(0, 1.0)
    return bounds


def _tier_state_key(plan: Plan) -> str:
    return f"tier-{plan.ref_id}"


def _unit_quantity_change(ctx: _Context, card: _Card, selected: dict[str, float]) -> int:
    """-1 / 0 / 1: the selected tier quantity against the subscribed one (0 when nothing to compare)."""
    if ctx.subscription is None:
        return 0
    subscribed = next(
        (sp for sp in ctx.subscription.prices
         if sp.price is not None and sp.price.billing_model == BillingModel.PER_UNIT and sp.price.tiers_mode
         and sp.price.feature is not None),
        None,
    )
    if subscribed is None or subscribed.usage_limit is None:
        return 0
    chosen = selected.get(subscribed.price.feature.ref_id)  # type: ignore[union-attr]
    if chosen is None:
        return 0
    return -1 if chosen < subscribed.usage_limit else (1 if chosen > subscribed.usage_limit else 0)


def _price_view(ctx: _Context, card: _Card, selected: dict[str, float], credits: dict[str, float]) -> PriceView:
    plan, texts, period = card.plan, ctx.texts, ctx.period
    if plan.pricing_type == PricingType.FREE:
        currency = ctx.paywall.currency
        symbol = (currency.symbol if currency else None) or formatting.currency_symbol(currency.code if currency else "USD")
        return PriceView(format_text(text_at(texts, "price.free"), currencySymbol=symbol))
    if plan.pricing_type == PricingType.CUSTOM:
        return PriceView(format_text(text_at(texts, "price.custom"), planName=plan.display_name))
    prices = _plan_prices(plan, period)
    calculated = next(
        (c for c in ctx.paywall.paywall_calculated_price_points if c.plan_id == plan.ref_id and c.billing_period == period),
        None,
    )
    if not plan.prices_for(period) and calculated is None:
        return PriceView(text_at(texts, "price.priceNotSet"))

    monthly_view = ctx.has_monthly
    per_month_of_year = period == ANNUALLY and monthly_view
    period_unit = format_text(
        text_at(texts, "price.pricePeriod"),
        period=_period_text(texts, MONTHLY if monthly_view else ANNUALLY, kind="noun"),
    )
    view = PriceView(price="", unit="")
    if calculated is not None:
        amount, currency = calculated.amount or 0, calculated.currency
    elif prices:
        first = prices[0]
        amount = first.price.amount if first.price is not None else 0
        currency = first.price.currency if first.price is not None else None
    else:
        return view
    amount = amount / 12 if per_month_of_year else amount
    view.unit = period_unit
    for price in prices:
        if price.tiers_mode and price.tiers:
            if _is_credit_top_up(price):  # the chosen credit pack, else the first tier's pack
                quantity = credits.get(price.top_up_custom_currency_id or "", price.tiers[0].up_to or 1)
            else:
                quantity = selected.get(price.feature.ref_id if price.feature else "", 1)
            amount += tiers_total(price, quantity, per_month_of_year=per_month_of_year)
            tier_money = next((t.unit_price or t.flat_price for t in price.tiers if t.unit_price or t.flat_price), None)
            currency = currency or (tier_money.currency if tier_money is not None else None)
    if len(prices) == 1:
        only = prices[0]
        if only.custom_currency is not None and _is_credit_top_up(only):
            units = only.custom_currency.units
            singular, plural = (units.singular, units.plural) if units else (None, None)
        else:
            singular = only.feature.feature_units if only.feature else None
            plural = only.feature.feature_units_plural if only.feature else None
        if only.block_size and only.block_size > 1:
            per = format_text(text_at(texts, "paywall.forBlock"), blockSize=_plain_number(only.block_size),
                              units=plural or singular or "")
        else:
            per = format_text(text_at(texts, "paywall.perUnit"), unit=singular or "")
        if only.billing_model == BillingModel.PER_UNIT and not only.tiers_mode:
            view.unit = f"{per} {period_unit}"
        elif only.billing_model == BillingModel.USAGE_BASED:
            view.unit = per
    view.price = formatting.format_money(amount, currency or "USD", ctx.locale)
    if plan.prices_for(period) and ctx.has_monthly and ctx.has_annually:
        view.billing_period_text = format_text(
            text_at(texts, "price.billingPeriod"), period=_period_text(texts, period, kind="adverb")
        )
    if len(prices) > 1 and calculated is not None and calculated.additional_charges_may_apply:
        view.starting_at_text = text_at(texts, "price.startingAtCaption")
    paid = text_at(texts, "price.paid")
    if paid:
        view.price = format_text(paid, price=view.price, unit=view.unit,
                                 billingPeriod=_period_text(texts, period, kind="adverb"))
    return view


def _tier_selector(ctx: _Context, card: _Card, view: PriceView, price: Price, quantity: float) -> None:
    key = _tier_state_key(card.plan)
    view.tier_state_key = key
    view.tier_text, view.tier_options = _quantity_options(
        ctx, key, quantity, _tier_choices(price), lambda q: _units_text(price, q))


def _quantity_options(ctx: _Context, key: str, quantity: float, choices: list[float],
                      units: Callable[[float], str]) -> tuple[str, list[TierOption]]:
    """The chosen quantity's text and the menu of choices (tiers or credit packs) for ``key``."""
    def text(q: float) -> str:
        return f"{_integer(q, ctx.locale)} {units(q)}".strip()

    return text(quantity), [TierOption(q, text(q), q == quantity, f"{key}={_plain_number(q)}") for q in choices]


def _credit_state_key(plan: Plan) -> str:
    return f"credits-{plan.ref_id}"


def _chosen_credit_pack(ctx: _Context, card: _Card, price: Price) -> float:
    """The credit pack picked in the UI (``credits-{planId}``), else the first one."""
    options = _credit_pack_choices(price)
    chosen = ctx.state.get(_credit_state_key(card.plan))
    try:
        value = float(chosen) if chosen is not None else None
    except ValueError:
        value = None
    quantity = value if value is not None and value in options else options[0]
    return int(quantity) if float(quantity).is_integer() else quantity


def _credit_selector(ctx: _Context, card: _Card, view: PriceView, price: Price, quantity: float) -> None:
    key = _credit_state_key(card.plan)
    view.credit_state_key = key
    view.credit_text, view.credit_options = _quantity_options(
        ctx, key, quantity, _credit_pack_choices(price), lambda q: _credit_units_text(price, q))


def _localized_plans(plans: Sequence[Plan], country: str | None) -> list[Plan]:
    """Each plan with the prices of ``country`` where the answer has them, else its default prices.

    Stigg answers with the country's price book when ``billingCountryCode`` is in the query; an
    answer that carries several books (``fetchAllCountriesPrices``) keeps only the one that applies,
    period by period.
    """
    out = []
    for plan in plans:
        if not any(p.billing_country_code for p in plan.prices):
            out.append(plan)
            continue
        kept = []
        for period in {str(p.billing_period) for p in plan.prices}:
            in_period = [p for p in plan.prices if str(p.billing_period) == period]
            local = [p for p in in_period if country and (p.billing_country_code or "").upper() == country]
            kept += local or [p for p in in_period if not p.billing_country_code] or in_period
        order = {id(p): i for i, p in enumerate(plan.prices)}
        out.append(plan.model_copy(update={"prices": sorted(kept, key=lambda p: order[id(p)])}))
    return out


def _plan_detail(card: _Card, ctx: _Context) -> dict[str, Any]:
    """The plan as plain JSON for ``stigg-plan-selected`` (upstream's plan fields, ``id`` = refId)."""
    plan = card.plan
    trial = plan.default_trial_config
    return {
        "id": plan.ref_id,
        "refId": plan.ref_id,
        "displayName": plan.display_name,
        "description": plan.description,
        "pricingType": str(plan.pricing_type),
        "order": card.order,
        "basePlan": {"id": plan.base_plan.ref_id, "displayName": plan.base_plan.display_name} if plan.base_plan else None,
        "defaultTrialConfig": {"duration": trial.duration, "units": trial.units} if trial else None,
        "product": {"id": plan.product.ref_id, "displayName": plan.product.display_name} if plan.product else None,
        "pricePoints": [
            {
                "billingPeriod": str(p.billing_period),
                "billingModel": str(p.billing_model),
                "amount": p.price.amount if p.price else None,
                "currency": p.price.currency if p.price else None,
                "featureId": p.feature.ref_id if p.feature else None,
            }
            for p in plan.prices
        ],
        "metadata": plan.additional_meta_data,
        "isCurrentCustomerPlan": card.is_current,
        "isLowerThanCurrentPlan": card.is_lower,
        "isTriable": card.is_triable,
        "trialDaysLeft": ctx.trial_days if card.is_current else None,
    }


def _subscription_detail(sub: CustomerSubscription | None) -> dict[str, Any] | None:
    if sub is None:
        return None

    def iso(moment: datetime | None) -> str | None:
        return moment.isoformat().replace("+00:00", "Z") if moment else None

    return {
        "id": sub.subscription_id,
        "status": str(sub.status),
        "planId": sub.plan.ref_id,
        "pricingType": str(sub.pricing_type) if sub.pricing_type else None,
        "billingPeriod": _subscription_period(sub),
        "trialEndDate": iso(sub.trial_end_date),
        "currentBillingPeriodEnd": iso(sub.current_billing_period_end),
        "resourceId": sub.resource.resource_id if sub.resource else None,
    }


def _cta(ctx: _Context, card: _Card, is_next: bool, selected: dict[str, float],
         credits: dict[str, float]) -> PlanCtaView:
    """Title, intention and state of a plan's button (§6.11 CTA rules, §6.8 next plan)."""
    plan, texts = card.plan, ctx.texts

    def button(key: str) -> str:
        return format_text(text_at(texts, f"planCTAButton.{key}"), planName=plan.display_name)

    customer = ctx.paywall.customer
    title = (button("downgrade") if card.is_lower else button("upgrade")) if customer is not None else button("startNew")
    if card.is_lower:
        intention = IntentionType.DOWNGRADE_PLAN
    elif ctx.on_trial:
        intention = IntentionType.UPGRADE_TRIAL_TO_PAID
    else:
        intention = IntentionType.UPGRADE_PLAN
    disabled = False
    if card.is_triable and not card.is_current and not ctx.on_trial:
        duration = plan.default_trial_config.duration if plan.default_trial_config else None
        title = format_text(text_at(texts, "planCTAButton.startTrial"), trialDays=_plain_number(duration),
                            planName=plan.display_name)
        intention = IntentionType.START_TRIAL
    elif card.is_current and not ctx.on_trial:
        if ctx.period == ctx.subscription_period or plan.pricing_type in (PricingType.FREE, PricingType.CUSTOM):
            change = _unit_quantity_change(ctx, card, selected)
            if change < 0:
                title, intention = button("downgrade"), IntentionType.CHANGE_UNIT_QUANTITY
            elif change > 0:
                title, intention = button("upgrade"), IntentionType.CHANGE_UNIT_QUANTITY
            else:
                title, disabled = button("currentPlan"), True
        else:
            title = format_text(text_at(texts, "planCTAButton.switchToBillingPeriod"),
                                period=_period_text(texts, ctx.period, kind="switch"))
            intention = IntentionType.CHANGE_BILLING_PERIOD
    elif plan.pricing_type == PricingType.CUSTOM:
        title = button("custom")
        intention = IntentionType.REQUEST_CUSTOM_PLAN_ACCESS
    schedule_text = None
    if is_next and ctx.scheduled is not None:
        title, intention, disabled = button("cancelScheduledUpdate"), IntentionType.CANCEL_SCHEDULED_UPDATES, False
        schedule_text = _schedule_text(ctx.scheduled, texts, ctx.locale)
    customer_detail = {"id": customer.ref_id or customer.customer_id or customer.id} if customer is not None else None
    detail = {
        "plan": _plan_detail(card, ctx),
        "intentionType": intention,
        "billingPeriod": ctx.period,
        "customer": customer_detail,
        "subscription": _subscription_detail(ctx.subscription),
        "billableFeatures": [{"featureId": k, "quantity": v} for k, v in selected.items()],
        "billableCredits": [{"topUpCustomCurrencyId": k, "quantity": v} for k, v in credits.items()],
    }
    return PlanCtaView(title, intention, disabled, detail, schedule_text)


def _addons(card: _Card, ctx: _Context) -> tuple[list[AddonRow], str | None, str | None]:
    rows = _compatible_addons(card.plan)
    key = f"addons-{card.plan.ref_id}"
    if len(rows) <= ADDONS_SHOWN:
        return rows, None, None
    if ctx.state.get(key) == "all":
        return rows, text_at(ctx.texts, "paywall.showLessAddons"), f"{key}=less"
    hidden = len(rows) - ADDONS_SHOWN
    toggle = format_text(text_at(ctx.texts, "paywall.showMoreAddons"), count=hidden, n=hidden)
    return rows[:ADDONS_SHOWN], toggle, f"{key}=all"


def configuration_style(configuration: PaywallConfiguration | None, theme_json: str | None = None) -> str:
    """``paywall.configuration`` (the Stigg app's paywall design, §4.3) as a ``style`` value.

    Mapped as upstream maps a standalone paywall's configuration; keys the element's ``theme``
    attribute sets are left out, so the page's theme wins over the app's design.
    """
    if configuration is None:
        return ""
    palette = configuration.palette
    # theme.configuration_style reads the portal's palette names; the paywall's background is the paper.
    adapted = SimpleNamespace(
        palette=SimpleNamespace(
            primary=palette.primary, text_color=palette.text_color, border_color=palette.border_color,
            current_plan_background=palette.current_plan_background,
            paywall_background_color=palette.background_color,
        ) if palette is not None else None,
        typography=configuration.typography,
    )
    style = dict(theme_module.configuration_style(adapted, theme_json))
    layout = configuration.layout
    if layout is not None:
        explicit = theme_module.theme_keys(theme_json)
        values: dict[str, str] = {}
        for key, number in (
            ("layout.planMinWidth", layout.plan_width), ("layout.planMaxWidth", layout.plan_width),
            ("layout.planMargin", layout.plan_margin), ("layout.planPadding", layout.plan_padding),
        ):
            if isinstance(number, (int, float)) and number > 0:
                values[key] = f"{number:g}px"
        alignment = {"LEFT": "flex-start", "CENTER": "center", "RIGHT": "flex-end"}.get(str(layout.alignment or ""))
        if alignment:
            for key in ("layout.ctaAlignment", "layout.headerAlignment", "layout.descriptionAlignment"):
                values[key] = alignment
        style.update({theme_module.css_variable(k): v for k, v in values.items() if k not in explicit})
    return "; ".join(f"{name}: {value}" for name, value in style.items())


def build_paywall_view(
    paywall: Paywall | None,
    *,
    now: datetime,
    texts: Mapping[str, Any],
    locale: str = formatting.DEFAULT_LOCALE,
    billing_period: str | None = None,
    preferred_billing_period: str | None = None,
    highlighted_plan_id: str | None = None,
    show_only_eligible_plans: bool = False,
    state: Mapping[str, str] | None = None,
    in_portal: bool = False,
    demo_notice: bool = False,
    theme_json: str | None = None,
    billing_country_code: str | None = None,
    hide_compatible_addons: bool = False,
    skeleton_plan_count: int | None = None,
) -> PaywallView:
    """The paywall for one customer: which plans, in which order, with which prices and buttons.

    ``paywall=None`` gives the loading skeleton. ``billing_period`` is the period the visitor picked
    (ignored unless some plan is priced for it); without it the default period rule applies.
    ``state`` carries other UI choices (``addons-{planId}``, ``tier-{planId}``, ``credits-{planId}``).
    ``billing_country_code`` picks the country's prices when the answer has several price books.
    """
    base = PaywallView(
        loading=paywall is None, in_portal=in_portal, demo_notice=demo_notice,
        demo_badge_text=text_at(texts, "demoBadge"), loading_text=text_at(texts, "loading"),
        skeleton_count=skeleton_plan_count or SKELETON_PLAN_COUNT, billing_country_code=billing_country_code,
    )
    if paywall is None:
        return base
    state = dict(state or {})
    all_plans = _localized_plans(paywall.plans, billing_country_code)
    periods = available_billing_periods(all_plans)
    period = billing_period if billing_period in periods else default_billing_period(
        all_plans, paywall.active_subscriptions, preferred_billing_period
    )
    subscription, on_trial = current_subscription(paywall.active_subscriptions)
    current_plan_id = subscription.plan.ref_id if subscription is not None else None
    updates = subscription.scheduled_updates if subscription is not None else []
    downgrade = next((u for u in updates if u.subscription_schedule_type == SubscriptionScheduleType.DOWNGRADE), None)
    period_change = next(
        (u for u in updates if u.subscription_schedule_type == SubscriptionScheduleType.BILLING_PERIOD), None
    )
    in_custom_plan = subscription is not None and (
        subscription.plan.pricing_type == PricingType.CUSTOM or subscription.pricing_type == PricingType.CUSTOM
    )
    ctx = _Context(
        paywall=paywall, texts=texts, locale=locale, period=period, state=state,
        subscription=subscription, on_trial=on_trial,
        trial_days=trial_days_left(subscription.trial_end_date, now) if on_trial and subscription else None,
        subscription_period=_subscription_period(subscription),
        in_custom_plan=in_custom_plan,
        has_monthly=any(plan.prices_for(MONTHLY) for plan in all_plans),
        has_annually=any(plan.prices_for(ANNUALLY) for plan in all_plans),
        scheduled=downgrade or period_change, downgrade=downgrade, period_change=period_change,
    )

    # Plans in order; the customer's position decides "lower" and eligibility (§6.11).
    indexed = sorted(enumerate(all_plans), key=lambda item: (
        item[1].order if item[1].order is not None else item[0], item[0]))
    cards = [
        _Card(plan, order, is_current=plan.ref_id == current_plan_id, is_triable=_is_triable(plan, paywall))
        for order, (_, plan) in enumerate(indexed)
    ]
    current_order = next((c.order for c in cards if c.is_current), None)
    if current_order is not None:
        for card in cards:
            card.is_lower = current_order > card.order
        if show_only_eligible_plans:
            cards = [c for c in cards if c.order >= current_order]
    cards = [
        c for c in cards
        if (c.plan.pricing_type != PricingType.PAID or c.plan.prices_for(period))
        and (c.is_current or PAYWALL_WIDGET not in (c.plan.hidden_from_widgets or []))
    ]

    selections = {}
    for card in cards:
        tiered = _tiered_price(card.plan, period)
        selections[card.plan.ref_id] = (
            {tiered.feature.ref_id: _tier_quantity(ctx, card, tiered)} if tiered and tiered.feature else {}  # type: ignore[union-attr]
        )
    credit_choices: dict[str, dict[str, float]] = {}
    for card in cards:
        pack = _credit_pack_price(card.plan, period)
        credit_choices[card.plan.ref_id] = (
            {pack.top_up_custom_currency_id: _chosen_credit_pack(ctx, card, pack)}  # type: ignore[dict-item]
            if pack is not None else {}
        )
    with_tiers = not in_custom_plan and any(
        selections[c.plan.ref_id] or credit_choices[c.plan.ref_id] for c in cards)

    views: list[PlanCardView] = []
    for card in cards:
        plan = card.plan
        selected = selections[plan.ref_id]
        credits = credit_choices[plan.ref_id]
        price = _price_view(ctx, card, selected, credits)
        tiered = _tiered_price(plan, period)
        if with_tiers and tiered is not None and selected:
            _tier_selector(ctx, card, price, tiered, next(iter(selected.values())))
        pack = _credit_pack_price(plan, period)
        if with_tiers and pack is not None and credits:
            _credit_selector(ctx, card, price, pack, next(iter(credits.values())))
        is_next = _is_next_plan(plan, period, card.is_current, downgrade, period_change)
        show_cta = not in_custom_plan or plan.pricing_type == PricingType.CUSTOM
        cta = _cta(ctx, card, is_next, selected, credits) if show_cta else None
        rows = _entitlement_rows(plan, period, texts, locale, next(iter(credits.values()), None))
        if hide_compatible_addons:
            addons, toggle_text, toggle_state = [], None, None
        else:
            addons, toggle_text, toggle_state = _addons(card, ctx)
        highlighted = highlighted_plan_id is not None and plan.ref_id == highlighted_plan_id
        if is_next:
            chip_text, chip_kind = text_at(texts, "paywall.nextPlan"), "next"
        elif highlighted and text_at(texts, "highlightChip"):
            chip_text, chip_kind = text_at(texts, "highlightChip"), "highlight"
        else:
            chip_text, chip_kind = None, None
        trial_text = None
        if card.is_current and ctx.trial_days is not None and ctx.trial_days > 0:
            trial_text = rich_text(text_at(texts, "paywall.trialDaysLeft"), days=ctx.trial_days)
        classes = [f"stigg-{_class_token(plan.ref_id)}", "stigg-plan-offering-container"]
        if card.is_current:
            classes.append("stigg-current-plan")
        if highlighted:
            classes.append("stigg-highlighted-plan")
        views.append(PlanCardView(
            id=plan.ref_id,
            display_name=plan.display_name,
            description=plan.description or "",
            css_class=" ".join(classes),
            is_current=card.is_current,
            is_highlighted=highlighted,
            is_next_plan=is_next,
            chip_text=chip_text,
            chip_kind=chip_kind,
            price=price,
            cta=cta,
            trial_text=trial_text,
            entitlements_title=_entitlements_title(plan, bool(rows), texts),
            entitlement_rows=rows,
            addons_title=text_at(texts, "addonsTitle"),
            addons=addons,
            addons_toggle_text=toggle_text,
            addons_toggle_state=toggle_state,
            has_entitlements=bool(_visible_entitlements(plan)),
            test_id=f"paywall-card-cta-{plan.display_name}",
        ))

    switch = None
    if len(periods) > 1:
        discount = annual_discount_percent(all_plans, paywall.paywall_calculated_price_points)
        switch = PeriodSwitchView(
            selected=period,
            monthly_text=text_at(texts, "paywall.monthly"),
            annual_text=text_at(texts, "paywall.annual"),
            discount_text=format_text(text_at(texts, "paywall.discountRate"), percent=discount) if discount else None,
            state=f"{BILLING_PERIOD_STATE}={ANNUALLY if period == MONTHLY else MONTHLY}",
        )

    base.billing_period = period
    base.period_switch = switch
    base.plans = views
    base.show_description = any(p.description for p in all_plans)
    base.with_unit_row = any(v.price.unit for v in views)
    base.with_starting_at_row = any(
        len(c.plan.prices_for(period)) > 1 and any(
            p.plan_id == c.plan.ref_id and p.billing_period == period and p.additional_charges_may_apply
            for p in paywall.paywall_calculated_price_points)
        for c in cards
    )
    base.with_tiers_row = with_tiers
    base.with_trial_row = any(v.trial_text for v in views)
    base.style = "" if in_portal else configuration_style(paywall.configuration, theme_json)
    return base
