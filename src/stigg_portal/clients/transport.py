"""How clients talk HTTP: a transport is an async callable ``(HttpRequest) -> HttpResponse``.

Like httpx's transports, this keeps the clients free of any HTTP library: CPython uses
:class:`RequestsTransport`; the browser package installs its ``fetch`` transport with
:func:`set_default_transport` when the worker starts (clients never import the browser package),
and tests hand in a :class:`CallableTransport` that answers from a plain function.
A transport raises ``ClientError("timeout" | "network")`` when no HTTP answer arrives; any HTTP
status (even 500) is an answer and comes back as an :class:`HttpResponse`.
"""

from __future__ import annotations

import asyncio
import inspect
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from .errors import ClientError

__all__ = [
    "CallableTransport",
    "HttpRequest",
    "HttpResponse",
    "RequestsTransport",
    "Transport",
    "default_transport",
    "set_default_transport",
]


@dataclass
class HttpRequest:
    method: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    body: str | None = None
    timeout_s: float = 10.0

    def json(self) -> Any:
        """The body parsed as JSON (``None`` when there is no body)."""
        return None if self.body is None else json.loads(self.body)

    def timed_out(self) -> ClientError:
        """The error every transport (and an early answer) raises when no answer came in time."""
        return ClientError("timeout", f"No answer from {self.url} within {self.timeout_s:g} s.")


@dataclass
class HttpResponse:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    text: str = ""

    def json(self) -> Any:
        return json.loads(self.text)


class Transport(Protocol):
    async def __call__(self, request: HttpRequest) -> HttpResponse: ...


Handler = Callable[[HttpRequest], HttpResponse | Awaitable[HttpResponse]]


class CallableTransport:
    """A transport that answers from a function (sync or async): the test double for every client.

    The function may also raise ``ClientError`` to simulate a timeout or network failure.
    ``requests`` keeps every request seen, in order.
    """

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.requests: list[HttpRequest] = []

    async def __call__(self, request: HttpRequest) -> HttpResponse:
        self.requests.append(request)
        result = self.handler(request)
        if inspect.isawaitable(result):
            result = await result
        return result


class RequestsTransport:
    """CPython transport: ``requests`` in a worker thread, so the event loop stays free."""

    def __init__(self, session: Any = None) -> None:
        import requests  # imported here so that merely importing the clients never needs requests

        self._requests = requests
        self._session = session or requests.Session()

    def _send(self, request: HttpRequest) -> HttpResponse:
        requests = self._requests
        try:
            answer = self._session.request(
                request.method,
                request.url,
                headers=request.headers,
                data=request.body.encode("utf-8") if request.body is not None else None,
                timeout=request.timeout_s,
            )
        except requests.Timeout:
            raise request.timed_out() from None
        except requests.RequestException as exc:
            raise ClientError("network", f"Could not reach {request.url}: {_short(exc)}.") from None
        return HttpResponse(status=answer.status_code, headers=dict(answer.headers), text=answer.text)

    async def __call__(self, request: HttpRequest) -> HttpResponse:
        return await asyncio.to_thread(self._send, request)


def _short(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text if len(text) <= 200 else text[:197] + "..."


#: Makes the transport clients use when none is given; ``None`` means :class:`RequestsTransport`.
_default_factory: Callable[[], Transport] | None = None


def set_default_transport(factory: Callable[[], Transport] | None) -> None:
    """Make ``factory()`` the transport of every client created without one (``None``: the
    CPython default again). The browser worker calls it at start with its ``fetch`` transport."""
    global _default_factory
    _default_factory = factory


def default_transport() -> Transport:
    """The transport :func:`set_default_transport` installed, else ``RequestsTransport``."""
    if _default_factory is not None:
        return _default_factory()
    return RequestsTransport()
