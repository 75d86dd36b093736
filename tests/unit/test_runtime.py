"""``PortalRuntime`` on CPython: a fake client whose answers the test releases, one at a time, with
asyncio events, so every ordering of answers and page messages is played deliberately.

Proves: one load per scope and configuration, stale answers never painted (last customer wins),
removal mid-load writes nothing and frees everything, refresh joins in-flight loads and paints
without a loading state, failures are reported with their code and retried on refresh, providers
for different customers never mix their data, and the runtime survives bad messages.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, ClassVar

import jinja2
import pytest

from stigg_portal.clients import ClientError, register
from stigg_portal.elements import WIDGETS, RenderInput, Widget, register_widget
from stigg_portal.rendering import environment
from stigg_portal.runtime import PortalRuntime

CLIENT = "runtime-test"


class FakeData:
    """What the fake client answers: whose data it is and which answer (1st, 2nd load...)."""

    def __init__(self, customer: str, number: int) -> None:
        self.customer, self.number = customer, number


class Backend:
    """The fake API: every load waits until the test releases (or fails) it."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []  # (customer, kind) in call order
        self.cancelled: list[str] = []
        self.gates: dict[str, list[asyncio.Future]] = {}
        self.auto = False  # answer at once

    async def load(self, customer: str, kind: str) -> FakeData:
        self.calls.append((customer, kind))
        number = sum(1 for c, k in self.calls if c == customer and k == kind)
        if self.auto:
            return FakeData(customer, number)
        gate = asyncio.get_running_loop().create_future()
        self.gates.setdefault(customer, []).append(gate)
        try:
            outcome = await gate
        except asyncio.CancelledError:
            self.cancelled.append(customer)
            raise
        if isinstance(outcome, BaseException):
            raise outcome
        return FakeData(customer, number)

    def release(self, customer: str, outcome: Any = None) -> None:
        """Let every waiting load of ``customer`` answer (or raise ``outcome``)."""
        for gate in self.gates.pop(customer, []):
            if not gate.done():
                gate.set_result(outcome)


class FakeClient:
    name = CLIENT
    backend: ClassVar[Backend]

    def __init__(self, config: Any, transport: Any = None) -> None:
        self.config = config
        if not config.customer_id:
            raise ClientError("bad-config", "The test client needs the customer-id attribute.")

    async def get_customer_portal(self) -> FakeData:
        return await self.backend.load(self.config.customer_id, "portal")

    async def get_paywall(self) -> FakeData:
        return await self.backend.load(self.config.customer_id, "paywall")


TEMPLATES = {
    "runtime-test-section.html": (
        '<p class="who" data-customer="{{ customer }}" data-number="{{ number }}">{{ customer }}#{{ number }}'
        "{% if tab %} tab={{ tab }}{% endif %}</p>"
    ),
    "runtime-test-provider.html": "",
}


class SectionWidget(Widget):
    tag = "stigg-runtime-test-section"
    template = "runtime-test-section.html"
    loads = ("portal",)

    def context(self, render: RenderInput) -> dict[str, Any]:
        data = render.data.portal if render.data else None
        return {
            "customer": data.customer if data else "",
            "number": data.number if data else 0,
            "tab": render.state.get("tab"),
        }


class BothWidget(SectionWidget):
    tag = "stigg-runtime-test-both"
    loads = ("portal", "paywall")


class ProviderWidget(Widget):
    tag = "stigg-runtime-test-provider"
    template = "runtime-test-provider.html"
    loads = ()

    def context(self, render: RenderInput) -> dict[str, Any]:
        return {}


SECTION, BOTH, PROVIDER = SectionWidget.tag, BothWidget.tag, ProviderWidget.tag


@pytest.fixture(autouse=True)
def test_widgets():
    """Register the test widgets, their templates and the fake client; undo it afterwards."""
    for widget in (SectionWidget, BothWidget, ProviderWidget):
        register_widget(widget)
    env = environment()
    original_loader = env.loader
    env.loader = jinja2.ChoiceLoader([jinja2.DictLoader(TEMPLATES), original_loader])
    FakeClient.backend = Backend()
    register(CLIENT, FakeClient)
    yield FakeClient.backend
    env.loader = original_loader
    for widget in (SectionWidget, BothWidget, ProviderWidget):
        WIDGETS.pop(widget.tag, None)


class Page:
    """Plays the page's side: sends messages as the worker does (one task per message)."""

    def __init__(self) -> None:
        self.posted: list[dict[str, Any]] = []
        self.runtime = PortalRuntime(self.posted.append)
        self.tasks: list[asyncio.Task] = []
        self.seq: dict[str, int] = {}

    def send(self, message: dict[str, Any]) -> None:
        self.tasks.append(asyncio.ensure_future(self.runtime.handle(message)))

    def render(self, element_id: str, tag: str = SECTION, provider: str | None = None, **attrs: str) -> None:
        self.seq[element_id] = self.seq.get(element_id, 0) + 1
        attributes = {"client": CLIENT, **{k.replace("_", "-"): v for k, v in attrs.items()}}
        self.send({"type": "render", "id": element_id, "seq": self.seq[element_id], "tag": tag,
                   "attrs": attributes, "provider": provider})

    async def settle(self) -> None:
        """Let every runnable task run until nothing moves."""
        for _ in range(20):
            await asyncio.sleep(0)

    async def finish(self) -> None:
        await self.settle()
        await asyncio.wait_for(asyncio.gather(*self.tasks), timeout=5)
        self.tasks.clear()

    def renders(self, element_id: str | None = None, status: str | None = None) -> list[dict[str, Any]]:
        return [m for m in self.posted if m["type"] == "render" and (element_id is None or m["id"] == element_id)
                and (status is None or m["status"] == status)]

    def painted_customers(self, element_id: str) -> list[str]:
        out = []
        for message in self.renders(element_id, "ready"):
            html = message["html"]
            out.append(html.split('data-customer="', 1)[1].split('"', 1)[0])
        return out

    async def stats(self) -> dict[str, Any]:
        self.posted.clear()
        await self.runtime.handle({"type": "stats"})
        return self.posted[-1]


def run(test: Callable[[Page, Backend], Any], backend: Backend) -> None:
    async def main() -> None:
        await test(Page(), backend)

    asyncio.run(main())


# ----------------------------------------------------------------------------- one load per scope
def test_sections_in_one_provider_share_one_load(test_widgets):
    async def scenario(page: Page, backend: Backend) -> None:
        page.render("p", PROVIDER, customer_id="alice")
        for element_id in ("a", "b", "c"):
            page.render(element_id, SECTION, provider="p", customer_id="alice")
        await page.settle()
        assert backend.calls == [("alice", "portal")]
        backend.release("alice")
        await page.finish()
        for element_id in ("a", "b", "c"):
            assert page.painted_customers(element_id) == ["alice"]

    run(scenario, test_widgets)


def test_standalone_sections_each_load_their_own(test_widgets):
    async def scenario(page: Page, backend: Backend) -> None:
        backend.auto = True
        page.render("a", customer_id="alice")
        page.render("b", customer_id="alice")
        await page.finish()
        assert backend.calls == [("alice", "portal"), ("alice", "portal")]

    run(scenario, test_widgets)


def test_element_needing_two_kinds_waits_for_both(test_widgets):
    async def scenario(page: Page, backend: Backend) -> None:
        page.render("x", BOTH, customer_id="alice")
        await page.settle()
        assert sorted(backend.calls) == [("alice", "paywall"), ("alice", "portal")]
        assert page.renders("x") == []
        backend.release("alice")
        await page.finish()
        assert page.painted_customers("x") == ["alice"]

    run(scenario, test_widgets)


# ----------------------------------------------------------------------------- races
@pytest.mark.parametrize("first_answer", ["old", "new"])
def test_last_customer_wins_whatever_order_the_answers_arrive_in(test_widgets, first_answer):
    async def scenario(page: Page, backend: Backend) -> None:
        page.render("e", customer_id="alice")
        await page.settle()
        page.render("e", customer_id="bob")  # customer-id changed while alice's load is in flight
        await page.settle()
        order = ["alice", "bob"] if first_answer == "old" else ["bob", "alice"]
        for customer in order:
            backend.release(customer)
            await page.settle()
        await page.finish()
        assert page.painted_customers("e") == ["bob"]
        assert all(m["seq"] == 2 for m in page.renders("e"))
        assert "alice" in backend.cancelled  # nobody needs alice's answer any more
        assert (await page.stats())["loads"] == 1

    run(scenario, test_widgets)


def test_rapid_attribute_changes_paint_only_the_last(test_widgets):
    async def scenario(page: Page, backend: Backend) -> None:
        customers = [f"c{i}" for i in range(10)]
        for customer in customers:
            page.render("e", customer_id=customer)
        await page.settle()
        for customer in reversed(customers):
            backend.release(customer)
            await page.settle()
        await page.finish()
        assert page.painted_customers("e") == ["c9"]
        assert page.renders("e", "error") == []

    run(scenario, test_widgets)


def test_stale_failure_never_overwrites_newer_data(test_widgets):
    async def scenario(page: Page, backend: Backend) -> None:
        page.render("e", customer_id="alice")
        await page.settle()
        page.render("e", customer_id="bob")
        await page.settle()
        backend.release("bob")
        await page.settle()
        backend.release("alice", ClientError("network", "alice failed"))
        await page.finish()
        assert page.painted_customers("e") == ["bob"]
        assert page.renders("e", "error") == []

    run(scenario, test_widgets)


def test_removed_mid_load_writes_nothing_and_frees_everything(test_widgets):
    async def scenario(page: Page, backend: Backend) -> None:
        page.render("e", customer_id="alice")
        await page.settle()
        page.send({"type": "unmount", "id": "e"})
        await page.settle()
        backend.release("alice")
        await page.finish()
        assert page.renders("e") == []
        assert backend.cancelled == ["alice"]
        stats = await page.stats()
        assert (stats["elements"], stats["loads"], stats["inFlight"]) == (0, 0, 0)

    run(scenario, test_widgets)


def test_removing_one_section_keeps_the_providers_shared_load(test_widgets):
    async def scenario(page: Page, backend: Backend) -> None:
        page.render("p", PROVIDER, customer_id="alice")
        page.render("a", provider="p", customer_id="alice")
        page.render("b", provider="p", customer_id="alice")
        await page.settle()
        page.send({"type": "unmount", "id": "a"})
        await page.settle()
        assert backend.cancelled == []
        backend.release("alice")
        await page.finish()
        assert page.renders("a") == []
        assert page.painted_customers("b") == ["alice"]

    run(scenario, test_widgets)


def test_two_providers_for_different_customers_never_mix(test_widgets):
    async def scenario(page: Page, backend: Backend) -> None:
        for provider, customer in (("p1", "alice"), ("p2", "bob")):
            page.render(provider, PROVIDER, customer_id=customer)
            for n in range(3):
                page.render(f"{provider}-{n}", provider=provider, customer_id=customer)
        await page.settle()
        assert sorted(backend.calls) == [("alice", "portal"), ("bob", "portal")]
        backend.release("bob")
        await page.settle()
        backend.release("alice")
        await page.finish()
        for n in range(3):
            assert page.painted_customers(f"p1-{n}") == ["alice"]
            assert page.painted_customers(f"p2-{n}") == ["bob"]
        # a refresh of one provider reloads only that provider's customer
        backend.auto = True
        page.send({"type": "refresh", "id": "p2"})
        await page.finish()
        assert backend.calls[2:] == [("bob", "portal")]
        assert page.painted_customers("p1-0") == ["alice"]

    run(scenario, test_widgets)


def test_same_customer_in_two_providers_is_two_scopes(test_widgets):
    """Scopes are per provider: one provider's refresh or removal never touches the other."""

    async def scenario(page: Page, backend: Backend) -> None:
        backend.auto = True
        for provider in ("p1", "p2"):
            page.render(provider, PROVIDER, customer_id="alice")
            page.render(f"{provider}-s", provider=provider, customer_id="alice")
        await page.finish()
        assert backend.calls == [("alice", "portal"), ("alice", "portal")]
        page.send({"type": "unmount", "id": "p1-s"})
        page.send({"type": "unmount", "id": "p1"})
        await page.finish()
        assert (await page.stats())["loads"] == 1

    run(scenario, test_widgets)


def test_changing_one_sections_customer_keeps_the_siblings_load(test_widgets):
    async def scenario(page: Page, backend: Backend) -> None:
        page.render("p", PROVIDER, customer_id="alice")
        page.render("a", provider="p", customer_id="alice")
        page.render("b", provider="p", customer_id="alice")
        await page.settle()
        page.render("b", provider="p", customer_id="bob")  # b overrides the provider's customer
        await page.settle()
        assert backend.cancelled == []
        backend.release("alice")
        backend.release("bob")
        await page.finish()
        assert page.painted_customers("a") == ["alice"]
        assert page.painted_customers("b") == ["bob"]

    run(scenario, test_widgets)


# ----------------------------------------------------------------------------- refresh
def test_refresh_joins_an_in_flight_load(test_widgets):
    async def scenario(page: Page, backend: Backend) -> None:
        page.render("e", customer_id="alice")
        await page.settle()
        page.send({"type": "refresh", "id": "e"})
        page.send({"type": "refresh", "id": None})
        await page.settle()
        assert backend.calls == [("alice", "portal")]
        backend.release("alice")
        await page.finish()
        assert set(page.painted_customers("e")) == {"alice"}

    run(scenario, test_widgets)


def test_refresh_reloads_once_and_paints_without_a_loading_state(test_widgets):
    async def scenario(page: Page, backend: Backend) -> None:
        page.render("p", PROVIDER, customer_id="alice")
        page.render("a", provider="p", customer_id="alice")
        page.render("b", provider="p", customer_id="alice")
        await page.settle()
        backend.release("alice")
        await page.finish()
        page.posted.clear()
        page.send({"type": "refresh", "id": "a"})  # a section's refresh reloads its provider's data
        await page.settle()
        assert backend.calls == [("alice", "portal")] * 2
        # no section is painted (no skeleton) until the new answer is there
        assert page.renders("a") == page.renders("b") == []
        backend.release("alice")
        await page.finish()
        for element_id in ("a", "b"):
            (message,) = page.renders(element_id)
            assert message["status"] == "ready" and 'data-number="2"' in message["html"]

    run(scenario, test_widgets)


def test_page_wide_refresh_loads_each_scope_once(test_widgets):
    async def scenario(page: Page, backend: Backend) -> None:
        backend.auto = True
        page.render("p", PROVIDER, customer_id="alice")
        page.render("a", provider="p", customer_id="alice")
        page.render("b", provider="p", customer_id="alice")
        page.render("c", customer_id="bob")
        await page.finish()
        backend.calls.clear()
        page.send({"type": "refresh", "id": None})
        await page.finish()
        assert sorted(backend.calls) == [("alice", "portal"), ("bob", "portal")]

    run(scenario, test_widgets)


# ----------------------------------------------------------------------------- failures
def test_failure_is_reported_with_its_code_and_retried_on_refresh(test_widgets):
    async def scenario(page: Page, backend: Backend) -> None:
        page.render("e", customer_id="alice")
        await page.settle()
        backend.release("alice", ClientError("network", "Stigg is unavailable (503)", status=503))
        await page.finish()
        (error,) = page.renders("e", "error")
        assert error["error"] == {"code": "network", "message": "Stigg is unavailable (503)"}
        assert 'data-stigg-action="retry"' in error["html"]
        assert (await page.stats())["loads"] == 0  # the failed load is not kept
        page.send({"type": "refresh", "id": "e"})
        await page.settle()
        backend.release("alice")
        await page.finish()
        assert page.painted_customers("e") == ["alice"]

    run(scenario, test_widgets)


@pytest.mark.parametrize(
    ("error", "retry_button"),
    [
        (ClientError("unauthorized", "bad key", status=401), True),
        (ClientError("not-found", "no such customer"), True),
        (ClientError("bad-response", "not JSON"), True),
        (ClientError("timeout", "too slow"), True),
        (ClientError("bad-config", "api-key is empty"), False),  # the page must change, not retry
    ],
)
def test_retry_button_everywhere_but_on_a_page_mistake(test_widgets, error, retry_button):
    async def scenario(page: Page, backend: Backend) -> None:
        page.render("e", customer_id="alice")
        await page.settle()
        backend.release("alice", error)
        await page.finish()
        (message,) = page.renders("e", "error")
        assert message["error"] == {"code": error.code, "message": error.message}
        assert ('data-stigg-action="retry"' in message["html"]) is retry_button
        # the customer reads plain words; the technical reason is in the message for the console only
        assert "We couldn\u2019t load your billing details right now." in message["html"]
        assert error.message not in message["html"]

    run(scenario, test_widgets)


def test_failure_shared_by_a_provider_reaches_every_section(test_widgets):
    async def scenario(page: Page, backend: Backend) -> None:
        page.render("p", PROVIDER, customer_id="alice")
        page.render("a", provider="p", customer_id="alice")
        page.render("b", provider="p", customer_id="alice")
        await page.settle()
        backend.release("alice", ClientError("unauthorized", "bad key", status=401))
        await page.finish()
        assert [m["error"]["code"] for m in page.renders("a", "error")] == ["unauthorized"]
        assert [m["error"]["code"] for m in page.renders("b", "error")] == ["unauthorized"]
        assert backend.calls == [("alice", "portal")]

    run(scenario, test_widgets)


def test_missing_customer_id_is_a_config_error_without_a_request(test_widgets):
    async def scenario(page: Page, backend: Backend) -> None:
        page.render("e")
        await page.finish()
        (message,) = page.renders("e", "error")
        assert message["error"]["code"] == "bad-config"
        assert "customer-id" in message["error"]["message"]
        assert backend.calls == []

    run(scenario, test_widgets)


def test_a_clients_unexpected_exception_costs_one_element_not_the_runtime(test_widgets):
    async def scenario(page: Page, backend: Backend) -> None:
        page.render("bad", customer_id="alice")
        page.render("good", customer_id="bob")
        await page.settle()
        backend.release("alice", RuntimeError("client bug"))
        backend.release("bob")
        await page.finish()
        (message,) = page.renders("bad", "error")
        assert message["error"]["code"] == "bad-response"
        assert page.painted_customers("good") == ["bob"]

    run(scenario, test_widgets)


def test_a_stale_failed_load_is_not_served_again(test_widgets):
    """alice fails while one section already shows bob; switching back to alice loads again."""

    async def scenario(page: Page, backend: Backend) -> None:
        page.render("p", PROVIDER, customer_id="alice")
        page.render("e", provider="p", customer_id="alice")
        page.render("other", provider="p", customer_id="alice")  # keeps alice's load alive
        await page.settle()
        page.render("e", provider="p", customer_id="bob")
        await page.settle()
        backend.release("alice", ClientError("network", "down"))
        backend.release("bob")
        await page.finish()
        assert [m["error"]["code"] for m in page.renders("other", "error")] == ["network"]
        page.render("e", provider="p", customer_id="alice")
        await page.settle()
        assert backend.calls.count(("alice", "portal")) == 2
        backend.release("alice")
        await page.finish()
        assert page.painted_customers("e") == ["bob", "alice"]
        assert page.renders("e", "error") == []


# ----------------------------------------------------------------------------- state and messages
def test_ui_state_repaints_from_loaded_data_without_a_request(test_widgets):
    async def scenario(page: Page, backend: Backend) -> None:
        backend.auto = True
        page.render("e", customer_id="alice")
        await page.finish()
        page.send({"type": "state", "id": "e", "key": "tab", "value": "addons"})
        await page.finish()
        assert backend.calls == [("alice", "portal")]
        assert "tab=addons" in page.renders("e", "ready")[-1]["html"]

    run(scenario, test_widgets)


@pytest.mark.parametrize(
    "message",
    [
        {"type": "nonsense"},
        {},
        {"type": "render"},  # no id
        {"type": "render", "id": "x", "tag": "stigg-no-such-element", "seq": 1, "attrs": {}},
        {"type": "state", "id": "missing", "key": "k"},
        {"type": "refresh", "id": "missing"},
        {"type": "unmount", "id": "missing"},
        {"type": "unmount"},
    ],
)
def test_bad_messages_never_raise_and_never_stop_the_runtime(test_widgets, message):
    async def scenario(page: Page, backend: Backend) -> None:
        backend.auto = True
        await page.runtime.handle(message)
        page.render("e", customer_id="alice")
        await page.finish()
        assert page.painted_customers("e") == ["alice"]

    run(scenario, test_widgets)


def test_adding_and_removing_many_elements_leaves_nothing_behind(test_widgets):
    async def scenario(page: Page, backend: Backend) -> None:
        backend.auto = True

        async def add_and_remove(rounds: int, start: int) -> None:
            for round_ in range(rounds):
                element_id = f"e{start + round_}"
                page.render(element_id, customer_id=f"c{round_ % 7}")
                if round_ % 2:
                    await page.settle()  # half are removed after painting, half mid-load
                page.send({"type": "unmount", "id": element_id})
            await page.finish()

        await add_and_remove(100, 0)  # warm-up: compiled templates and caches
        before = await page.stats()
        await add_and_remove(300, 1000)
        after = await page.stats()
        assert (after["elements"], after["loads"], after["inFlight"]) == (0, 0, 0)
        assert after["gcObjects"] - before["gcObjects"] < 100, (before, after)

    run(scenario, test_widgets)


def test_stats_carry_the_hosts_counters_and_survive_a_failing_one():
    def failing() -> dict[str, int]:
        raise RuntimeError("no hiwire here")

    async def main() -> None:
        posted: list[dict[str, Any]] = []
        await PortalRuntime(posted.append, host_stats=lambda: {"jsRefs": 7}).handle({"type": "stats"})
        assert posted[-1]["type"] == "stats" and posted[-1]["jsRefs"] == 7
        await PortalRuntime(posted.append, host_stats=failing).handle({"type": "stats"})
        assert posted[-1]["elements"] == 0 and "no hiwire here" in posted[-1]["hostStatsError"]

    asyncio.run(main())


def test_only_the_browser_package_imports_the_browser_runtime():
    """``js``, ``pyodide``, ``pyodide_js`` and ``pyscript`` are imported by ``browser/`` alone."""
    import ast
    from pathlib import Path

    import stigg_portal

    package = Path(stigg_portal.__file__).parent
    browser_modules = {"js", "pyodide", "pyodide_js", "pyscript"}
    offenders = []
    for path in package.rglob("*.py"):
        if path.relative_to(package).parts[0] == "browser":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            names = ([alias.name for alias in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else [])
            offenders += [f"{path.relative_to(package)}: {name}" for name in names
                          if name.split(".")[0] in browser_modules]
    assert offenders == []
