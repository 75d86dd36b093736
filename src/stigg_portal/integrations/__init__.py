"""Embed the portal in Python web apps: what Jinja2 (Flask, FastAPI) and Django templates share.

:class:`PortalEmbed` holds a site's configuration once (publishable key, signing secret, where
``dist/`` is served) and writes the two things a page needs:

- :meth:`PortalEmbed.script`: the ``<link>`` and ``<script type="module">`` tags of ``dist/``;
- :meth:`PortalEmbed.element`: an element, server-rendered (``data-stigg-ssr``) so the page shows
  real content before Python boots in the browser, with the customer token minted here, and
  preceded by a ``<link rel="stylesheet">`` to the Stigg widget designer's sheet when the design
  has custom CSS or a font (served by the integrations' ``dist/`` routes at ``designer/ID.css``).

The signing secret only ever signs tokens: the page gets the publishable key and each customer's
token, never the secret. Framework modules: :mod:`.jinja` (Flask, FastAPI, any Jinja2 app),
:mod:`.flask`, :mod:`.fastapi`, :mod:`.django`; :mod:`.static` serves ``dist/`` from any of them.
"""

from __future__ import annotations

import logging
import threading
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup, escape

from ..designer import DESIGNER_PATH
from ..rendering import prepare, uses_implicit_demo
from ..server import StiggPortalWarning, element_attributes, render_async, render_provider_async
from ..server import render as render_sync
from ..server import render_provider as render_provider_sync
from ..token import mint_customer_token

__all__ = ["DEFAULT_DIST_URL", "PortalEmbed"]

DEFAULT_DIST_URL = "/stigg-portal/"
log = logging.getLogger("stigg_portal")
#: Sections of a provider: tags, or ``(tag, attributes)`` pairs.
Sections = list[str | tuple[str, Mapping[str, Any]]]

_demo_lock = threading.Lock()
_demo_warned = False  # once per process, not per request


def demo_data_message(key_setting: str) -> str:
    """What a developer reads when server renders fall back to the demo customers."""
    return (
        f"stigg-portal: no API key configured ({key_setting}), so server-rendered elements show the "
        'built-in demo customers, with a "Demo data" badge. Set it to your publishable key to show real '
        'data, or set client="demo" to show demo data on purpose (this is logged once per process).'
    )


def warn_with_python_warning(message: str) -> None:
    """A :class:`~stigg_portal.server.StiggPortalWarning`: printed on stderr by default (uvicorn and
    plain Python), and a ``py.warnings`` log line where logging captures warnings (Django)."""
    warnings.warn(message, StiggPortalWarning, stacklevel=2)


@dataclass
class PortalEmbed:
    """A site's portal configuration; ``element()`` and ``script()`` write the HTML.

    - ``api_key``: the environment's publishable (client) key; it goes into the page.
    - ``signing_secret``: when set, every element with a ``customer_id`` gets a ``customer_token``
      minted from it (Stigg's client-side hardening). It never goes into the page.
    - ``dist_url``: where the built ``dist/`` folder is served (path or absolute URL).
    - ``defaults``: attributes for every element (``base_url``, ``locale``, ``client``, ``theme`` …).
    - ``server_render``: render elements on the server (default) or leave them to the browser.
    - ``transport``, ``timeout_s``: how the server talks to the API (defaults: ``requests``, 5 s).
    - ``designer_url``: where this app serves the widget designer's sheets (``designer/ID.css``,
      answered by the ``dist/`` routes of the integrations). Default: ``dist_url + "designer/"``
      when ``dist_url`` is a path on this site, none when it is another origin (a CDN cannot serve
      them); ``""`` turns the links off (the loader then applies the design when Python is ready).
    """

    api_key: str | None = None
    signing_secret: str | None = field(default=None, repr=False)
    dist_url: str = DEFAULT_DIST_URL
    defaults: Mapping[str, Any] = field(default_factory=dict)
    server_render: bool = True
    transport: Any = field(default=None, repr=False)
    timeout_s: float | None = None
    designer_url: str | None = None
    #: Says, once per process, that a server render fell back to demo data because no API key is
    #: configured (default: a Python warning; Flask passes ``app.logger.warning``).
    warn_demo: Callable[[str], Any] | None = field(default=None, repr=False, compare=False)
    #: How the missing key is named in that message.
    key_setting: str = field(default="api_key", repr=False, compare=False)
    _default_transport: Any = field(default=None, init=False, repr=False, compare=False)

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any], *, dist_url: str = DEFAULT_DIST_URL,
                      **options: Any) -> PortalEmbed:
        """From a settings mapping with upper-case keys, as Flask's ``app.config["STIGG_PORTAL"]`` and
        Django's ``settings.STIGG_PORTAL`` hold it: ``API_KEY``, ``SIGNING_SECRET``, ``DIST_URL``,
        ``DEFAULTS``, ``SERVER_RENDER``, ``TRANSPORT``, ``TIMEOUT_S``, ``DESIGNER_URL``."""
        return cls(
            api_key=settings.get("API_KEY"),
            signing_secret=settings.get("SIGNING_SECRET"),
            dist_url=settings.get("DIST_URL") or dist_url,
            defaults=dict(settings.get("DEFAULTS") or {}),
            server_render=settings.get("SERVER_RENDER", True),
            transport=settings.get("TRANSPORT"),
            timeout_s=settings.get("TIMEOUT_S"),
            designer_url=settings.get("DESIGNER_URL"),
            **options,
        )

    # ------------------------------------------------------------------ attributes
    def attributes(self, attributes: Mapping[str, Any] | None = None, /, **kwargs: Any) -> dict[str, str]:
        """An element's attributes: defaults, the API key, the given ones, and the minted token."""
        attrs = element_attributes(self.defaults, {"api_key": self.api_key}, attributes, **kwargs)
        customer_id = attrs.get("customer-id")
        if self.signing_secret and customer_id and "customer-token" not in attrs:
            attrs["customer-token"] = mint_customer_token(customer_id, self.signing_secret)
        return attrs

    def token(self, customer_id: Any) -> str:
        """The customer token for ``customer_id`` (needs ``signing_secret``)."""
        if not self.signing_secret:
            raise ValueError("PortalEmbed.token needs signing_secret (Stigg's client-side hardening secret)")
        return mint_customer_token(str(customer_id), self.signing_secret)

    # ------------------------------------------------------------------ dist/
    def asset_url(self, name: str) -> str:
        """The URL of a file at the top of ``dist/`` (``stigg-portal.js``, ``stigg-portal.css``)."""
        return self.dist_url.rstrip("/") + "/" + name

    def script(self, *, css: bool = True, **data: Any) -> Markup:
        """The tags that load the portal: ``<link rel="stylesheet">`` (so server-rendered elements are
        styled from the first paint) and ``<script type="module">``. Keywords become page-wide
        ``data-*`` defaults on the script tag (``locale="de-DE"`` -> ``data-locale="de-DE"``)."""
        tags = []
        if css:
            tags.append(f'<link rel="stylesheet" href="{escape(self.asset_url("stigg-portal.css"))}" '
                        'data-stigg-portal>')
        data_attrs = "".join(f' data-{name}="{escape(value)}"' if value else f" data-{name}"
                             for name, value in element_attributes(data).items())
        tags.append(f'<script type="module" src="{escape(self.asset_url("stigg-portal.js"))}"{data_attrs}>'
                    "</script>")
        return Markup("\n".join(tags))

    def designer_base(self) -> str | None:
        """Where the designer's sheets are linked from (see ``designer_url``); ``None``: not linked."""
        if self.designer_url is not None:
            return self.designer_url or None
        if self.dist_url.startswith("/") and not self.dist_url.startswith("//"):
            return self.asset_url(DESIGNER_PATH)
        return None

    # ------------------------------------------------------------------ elements
    def _plain(self, tag: str, attrs: Mapping[str, str], inner: str = "") -> Markup:
        parts = [tag] + [f'{name}="{escape(value)}"' if value else name for name, value in attrs.items()]
        return Markup(f"<{' '.join(parts)}>{inner}</{tag}>")

    def _render_options(self) -> dict[str, Any]:
        transport = self.transport
        if transport is None:  # one HTTP session for every page view: connections to Stigg are reused
            if self._default_transport is None:
                from ..clients import RequestsTransport

                self._default_transport = RequestsTransport()
            transport = self._default_transport
        return {"transport": transport, "timeout_s": self.timeout_s, "designer_url": self.designer_base()}

    def _note_demo(self, tag: str, attrs: Mapping[str, str]) -> None:
        """Warn (once per process) when this server render showed demo data for want of an API key."""
        global _demo_warned
        if _demo_warned or any((attrs.get(name) or "").strip() for name in ("api-key", "client")):
            return  # warned already, or a key or a client is given: no implicit demo, no second prepare()
        prepared = prepare(tag, attrs)
        if not (prepared.widget.loads and uses_implicit_demo(prepared.attributes)):
            return
        with _demo_lock:
            if _demo_warned:
                return
            _demo_warned = True
        (self.warn_demo or warn_with_python_warning)(demo_data_message(self.key_setting))

    def element(self, tag: str, attributes: Mapping[str, Any] | None = None, /, **kwargs: Any) -> Markup:
        """``<tag ...>`` with the configuration, the customer token and (by default) server-rendered content.

        A failure while rendering never breaks the page: the element is then sent empty and the
        browser renders it as usual.
        """
        attrs = self.attributes(attributes, **kwargs)
        if not self.server_render:
            return self._plain(tag, attrs)
        try:
            html = Markup(render_sync(tag, attrs, **self._render_options()))
        except Exception:
            log.exception("stigg-portal: server rendering of <%s> failed; the browser will render it", tag)
            return self._plain(tag, attrs)
        self._note_demo(tag, attrs)
        return html

    async def element_async(self, tag: str, attributes: Mapping[str, Any] | None = None, /,
                            **kwargs: Any) -> Markup:
        """:meth:`element` for ``async`` code (FastAPI endpoints, Django async views)."""
        attrs = self.attributes(attributes, **kwargs)
        if not self.server_render:
            return self._plain(tag, attrs)
        try:
            html = Markup(await render_async(tag, attrs, **self._render_options()))
        except Exception:
            log.exception("stigg-portal: server rendering of <%s> failed; the browser will render it", tag)
            return self._plain(tag, attrs)
        self._note_demo(tag, attrs)
        return html

    def _plain_provider(self, sections: Sections, attrs: Mapping[str, str]) -> Markup:
        inner = "".join(
            self._plain(section, {}) if isinstance(section, str)
            else self._plain(section[0], element_attributes(section[1]))
            for section in sections
        )
        return self._plain("stigg-provider", attrs, inner)

    def provider(self, sections: Sections, attributes: Mapping[str, Any] | None = None, /,
                 **kwargs: Any) -> Markup:
        """A ``<stigg-provider>`` around ``sections`` (tags or ``(tag, attributes)``): one load for all."""
        attrs = self.attributes(attributes, **kwargs)
        if not self.server_render:
            return self._plain_provider(sections, attrs)
        try:
            html = Markup(render_provider_sync(sections, attrs, **self._render_options()))
        except Exception:
            log.exception("stigg-portal: server rendering of <stigg-provider> failed; the browser will render it")
            return self._plain_provider(sections, attrs)
        self._note_demo("stigg-customer-portal", attrs)  # the provider's one load, as the server makes it
        return html

    async def provider_async(self, sections: Sections, attributes: Mapping[str, Any] | None = None, /,
                             **kwargs: Any) -> Markup:
        """:meth:`provider` for ``async`` code."""
        attrs = self.attributes(attributes, **kwargs)
        if not self.server_render:
            return self._plain_provider(sections, attrs)
        try:
            html = Markup(await render_provider_async(sections, attrs, **self._render_options()))
        except Exception:
            log.exception("stigg-portal: server rendering of <stigg-provider> failed; the browser will render it")
            return self._plain_provider(sections, attrs)
        self._note_demo("stigg-customer-portal", attrs)  # the provider's one load, as the server makes it
        return html
