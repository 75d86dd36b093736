"""Glue between the worker's JavaScript and ``PortalRuntime``: JSON strings both ways.

Messages cross as JSON text, so no Python proxy is ever handed to the page per message; the
one handler proxy created by ``start`` lives as long as the worker.

The page's Python plugins (``data-plugins`` / ``StiggPortal.configure({plugins})``) arrive as a
``{"type": "plugins", "urls": [...]}`` message: each file is fetched and run, in order, in this
runtime, and every message after it waits until they have run (so a plugin's client exists
before the first render that names it). A plugin that cannot be fetched or raises is reported
on the console and named in the ``bad-config`` error of every element whose client is missing.

``{"type": "early", "request"}`` / ``{"type": "early-answer", "request", "answer"}`` /
``{"type": "early-cancel", "request"}``: a Stigg GraphQL request the loader sent while Python
booted, what came back, or that the loader aborted it (no element needed it any more); they feed
:data:`stigg_portal.clients.early.EARLY` at once (in message order, before the renders after
them), and the Stigg client takes an answer only for the identical request.
"""

from __future__ import annotations

import asyncio
import json
import sys
import traceback
from typing import Any

from ..clients.early import EARLY
from ..clients.registry import note_plugin_failure
from ..clients.transport import HttpRequest, set_default_transport
from ..runtime import PortalRuntime
from .fetch_transport import FetchTransport

_runtime: PortalRuntime | None = None
_pending: set[asyncio.Task] = set()
_plugins: asyncio.Future | None = None  # the plugins being loaded; later messages wait for them
_plugins_seen: set[str] = set()


def _js_refs() -> dict[str, int]:
    """Live JavaScript references held by Python (Pyodide's hiwire table): a leak test's counter."""
    import pyodide_js

    return {"jsRefs": int(pyodide_js._module._hiwire_num_refs())}


def start(post_text: Any) -> Any:
    """Create the page's runtime; returns the handler the worker calls with each message."""
    from pyodide.ffi import create_proxy

    global _runtime

    def post(message: dict[str, Any]) -> None:
        post_text(json.dumps(message, default=str))

    set_default_transport(FetchTransport)  # every client created without a transport uses fetch
    _runtime = PortalRuntime(post, host_stats=_js_refs)

    def handle(text: str) -> None:
        global _plugins
        message = json.loads(text)
        kind = message.get("type")
        if kind == "early":  # the loader sent a Stigg request early: renders wait for its answer
            EARLY.expect(message.get("request") or {})
            return
        if kind == "early-answer":
            EARLY.settle(message.get("request") or {}, message.get("answer") or {})
            if not _pending:  # every render it could be for has run: nothing will take it
                EARLY.release_unclaimed()
            return
        if kind == "early-cancel":  # aborted: nothing waits for it, nothing uses it
            EARLY.cancel(message.get("request") or {})
            return
        if kind == "plugins":
            _plugins = asyncio.ensure_future(_load_plugins(_plugins, message.get("urls") or [], post))
            task = _plugins
        else:
            task = asyncio.ensure_future(_handle(message))
        _pending.add(task)
        task.add_done_callback(_done)

    return create_proxy(handle)


def _done(task: asyncio.Task) -> None:
    _pending.discard(task)
    if not _pending:  # idle: an early answer no render took is never taken (EarlyAnswers.release_unclaimed)
        EARLY.release_unclaimed()


async def _handle(message: dict[str, Any]) -> None:
    if _plugins is not None and not _plugins.done():
        await asyncio.shield(_plugins)
    await _runtime.handle(message)


async def _load_plugins(before: asyncio.Future | None, urls: list[str], post: Any) -> None:
    """Fetch and run each plugin once, in order (after the plugins of an earlier message)."""
    if before is not None and not before.done():
        await asyncio.shield(before)
    for url in urls:
        if not isinstance(url, str) or url in _plugins_seen:
            continue
        _plugins_seen.add(url)
        problem = await run_plugin(url)
        if problem:
            note_plugin_failure(problem)
            post({"type": "log", "level": "error", "id": None, "message": problem})


async def run_plugin(url: str) -> str | None:
    """Run the Python file at ``url`` as a module of its own; returns what went wrong, or None."""
    from ..clients.errors import ClientError

    try:
        response = await FetchTransport()(HttpRequest("GET", url, timeout_s=30.0))
    except ClientError as exc:
        return f"stigg-portal: the Python plugin {url} could not be fetched: {exc.message}"
    if response.status != 200:
        return f"stigg-portal: the Python plugin {url} could not be fetched: HTTP {response.status}"
    name = "stigg_portal_plugin_" + str(len(_plugins_seen))
    namespace: dict[str, Any] = {"__name__": name, "__file__": url}
    try:
        code = compile(response.text, url, "exec")
        exec(code, namespace)  # noqa: S102 - the page owner's own Python, run on purpose
    except BaseException as exc:  # noqa: BLE001 - a plugin's bug must not stop the portal
        traceback.print_exc(file=sys.stderr)
        last = traceback.extract_tb(exc.__traceback__)
        where = f" (line {last[-1].lineno})" if last and last[-1].filename == url else ""
        hint = ""
        if isinstance(exc, ModuleNotFoundError) and (exc.name or "").split(".")[0] == "pyscript":
            hint = (". The pyscript module exists only when PyScript hosts the portal's Python (the default); "
                    'this page runs the plain worker (data-runtime="worker", or PyScript could not start)')
        return f"stigg-portal: the Python plugin {url} raised {type(exc).__name__}: {exc}{where}{hint}"
    return None


def warm_up() -> None:
    """Import and render once so the first real render is fast (and snapshots include it)."""
    from ..elements import all_widgets
    from ..rendering import environment, render_skeleton

    for tag in all_widgets():
        environment()
        render_skeleton(tag)
