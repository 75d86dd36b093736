"""Issue 12, item 8 on CPython: prices in the currency's minor units everywhere they are shown
(per-month equivalents of annual prices included), unit plurals never doubled, through the whole
render pipeline (demo client -> views -> templates), as a page would get them."""

from __future__ import annotations

import asyncio
import html as html_lib
import re
from datetime import UTC, datetime

import pytest

from stigg_portal.demo_data import scenario_answers
from stigg_portal.rendering import render_async

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
NBSP = "\u00a0"


def visible(tag: str, **attributes: str) -> str:
    result = asyncio.run(render_async(tag, {"client": "demo", **attributes}, now=NOW))
    assert result.status == "ready", result.error
    text = re.sub(r"</?span[^>]*>", "", result.html)  # inline pieces join, blocks are separated
    text = re.sub(r"<[^>]+>", " ", text)
    return re.sub(r"\s+", " ", html_lib.unescape(text).replace(NBSP, "~"))


@pytest.mark.parametrize("tag", ["stigg-paywall", "stigg-customer-portal"])
def test_annual_plan_per_month_shows_full_cents_not_five_digits(tag):
    page = visible(tag, scenario="trial")
    assert "$40.83 / month, billed annually" in page
    assert "40.8333" not in page


def test_annual_plan_per_month_in_german():
    page = visible("stigg-paywall", scenario="trial", locale="de-DE")
    assert "40,83~$" in page and "40,8333" not in page


def test_no_amount_anywhere_has_more_than_two_decimals():
    for scenario in ("paid", "trial", "eur-annual", "heavy-usage", "unit-amount-change"):
        for locale in ("en-US", "de-DE"):
            page = visible("stigg-customer-portal", scenario=scenario, locale=locale)
            for money in re.findall(r"[$€]~?\d[\d.,]*|\d[\d.,]*~[€$]", page):
                decimals = re.split(r"[.,]", money.strip("$€~"))
                assert len(decimals) == 1 or len(decimals[-1]) in (2, 3), (scenario, locale, money)
                if len(decimals[-1]) == 3:  # a thousands group, never three decimals of a cent amount
                    assert len(decimals) >= 2 and not decimals[-1].endswith("33"), (scenario, money)


def test_metric_series_is_not_pluralized_twice_in_heavy_usage():
    page = visible("stigg-usage", scenario="heavy-usage")
    assert "Metric series" in page
    assert "seriess" not in page.lower()
    assert "API calls" in page and "Build minutes" in page  # other units still get their plural
    answers = scenario_answers("heavy-usage", NOW)["GetCustomerPortalByRefId"]["data"]["customerPortal"]
    plurals = {e["feature"]["featureUnits"]: e["feature"]["featureUnitsPlural"]
               for e in answers["entitlementsV2"] if e.get("feature")}
    assert plurals["Metric series"] == "Metric series" and plurals["Email"] == "Emails"
    assert not [p for p in plurals.values() if p.endswith("ss")]
