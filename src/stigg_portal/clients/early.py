"""Early answers: Stigg GraphQL requests the page's loader sent while Python was still booting.

The loader (stigg-portal.js) starts the requests the elements on the page need as soon as they
are connected, in parallel with the runtime's boot, and hands what it sent and what came back to
the worker. Python still builds every request itself (:class:`~stigg_portal.clients.StiggClient`)
and reads every answer with its own checks; an early answer stands in for a request only when the
request Python built is the one the loader sent, byte for byte (method, URL, every header, body).
Anything else is ignored and Python sends its request itself.

What the loader needs to build those requests (operations, their documents, which attribute goes
where) is generated from :class:`StiggClient` at build time (:func:`loader_plan`), never written
twice. Nothing here imports the browser: the worker feeds :data:`EARLY` from the page's messages.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any

from .transport import HttpRequest, HttpResponse

__all__ = ["EARLY", "EarlyAnswers", "loader_plan"]

#: How long an early answer no request asked for is kept at most (its element changed before the
#: boot) where nothing calls :meth:`EarlyAnswers.release_unclaimed`; the worker calls it as soon
#: as every message it had was handled.
UNCLAIMED_TTL_S = 60.0


def request_key(method: str, url: str, headers: dict[str, str], body: str | None) -> str:
    """One string for everything a request sends; equal keys mean byte-identical requests."""
    return json.dumps([method, url, sorted(headers.items()), body], ensure_ascii=False, separators=(",", ":"))


def _sent_key(request: dict[str, Any]) -> str | None:
    """:func:`request_key` of a request the loader reports (``{method, url, headers, body}``), or
    ``None`` when the message does not have that shape."""
    try:
        return request_key(str(request["method"]), str(request["url"]),
                           {str(k): str(v) for k, v in dict(request.get("headers") or {}).items()},
                           None if request.get("body") is None else str(request["body"]))
    except (KeyError, TypeError, ValueError, AttributeError):
        return None


_CANCELLED = object()  # the outcome of a request the loader aborted


@dataclass
class _Entry:
    future: asyncio.Future
    created: float = field(default=0.0)


class EarlyAnswers:
    """The early requests the loader announced, by :func:`request_key` of what it sent.

    ``expect`` is called (synchronously, in message order) before the render that needs the
    answer; ``settle`` when the loader's fetch finished: ``{"status", "headers", "text"}`` or
    ``{"error": "network" | "timeout", "message"}``; ``cancel`` when the loader aborted it
    because no element on the page needs it any more. ``take`` hands a request its early answer
    once: a retry of the same request goes to the network.
    """

    def __init__(self) -> None:
        self._entries: dict[str, _Entry] = {}  # not taken yet
        self._unsettled: dict[str, _Entry] = {}  # the loader's fetch still running (taken or not)
        self._cancelled: set[str] = set()  # aborted by the loader, not asked for since
        self.used = 0  # answers that stood in for a request (diagnostics, tests)
        self.fallbacks = 0  # early failures after which Python sent the request itself
        self.cancelled = 0  # requests the loader aborted (no element needed them any more)

    def __len__(self) -> int:
        return len(self._entries)

    def expect(self, request: dict[str, Any]) -> None:
        key = _sent_key(request)
        if key is None:
            return  # not something we sent: nothing to wait for
        self._cancelled.discard(key)
        if key not in self._entries and key not in self._unsettled:
            entry = _Entry(asyncio.get_event_loop().create_future())
            self._entries[key] = self._unsettled[key] = entry

    def settle(self, request: dict[str, Any], answer: dict[str, Any]) -> None:
        key = _sent_key(request)
        entry = self._unsettled.pop(key, None) if key is not None else None
        if entry is None or entry.future.done():
            return
        entry.future.set_result(answer)
        # An answer nobody takes (the element's attributes changed before the boot) is dropped.
        asyncio.get_event_loop().call_later(UNCLAIMED_TTL_S, self._drop, key, entry)

    def cancel(self, request: dict[str, Any]) -> None:
        """Forget a request the loader aborted. A load that waits for it, or asks for it next, is
        one the page has superseded: the loader posts the element's new render before the cancel,
        and that render's first step cancels the stale load (``PortalRuntime._prune_loads``), so
        :meth:`take` yields to it before letting the load send the request itself (a load still
        alive after that, say an element attached again, does send it)."""
        key = _sent_key(request)
        entry = self._unsettled.pop(key, None) if key is not None else None
        if entry is None or entry.future.done():
            return
        if self._entries.get(key) is entry:
            del self._entries[key]
            self._cancelled.add(key)
            asyncio.get_event_loop().call_later(UNCLAIMED_TTL_S, self._cancelled.discard, key)
        self.cancelled += 1
        entry.future.set_result(_CANCELLED)

    def release_unclaimed(self) -> int:
        """Forget the answers that came back and that no request took, and the aborted requests.

        The worker calls this once every message it had is handled: each early request is
        announced before the render that needs it, and its answer arrives after that render's
        message, so by then every render that could take an answer has run (it took the answer,
        or it asked for something else). What is left would only serve a later render of the
        same request with an old answer: that render sends its own. Requests still on their way
        stay (a render may be waiting for them). Returns how many answers were dropped."""
        settled = [key for key, entry in self._entries.items() if entry.future.done()]
        for key in settled:
            del self._entries[key]
        self._cancelled.clear()
        return len(settled)

    def _drop(self, key: str, entry: _Entry) -> None:
        if self._entries.get(key) is entry:
            del self._entries[key]

    def clear(self) -> None:
        self._entries.clear()
        self._unsettled.clear()
        self._cancelled.clear()

    @staticmethod
    async def _yield_to_superseding_render() -> None:
        # The render that superseded this load was queued before the cancel was handled; two
        # turns of the loop let its first step run (and cancel this load) before we go on.
        for _ in range(2):
            await asyncio.sleep(0)

    async def take(self, request: HttpRequest) -> HttpResponse | None:
        """The early answer to exactly this request (waiting for it while it is on its way), or
        ``None``: Python sends the request itself. An early timeout is this attempt's timeout."""
        if not self._entries and not self._cancelled:
            return None
        key = request_key(request.method, request.url, request.headers, request.body)
        if key in self._cancelled:
            self._cancelled.discard(key)
            await self._yield_to_superseding_render()
            return None
        entry = self._entries.pop(key, None)
        if entry is None:
            return None
        try:
            async with asyncio.timeout(request.timeout_s):
                answer = await asyncio.shield(entry.future)
        except TimeoutError:
            raise request.timed_out() from None
        if answer is _CANCELLED:
            await self._yield_to_superseding_render()
            return None
        if not isinstance(answer, dict):
            self.fallbacks += 1
            return None
        if answer.get("error") == "timeout":
            raise request.timed_out()
        status = answer.get("status")
        if answer.get("error") or not isinstance(status, int) or not isinstance(answer.get("text"), str):
            self.fallbacks += 1
            return None  # a network error in the page (or a bad message): Python fetches itself
        headers = answer.get("headers") if isinstance(answer.get("headers"), dict) else {}
        self.used += 1
        return HttpResponse(status=status, headers={str(k): str(v) for k, v in headers.items()},
                            text=answer["text"])


#: The worker's registry (empty on CPython: every request goes to the network).
EARLY = EarlyAnswers()


def loader_plan() -> dict[str, Any]:
    """What the loader needs to send :class:`StiggClient`'s requests itself, read off the client.

    A client is configured with a marker value per attribute; where a marker lands in the
    request (URL, a header, the variables) says which attribute goes there. The loader fills in
    the element's (trimmed, non-blank) attribute values, leaves out what is unset the same way
    the client does, and serializes the body as ``JSON.stringify`` does (the client's
    :meth:`~StiggClient.build_request` uses the same compact form).
    """
    from .config import ClientConfig
    from .remote import PAYWALL_OPERATION, PORTAL_OPERATION
    from .stigg import StiggClient

    attributes = {"api_key": "api-key", "customer_id": "customer-id", "customer_token": "customer-token",
                  "resource_id": "resource-id", "product_id": "product-id",
                  "billing_country_code": "billing-country-code"}
    markers = {f"\x00{name}\x00": attr for name, attr in attributes.items()}
    config = ClientConfig(base_url="https://marker.invalid/", **{n: f"\x00{n}\x00" for n in attributes})
    client = StiggClient(config)
    operations = {}
    for operation in (PORTAL_OPERATION, PAYWALL_OPERATION):
        request = client.build_request(operation, client.variables(operation))
        body = json.loads(request.body or "{}")
        headers = []
        for name, value in request.headers.items():
            headers.append([name, {"attribute": markers[value]} if value in markers else {"value": value}])
        inputs = []
        for name, value in body["variables"]["input"].items():
            if value not in markers:
                raise RuntimeError(f"{operation}: input {name} is not an attribute")
            inputs.append([name, markers[value]])
        operations[operation] = {
            "method": request.method,
            "path": request.url.removeprefix("https://marker.invalid"),
            "headers": headers,
            "query": body["query"],
            "input": inputs,
            "bodyKeys": list(body),
        }
    from ..elements import ISO_COUNTRY_CODES, SECTION_NAMES, all_widgets

    kinds = {"portal": PORTAL_OPERATION, "paywall": PAYWALL_OPERATION}
    tags = {}
    for tag, widget in sorted(all_widgets().items()):
        if not widget.loads:
            continue
        everything = widget.loads_for(widget.attributes_model())
        dropped: dict[str, list[str]] = {}
        for section in SECTION_NAMES:  # a hidden section that needs no data of its own
            fewer = widget.loads_for(widget.attributes_model(hidden_sections=section))
            for kind in everything:
                if kind not in fewer:
                    dropped.setdefault(kinds[kind], []).append(section)
        tags[tag] = {"operations": [kinds[k] for k in everything], "droppedWhenHidden": dropped}
    return {
        "tags": tags,
        "defaultBaseUrl": ClientConfig().base_url,
        "defaultTimeout": ClientConfig().timeout_s,
        "needsCustomer": [PORTAL_OPERATION],
        "operations": operations,
        "uppercase": ["billing-country-code"],
        # Values the attribute model accepts (after the upper-casing): any other value Python
        # reports and leaves out of its request, and so does the loader.
        "allowed": {"billing-country-code": " ".join(sorted(ISO_COUNTRY_CODES))},
    }
