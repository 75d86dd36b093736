"""Render elements on a Python server: the same HTML the browser shows, inside the element's tag.

The browser adopts server-rendered content (``data-stigg-ssr``) at first paint and refreshes
it once Python is ready in the page.
"""

from __future__ import annotations

import asyncio
from typing import Any

from .rendering import RenderResult
from .rendering import render_async as _render_element


def _attribute_names(attributes: dict[str, Any]) -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for name, value in attributes.items():
        attr = name.replace("_", "-")
        if value is None or value is False:
            continue
        out[attr] = "" if value is True else str(value)
    return out


async def render_result_async(tag: str, *, transport: Any = None, client: Any = None,
                              **attributes: Any) -> RenderResult:
    """Render ``tag`` with ``attributes`` (snake_case or kebab-case names); the full result."""
    return await _render_element(tag, _attribute_names(attributes), transport=transport, client=client)


async def render_async(tag: str, *, transport: Any = None, client: Any = None, **attributes: Any) -> str:
    """The element as HTML (``<stigg-usage ...>…</stigg-usage>``), ready to place in a page."""
    attrs = _attribute_names(attributes)
    result = await _render_element(tag, attrs, transport=transport, client=client)
    return result.outer_html(attrs)


def render(tag: str, *, transport: Any = None, client: Any = None, **attributes: Any) -> str:
    """Synchronous ``render_async`` for frameworks without an event loop (Flask, Django)."""
    return asyncio.run(render_async(tag, transport=transport, client=client, **attributes))
