"""Glue between the worker's JavaScript and ``PortalRuntime``: JSON strings both ways.

Messages cross as JSON text, so no Python proxy is ever handed to the page per message; the
one handler proxy created by ``start`` lives as long as the worker.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from ..runtime import PortalRuntime

_runtime: PortalRuntime | None = None
_pending: set[asyncio.Task] = set()


def start(post_text: Any) -> Any:
    """Create the page's runtime; returns the handler the worker calls with each message."""
    from pyodide.ffi import create_proxy

    global _runtime

    def post(message: dict[str, Any]) -> None:
        post_text(json.dumps(message, default=str))

    _runtime = PortalRuntime(post)  # clients pick the browser's fetch transport by default

    def handle(text: str) -> None:
        task = asyncio.ensure_future(_runtime.handle(json.loads(text)))
        _pending.add(task)
        task.add_done_callback(_pending.discard)

    return create_proxy(handle)


def warm_up() -> None:
    """Import and render once so the first real render is fast (and snapshots include it)."""
    from ..elements import all_widgets
    from ..rendering import environment, render_skeleton

    for tag in all_widgets():
        environment()
        render_skeleton(tag)
