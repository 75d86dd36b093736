"""The ``<stigg-paywall>`` element: declaration, every documented class, escaping, demo scenarios."""

from __future__ import annotations

import asyncio
import json
import re
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any

import pytest

from stigg_portal.demo_data import DEMO_SCENARIOS
from stigg_portal.elements import LoadedData, PaywallAttributes, RenderInput, get_widget
from stigg_portal.models import parse_paywall
from stigg_portal.rendering import environment, render_async, render_skeleton
from stigg_portal.texts import resolve_texts
from stigg_portal.views.paywall import PaywallView, PaywallWidget, build_paywall_view, paywall_context

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
TEXTS = resolve_texts(None, {})[0]


def render(view: PaywallView) -> str:
    return environment().get_template("paywall.html").render(paywall=view)


def classes(html: str) -> set[str]:
    return {name for value in re.findall(r'class="([^"]*)"', html) for name in value.split()}


class _Markup(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attributes: set[str] = set()
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes.update(name for name, _ in attrs)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(html: str) -> _Markup:
    parser = _Markup()
    parser.feed(html)
    return parser


def test_widget_declaration() -> None:
    widget = get_widget("stigg-paywall")
    assert widget is PaywallWidget
    assert widget.attributes_model is PaywallAttributes
    assert widget.loads == ("paywall",)
    assert widget.template == "paywall.html"
    assert widget.events == ("stigg-ready", "stigg-error", "stigg-plan-selected", "stigg-billing-period-change")
    for attribute in ("highlighted-plan-id", "preferred-billing-period", "show-only-eligible-plans",
                      "billing-country-code", "skeleton-plan-count", "hide-compatible-addons"):
        assert attribute in widget.observed_attributes()


# --------------------------------------------------------------------------- every class reachable
def _showcase() -> list[str]:
    """Renders that together reach every class the widget declares."""
    tiers = [{"upTo": 5, "unitPrice": {"amount": 10, "currency": "USD"}},
             {"upTo": None, "unitPrice": {"amount": 8, "currency": "USD"}}]
    seats = {"refId": "feature-seats", "displayName": "Seats", "featureUnits": "seat", "featureUnitsPlural": "seats"}
    plans = [
        {"refId": "plan-a", "displayName": "A", "description": "First", "pricingType": "PAID",
         "prices": [{"billingModel": "FLAT_FEE", "billingPeriod": "MONTHLY", "price": {"amount": 10, "currency": "USD"}},
                    {"billingModel": "USAGE_BASED", "billingPeriod": "MONTHLY", "feature": seats,
                     "price": {"amount": 1, "currency": "USD"}},
                    {"billingModel": "FLAT_FEE", "billingPeriod": "ANNUALLY", "price": {"amount": 100, "currency": "USD"}}],
         "entitlements": [{"featureId": "feature-seats", "usageLimit": 3, "feature": seats}],
         "packageEntitlements": [
             {"__typename": "PackageFeatureEntitlement", "featureId": "feature-seats", "usageLimit": 3, "feature": seats},
             {"__typename": "PackageCreditEntitlement", "id": "credits", "amount": 5,
              "customCurrency": {"currencyId": "credits", "displayName": "Credits"}}],
         "compatibleAddons": [{"refId": f"addon-{i}", "displayName": f"Add-on {i}", "pricingType": "PAID"}
                              for i in range(5)]},
        {"refId": "plan-b", "displayName": "B", "pricingType": "PAID",
         "prices": [{"billingModel": "PER_UNIT", "billingPeriod": "MONTHLY", "tiersMode": "VOLUME", "tiers": tiers,
                     "feature": seats},
                    {"billingModel": "PER_UNIT", "billingPeriod": "ANNUALLY", "tiersMode": "VOLUME", "tiers": tiers,
                     "feature": seats}]},
    ]
    paywall = parse_paywall({
        "plans": plans, "customer": {"refId": "c-1"},
        "paywallCalculatedPricePoints": [{"planId": "plan-a", "billingPeriod": "MONTHLY", "amount": 10,
                                          "currency": "USD", "additionalChargesMayApply": True}],
    })
    showcase = build_paywall_view(paywall, now=NOW, texts=TEXTS, billing_period="MONTHLY",
                                  highlighted_plan_id="plan-a", demo_notice=True)
    return [render(showcase), render(build_paywall_view(None, now=NOW, texts=TEXTS))]


def test_every_declared_class_is_reachable() -> None:
    from test_views_paywall import REFERENCE_PLANS, fixture_view

    html = "".join(_showcase() + [render(fixture_view(name)) for name in REFERENCE_PLANS])
    emitted = classes(html)
    for declared in PaywallWidget.css_classes:
        if "{" in declared:
            pattern = re.escape(declared.split("{")[0]) + r"[^\s]+"
            assert any(re.fullmatch(pattern, name) for name in emitted), declared
        else:
            assert declared in emitted, declared


def test_every_emitted_stigg_class_is_declared() -> None:
    """The manifest lists what the markup uses (own helper classes use the stigg-paywall- prefix)."""
    html = "".join(_showcase())
    declared = set(PaywallWidget.css_classes)
    patterns = [re.escape(d.split("{")[0]) + r"\S+" for d in declared if "{" in d]
    for name in classes(html):
        if name.startswith("stigg-paywall-") and name not in declared:
            continue  # internal parts (skeleton bars, spacers, toggles)
        assert name in declared or any(re.fullmatch(p, name) for p in patterns), name


# --------------------------------------------------------------------------- escaping
HOSTILE = '<script>alert(1)</script>"\'><img src=x onerror=alert(1)>'


def test_api_strings_are_escaped_everywhere() -> None:
    feature = {"refId": 'f" onclick="x', "displayName": HOSTILE, "featureUnits": HOSTILE,
               "featureUnitsPlural": HOSTILE}
    plans = [
        {"refId": 'plan" onmouseover="x', "displayName": HOSTILE, "description": HOSTILE, "pricingType": "PAID",
         "prices": [{"billingModel": "PER_UNIT", "billingPeriod": "MONTHLY", "feature": feature,
                     "price": {"amount": 5, "currency": "USD"}}],
         "basePlan": {"refId": "x", "displayName": HOSTILE},
         "entitlements": [{"featureId": "f", "usageLimit": 2, "feature": feature},
                          {"featureId": "g", "displayNameOverride": HOSTILE, "feature": feature}],
         "compatibleAddons": [{"refId": "a<b>", "displayName": HOSTILE, "pricingType": "PAID"}]},
        {"refId": "target", "displayName": "**" + HOSTILE, "pricingType": "FREE"},
    ]
    subscription = {
        "subscriptionId": HOSTILE, "status": "ACTIVE", "plan": plans[0], "prices": [],
        "scheduledUpdates": [{"subscriptionScheduleType": "Downgrade", "scheduledExecutionTime": "2026-12-10T00:00:00Z",
                              "targetPackage": {"refId": "target", "displayName": "**" + HOSTILE}}],
    }
    paywall = parse_paywall({"plans": plans, "activeSubscriptions": [subscription],
                             "customer": {"refId": HOSTILE}, "currency": {"code": "USD", "symbol": "<$>"}})
    texts = resolve_texts(json.dumps({"highlightChip": "<em>New</em>", "paywall": {"monthly": "<u>M</u>"}}), {})[0]
    html = render(build_paywall_view(paywall, now=NOW, texts=texts, highlighted_plan_id='plan" onmouseover="x',
                                     demo_notice=True))
    markup = parse(html)
    for tag in ("script", "img", "em", "u", "b"):
        assert tag not in markup.tags, tag
    assert not {a for a in markup.attributes if a.startswith("on")}
    text = "".join(markup.text)
    assert HOSTILE in text  # shown as text, not dropped
    assert "<em>New</em>" in text and "**" + HOSTILE in text  # a value's ** never turns bold
    assert "<$>0" in text


def test_plan_selected_detail_survives_the_attribute_round_trip() -> None:
    plans = [{"refId": "p'1", "displayName": "It's \"quoted\" </div>", "pricingType": "FREE"}]
    html = render(build_paywall_view(parse_paywall({"plans": plans}), now=NOW, texts=TEXTS))

    class Detail(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.details: list[str] = []

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            self.details.extend(v for k, v in attrs if k == "data-stigg-detail" and v)

    parser = Detail()
    parser.feed(html)
    detail = json.loads(parser.details[0])
    assert detail["plan"]["id"] == "p'1" and detail["plan"]["displayName"] == "It's \"quoted\" </div>"


# --------------------------------------------------------------------------- through the element pipeline
@pytest.mark.parametrize("scenario", DEMO_SCENARIOS)
def test_demo_scenarios_render(scenario: str) -> None:
    result = asyncio.run(render_async("stigg-paywall", {"client": "demo", "scenario": scenario}))
    assert result.status == "ready", result.error
    assert result.html.count("stigg-plan-offering-container") >= 1
    assert "stigg-demo-badge" not in result.html  # client="demo" was asked for explicitly


def test_state_and_attributes_reach_the_view() -> None:
    attrs = {"client": "demo", "scenario": "paid", "highlighted-plan-id": "plan-enterprise"}
    result = asyncio.run(render_async("stigg-paywall", attrs, state={"billingPeriod": "ANNUALLY"}))
    assert 'aria-checked="true"' in result.html
    assert "stigg-plan-enterprise stigg-plan-offering-container stigg-highlighted-plan" in result.html
    preferred = asyncio.run(render_async("stigg-paywall", {"client": "demo", "scenario": "paid",
                                                            "preferred-billing-period": "annual"}))
    assert 'aria-checked="true"' in preferred.html
    eligible = asyncio.run(render_async("stigg-paywall", {"client": "demo", "scenario": "paid",
                                                           "show-only-eligible-plans": ""}))
    assert "stigg-plan-free" not in eligible.html


def test_implicit_demo_shows_the_badge_and_skeleton_is_the_loading_state() -> None:
    result = asyncio.run(render_async("stigg-paywall", {"scenario": "trial"}))
    assert '<span class="stigg-demo-badge">Demo data</span>' in result.html
    skeleton = render_skeleton("stigg-paywall")
    assert "stigg-skeleton-loader-container" in skeleton and "stigg-loading" in skeleton


def _render_input(paywall: Any, **extra: Any) -> RenderInput:
    return RenderInput(attributes=PaywallAttributes(), texts=TEXTS, locale="en-US", now=NOW,
                       data=LoadedData(paywall=paywall, **extra), demo_notice=True)


def test_portal_context_inherits_the_portal() -> None:
    from test_views_paywall import fixture_paywall

    paywall = fixture_paywall("customer-demo")
    standalone = paywall_context(_render_input(paywall), in_portal=False)["paywall"]
    embedded = paywall_context(_render_input(paywall), in_portal=True)["paywall"]
    assert standalone.demo_notice and not embedded.demo_notice
    assert "stigg-paywall-in-portal" in render(embedded)
    # The element itself knows it is the portal's Plans section when portal data came along.
    assert PaywallWidget().context(_render_input(paywall, portal=object()))["paywall"].in_portal
    assert not PaywallWidget().context(_render_input(paywall))["paywall"].in_portal


def test_paywall_css_has_zero_specificity_selectors_only() -> None:
    from pathlib import Path

    css = (Path(__file__).resolve().parents[2] / "css" / "paywall.css").read_text(encoding="utf-8")
    text = re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL)
    selectors = [b.strip() for b in re.findall(r"([^{}]+)\{[^{}]*\}", text)]
    assert selectors
    for selector in selectors:
        if selector.startswith(("from", "to", "@")):
            continue
        for part in re.split(r",(?![^(]*\))", selector):
            assert part.strip().startswith(":where("), part
    assert "!important" not in text
