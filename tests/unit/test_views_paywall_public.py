"""The paywall as a public pricing table (no customer), with localized prices, credit packs, the
paywall attributes of upstream 10.16.0 (skeleton-plan-count, hide-compatible-addons) and the
portal's hidden-sections="paywall" (issue 12, items 1–3, 6, 7, 10)."""

from __future__ import annotations

import asyncio
import json
import re
from datetime import UTC, datetime
from html import unescape

import pytest
import requests

from stigg_portal.clients import ClientConfig, DemoClient
from stigg_portal.demo_data.pricing import localize_paywall, public_paywall_answer
from stigg_portal.elements import get_widget, parse_attributes
from stigg_portal.mock_api import DEFAULT_API_KEY, start_mock_api
from stigg_portal.models import parse_paywall
from stigg_portal.rendering import render_async, render_skeleton
from stigg_portal.texts import resolve_texts
from stigg_portal.views.paywall import IntentionType, PaywallView, build_paywall_view

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
TEXTS = resolve_texts(None, {})[0]
PUBLIC = {"client": "demo", "scenario": "public"}


def public_view(**options) -> PaywallView:
    return build_paywall_view(parse_paywall(public_paywall_answer(NOW)), now=NOW, texts=TEXTS, **options)


def card(view: PaywallView, plan_id: str):
    return next(c for c in view.plans if c.id == plan_id)


def render(tag: str, attrs: dict, state: dict | None = None):
    return asyncio.run(render_async(tag, attrs, now=NOW, state=state))


def texts_of(html: str, css_class: str) -> list[str]:
    pattern = rf'class="(?:[^"]* )?{re.escape(css_class)}(?: [^"]*)?"[^>]*>([^<]*)<'
    return [unescape(t).strip() for t in re.findall(pattern, html)]


def details(html: str) -> list[dict]:
    return [json.loads(unescape(d)) for d in re.findall(r"data-stigg-event=\"stigg-plan-selected\" "
                                                         r"data-stigg-detail='([^']*)'", html)]


# --------------------------------------------------------------------------- 1. public pricing table
def test_public_table_shows_every_plan_with_prices_entitlements_addons_and_ctas() -> None:
    view = public_view(billing_period="MONTHLY")
    assert [c.id for c in view.plans] == ["plan-free", "plan-pro", "plan-team", "plan-enterprise"]
    assert [c.price.price for c in view.plans] == ["$0", "$59", "$15", "Custom"]  # Pro: $49 + 100-credit pack
    assert all(c.entitlement_rows for c in view.plans)
    assert [a.display_name for a in card(view, "plan-pro").addons] == ["Extra storage", "Priority support"]
    assert all(c.cta is not None and not c.cta.disabled for c in view.plans)
    assert not any(c.is_current for c in view.plans)


def test_visitor_intents_start_trial_subscribe_contact_us_and_customer_null() -> None:
    view = public_view(billing_period="MONTHLY")
    ctas = {c.id: c.cta for c in view.plans}
    assert {k: (v.title, v.intention_type) for k, v in ctas.items()} == {
        "plan-free": ("Get started", IntentionType.UPGRADE_PLAN),
        "plan-pro": ("Start 14 day trial", IntentionType.START_TRIAL),
        "plan-team": ("Get started", IntentionType.UPGRADE_PLAN),
        "plan-enterprise": ("Contact us", IntentionType.REQUEST_CUSTOM_PLAN_ACCESS),
    }
    for cta in ctas.values():
        assert cta.detail["customer"] is None and cta.detail["subscription"] is None
        json.dumps(cta.detail)  # plain JSON for the event detail


def test_public_element_renders_without_customer_id_and_the_portal_refuses() -> None:
    result = render("stigg-paywall", PUBLIC)
    assert result.status == "ready" and result.error is None
    assert texts_of(result.html, "stigg-plan-header") == ["Free", "Pro", "Team", "Enterprise"]
    assert [d["customer"] for d in details(result.html)] == [None] * 4
    portal = render("stigg-customer-portal", PUBLIC)
    assert portal.status == "error" and portal.error["code"] == "bad-config"


def test_every_card_keeps_its_plan_container_class() -> None:
    html = render("stigg-paywall", PUBLIC).html
    for plan_id in ("plan-free", "plan-pro", "plan-team", "plan-enterprise"):
        assert re.search(rf'class="stigg-{plan_id} stigg-plan-offering-container', html), plan_id


# --------------------------------------------------------------------------- mock API, real HTTP
@pytest.fixture(scope="module")
def api():
    with start_mock_api() as server:
        yield server


def post(api, operation: str, variables: dict) -> requests.Response:
    body = {"operationName": operation, "query": f"query {operation} {{ x }}", "variables": {"input": variables}}
    return requests.post(api.graphql_url, json=body, headers={"X-API-KEY": DEFAULT_API_KEY}, timeout=5)


def test_mock_api_answers_get_paywall_without_a_customer(api) -> None:
    answer = post(api, "GetPaywall", {})
    assert answer.status_code == 200
    paywall = answer.json()["data"]["paywall"]
    assert paywall["customer"] is None and paywall["activeSubscriptions"] == []
    assert [p["refId"] for p in paywall["plans"]] == ["plan-free", "plan-pro", "plan-team", "plan-enterprise"]
    assert post(api, "GetCustomerPortalByRefId", {}).status_code == 400


def test_stigg_client_over_http_renders_the_public_table(api) -> None:
    result = render("stigg-paywall", {"api-key": DEFAULT_API_KEY, "base-url": api.url,
                                      "billing-country-code": "gb", "preferred-billing-period": "MONTHLY"})
    assert result.status == "ready", result.error
    assert texts_of(result.html, "stigg-price-point") == ["£0", "£47.20", "£12", "Custom"]
    sent = [r for r in api.requests if r.get("operation") == "GetPaywall"][-1]["body"]["variables"]
    assert sent == {"input": {"billingCountryCode": "GB"}}


# --------------------------------------------------------------------------- 2. billing-country-code
@pytest.mark.parametrize(("raw", "parsed"), [("DE", "DE"), ("de", "DE"), (" eu ", "EU"), ("JP", "JP")])
def test_billing_country_code_accepts_iso_codes_and_eu(raw, parsed) -> None:
    for tag in ("stigg-paywall", "stigg-customer-portal", "stigg-provider"):
        attrs, problems = parse_attributes(get_widget(tag), {"billing-country-code": raw})
        assert attrs.billing_country_code == parsed and problems == []


@pytest.mark.parametrize("raw", ["Germany", "DEU", "XX", "1", "e-u"])
def test_bad_billing_country_code_is_reported_and_dropped(raw) -> None:
    attrs, problems = parse_attributes(get_widget("stigg-paywall"), {"billing-country-code": raw})
    assert attrs.billing_country_code is None
    assert [p.attribute for p in problems] == ["billing-country-code"]
    assert "ISO 3166-1 alpha-2" in problems[0].message and "EU" in problems[0].message
    result = render("stigg-paywall", {**PUBLIC, "billing-country-code": raw})
    assert result.status == "ready" and texts_of(result.html, "stigg-price-point")[0] == "$0"


def test_localized_prices_are_shown_when_the_answer_has_them() -> None:
    html = render("stigg-paywall", {**PUBLIC, "billing-country-code": "DE", "locale": "de-DE",
                                    "preferred-billing-period": "MONTHLY"}).html
    assert texts_of(html, "stigg-price-point") == ["€0", "53,10\u00a0€", "13,50\u00a0€", "Custom"]
    assert 'data-stigg-billing-country-code="DE"' in html
    # a country without its own price book keeps the default prices
    html = render("stigg-paywall", {**PUBLIC, "billing-country-code": "BR", "preferred-billing-period": "MONTHLY"}).html
    assert texts_of(html, "stigg-price-point")[:2] == ["$0", "$59"]


def test_an_answer_with_several_price_books_shows_the_requested_country() -> None:
    default = public_paywall_answer(NOW)
    german = localize_paywall(default, "DE")
    both = json.loads(json.dumps(default))
    for plan, local in zip(both["data"]["paywall"]["plans"], german["data"]["paywall"]["plans"]):
        plan["prices"] += local["prices"]  # fetchAllCountriesPrices: every book in one answer
    paywall = parse_paywall(both)
    prices = {c.id: c.price.price for c in build_paywall_view(
        paywall, now=NOW, texts=TEXTS, billing_period="MONTHLY", billing_country_code="DE").plans}
    assert prices["plan-pro"] == "€53.10"
    prices = {c.id: c.price.price for c in build_paywall_view(
        paywall, now=NOW, texts=TEXTS, billing_period="MONTHLY").plans}
    assert prices["plan-pro"] == "$59"


def test_demo_client_localizes_a_customer_paywall_too() -> None:
    client = DemoClient(ClientConfig(client="demo", scenario="paid", billing_country_code="JP"), now=NOW)
    paywall = asyncio.run(client.get_paywall())
    assert paywall.currency.code == "JPY"
    assert {p.price.currency for plan in paywall.plans for p in plan.prices if p.price} == {"JPY"}


# --------------------------------------------------------------------------- 3. credit packs and tiers
def test_credit_pack_selector_lists_the_packs_and_the_price_follows() -> None:
    view = public_view(billing_period="MONTHLY")
    pro = card(view, "plan-pro")
    assert [o.text for o in pro.price.credit_options] == ["100 AI credits", "500 AI credits", "1,000 AI credits"]
    assert pro.price.credit_text == "100 AI credits" and pro.price.credit_options[0].selected
    assert pro.cta.detail["billableCredits"] == [{"topUpCustomCurrencyId": "credits-ai", "quantity": 100}]
    chosen = card(public_view(billing_period="MONTHLY", state={"credits-plan-pro": "500"}), "plan-pro")
    assert chosen.price.price == "$94" and chosen.price.credit_text == "500 AI credits"
    assert chosen.cta.detail["billableCredits"] == [{"topUpCustomCurrencyId": "credits-ai", "quantity": 500}]
    assert "500 AI credits per month" in [r.text for r in chosen.entitlement_rows]
    # a quantity that is no pack falls back to the first pack
    assert card(public_view(billing_period="MONTHLY", state={"credits-plan-pro": "7"}), "plan-pro").price.price == "$59"


def test_tier_selector_choice_goes_into_billable_features() -> None:
    team = card(public_view(billing_period="MONTHLY", state={"tier-plan-team": "10"}), "plan-team")
    assert team.price.price == "$130" and team.price.tier_text == "10 seats"
    assert team.cta.detail["billableFeatures"] == [{"featureId": "feature-seats", "quantity": 10}]
    assert team.cta.detail["billableCredits"] == []


def test_selectors_render_with_upstream_classes_and_keyboard_controls() -> None:
    html = render("stigg-paywall", {**PUBLIC, "preferred-billing-period": "MONTHLY"},
                  state={"credits-plan-pro": "1000"}).html
    assert html.count('class="stigg-price-tier-select"') == 4  # one row per card keeps cards aligned
    assert "1,000 AI credits" in texts_of(html, "stigg-price-tier-menu-item-text")
    assert texts_of(html, "stigg-price-tier-summary") == ["1,000 AI credits", "1 seat"]
    assert 'data-stigg-state="credits-plan-pro=500"' in html
    assert re.search(r'<summary class="stigg-price-tier-summary"', html)  # focusable, Enter/Space opens
    assert re.search(r'<button type="button" class="stigg-price-tier-menu-item', html)


# --------------------------------------------------------------------------- 6. hidden-sections
class CountingClient:
    def __init__(self) -> None:
        self.inner = DemoClient(ClientConfig(client="demo"), now=NOW)
        self.calls: list[str] = []

    async def get_customer_portal(self):
        self.calls.append("portal")
        return await self.inner.get_customer_portal()

    async def get_paywall(self):
        self.calls.append("paywall")
        return await self.inner.get_paywall()


@pytest.mark.parametrize("hidden", ["paywall", "plans", "usage, plans"])
def test_hidden_paywall_section_is_left_out_and_not_loaded(hidden) -> None:
    widget = get_widget("stigg-customer-portal")
    attrs, problems = parse_attributes(widget, {"hidden-sections": hidden})
    assert problems == [] and widget.loads_for(attrs) == ("portal",)
    client = CountingClient()
    result = asyncio.run(render_async("stigg-customer-portal", {"client": "demo", "hidden-sections": hidden},
                                      client=client, now=NOW))
    assert result.status == "ready" and client.calls == ["portal"]
    assert "stigg-customer-portal-paywall-section" not in result.html
    assert "stigg-subscription-overview" in result.html or "stigg-overview" in result.html


def test_portal_without_hidden_plans_still_loads_and_shows_them() -> None:
    client = CountingClient()
    result = asyncio.run(render_async("stigg-customer-portal", {"client": "demo"}, client=client, now=NOW))
    assert sorted(client.calls) == ["paywall", "portal"]
    assert "stigg-customer-portal-paywall-section" in result.html


# --------------------------------------------------------------------------- 7. events markup
def test_period_switch_announces_the_period_it_selects() -> None:
    html = render("stigg-paywall", {**PUBLIC, "preferred-billing-period": "MONTHLY"}).html
    switch = re.search(r'<button[^>]*class="stigg-period-switch"[^>]*>', html).group(0)
    assert 'data-stigg-event="stigg-billing-period-change"' in switch
    assert json.loads(unescape(re.search(r"data-stigg-detail='([^']*)'", switch).group(1))) == {
        "billingPeriod": "ANNUALLY"}
    assert "stigg-billing-period-change" in get_widget("stigg-customer-portal").events


# --------------------------------------------------------------------------- 10. upstream props
def test_hide_compatible_addons_drops_every_addons_list() -> None:
    shown = render("stigg-paywall", PUBLIC).html
    hidden = render("stigg-paywall", {**PUBLIC, "hide-compatible-addons": ""}).html
    assert "stigg-compatible-addons-container" in shown
    assert "stigg-compatible-addons-container" not in hidden
    assert texts_of(hidden, "stigg-plan-header") == ["Free", "Pro", "Team", "Enterprise"]


@pytest.mark.parametrize(("raw", "cards"), [(None, 3), ("4", 4), ("1", 1)])
def test_skeleton_plan_count(raw, cards) -> None:
    attrs = {} if raw is None else {"skeleton-plan-count": raw}
    assert render_skeleton("stigg-paywall", attrs).count('class="stigg-paywall-skeleton-plan"') == cards


@pytest.mark.parametrize("raw", ["0", "-2", "many", "40"])
def test_bad_skeleton_plan_count_is_reported(raw) -> None:
    attrs, problems = parse_attributes(get_widget("stigg-paywall"), {"skeleton-plan-count": raw})
    assert attrs.skeleton_plan_count is None and [p.attribute for p in problems] == ["skeleton-plan-count"]
    assert render_skeleton("stigg-paywall", {"skeleton-plan-count": raw}).count(
        'class="stigg-paywall-skeleton-plan"') == 3


# --------------------------------------------------------------------------- declared once, documented
def test_new_attributes_and_events_are_in_the_manifest_and_the_readme() -> None:
    from pathlib import Path

    from stigg_portal.build import custom_elements_manifest

    declared = {dec["tagName"]: dec for module in custom_elements_manifest("0")["modules"]
                for dec in module["declarations"]}
    for tag in ("stigg-paywall", "stigg-customer-portal", "stigg-provider"):
        assert "billing-country-code" in {a["name"] for a in declared[tag]["attributes"]}, tag
    for tag in ("stigg-paywall", "stigg-customer-portal"):
        names = {a["name"] for a in declared[tag]["attributes"]}
        assert {"skeleton-plan-count", "hide-compatible-addons"} <= names
        assert "stigg-billing-period-change" in {e["name"] for e in declared[tag]["events"]}
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    for name in ("billing-country-code", "skeleton-plan-count", "hide-compatible-addons",
                 "stigg-billing-period-change", "billableCredits", "stigg-{planId}", "`paywall` (or `plans`)"):
        assert name in readme, name
