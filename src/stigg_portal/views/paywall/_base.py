"""Paywall views: constants, view dataclasses and small helpers shared by the other modules."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ... import formatting
from ...models import (
    BillingPeriod,
)
from ...texts import text_at

MONTHLY = BillingPeriod.MONTHLY.value
ANNUALLY = BillingPeriod.ANNUALLY.value
PAYWALL_WIDGET = "PAYWALL"
#: Add-ons listed before "Show {n} more".
ADDONS_SHOWN = 4
#: Cards in the loading skeleton (upstream ``skeletonPlanCount`` default).
SKELETON_PLAN_COUNT = 3
#: Keeps an empty text line's height, as upstream does (U+200E LEFT-TO-RIGHT MARK).
EMPTY_LINE = "\u200e"
#: ``render.state`` key of the selected billing period (sent by ``data-stigg-state``).
BILLING_PERIOD_STATE = "billingPeriod"

#: A text with bold parts: ``[(text, is_bold), …]`` (``texts.rich_text``).
RichText = list[tuple[str, bool]]


class IntentionType:
    """``SubscribeIntentionType``: why a plan CTA was clicked (``stigg-plan-selected`` detail)."""

    START_TRIAL = "START_TRIAL"
    UPGRADE_TRIAL_TO_PAID = "UPGRADE_TRIAL_TO_PAID"
    REQUEST_CUSTOM_PLAN_ACCESS = "REQUEST_CUSTOM_PLAN_ACCESS"
    CHANGE_BILLING_PERIOD = "CHANGE_BILLING_PERIOD"
    CHANGE_UNIT_QUANTITY = "CHANGE_UNIT_QUANTITY"
    UPGRADE_PLAN = "UPGRADE_PLAN"
    DOWNGRADE_PLAN = "DOWNGRADE_PLAN"
    CANCEL_SCHEDULED_UPDATES = "CANCEL_SCHEDULED_UPDATES"


# --------------------------------------------------------------------------- view dataclasses
@dataclass
class PeriodSwitchView:
    """The Monthly ◯ Annual switch, shown only when plans are priced for both periods."""

    selected: str
    monthly_text: str
    annual_text: str
    discount_text: str | None  # "17% off"; None when no plan is cheaper annually
    state: str  # data-stigg-state of the switch: selects the other period

    @property
    def annual(self) -> bool:
        return self.selected == ANNUALLY

    @property
    def other(self) -> str:
        """The period the switch selects (``stigg-billing-period-change``'s ``billingPeriod``)."""
        return MONTHLY if self.selected == ANNUALLY else ANNUALLY


@dataclass
class TierOption:
    """One choice of the tier selector (``stigg-price-tier-menu-item-text``)."""

    quantity: float
    text: str
    selected: bool
    state: str  # data-stigg-state selecting it


@dataclass
class PriceView:
    price: str
    unit: str = ""
    billing_period_text: str = EMPTY_LINE
    starting_at_text: str = EMPTY_LINE
    tier_text: str | None = None  # "{quantity} {units}" of the selected tier
    tier_options: list[TierOption] = field(default_factory=list)
    tier_state_key: str | None = None
    #: The credit-pack selector (a plan sold with credit packs): same shape as the tier selector.
    credit_text: str | None = None
    credit_options: list[TierOption] = field(default_factory=list)
    credit_state_key: str | None = None


@dataclass
class PlanCtaView:
    title: str
    intention_type: str
    disabled: bool
    detail: dict[str, Any]
    #: The next plan of a scheduled update shows this sentence and a Cancel link instead (§6.8).
    schedule_text: RichText | None = None


@dataclass
class EntitlementRow:
    text: str
    css_class: str


@dataclass
class AddonRow:
    id: str
    display_name: str
    css_class: str


@dataclass
class PlanCardView:
    id: str
    display_name: str
    description: str
    css_class: str
    is_current: bool
    is_highlighted: bool
    is_next_plan: bool
    #: "Next plan" tab (``chip_kind == "next"``) or the highlight chip (``"highlight"``).
    chip_text: str | None
    chip_kind: str | None
    price: PriceView
    cta: PlanCtaView | None  # None: a spacer (customer on a custom plan, §6.3)
    trial_text: RichText | None  # "**14 days** left on your free trial"
    entitlements_title: str
    entitlement_rows: list[EntitlementRow]
    addons_title: str
    addons: list[AddonRow]
    addons_toggle_text: str | None  # "Show 2 more" / "Show less"
    addons_toggle_state: str | None
    has_entitlements: bool
    test_id: str


@dataclass
class PaywallView:
    """Everything ``paywall.html`` shows; built by :func:`build_paywall_view`."""

    loading: bool
    in_portal: bool = False
    demo_notice: bool = False
    demo_badge_text: str = ""
    loading_text: str = ""
    skeleton_count: int = SKELETON_PLAN_COUNT
    #: ``data-stigg-billing-country`` of the table, for pages and tests (``None``: default prices).
    billing_country_code: str | None = None
    billing_period: str = MONTHLY
    period_switch: PeriodSwitchView | None = None
    plans: list[PlanCardView] = field(default_factory=list)
    show_description: bool = False
    with_unit_row: bool = False
    with_starting_at_row: bool = False
    with_tiers_row: bool = False
    with_trial_row: bool = False
    #: CSS custom properties from ``paywall.configuration`` (standalone only), for ``style=``.
    style: str = ""


# --------------------------------------------------------------------------- small helpers
def _period_text(texts: Mapping[str, Any], period: str, *, kind: str) -> str:
    """``monthly``/``annually`` (kind ``adverb``), ``month``/``year`` (``noun``), ``monthly``/``annual`` (``switch``)."""
    keys = {
        "adverb": ("periodMonthly", "periodAnnually"),
        "noun": ("paywall.month", "paywall.year"),
        "switch": ("paywall.switchMonthly", "paywall.switchAnnual"),
    }[kind]
    return text_at(texts, keys[0] if period == MONTHLY else keys[1])


def _integer(value: float, locale: str) -> str:
    """A rounded count with the locale's grouping (``1,000``)."""
    return formatting.format_number(round(value), locale, max_fraction=0)


def _plain_number(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else str(value)


def _class_token(value: str) -> str:
    """An id inside a class name: whitespace would split the class attribute."""
    return re.sub(r"\s+", "-", value.strip())
