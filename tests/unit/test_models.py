"""The API models accept real answers, tolerate what Stigg may add, and name what is missing."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pydantic import ValidationError

from stigg_portal.clients import ClientError
from stigg_portal.demo_data import DEMO_SCENARIOS, scenario_answers
from stigg_portal.models import (
    BillingPeriod,
    CreditEntitlement,
    CustomerPortal,
    FeatureEntitlement,
    PackageCreditEntitlement,
    PackageFeatureEntitlement,
    Paywall,
    PricingType,
    SubscriptionStatus,
    UnknownEntitlement,
    UnknownPackageEntitlement,
    parse_customer_portal,
    parse_paywall,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
FIXTURE_NAMES = ["customer-demo", "customer-trial", "customer-custom"]


def fixture(name: str) -> dict:
    return json.loads((FIXTURES / f"{name}.json").read_text())


def portal_data(name: str = "customer-demo") -> dict:
    return fixture(name)["GetCustomerPortalByRefId"]["data"]["customerPortal"]


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_every_reference_fixture_parses(name):
    answers = fixture(name)
    portal = parse_customer_portal(answers["GetCustomerPortalByRefId"])
    paywall = parse_paywall(answers["GetPaywall"])
    assert portal.subscriptions and paywall.plans
    assert all(isinstance(e, FeatureEntitlement) for e in portal.entitlements_v2)


@pytest.mark.parametrize("scenario", DEMO_SCENARIOS)
def test_every_demo_scenario_parses(scenario):
    answers = scenario_answers(scenario)
    parse_customer_portal(answers["GetCustomerPortalByRefId"])
    parse_paywall(answers["GetPaywall"])


def test_reference_customer_reads_as_expected():
    portal = parse_customer_portal(fixture("customer-demo")["GetCustomerPortalByRefId"])
    sub = portal.active_subscription
    assert sub is not None and sub.plan_name == "Pro"
    assert sub.pricing_type is PricingType.PAID and sub.status == "ACTIVE"
    assert sub.prices[0].price.amount == 49 and isinstance(sub.prices[0].price.amount, int)
    assert [a.display_name for a in sub.addons] == ["Extra storage", "Priority support"]
    update = sub.scheduled_updates[0]
    assert update.subscription_schedule_type == "Downgrade"
    assert update.schedule_variables.typename == "DowngradeChangeVariables"
    assert update.target_package.pricing_type is PricingType.FREE
    assert sub.billing_period_range.end == datetime(2026, 12, 10, tzinfo=UTC)
    assert portal.billing_information.default_payment_method_last4_digits == "4242"
    assert portal.trial_subscription is None


def test_snake_case_attributes_and_camel_case_aliases_both_work():
    portal = CustomerPortal.model_validate(portal_data())
    dumped = portal.model_dump(by_alias=True)
    assert "entitlementsV2" in dumped and "billingPortalUrl" in dumped
    again = CustomerPortal.model_validate(dumped)
    assert again.billing_portal_url == portal.billing_portal_url
    assert CustomerPortal(subscriptions=[], billing_portal_url="https://x.example").billing_portal_url


def test_unknown_fields_are_kept_not_rejected():
    data = portal_data()
    data["brandNewField"] = {"x": 1}
    data["subscriptions"][0]["futureThing"] = True
    portal = CustomerPortal.model_validate(data)
    assert portal.model_extra["brandNewField"] == {"x": 1}
    assert portal.subscriptions[0].model_extra["futureThing"] is True


def test_unknown_enum_values_do_not_crash_and_compare_as_strings():
    data = portal_data()
    data["subscriptions"][0]["status"] = "PAUSED"
    data["subscriptions"][0]["pricingType"] = "METERED"
    data["entitlementsV2"][0]["resetPeriod"] = "QUARTER"
    portal = CustomerPortal.model_validate(data)
    sub = portal.subscriptions[0]
    assert sub.status == "PAUSED" and isinstance(sub.status, SubscriptionStatus) and not sub.status.known
    assert sub.pricing_type == "METERED"
    assert SubscriptionStatus.ACTIVE.known
    assert portal.active_subscription is None
    assert portal.model_dump(mode="json", by_alias=True)["subscriptions"][0]["status"] == "PAUSED"


def test_entitlements_v2_is_told_apart_by_typename():
    data = portal_data()
    credit = {
        "__typename": "CreditEntitlement", "isGranted": True, "usageLimit": 100, "currentUsage": 20,
        "currency": {"currencyId": "c", "displayName": "AI credits", "unitSingular": "credit", "unitPlural": "credits"},
    }
    data["entitlementsV2"] += [credit, {"__typename": "FutureEntitlement", "whatever": 1}]
    portal = CustomerPortal.model_validate(data)
    kinds = [type(e) for e in portal.entitlements_v2]
    assert kinds[-2:] == [CreditEntitlement, UnknownEntitlement]
    assert portal.entitlements_v2[-1].typename == "FutureEntitlement"
    assert len(portal.credit_entitlements) == 1
    assert len(portal.feature_entitlements) == len(kinds) - 2


def test_entitlement_without_typename_is_recognised_by_its_fields():
    data = portal_data()
    for ent in data["entitlementsV2"]:
        del ent["__typename"]
    data["entitlementsV2"].append({"currency": {"currencyId": "c", "displayName": "Credits"}, "usageLimit": 5})
    portal = CustomerPortal.model_validate(data)
    assert [type(e).__name__ for e in portal.entitlements_v2][-2:] == ["FeatureEntitlement", "CreditEntitlement"]


def test_package_entitlement_union_tolerates_unknown_members():
    paywall_data = fixture("customer-demo")["GetPaywall"]["data"]["paywall"]
    paywall_data["plans"][0]["packageEntitlements"] = [
        {"__typename": "PackageFeatureEntitlement", "featureId": "f", "usageLimit": 3,
         "feature": {"refId": "f", "displayName": "F"}},
        {"__typename": "PackageCreditEntitlement", "amount": 10, "customCurrencyId": "c"},
        {"__typename": "PackageSomethingNew"},
    ]
    plan = Paywall.model_validate(paywall_data).plans[0]
    assert [type(e) for e in plan.package_entitlements] == [
        PackageFeatureEntitlement, PackageCreditEntitlement, UnknownPackageEntitlement,
    ]


def test_missing_required_field_names_its_path():
    data = portal_data()
    del data["subscriptions"][0]["planName"]
    with pytest.raises(ValidationError) as raised:
        CustomerPortal.model_validate(data)
    assert raised.value.errors()[0]["loc"] == ("subscriptions", 0, "planName")
    with pytest.raises(ClientError) as parsed:
        parse_customer_portal({"data": {"customerPortal": data}})
    assert parsed.value.code == "bad-response"
    assert "customerPortal.subscriptions[0].planName" in parsed.value.message


def test_missing_field_inside_a_union_member_names_a_json_path():
    data = portal_data()
    del data["entitlementsV2"][1]["feature"]["refId"]
    with pytest.raises(ClientError) as raised:
        parse_customer_portal(data)
    assert "customerPortal.entitlementsV2[1].feature.refId" in raised.value.message


def test_parse_accepts_envelope_inner_object_json_text_and_models():
    envelope = fixture("customer-trial")["GetCustomerPortalByRefId"]
    inner = envelope["data"]["customerPortal"]
    from_envelope = parse_customer_portal(envelope)
    assert parse_customer_portal(inner) == from_envelope
    assert parse_customer_portal(envelope["data"]) == from_envelope
    assert parse_customer_portal(json.dumps(envelope)) == from_envelope
    assert parse_customer_portal(from_envelope) is from_envelope
    paywall = fixture("customer-trial")["GetPaywall"]
    assert parse_paywall(paywall) == parse_paywall(paywall["data"]["paywall"])


@pytest.mark.parametrize(
    "answer", [{"data": None}, {"data": {"customerPortal": None}}, [], "not json", {"data": {"customerPortal": 3}}]
)
def test_parse_rejects_answers_without_a_portal(answer):
    with pytest.raises(ClientError) as raised:
        parse_customer_portal(answer)
    assert raised.value.code == "bad-response"


def test_datetimes_are_timezone_aware_and_naive_input_is_utc():
    data = portal_data()
    data["subscriptions"][0]["billingPeriodRange"] = {"start": "2026-11-10T00:00:00", "end": "2026-12-10T00:00:00+02:00"}
    rng = CustomerPortal.model_validate(data).subscriptions[0].billing_period_range
    assert rng.start == datetime(2026, 11, 10, tzinfo=UTC)
    assert rng.end.utcoffset().total_seconds() == 7200


def test_pricing_sent_as_a_list_keeps_its_first_entry():
    portal = CustomerPortal.model_validate(portal_data())  # the reference answers send a list
    assert portal.subscriptions[0].pricing.billing_period is BillingPeriod.MONTHLY
    custom = CustomerPortal.model_validate(portal_data("customer-custom"))  # an empty list
    assert custom.subscriptions[0].pricing is None


def test_card_digits_sent_as_false_read_as_missing():
    paywall = parse_paywall(fixture("customer-trial")["GetPaywall"])
    assert paywall.customer.default_payment_method_last4_digits is None


def test_whole_numbers_stay_integers_and_fractions_stay_floats():
    data = portal_data()
    data["entitlementsV2"][1]["usageLimit"] = 10
    data["entitlementsV2"][2]["usageLimit"] = 2.5
    portal = CustomerPortal.model_validate(data)
    assert repr(portal.entitlements_v2[1].usage_limit) == "10"
    assert portal.entitlements_v2[2].usage_limit == 2.5


def test_minimal_hand_written_answer_validates():
    portal = parse_customer_portal({"subscriptions": [
        {"subscriptionId": "s", "planId": "p", "planName": "Pro", "pricingType": "PAID", "status": "IN_TRIAL"}
    ]})
    assert portal.trial_subscription.plan_name == "Pro"
    assert portal.entitlements_v2 == [] and portal.billing_information is None


def test_models_do_not_share_mutable_defaults():
    a = CustomerPortal(subscriptions=[])
    b = CustomerPortal(subscriptions=[])
    a.entitlements_v2.append(copy.deepcopy(a))  # type: ignore[arg-type]
    assert b.entitlements_v2 == []
