"""``{% load stigg_portal %}``: ``stigg_portal_script``, ``stigg_portal_element``, ``stigg_portal_provider``.

::

    {% stigg_portal_script %}
    {% stigg_portal_element "stigg-customer-portal" customer_id=user.stigg_customer_id %}
    {% stigg_portal_element "stigg-usage" customer_id=user.stigg_customer_id text_usage_title="Usage" %}
    {% stigg_portal_provider "stigg-subscription-overview" "stigg-usage" customer_id=user.stigg_customer_id %}
    {% stigg_portal_token user.stigg_customer_id %}

Keyword names are the attributes in snake_case (``customer_id`` for ``customer-id``). Elements are
server-rendered with the customer token minted from ``SIGNING_SECRET``, which never reaches the page.
"""

from __future__ import annotations

from typing import Any

from django import template
from markupsafe import Markup

from ..conf import embed

register = template.Library()


@register.simple_tag
def stigg_portal_script(**data: Any) -> Markup:
    """The stylesheet link and the loader's ``<script type="module">`` (keywords: page-wide ``data-*``)."""
    return embed().script(**data)


@register.simple_tag
def stigg_portal_element(tag: str, **attributes: Any) -> Markup:
    """``<tag ...>`` with the configured key, the minted token and server-rendered content."""
    return embed().element(tag, **attributes)


@register.simple_tag
def stigg_portal_provider(*sections: str, **attributes: Any) -> Markup:
    """A ``<stigg-provider>`` around the named sections, server-rendered from one data load."""
    return embed().provider(list(sections), **attributes)


@register.simple_tag
def stigg_portal_token(customer_id: Any) -> str:
    """The customer token alone, for hand-written elements (``customer-token="{% stigg_portal_token id %}"``)."""
    return embed().token(customer_id)
