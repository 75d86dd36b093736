"""``FetchTransport``: HTTP from Pyodide through the browser's ``fetch`` (works in a Web Worker).

The only client code that touches ``js``/``pyodide``; import it only when running in the browser.
A timeout aborts the request with an ``AbortController``.

Under PyScript (the loader's default host) requests go through ``pyscript.fetch``; in the plain
module worker (``data-runtime="worker"``, or PyScript's fallback) there is no ``pyscript`` module
and ``js.fetch`` is called directly. ``pyscript.fetch(url, **options)`` turns its options into a
JavaScript object through JSON, which cannot carry an ``AbortSignal``: the method, headers, body
and signal therefore travel in a ``Request`` handed to it as the URL (``fetch(request)`` takes
them from there), so a timeout still aborts the request on both hosts.
"""

from __future__ import annotations

import asyncio

from ..clients.errors import ClientError
from ..clients.transport import HttpRequest, HttpResponse

__all__ = ["FetchTransport", "pyscript_fetch"]


def pyscript_fetch():
    """``pyscript.fetch`` when PyScript hosts this runtime, else None (the plain worker).

    The ``pyscript`` package is imported on first use (see
    :func:`stigg_portal.browser.pyscript_host.import_pyscript`).
    """
    from .pyscript_host import import_pyscript

    module = import_pyscript()
    return getattr(module, "fetch", None) if module is not None else None


class FetchTransport:
    """A transport (``async (HttpRequest) -> HttpResponse``) over ``js.fetch``."""

    async def __call__(self, request: HttpRequest) -> HttpResponse:
        import js
        from pyodide.ffi import JsException, to_js

        controller = js.AbortController.new()
        options = {
            "method": request.method,
            "headers": request.headers,
            "signal": controller.signal,
            "mode": "cors",
            "credentials": "omit",
        }
        if request.body is not None:
            options["body"] = request.body
        js_options = to_js(options, dict_converter=js.Object.fromEntries)
        via_pyscript = pyscript_fetch()
        try:
            async with asyncio.timeout(request.timeout_s):
                if via_pyscript is not None:
                    # A bad URL or header: Request() throws the TypeError js.fetch rejects with.
                    response = await _detached(via_pyscript(js.Request.new(request.url, js_options)))
                    text = await response.text()  # PyScript's wrapper: a Python str
                else:
                    response = await js.fetch(request.url, js_options)
                    text = await response.text()
        except TimeoutError:
            controller.abort()
            raise request.timed_out() from None
        except JsException as exc:  # DNS, CORS, offline, aborted
            raise ClientError(
                "network",
                f"Could not reach {request.url} ({_js_message(exc)}). If the page and the API are on "
                "different origins, the API must allow this origin (CORS).",
            ) from None
        headers = {}
        for pair in response.headers.entries():
            name, value = pair[0], pair[1]
            headers[str(name)] = str(value)
        return HttpResponse(status=int(response.status), headers=headers, text=str(text))


def _detached(awaitable) -> asyncio.Future:
    """A Future of our own that follows ``awaitable`` (``pyscript.fetch``'s answer).

    That answer is a Future of Pyodide's (``promise.then`` with a Python callback). Cancelled by the
    timeout, it would later be handed the abort's rejection and Pyodide's event loop would print
    ``InvalidStateError`` (``asyncio.shield`` prints "exception in shielded future" instead). So
    the timeout cancels this Future, and a late answer or rejection is only retrieved, not set."""
    inner = asyncio.ensure_future(awaitable)
    outer = asyncio.get_running_loop().create_future()

    def follow(done: asyncio.Future) -> None:
        error = None if done.cancelled() else done.exception()  # retrieved either way
        if outer.done():
            return
        if done.cancelled():
            outer.cancel()
        elif error is not None:
            outer.set_exception(error)
        else:
            outer.set_result(done.result())

    inner.add_done_callback(follow)
    return outer


def _js_message(exc: Exception) -> str:
    text = str(exc).strip() or type(exc).__name__
    first_line = text.splitlines()[0]
    return first_line if len(first_line) <= 160 else first_line[:157] + "..."
