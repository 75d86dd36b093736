"""The Jinja2 globals on their own: sync and async environments, the extension form, fallbacks."""

from __future__ import annotations

import asyncio
import logging

import jinja2
import pytest
from integration_support import (
    API_KEY,
    CUSTOMER_ID,
    SIGNING_SECRET,
    attribute,
    hardened_api_fixtures,
    hardened_requests,
)

from stigg_portal.integrations import PortalEmbed
from stigg_portal.integrations.jinja import StiggPortalExtension, install
from stigg_portal.token import mint_customer_token

api, clean_api = hardened_api_fixtures()


def test_the_globals_render_the_element_and_the_script(api):
    env = jinja2.Environment(autoescape=True)
    install(env, api_key=API_KEY, signing_secret=SIGNING_SECRET, defaults={"base_url": api.url})
    html = env.from_string(
        "{{ stigg_portal_script(locale='de-DE') }}{{ stigg_portal_element('stigg-usage', customer_id=cid) }}"
    ).render(cid=CUSTOMER_ID)
    assert '<link rel="stylesheet" href="/stigg-portal/stigg-portal.css" data-stigg-portal>' in html
    assert '<script type="module" src="/stigg-portal/stigg-portal.js" data-locale="de-DE"></script>' in html
    assert attribute(html, "stigg-usage", "data-stigg-ssr") == "ready"
    assert attribute(html, "stigg-usage", "customer-token") == mint_customer_token(CUSTOMER_ID, SIGNING_SECRET)
    assert SIGNING_SECRET not in html
    hardened_requests(api)


def test_async_environments_await_the_element(api):
    env = jinja2.Environment(enable_async=True, autoescape=True)
    install(env, api_key=API_KEY, signing_secret=SIGNING_SECRET, defaults={"base_url": api.url})
    template = env.from_string(
        '{{ stigg_portal_element("stigg-usage", customer_id=cid) }}'
        '{{ stigg_portal_provider(["stigg-invoices"], customer_id=cid) }}'
    )
    html = asyncio.run(template.render_async(cid=CUSTOMER_ID))
    assert attribute(html, "stigg-usage", "data-stigg-ssr") == "ready"
    assert attribute(html, "stigg-invoices", "data-stigg-ssr") == "ready"
    hardened_requests(api)


def test_the_extension_form_is_configured_on_the_environment():
    env = jinja2.Environment(extensions=[StiggPortalExtension], autoescape=True)
    env.stigg_portal_configure(api_key=API_KEY, dist_url="https://cdn.example.com/sp/", server_render=False)
    html = env.from_string('{{ stigg_portal_script() }}{{ stigg_portal_element("stigg-usage", customer_id=7) }}'
                           ).render()
    assert '<script type="module" src="https://cdn.example.com/sp/stigg-portal.js"></script>' in html
    assert f'<stigg-usage api-key="{API_KEY}" customer-id="7"></stigg-usage>' in html


def test_a_rendering_bug_leaves_the_element_to_the_browser(monkeypatch, caplog):
    from stigg_portal import integrations

    def broken(*args, **kwargs):
        raise RuntimeError("template bug")

    monkeypatch.setattr(integrations, "render_sync", broken)
    embed = PortalEmbed(api_key=API_KEY, signing_secret=SIGNING_SECRET)
    with caplog.at_level(logging.ERROR, logger="stigg_portal"):
        html = embed.element("stigg-usage", customer_id=CUSTOMER_ID)
    assert html.startswith(f'<stigg-usage api-key="{API_KEY}" customer-id="{CUSTOMER_ID}" customer-token="')
    assert "data-stigg-ssr" not in html
    assert "server rendering of <stigg-usage> failed" in caplog.text


def test_the_secret_is_not_in_the_embed_repr():
    assert SIGNING_SECRET not in repr(PortalEmbed(api_key=API_KEY, signing_secret=SIGNING_SECRET))


def test_an_explicit_customer_token_is_kept():
    embed = PortalEmbed(api_key=API_KEY, signing_secret=SIGNING_SECRET)
    assert embed.attributes(customer_id="c-1", customer_token="given")["customer-token"] == "given"
    with pytest.raises(ValueError, match="signing_secret"):
        PortalEmbed().token("c-1")
