"""Render elements on a Python server: the same HTML the browser shows, inside the element's tag.

The browser adopts server-rendered content (``data-stigg-ssr``) at first paint and refreshes
it once Python is ready in the page::

    import stigg_portal

    html = stigg_portal.render("stigg-usage", api_key="pk_...", customer_id="customer-123",
                               customer_token=token)
    # '<stigg-usage api-key="pk_..." customer-id="customer-123" ... data-stigg-ssr="ready">…</stigg-usage>'

Attributes are keyword arguments in snake_case (``customer_id``) or a mapping with the HTML
names (``{"customer-id": ...}``). Values are converted as a page author would write them:
``True`` makes a boolean attribute present, ``False``/``None`` leave it out, a dict (``texts``,
``theme``) becomes JSON, a list of ``hidden_sections`` becomes a space-separated list, and
anything else becomes ``str(value)``.

``client`` is the ``client`` attribute when it is a string (``"demo"``, ``"http"``, a registered
name) and the API client object itself when it is one (any object with ``get_customer_portal`` and
``get_paywall``, such as a :class:`~stigg_portal.clients.StiggClient`).

Loading never raises: a failed load renders the element's error state (``data-stigg-ssr="error"``),
which the browser replaces once it has loaded the data itself.

The design saved in the Stigg app's widget designer (its custom CSS and font) is a stylesheet of
its own: with ``designer_url`` (where the app serves ``designer/``, the Python integrations pass
``dist_url + "designer/"`` and serve it) the element is preceded by a ``<link rel="stylesheet">``
to it, so it is styled from the first paint under a strict Content-Security-Policy too (no inline
style); without it the loader applies the design once Python runs in the page.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import logging
import warnings
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from .designer import designer_link
from .elements import identity_attributes
from .rendering import RenderResult, client_config, prepare
from .rendering import render_async as _render_element

__all__ = [
    "SERVER_RETRIES",
    "SERVER_TIMEOUT_S",
    "StiggPortalWarning",
    "designer_links",
    "element_attributes",
    "render",
    "render_async",
    "render_provider",
    "render_provider_async",
    "render_result_async",
    "run_sync",
]

logger = logging.getLogger("stigg_portal")
logger.addHandler(logging.NullHandler())  # the app's logging config decides where these go


class StiggPortalWarning(UserWarning):
    """A bad attribute in a server render (the element renders with the default instead)."""


def report_problems(result: RenderResult) -> None:
    """Every attribute problem of a server render as a Python warning and a log line."""
    for problem in result.problems:
        message = f"<{result.tag}> {problem.message}"
        logger.warning(message)
        warnings.warn(message, StiggPortalWarning, stacklevel=2)


#: A page waits for the server render: a slow API costs at most this long, then the browser loads.
SERVER_TIMEOUT_S = 5.0
SERVER_RETRIES = 0
#: Attributes that choose the API client and its data; a section inside a provider that sets none
#: of them shares the provider's one load.
CONFIG_ATTRIBUTES = frozenset(identity_attributes())


def _attribute_value(name: str, value: Any) -> str | None:
    if value is None or value is False:
        return None
    if value is True:
        return ""
    if isinstance(value, Mapping):
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=str)
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value) if isinstance(value, (set, frozenset)) else list(value)
        if name == "hidden-sections":
            return " ".join(str(item) for item in items)
        return json.dumps(items, separators=(",", ":"), ensure_ascii=False, default=str)
    return str(value)


def element_attributes(*mappings: Mapping[str, Any] | None, **attributes: Any) -> dict[str, str]:
    """HTML attribute strings from Python values (later mappings and keywords win).

    ``customer_id=7`` -> ``{"customer-id": "7"}``; see the module docstring for the conversions.
    """
    out: dict[str, str] = {}
    for source in (*mappings, attributes):
        for name, value in (source or {}).items():
            attr = str(name).replace("_", "-").lower()
            text = _attribute_value(attr, value)
            if text is None:
                out.pop(attr, None)
            else:
                out[attr] = text
    return out


def designer_links(results: list[RenderResult], designer_url: str | None) -> str:
    """One ``<link rel="stylesheet">`` per distinct designer sheet of ``results`` (none without a URL)."""
    if not designer_url:
        return ""
    sheets = {r.designer.id: r.designer for r in results if r.designer.css}
    return "".join(designer_link(sheet, designer_url) for sheet in sheets.values())


def _split_client(client: Any, attributes: dict[str, Any]) -> Any:
    """A string ``client`` is the attribute; anything else is the API client object."""
    if isinstance(client, str):
        attributes["client"] = client
        return None
    return client


def _server_client(tag: str, attrs: Mapping[str, str], transport: Any, timeout_s: float | None,
                   now: datetime | None = None) -> Any:
    """The client the attributes name, with the server's short timeout and no retries (and the
    demo customers dated to ``now`` when it is given).

    ``None`` when the attributes are bad: rendering then builds the client itself and shows the
    configuration error the browser would show.
    """
    from .clients import ClientError, DemoClient, create_client

    prepared = prepare(tag, attrs)
    if not prepared.widget.loads:
        return None
    config = client_config(prepared.attributes).model_copy(
        update={"timeout_s": SERVER_TIMEOUT_S if timeout_s is None else timeout_s, "retries": SERVER_RETRIES}
    )
    try:
        client = create_client(config, transport)
    except ClientError:
        return None
    if now is not None and type(client) is DemoClient:
        client = DemoClient(config, transport, now=now)
    return client


async def _render(
    tag: str,
    attrs: dict[str, str],
    *,
    transport: Any,
    client: Any,
    now: datetime | None,
    timeout_s: float | None,
    demo_notice: bool | None = None,
) -> RenderResult:
    if client is None:
        client = _server_client(tag, attrs, transport, timeout_s, now)
    result = await _render_element(tag, attrs, transport=transport, client=client, now=now,
                                   demo_notice=demo_notice)
    report_problems(result)
    return result


async def render_result_async(
    tag: str,
    attributes: Mapping[str, Any] | None = None,
    /,
    *,
    transport: Any = None,
    client: Any = None,
    now: datetime | None = None,
    timeout_s: float | None = None,
    **kwargs: Any,
) -> RenderResult:
    """Render ``tag``; the full :class:`~stigg_portal.rendering.RenderResult` (HTML, status, error, problems)."""
    client = _split_client(client, kwargs)
    attrs = element_attributes(attributes, **kwargs)
    return await _render(tag, attrs, transport=transport, client=client, now=now, timeout_s=timeout_s)


async def render_async(
    tag: str,
    attributes: Mapping[str, Any] | None = None,
    /,
    *,
    transport: Any = None,
    client: Any = None,
    now: datetime | None = None,
    timeout_s: float | None = None,
    designer_url: str | None = None,
    **kwargs: Any,
) -> str:
    """The element as HTML (``<stigg-usage ... data-stigg-ssr="ready">…</stigg-usage>``), ready for a page.

    ``transport`` replaces the HTTP transport (default: ``requests``), ``now`` pins the clock (of the
    demo customers too),
    ``timeout_s`` bounds each API request (default :data:`SERVER_TIMEOUT_S`), ``designer_url`` is
    where the app serves the designer's sheets (``stigg_portal.serve.dist_answer`` answers
    ``designer/ID.css``): the element is then preceded by a link to its sheet.
    """
    client = _split_client(client, kwargs)
    attrs = element_attributes(attributes, **kwargs)
    result = await _render(tag, attrs, transport=transport, client=client, now=now, timeout_s=timeout_s)
    return designer_links([result], designer_url) + result.outer_html(attrs)


class _SharedLoads:
    """One client's loads, each done once however many sections ask (the provider's one load)."""

    def __init__(self, client: Any) -> None:
        self._client = client
        self._tasks: dict[str, asyncio.Future] = {}

    def _once(self, kind: str, load: Any) -> asyncio.Future:
        if kind not in self._tasks:
            self._tasks[kind] = asyncio.ensure_future(load())
        return self._tasks[kind]

    async def get_customer_portal(self) -> Any:
        return await self._once("portal", self._client.get_customer_portal)

    async def get_paywall(self) -> Any:
        return await self._once("paywall", self._client.get_paywall)


def first_in_group(sections: list[str | tuple[str, Mapping[str, Any]]]) -> int:
    """Index of the first section that shares its provider's load (-1: none)."""
    for index, section in enumerate(sections):
        own = {} if isinstance(section, str) else element_attributes(section[1])
        if not (CONFIG_ATTRIBUTES & own.keys()):
            return index
    return -1


async def render_provider_async(
    sections: list[str | tuple[str, Mapping[str, Any]]],
    attributes: Mapping[str, Any] | None = None,
    /,
    *,
    transport: Any = None,
    client: Any = None,
    now: datetime | None = None,
    timeout_s: float | None = None,
    designer_url: str | None = None,
    **kwargs: Any,
) -> str:
    """A ``<stigg-provider>`` around server-rendered sections that share ONE data load.

    ``sections`` are tags, or ``(tag, attributes)`` pairs for a section's own attributes
    (``texts``, ``hidden_sections``, …); a section inherits the provider's attributes as in the
    browser, and one that sets its own ``customer_id`` (or another client attribute) loads alone.
    With ``designer_url`` one link per distinct designer sheet precedes the provider.
    """
    client = _split_client(client, kwargs)
    provider_attrs = element_attributes(attributes, **kwargs)
    shared = client
    if shared is None:
        portal_tag = "stigg-customer-portal"  # loads what any section needs; used for its config only
        shared = _server_client(portal_tag, provider_attrs, transport, timeout_s, now)
    shared = _SharedLoads(shared) if shared is not None else None
    parts = []
    for index, section in enumerate(sections):
        tag, own = (section, {}) if isinstance(section, str) else section
        own_attrs = element_attributes(own)
        merged = {**provider_attrs, **own_attrs}
        in_group = not (CONFIG_ATTRIBUTES & own_attrs.keys())
        section_client = shared if in_group else None
        # the sections sharing the provider's load show one "Demo data" badge between them
        demo_notice = False if in_group and index > first_in_group(sections) else None
        parts.append((tag, own_attrs, _render(tag, merged, transport=transport, client=section_client,
                                              now=now, timeout_s=timeout_s, demo_notice=demo_notice)))
    results = await asyncio.gather(*(coro for _, _, coro in parts))
    inner = "".join(result.outer_html(own) for (_, own, _), result in zip(parts, results))
    provider = RenderResult(tag="stigg-provider", html=inner, status="ready")
    return designer_links(results, designer_url) + provider.outer_html(provider_attrs)


def run_sync(coro: Any) -> Any:
    """Run a coroutine to completion from synchronous code, even inside a running event loop.

    Flask and Django call from plain threads (``asyncio.run``); a template rendered inside an
    ``async def`` FastAPI endpoint already runs on a loop, so the coroutine gets a loop of its own
    in a helper thread (the endpoint waits for it: prefer ``await render_async`` there).
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="stigg-portal") as pool:
        return pool.submit(asyncio.run, coro).result()


def render(
    tag: str,
    attributes: Mapping[str, Any] | None = None,
    /,
    *,
    transport: Any = None,
    client: Any = None,
    now: datetime | None = None,
    timeout_s: float | None = None,
    designer_url: str | None = None,
    **kwargs: Any,
) -> str:
    """Synchronous :func:`render_async` for code without an event loop (Flask, Django, scripts)."""
    return run_sync(render_async(tag, attributes, transport=transport, client=client, now=now,
                                  timeout_s=timeout_s, designer_url=designer_url, **kwargs))


def render_provider(sections: list[str | tuple[str, Mapping[str, Any]]],
                    attributes: Mapping[str, Any] | None = None, /, **options: Any) -> str:
    """Synchronous :func:`render_provider_async` (same arguments)."""
    return run_sync(render_provider_async(sections, attributes, **options))
