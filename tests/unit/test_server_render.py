"""``stigg_portal.render``: the same HTML the browser shows, from every kind of client, on a server."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime

import pytest
from integration_support import (
    API_KEY,
    CUSTOMER_ID,
    SIGNING_SECRET,
    attribute,
    hardened_api_fixtures,
    hardened_requests,
)

import stigg_portal
from stigg_portal import cli
from stigg_portal.clients import ClientConfig, DemoClient, RequestsTransport, StiggClient, register
from stigg_portal.clients.registry import _FACTORIES
from stigg_portal.server import element_attributes, render_provider, render_result_async
from stigg_portal.token import mint_customer_token

api, clean_api = hardened_api_fixtures()

NOW = datetime(2025, 6, 15, 12, 0, tzinfo=UTC)
USAGE_LAYOUT = "stigg-subscription-usage-layout"


def stigg_attributes(api, customer_id: str = CUSTOMER_ID) -> dict:
    return {
        "api_key": API_KEY,
        "customer_id": customer_id,
        "customer_token": mint_customer_token(customer_id, SIGNING_SECRET),
        "base_url": api.url,
    }


# ---------------------------------------------------------------------------------------- attributes
def test_python_values_become_the_attributes_a_page_author_writes():
    attrs = element_attributes(
        {"customer-id": "from-mapping"},
        customer_id=42,
        buy_more=True,
        contact_support=False,
        locale=None,
        texts={"usage": {"title": "Usage & limits"}},
        theme={"primary": "#123456"},
        hidden_sections=["addons", "invoices"],
        text_manage_subscription="Manage plan",
    )
    assert attrs == {
        "customer-id": "42",
        "buy-more": "",
        "texts": '{"usage":{"title":"Usage & limits"}}',
        "theme": '{"primary":"#123456"}',
        "hidden-sections": "addons invoices",
        "text-manage-subscription": "Manage plan",
    }


def test_attribute_values_are_escaped_in_the_element_tag():
    html = stigg_portal.render("stigg-usage", client="demo", texts={"a": '"><script>x</script>'}, now=NOW)
    opening = html.split(">", 1)[0]
    assert "<script>" not in opening
    assert "&#34;&gt;&lt;script&gt;" in opening or "&#34;" in opening


# ---------------------------------------------------------------------------------------- clients
def test_demo_client_by_name_renders_ready_html_in_the_element_tag():
    html = stigg_portal.render("stigg-usage", client="demo", scenario="paid", now=NOW)
    assert html.startswith('<stigg-usage scenario="paid" client="demo" data-stigg-ssr="ready">')
    assert html.endswith("</stigg-usage>")
    assert USAGE_LAYOUT in html


def test_render_async_and_render_give_the_same_html():
    sync = stigg_portal.render("stigg-customer-portal", client="demo", scenario="trial", now=NOW)
    async_ = asyncio.run(stigg_portal.render_async("stigg-customer-portal", client="demo", scenario="trial",
                                                   now=NOW))
    assert sync == async_
    assert "stigg-customer-portal-layout" in sync


def test_a_demo_client_object_is_used_as_given():
    client = DemoClient(ClientConfig(scenario="trial"), now=NOW)
    html = stigg_portal.render("stigg-subscription-overview", client=client, now=NOW)
    assert attribute(html, "stigg-subscription-overview", "data-stigg-ssr") == "ready"
    assert attribute(html, "stigg-subscription-overview", "client") is None  # no attribute was given


def test_implicit_demo_is_flagged_in_the_result():
    result = asyncio.run(render_result_async("stigg-usage", now=NOW))
    assert result.status == "ready"
    assert result.warnings and "demo data" in result.warnings[0]
    assert "stigg-demo-badge" in result.html


def test_stigg_client_over_requests_sends_the_minted_token(api):
    html = stigg_portal.render("stigg-usage", **stigg_attributes(api))
    assert attribute(html, "stigg-usage", "data-stigg-ssr") == "ready"
    assert USAGE_LAYOUT in html
    assert attribute(html, "stigg-usage", "customer-token") == mint_customer_token(CUSTOMER_ID, SIGNING_SECRET)
    assert len(hardened_requests(api)) == 1


def test_stigg_client_object_with_an_explicit_requests_transport(api):
    attrs = stigg_attributes(api)
    config = ClientConfig(api_key=API_KEY, customer_id=CUSTOMER_ID, customer_token=attrs["customer_token"],
                          base_url=api.url)
    client = StiggClient(config, RequestsTransport())
    html = stigg_portal.render("stigg-usage", client=client, customer_id=CUSTOMER_ID)
    assert attribute(html, "stigg-usage", "data-stigg-ssr") == "ready"
    hardened_requests(api)


def test_a_wrong_token_renders_the_error_state_instead_of_raising(api, caplog):
    attrs = {**stigg_attributes(api), "customer_token": "HMAC-SHA256 customer-demo:forged"}
    with caplog.at_level("WARNING", logger="stigg_portal"):
        result = asyncio.run(render_result_async("stigg-usage", **attrs))
    html = result.outer_html()
    assert attribute(html, "stigg-usage", "data-stigg-ssr") == "error"
    assert 'data-stigg-error-code="unauthorized"' in html
    # the customer reads plain words and gets Retry; the reason goes to the server's log and result
    assert "We couldn\u2019t load your billing details right now." in html
    assert 'data-stigg-action="retry"' in html
    assert result.error["message"] not in html and "401" not in html and api.url not in html
    assert [r.getMessage() for r in caplog.records if result.error["message"] in r.getMessage()]


def test_an_unreachable_api_shows_no_internals_in_the_server_html(caplog):
    with caplog.at_level("WARNING", logger="stigg_portal"):
        result = asyncio.run(render_result_async(
            "stigg-customer-portal", api_key="pk_x", customer_id="c-1", base_url="http://127.0.0.1:9",
            timeout_s=1))
    assert result.status == "error" and result.error["code"] == "network"
    html = result.html
    for internal in ("127.0.0.1", "Connection", "HTTP", "(", "network"):
        assert internal not in html.split('data-stigg-error-code="network"', 1)[1], internal
    assert "We couldn\u2019t load your billing details right now." in html
    assert any("127.0.0.1" in r.getMessage() for r in caplog.records)


def test_a_slow_api_costs_the_page_at_most_the_server_timeout(api):
    api.fail("slow", delay=3)
    started = time.monotonic()
    result = asyncio.run(render_result_async("stigg-usage", timeout_s=0.5, **stigg_attributes(api)))
    assert time.monotonic() - started < 2.5
    assert result.status == "error"
    assert result.error["code"] == "timeout"


def test_a_registered_client_is_chosen_by_the_client_attribute():
    seen = []

    def factory(config, transport):
        seen.append(config)
        return DemoClient(config.model_copy(update={"scenario": "free"}), transport, now=NOW)

    register("in-house", factory)
    try:
        html = stigg_portal.render("stigg-usage", client="in-house", customer_id="c-7", now=NOW)
    finally:
        _FACTORIES.pop("in-house", None)
    assert attribute(html, "stigg-usage", "client") == "in-house"
    assert attribute(html, "stigg-usage", "data-stigg-ssr") == "ready"
    assert seen and seen[0].customer_id == "c-7"
    assert seen[0].timeout_s == stigg_portal.server.SERVER_TIMEOUT_S


def test_an_unknown_client_name_renders_the_bad_config_error():
    html = stigg_portal.render("stigg-usage", client="nope")
    assert attribute(html, "stigg-usage", "data-stigg-ssr") == "error"
    assert 'data-stigg-error-code="bad-config"' in html


def test_an_unknown_tag_is_a_programming_error():
    with pytest.raises(KeyError, match="unknown element"):
        stigg_portal.render("stigg-nothing", client="demo")


# ---------------------------------------------------------------------------------------- event loops
def test_render_works_inside_a_running_event_loop():
    async def endpoint() -> str:  # e.g. a template rendered inside an async def FastAPI endpoint
        return stigg_portal.render("stigg-usage", client="demo", now=NOW)

    html = asyncio.run(endpoint())
    assert attribute(html, "stigg-usage", "data-stigg-ssr") == "ready"


# ---------------------------------------------------------------------------------------- provider
def test_a_provider_renders_its_sections_from_one_load(api):
    html = render_provider(["stigg-subscription-overview", "stigg-usage",
                            ("stigg-invoices", {"text_invoices_title": "Receipts"})], **stigg_attributes(api))
    assert html.startswith("<stigg-provider ")
    assert attribute(html, "stigg-provider", "customer-id") == CUSTOMER_ID
    for tag in ("stigg-subscription-overview", "stigg-usage", "stigg-invoices"):
        assert attribute(html, tag, "data-stigg-ssr") == "ready"
        assert attribute(html, tag, "customer-id") is None  # inherited from the provider in the page
    assert attribute(html, "stigg-invoices", "text-invoices-title") == "Receipts"
    assert "Receipts" in html.split("<stigg-invoices", 1)[1]
    assert len(hardened_requests(api)) == 1


def test_a_section_with_its_own_customer_loads_alone(api):
    html = render_provider(["stigg-usage", ("stigg-invoices", stigg_attributes(api, "customer-trial"))],
                           **stigg_attributes(api))
    assert attribute(html, "stigg-invoices", "customer-id") == "customer-trial"
    assert {r["customerId"] for r in api.requests} == {CUSTOMER_ID, "customer-trial"}


# ---------------------------------------------------------------------------------------- command line
def test_cli_render_prints_the_element(capsys):
    assert cli.main(["render", "stigg-usage", "client=demo"]) == 0
    out = capsys.readouterr().out
    assert out.startswith('<stigg-usage client="demo" data-stigg-ssr="ready">')
    assert USAGE_LAYOUT in out
