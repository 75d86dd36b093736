"""Issue 12, item 9: older answer shapes. When ``entitlementsV2`` (portal) or
``packageEntitlements`` (plans, add-ons) is missing or empty and the legacy ``entitlements`` list has
items, the usage section and the plan cards are built from the legacy list, and show what the
typed list would have shown."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from stigg_portal.demo_data import REFERENCE_NOW, scenario_answers
from stigg_portal.models import FeatureEntitlement, parse_customer_portal, parse_paywall
from stigg_portal.texts import resolve_texts
from stigg_portal.views.paywall import build_paywall_view
from stigg_portal.views.usage import build_usage_view

NOW = REFERENCE_NOW
TEXTS = resolve_texts(None, {})[0]


def portal_answer(scenario: str = "paid") -> dict[str, Any]:
    return scenario_answers(scenario, NOW)["GetCustomerPortalByRefId"]["data"]["customerPortal"]


def legacy_portal(answer: dict[str, Any], *, v2: Any = "drop") -> dict[str, Any]:
    """The answer as an older query shape sends it: feature entitlements only in ``entitlements``."""
    old = copy.deepcopy(answer)
    old["entitlements"] = [{k: v for k, v in e.items() if k != "__typename"}
                           for e in old.get("entitlementsV2", []) if e.get("__typename") == "FeatureEntitlement"]
    if v2 == "drop":
        old.pop("entitlementsV2", None)
    else:
        old["entitlementsV2"] = v2
    return old


def usage_titles(answer: dict[str, Any]) -> list[tuple[str, str]]:
    view = build_usage_view(parse_customer_portal(answer), now=NOW, texts=TEXTS, locale="en-US", show_all=True)
    return [(item.title, item.value) for item in view.items]


@pytest.mark.parametrize("v2", ["drop", None, []])
def test_usage_comes_from_the_legacy_list_when_entitlements_v2_is_missing_or_empty(v2):
    answer = portal_answer("heavy-usage")
    features_only = copy.deepcopy(answer)
    features_only["entitlementsV2"] = [e for e in answer["entitlementsV2"] if e["__typename"] == "FeatureEntitlement"]
    expected = usage_titles(features_only)
    assert len(expected) > 6
    assert usage_titles(legacy_portal(answer, v2=v2)) == expected


def test_legacy_items_become_feature_entitlements():
    portal = parse_customer_portal(legacy_portal(portal_answer("paid")))
    assert portal.feature_entitlements and all(isinstance(e, FeatureEntitlement) for e in portal.entitlements_v2)


def test_a_non_empty_entitlements_v2_wins_over_the_legacy_list():
    answer = portal_answer("paid")
    answer["entitlements"] = [{"feature": {"refId": "feature-legacy-only", "displayName": "Legacy only",
                                           "meterType": "Incremental"}, "usageLimit": 5, "currentUsage": 1}]
    titles = [t for t, _ in usage_titles(answer)]
    assert titles and "Legacy only" not in titles


def test_no_entitlements_at_all_is_still_an_empty_usage_section():
    answer = portal_answer("paid")
    answer["entitlementsV2"], answer["entitlements"] = [], []
    assert usage_titles(answer) == []


def paywall_answer() -> dict[str, Any]:
    return scenario_answers("paid", NOW)["GetPaywall"]["data"]["paywall"]


def rows(answer: dict[str, Any]) -> dict[str, list[str]]:
    view = build_paywall_view(parse_paywall(answer), now=NOW, texts=TEXTS, billing_period="MONTHLY")
    return {card.id: [row.text for row in card.entitlement_rows] for card in view.plans}


def test_plan_entitlements_come_from_the_legacy_list_when_package_entitlements_is_missing():
    answer = paywall_answer()
    expected = rows(answer)
    assert any(expected.values())
    old = copy.deepcopy(answer)
    for plan in old["plans"]:
        typed = plan.pop("packageEntitlements", None) or []
        legacy = [{k: v for k, v in e.items() if k != "__typename"}
                  for e in typed if e.get("__typename", "PackageFeatureEntitlement") == "PackageFeatureEntitlement"]
        plan["entitlements"] = legacy or plan.get("entitlements") or []
    assert rows(old) == expected
    parsed = parse_paywall(old)
    assert all(p.package_entitlements or not p.entitlements for p in parsed.plans)
