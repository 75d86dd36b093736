"""Jinja2 globals for any Jinja2 app (Flask, FastAPI's ``Jinja2Templates``, plain Jinja2).

::

    from stigg_portal.integrations.jinja import install

    install(env, api_key="pk_...", signing_secret=os.environ["STIGG_SIGNING_SECRET"])

then in a template::

    <head>{{ stigg_portal_script() }}</head>
    {{ stigg_portal_element("stigg-customer-portal", customer_id=user.stigg_id) }}
    {{ stigg_portal_provider(["stigg-subscription-overview", "stigg-usage"], customer_id=user.stigg_id) }}

Each element is server-rendered and carries the publishable key and the customer's token; the
signing secret stays on the server. In an async environment (``enable_async=True``) the globals
are coroutines that Jinja awaits, so rendering never blocks the event loop.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import jinja2
from jinja2.ext import Extension

from . import DEFAULT_DIST_URL, PortalEmbed, Sections

__all__ = ["GLOBAL_NAMES", "StiggPortalExtension", "install", "install_embed"]

GLOBAL_NAMES = ("stigg_portal_element", "stigg_portal_provider", "stigg_portal_script", "stigg_portal")


def install_embed(env: jinja2.Environment, embed: PortalEmbed) -> PortalEmbed:
    """Add the globals of ``embed`` to ``env``; returns ``embed``."""

    def element(tag: str, attributes: Mapping[str, Any] | None = None, /, **kwargs: Any) -> Any:
        if getattr(env, "is_async", False):  # a coroutine: async Jinja awaits it
            return embed.element_async(tag, attributes, **kwargs)
        return embed.element(tag, attributes, **kwargs)

    def provider(sections: Sections, attributes: Mapping[str, Any] | None = None, /, **kwargs: Any) -> Any:
        if getattr(env, "is_async", False):
            return embed.provider_async(sections, attributes, **kwargs)
        return embed.provider(sections, attributes, **kwargs)

    env.globals.update(
        stigg_portal=embed,
        stigg_portal_script=embed.script,
        stigg_portal_element=element,
        stigg_portal_provider=provider,
    )
    return embed


def install(
    env: jinja2.Environment,
    *,
    api_key: str | None = None,
    signing_secret: str | None = None,
    dist_url: str = DEFAULT_DIST_URL,
    defaults: Mapping[str, Any] | None = None,
    server_render: bool = True,
    transport: Any = None,
    timeout_s: float | None = None,
) -> PortalEmbed:
    """Add ``stigg_portal_element``, ``stigg_portal_provider`` and ``stigg_portal_script`` to ``env``.

    The arguments are :class:`~stigg_portal.integrations.PortalEmbed`'s; the embed is returned and
    is also the ``stigg_portal`` global (``{{ stigg_portal.token(user.id) }}``).
    """
    embed = PortalEmbed(
        api_key=api_key,
        signing_secret=signing_secret,
        dist_url=dist_url,
        defaults=dict(defaults or {}),
        server_render=server_render,
        transport=transport,
        timeout_s=timeout_s,
    )
    return install_embed(env, embed)


class StiggPortalExtension(Extension):
    """``Environment(extensions=[StiggPortalExtension])``, configured with ``env.stigg_portal_configure(...)``.

    The same globals as :func:`install`; until configured they render with no API key (demo data).
    """

    def __init__(self, environment: jinja2.Environment) -> None:
        super().__init__(environment)
        install_embed(environment, PortalEmbed())
        environment.extend(stigg_portal_configure=lambda **options: install(environment, **options))
