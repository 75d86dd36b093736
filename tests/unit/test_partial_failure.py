"""The portal's plans failing alone cost its Plans section only (as upstream): on a server render and
in the browser's runtime the same rule (``rendering.loaded_data``) keeps the rest of the portal."""

from __future__ import annotations

import asyncio

import pytest

from stigg_portal.clients import ClientError, DemoClient, register
from stigg_portal.rendering import loaded_data, render_async


class PlansDown(DemoClient):
    """The demo customer, with GetPaywall answering 503."""

    async def get_paywall(self):
        raise ClientError("network", "Stigg API answered 503 Service Unavailable for GetPaywall", status=503)


class PortalDown(DemoClient):
    async def get_customer_portal(self):
        raise ClientError("network", "Stigg API answered 503 Service Unavailable for GetCustomerPortalByRefId")


register("test-plans-down", PlansDown)
register("test-portal-down", PortalDown)


def render(client: str, **attrs: str):
    return asyncio.run(render_async("stigg-customer-portal", {"client": client, "customer-id": "customer-demo", **attrs}))


def test_a_server_render_keeps_the_portal_when_only_the_plans_fail(caplog):
    result = render("test-plans-down")
    assert result.status == "ready" and result.error is None
    assert result.section_errors == [{"code": "network", "section": "paywall",
                                      "message": "Stigg API answered 503 Service Unavailable for GetPaywall"}]
    html = result.html
    plans = html[html.index("stigg-customer-portal-paywall-section"):]
    assert html.count("stigg-error-state") == 1 and "stigg-error-state" in plans  # only the Plans section
    assert "We couldn\u2019t load the plans right now." in plans and "billing details" not in plans
    assert "Try again" in plans and "503" not in html  # the customer's words; the status is for the log
    assert "stigg-payment-details-section-layout" in html and "stigg-usage" in html
    assert "the plans could not be loaded" in caplog.text and "503" in caplog.text


def test_the_portal_failing_is_still_the_whole_elements_error():
    result = render("test-portal-down")
    assert result.status == "error" and result.error["code"] == "network"
    assert result.section_errors == []


def test_with_the_plans_hidden_a_failing_paywall_is_never_asked():
    result = render("test-plans-down", **{"hidden-sections": "plans"})
    assert result.status == "ready" and result.section_errors == []
    assert "stigg-error-state" not in result.html


def test_the_rule_itself():
    down = ClientError("network", "x")
    assert loaded_data(["portal", "paywall"], ["P", down]).paywall_error is down
    with pytest.raises(ClientError):  # a paywall alone (the pricing table) failing is its error
        loaded_data(["paywall"], [down])
    with pytest.raises(ClientError):
        loaded_data(["portal", "paywall"], [down, "W"])
    with pytest.raises(ZeroDivisionError):  # a client's bug is never taken for a section's outage
        loaded_data(["portal", "paywall"], ["P", ZeroDivisionError()])


def test_a_pricing_table_that_cannot_load_speaks_of_plans_not_billing_details():
    """A visitor of a public pricing table has no billing details: its error state says the plans."""
    result = asyncio.run(render_async("stigg-paywall", {"client": "test-plans-down", "customer-id": "customer-demo"}))
    assert result.status == "error"
    assert "We couldn\u2019t load the plans right now." in result.html and "billing details" not in result.html
    overridden = asyncio.run(render_async("stigg-paywall", {"client": "test-plans-down",
                                                            "texts": '{"plansErrorTitle": "Preise gerade nicht da."}'}))
    assert "Preise gerade nicht da." in overridden.html
    portal = asyncio.run(render_async("stigg-customer-portal", {"client": "test-portal-down", "customer-id": "c"}))
    assert "We couldn\u2019t load your billing details right now." in portal.html
