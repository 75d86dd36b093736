"""The worker's brain: elements' messages in, rendered HTML out (platform-agnostic).

The page's elements send ``render`` / ``state`` / ``refresh`` / ``unmount`` messages; the runtime
parses attributes, shares one data load per provider (scope) and client configuration, renders,
and posts ``render`` messages back. Stale answers are dropped: every element message carries a
sequence number and only the newest one is ever painted, so a slow answer for a previous
customer can never overwrite a newer one. Nothing here imports the browser, so it is tested on
CPython with a fake ``post``.
"""

from __future__ import annotations

import asyncio
import gc
import json
import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .designer import designer_for
from .elements import LoadedData
from .rendering import (
    Prepared,
    client_config,
    demo_warning,
    loaded_data,
    prepare,
    render_error,
    render_prepared,
    shown_customer_id,
)

Post = Callable[[dict[str, Any]], None]


@dataclass
class ElementState:
    """What the runtime remembers about one element on the page."""

    id: str
    tag: str
    attrs: dict[str, str | None]
    scope: str
    seq: int = 0
    state: dict[str, str] = field(default_factory=dict)
    prepared: Prepared | None = None
    data: LoadedData | None = None
    problems_sent: set[str] = field(default_factory=set)
    #: The loads this element's latest render uses; a load no live element uses is dropped.
    load_keys: tuple[tuple[str, str, str], ...] = ()


@dataclass
class LoadEntry:
    """One in-flight or finished load of one kind of data for one scope and configuration."""

    task: asyncio.Task


class PortalRuntime:
    """Handles element messages; one instance per page (per worker)."""

    def __init__(self, post: Post, *, transport: Any = None, now: Callable[[], Any] | None = None,
                 host_stats: Callable[[], dict[str, int]] | None = None) -> None:
        self._post = post
        self._transport = transport
        self._now = now
        #: More counters for ``stats`` from the host (the browser worker: live JavaScript references).
        self._host_stats = host_stats
        self.elements: dict[str, ElementState] = {}
        self.loads: dict[tuple[str, str, str], LoadEntry] = {}

    # ----------------------------------------------------------------- messages
    async def handle(self, message: dict[str, Any]) -> None:
        """Dispatch one message from the page; never raises."""
        try:
            kind = message.get("type")
            if kind == "render":
                await self._on_render(message)
            elif kind == "state":
                await self._on_state(message)
            elif kind == "refresh":
                await self._on_refresh(message)
            elif kind == "unmount":
                self._on_unmount(message)
            elif kind == "stats":
                self._post({"type": "stats", **self.stats()})
            else:
                self._post({"type": "log", "level": "warn", "message": f"stigg-portal: unknown message {kind!r}"})
        except Exception as exc:  # noqa: BLE001  (a bug must cost one element, never the runtime)
            traceback.print_exc(file=sys.stderr)
            element_id = message.get("id")
            if element_id in self.elements:
                self._post_error(self.elements[element_id], "render", f"stigg-portal could not render: {exc}")

    async def _on_render(self, message: dict[str, Any]) -> None:
        element_id = str(message["id"])
        attrs = {str(k): (None if v is None else str(v)) for k, v in (message.get("attrs") or {}).items()}
        old = self.elements.get(element_id)
        element = ElementState(
            id=element_id,
            tag=str(message["tag"]).lower(),
            attrs=attrs,
            scope=str(message.get("provider") or element_id),
            seq=int(message.get("seq") or 0),
            state=old.state if old else {},
            problems_sent=old.problems_sent if old else set(),
        )
        self.elements[element_id] = element
        await self._load_and_render(element)

    async def _on_state(self, message: dict[str, Any]) -> None:
        element = self.elements.get(str(message.get("id")))
        if element is None:
            return
        element.state[str(message["key"])] = str(message.get("value", ""))
        if element.data is not None and element.prepared is not None:
            self._paint(element, element.prepared, element.data)

    async def _on_refresh(self, message: dict[str, Any]) -> None:
        target = message.get("id")
        if target is None:
            scopes = {e.scope for e in self.elements.values()}
        elif str(target) in self.elements:
            scopes = {self.elements[str(target)].scope}
        else:
            return
        for key in [k for k in self.loads if k[0] in scopes]:
            if self.loads[key].task.done():
                del self.loads[key]  # in-flight loads are joined, never duplicated
        affected = [e for e in self.elements.values() if e.scope in scopes]
        await asyncio.gather(*(self._load_and_render(e) for e in affected))

    def _on_unmount(self, message: dict[str, Any]) -> None:
        if self.elements.pop(str(message.get("id")), None) is not None:
            self._prune_loads()

    def _prune_loads(self) -> None:
        """Forget (and cancel) every load no live element uses any more: a removed element's, or
        the previous customer's after ``customer-id`` changed, so its answer can never be painted
        and nothing is kept for it."""
        used = {key for element in self.elements.values() for key in element.load_keys}
        for key in [k for k in self.loads if k not in used]:
            entry = self.loads.pop(key)
            if not entry.task.done():
                entry.task.cancel()

    def _forget_failed_loads(self) -> None:
        """A failed load is retried on the next render or refresh, never served again."""
        for key in [k for k, v in self.loads.items() if v.task.done() and
                    (v.task.cancelled() or v.task.exception() is not None)]:
            del self.loads[key]

    def stats(self) -> dict[str, int]:
        """What the runtime holds, for leak tests and debugging (``{"type": "stats"}`` message)."""
        gc.collect()
        out = {
            "elements": len(self.elements),
            "loads": len(self.loads),
            "inFlight": sum(1 for entry in self.loads.values() if not entry.task.done()),
            "gcObjects": len(gc.get_objects()),
        }
        from .clients.early import EARLY

        # the loader's early Stigg answers: used for a request, fallen back from, aborted by the
        # loader (no element needed them any more), still held
        out["early"] = {"used": EARLY.used, "fallbacks": EARLY.fallbacks, "cancelled": EARLY.cancelled,
                        "held": len(EARLY)}
        if self._host_stats is not None:
            try:
                out.update(self._host_stats())
            except Exception as exc:  # noqa: BLE001 - a debug counter must never fail a stats request
                out["hostStatsError"] = repr(exc)
        return out

    # ----------------------------------------------------------------- work
    async def _load_and_render(self, element: ElementState) -> None:
        from .clients import ClientError, create_client

        seq = element.seq
        prepared = prepare(element.tag, element.attrs)
        element.prepared = prepared
        warning = demo_warning(prepared.attributes)
        if warning and self._demo_owner(element) == element.id and "demo" not in element.problems_sent:
            element.problems_sent.add("demo")  # once per provider group (its first section), not per section
            self._post({"type": "log", "level": "warn", "id": element.id, "message": warning})
        kinds = prepared.widget.loads_for(prepared.attributes)
        try:
            config = client_config(prepared.attributes)
            config_key = json.dumps(config.model_dump(mode="json"), sort_keys=True)
            tasks = []
            element.load_keys = tuple((element.scope, config_key, kind) for kind in kinds)
            self._prune_loads()
            for key in element.load_keys:
                entry = self.loads.get(key)
                if entry is None:
                    client = create_client(config, self._transport)
                    fetch = client.get_customer_portal if key[2] == "portal" else client.get_paywall
                    entry = LoadEntry(asyncio.ensure_future(fetch()))
                    self.loads[key] = entry
                tasks.append(entry.task)
            results = await asyncio.gather(*(asyncio.shield(t) for t in tasks), return_exceptions=True) if tasks else []
            data = loaded_data(kinds, results)
        except ClientError as exc:
            self._forget_failed_loads()
            if self._current(element, seq):
                self._post_error(element, exc.code, exc.message, prepared=prepared)
            return
        except asyncio.CancelledError:
            return
        except Exception as exc:  # noqa: BLE001 - a client's bug: report it like a bad answer, keep the runtime
            traceback.print_exc(file=sys.stderr)
            self._forget_failed_loads()
            if self._current(element, seq):
                self._post_error(element, "bad-response", f"stigg-portal could not load the data: {exc!r}",
                                 prepared=prepared)
            return
        if not self._current(element, seq):
            return  # a newer render for this element (or its removal) superseded this answer
        if data.paywall_error is not None:  # the rest is shown; Try again in the Plans section loads it anew
            self._forget_failed_loads()
        element.data = data
        self._paint(element, prepared, data, section_errors=data.section_errors())

    def _demo_owner(self, element: ElementState) -> str | None:
        """The one element of a provider group that warns about demo data and shows the badge: the
        first live section of the group (in the order the page announced them) that shows demo data
        (an element alone is its own group;
        the ``<stigg-provider>`` itself shows nothing, so it is never the one)."""
        if element.tag == "stigg-provider":
            return None
        if element.scope == element.id:
            return element.id
        for other in self.elements.values():
            if (other.scope == element.scope and other.id != other.scope and other.prepared is not None
                    and demo_warning(other.prepared.attributes)):
                return other.id
        return element.id

    def _current(self, element: ElementState, seq: int) -> bool:
        return self.elements.get(element.id) is element and element.seq == seq

    def _problems(self, element: ElementState, prepared: Prepared) -> list[dict[str, str]]:
        fresh = []
        for problem in prepared.problems:
            if problem.message not in element.problems_sent:
                element.problems_sent.add(problem.message)
                fresh.append({"attribute": problem.attribute, "message": problem.message})
        return fresh

    def _paint(self, element: ElementState, prepared: Prepared, data: LoadedData,
               section_errors: list[dict[str, str]] | None = None) -> None:
        now = self._now() if self._now else None
        html = render_prepared(prepared, data, now=now, state=element.state,
                               demo_notice=None if self._demo_owner(element) == element.id else False)
        self._post(
            {
                "type": "render",
                "id": element.id,
                "seq": element.seq,
                "status": "ready",
                "html": html,
                "style": prepared.style,
                "designer": designer_for(prepared.widget.tag, data, prepared.attributes.theme),
                "problems": self._problems(element, prepared),
                "customerId": shown_customer_id(prepared.attributes),
                "announce": prepared.texts["readyAnnouncement"],
                "sectionErrors": section_errors or [],
            }
        )

    def _post_error(
        self,
        element: ElementState,
        code: str,
        message: str,
        *,
        prepared: Prepared | None = None,
    ) -> None:
        prepared = prepared or element.prepared
        html = render_error(prepared, code) if prepared else ""
        self._post(
            {
                "type": "render",
                "id": element.id,
                "seq": element.seq,
                "status": "error",
                "html": html,
                "style": prepared.style if prepared else {},
                "error": {"code": code, "message": message},
                "problems": self._problems(element, prepared) if prepared else [],
                "customerId": shown_customer_id(prepared.attributes) if prepared else None,
            }
        )

