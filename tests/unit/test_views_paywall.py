"""The paywall view on the reference customers: what each card shows, as upstream showed it.

The expected texts are the Plans section of ``reference/visible-texts.txt`` (upstream's portal
rendering the same answers); the view must produce the same words in the same order.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, ClassVar

import pytest

from stigg_portal.models import Paywall, parse_paywall
from stigg_portal.rendering import environment
from stigg_portal.texts import resolve_texts
from stigg_portal.views.paywall import IntentionType, PaywallView, build_paywall_view

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
#: The moment the reference screenshots describe (trial ends 2026-12-09T00:00Z: "14 days left").
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
TEXTS = resolve_texts(None, {})[0]

# The Plans section of reference/visible-texts.txt, one upstream text line per item.
REFERENCE_PLANS = {
    "customer-demo": [
        "Monthly", "Annual", "17% off",
        "Next plan", "Free", "For individuals getting started", "$0", "\u200e",
        "Your subscription will be downgraded to the Free plan on December 10th, 2026. Cancel",
        "Includes:", "1,000 API calls per month", "1 seat", "5 GB per month",
        "Pro", "For growing teams", "$49", "/ month, billed monthly", "Current plan",
        "Everything in Free, plus:", "Unlimited API calls", "10 seats", "100 GB per month", "Single sign-on (SSO)",
        "Available add-ons:", "Extra storage", "Priority support",
        "Enterprise", "Custom limits, SLA and dedicated support", "Custom", "\u200e", "Contact us",
        "Everything in Pro, plus:", "Unlimited API calls", "Unlimited seats", "Unlimited GB", "Single sign-on (SSO)",
    ],
    "customer-trial": [
        "Monthly", "Annual", "17% off",
        "Free", "For individuals getting started", "$0", "\u200e", "Downgrade",
        "Includes:", "1,000 API calls per month", "1 seat", "5 GB per month",
        "Pro", "For growing teams", "$40.83", "/ month, billed annually", "Upgrade",
        "14 days left on your free trial",
        "Everything in Free, plus:", "Unlimited API calls", "10 seats", "100 GB per month", "Single sign-on (SSO)",
        "Available add-ons:", "Extra storage", "Priority support",
        "Enterprise", "Custom limits, SLA and dedicated support", "Custom", "\u200e", "Contact us",
        "Everything in Pro, plus:", "Unlimited API calls", "Unlimited seats", "Unlimited GB", "Single sign-on (SSO)",
    ],
    "customer-custom": [
        "Monthly", "Annual", "17% off",
        "Free", "For individuals getting started", "$0", "\u200e",
        "Includes:", "1,000 API calls per month", "1 seat", "5 GB per month",
        "Pro", "For growing teams", "$40.83", "/ month, billed annually",
        "Everything in Free, plus:", "Unlimited API calls", "10 seats", "100 GB per month", "Single sign-on (SSO)",
        "Available add-ons:", "Extra storage", "Priority support",
        "Enterprise", "Custom limits, SLA and dedicated support", "Custom", "\u200e", "Current plan",
        "Everything in Pro, plus:", "Unlimited API calls", "Unlimited seats", "Unlimited GB", "Single sign-on (SSO)",
    ],
}


@cache
def _answer(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))["GetPaywall"]


def fixture_paywall(name: str) -> Paywall:
    return parse_paywall(_answer(name))


def fixture_view(name: str, **options: Any) -> PaywallView:
    options.setdefault("now", NOW)
    options.setdefault("texts", TEXTS)
    return build_paywall_view(fixture_paywall(name), **options)


def render(view: PaywallView) -> str:
    return environment().get_template("paywall.html").render(paywall=view)


class _Text(HTMLParser):
    """Visible text of rendered HTML, with a space where a block element starts or ends."""

    BLOCKS: ClassVar[frozenset[str]] = frozenset({"div", "p", "h3", "li", "ul", "details", "summary"})

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in self.BLOCKS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        self.handle_starttag(tag, ())

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def visible_words(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    return "".join(parser.parts).split()


def card(view: PaywallView, plan_id: str):
    return next(c for c in view.plans if c.id == plan_id)


# --------------------------------------------------------------------------- reference customers
@pytest.mark.parametrize("name", sorted(REFERENCE_PLANS))
def test_reference_customer_shows_upstream_plans_section(name: str) -> None:
    expected = " ".join(REFERENCE_PLANS[name]).split()
    assert visible_words(render(fixture_view(name))) == expected


def test_paid_customer_cards() -> None:
    view = fixture_view("customer-demo")
    assert view.billing_period == "MONTHLY"  # the ACTIVE subscription's period
    assert [c.id for c in view.plans] == ["plan-free", "plan-pro", "plan-enterprise"]
    pro = card(view, "plan-pro")
    assert pro.is_current and "stigg-current-plan" in pro.css_class
    assert (pro.cta.title, pro.cta.disabled) == ("Current plan", True)
    free = card(view, "plan-free")
    assert free.is_next_plan and free.chip_kind == "next" and free.chip_text == "Next plan"
    assert free.cta.intention_type == IntentionType.CANCEL_SCHEDULED_UPDATES
    assert free.cta.title == "Cancel" and not free.cta.disabled
    assert free.cta.schedule_text == [
        ("Your subscription will be downgraded to the ", False),
        ("Free plan", True),
        (" on December 10th, 2026.", False),
    ]
    enterprise = card(view, "plan-enterprise")
    assert (enterprise.cta.title, enterprise.cta.intention_type) == ("Contact us", IntentionType.REQUEST_CUSTOM_PLAN_ACCESS)


def test_trial_customer_cards() -> None:
    view = fixture_view("customer-trial")
    # No ACTIVE subscription and as many monthly as annual prices: annual by default.
    assert view.billing_period == "ANNUALLY"
    pro = card(view, "plan-pro")
    assert pro.is_current
    assert (pro.cta.title, pro.cta.intention_type) == ("Upgrade", IntentionType.UPGRADE_TRIAL_TO_PAID)
    assert pro.trial_text == [("14 days", True), (" left on your free trial", False)]
    free = card(view, "plan-free")
    assert (free.cta.title, free.cta.intention_type) == ("Downgrade", IntentionType.DOWNGRADE_PLAN)
    assert free.trial_text is None and view.with_trial_row


def test_custom_plan_customer_gets_buttons_on_custom_plans_only() -> None:
    view = fixture_view("customer-custom")
    assert card(view, "plan-free").cta is None
    assert card(view, "plan-pro").cta is None
    enterprise = card(view, "plan-enterprise")
    assert enterprise.is_current and enterprise.cta.title == "Current plan" and enterprise.cta.disabled
    html = render(view)
    assert html.count("stigg-paywall-plan-button-placeholder") == 2


def test_reference_classes_are_emitted() -> None:
    """Every paywall class upstream emitted for the reference customers appears in our HTML."""
    html = "".join(render(fixture_view(n)) for n in REFERENCE_PLANS)
    ours = set(re.findall(r'class="([^"]*)"', html))
    ours = {c for value in ours for c in value.split()}
    upstream = {
        "stigg-addons-container", "stigg-annual-period-text", "stigg-compatible-addon--addon-extra-storage",
        "stigg-compatible-addon--addon-priority-support", "stigg-compatible-addon-content",
        "stigg-compatible-addon-icon", "stigg-compatible-addon-item", "stigg-compatible-addon-name",
        "stigg-compatible-addons-container", "stigg-compatible-addons-header", "stigg-compatible-addons-list",
        "stigg-current-plan", "stigg-discount-rate-text", "stigg-entitlement-feature-api-calls",
        "stigg-entitlement-feature-seats", "stigg-entitlement-feature-sso", "stigg-entitlement-feature-storage",
        "stigg-entitlement-name", "stigg-entitlement-row-container", "stigg-entitlement-row-icon",
        "stigg-header-wrapper", "stigg-monthly-period-text", "stigg-paywall-container", "stigg-paywall-layout",
        "stigg-paywall-plan-button", "stigg-paywall-plan-button-layout", "stigg-paywall-plan-button-text",
        "stigg-paywall-plans-layout", "stigg-paywall-schedule-update-text", "stigg-period-picker-container",
        "stigg-period-switch", "stigg-plan-description", "stigg-plan-enterprise", "stigg-plan-entitlements-container",
        "stigg-plan-entitlements-title", "stigg-plan-free", "stigg-plan-header", "stigg-plan-header-divider",
        "stigg-plan-offering-container", "stigg-plan-pro", "stigg-price-billing-period-text", "stigg-price-point",
        "stigg-price-text", "stigg-price-unit-and-billing-period-text", "stigg-price-unit-text",
        "stigg-trial-days-left-text",
    }
    assert upstream <= ours
    # The docs' single-hyphen add-on spelling too (contract: emit both spellings).
    assert "stigg-compatible-addon-addon-extra-storage" in ours


def test_plan_selected_detail_is_plain_json_of_the_contract() -> None:
    view = fixture_view("customer-trial")
    detail = card(view, "plan-pro").cta.detail
    assert set(detail) == {"plan", "intentionType", "billingPeriod", "customer", "subscription", "billableFeatures", "billableCredits"}
    assert detail["plan"]["id"] == "plan-pro" and detail["plan"]["displayName"] == "Pro"
    assert detail["plan"]["pricingType"] == "PAID"
    assert detail["intentionType"] == "UPGRADE_TRIAL_TO_PAID"
    assert detail["billingPeriod"] == "ANNUALLY"
    assert detail["customer"] == {"id": "customer-trial"}
    assert detail["subscription"]["id"] == "sub-customer-trial" and detail["subscription"]["status"] == "IN_TRIAL"
    assert detail["billableFeatures"] == []
    json.dumps(detail)  # plain JSON all the way down


def test_cta_markup_fires_the_contract_event() -> None:
    html = render(fixture_view("customer-demo"))
    buttons = re.findall(r"<button [^>]*>", html)
    assert all('type="button"' in b for b in buttons)
    ctas = [b for b in buttons if "stigg-paywall-plan-button" in b]
    assert len(ctas) == 2  # Pro and Enterprise; Free shows the scheduled-update sentence
    assert all('data-stigg-event="stigg-plan-selected"' in b and "data-stigg-detail='" in b for b in ctas)
    assert [b for b in ctas if " disabled" in b] == [ctas[0]]  # Current plan
    assert 'data-testid="paywall-card-cta-Pro"' in ctas[0]
    cancel = next(b for b in buttons if "stigg-paywall-schedule-update-cancel" in b)
    assert 'data-stigg-event="stigg-plan-selected"' in cancel and "disabled" not in cancel
    assert "CANCEL_SCHEDULED_UPDATES" in cancel.replace("&#34;", '"')


def test_period_switch_is_a_real_switch_carrying_ui_state() -> None:
    html = render(fixture_view("customer-demo"))
    switch = re.search(r'<button [^>]*class="stigg-period-switch"[^>]*>', html).group(0)
    assert 'role="switch"' in switch and 'aria-checked="false"' in switch
    assert 'data-stigg-state="billingPeriod=ANNUALLY"' in switch
    assert 'data-stigg-focus-key="paywall-billing-period"' in switch
    annual = fixture_view("customer-demo", billing_period="ANNUALLY")
    assert annual.period_switch.annual and annual.period_switch.state == "billingPeriod=MONTHLY"
    assert card(annual, "plan-pro").price.price == "$40.83"
    # The current plan in another period: switch the billing period.
    pro = card(annual, "plan-pro")
    assert (pro.cta.title, pro.cta.intention_type) == ("Switch to annual billing", IntentionType.CHANGE_BILLING_PERIOD)
    assert not pro.cta.disabled


def test_unknown_billing_period_state_falls_back_to_the_default() -> None:
    assert fixture_view("customer-demo", billing_period="WEEKLY").billing_period == "MONTHLY"


def test_loading_skeleton_has_three_cards_and_busy_state() -> None:
    view = build_paywall_view(None, now=NOW, texts=TEXTS)
    assert view.loading and view.plans == []
    html = render(view)
    assert html.count('class="stigg-paywall-skeleton-plan"') == 3
    for name in ("stigg-skeleton-loader-container", "stigg-skeleton-loader-billing-period",
                 "stigg-skeleton-loader-plans-container", "stigg-loading"):
        assert name in html
    assert 'aria-busy="true"' in html


def test_demo_badge_only_when_asked() -> None:
    assert "stigg-demo-badge" not in render(fixture_view("customer-demo"))
    html = render(fixture_view("customer-demo", demo_notice=True))
    assert '<span class="stigg-demo-badge">Demo data</span>' in html
