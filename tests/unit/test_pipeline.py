"""The pipe on CPython: widget declarations, attribute parsing, the runtime's messages, build pieces."""

from __future__ import annotations

import asyncio
import hashlib
import json
import zipfile

import pytest

from stigg_portal import build
from stigg_portal.elements import all_widgets, get_widget, parse_attributes
from stigg_portal.runtime import PortalRuntime

CONTRACT_TAGS = {
    "stigg-customer-portal", "stigg-provider", "stigg-subscription-overview", "stigg-usage", "stigg-addons",
    "stigg-promotions", "stigg-payment-details", "stigg-invoices", "stigg-paywall",
}
CONTRACT_ATTRIBUTES = {
    "api-key", "customer-id", "customer-token", "resource-id", "product-id", "base-url", "client", "scenario",
    "endpoint", "locale", "texts", "theme", "hidden-sections",
}


def test_every_contract_element_is_declared_with_the_contract_attributes():
    widgets = all_widgets()
    assert CONTRACT_TAGS <= set(widgets)
    for tag in CONTRACT_TAGS:
        observed = set(widgets[tag].observed_attributes())
        assert CONTRACT_ATTRIBUTES <= observed, tag
    paywall = set(widgets["stigg-paywall"].observed_attributes())
    assert {"highlighted-plan-id", "preferred-billing-period", "show-only-eligible-plans"} <= paywall


def test_properties_mirror_attributes_in_camel_case():
    props = get_widget("stigg-usage").properties()
    assert props["customerId"] == "customer-id"
    assert props["apiKey"] == "api-key"
    assert props["hiddenSections"] == "hidden-sections"


def test_bad_attribute_values_are_reported_by_name_and_defaults_apply():
    attrs, problems = parse_attributes(get_widget("stigg-paywall"), {
        "preferred-billing-period": "fortnightly", "customer-id": "c-1", "hidden-sections": "usage nonsense",
        "buy-more": "",
    })
    assert attrs.customer_id == "c-1"
    assert attrs.preferred_billing_period is None
    assert attrs.buy_more is True
    names = {p.attribute for p in problems}
    assert "preferred-billing-period" in names
    assert "hidden-sections" in names
    assert any("nonsense" in p.message for p in problems)


class Recorder:
    def __init__(self) -> None:
        self.messages: list[dict] = []

    def __call__(self, message: dict) -> None:
        json.dumps(message)  # everything posted must cross as JSON
        self.messages.append(message)

    def renders(self, element_id: str) -> list[dict]:
        return [m for m in self.messages if m.get("type") == "render" and m["id"] == element_id]


def test_runtime_renders_demo_data_and_rerenders_on_state():
    post = Recorder()
    runtime = PortalRuntime(post)

    async def scenario():
        await runtime.handle({"type": "render", "id": "e1", "seq": 1, "tag": "stigg-usage",
                              "attrs": {"client": "demo"}})
        await runtime.handle({"type": "state", "id": "e1", "key": "usage", "value": "all"})

    asyncio.run(scenario())
    renders = post.renders("e1")
    assert [r["status"] for r in renders] == ["ready", "ready"]
    assert "stigg-subscription-usage-layout" in renders[0]["html"]
    assert renders[0]["seq"] == 1


def test_runtime_shares_one_load_per_provider_scope():
    calls = []

    from stigg_portal.clients import DemoClient, register

    class CountingDemo(DemoClient):
        name = "counting-demo"

        async def get_customer_portal(self):
            calls.append("portal")
            return await super().get_customer_portal()

    register("counting-demo", CountingDemo)
    post = Recorder()
    runtime = PortalRuntime(post)

    async def scenario():
        await asyncio.gather(*(
            runtime.handle({"type": "render", "id": f"s{i}", "seq": 1, "tag": tag, "provider": "p1",
                            "attrs": {"client": "counting-demo"}})
            for i, tag in enumerate(["stigg-usage", "stigg-subscription-overview", "stigg-invoices"])))

    asyncio.run(scenario())
    assert calls == ["portal"]
    assert all(post.renders(f"s{i}")[0]["status"] == "ready" for i in range(3))


def test_runtime_reports_client_errors_as_error_state():
    post = Recorder()
    runtime = PortalRuntime(post)
    asyncio.run(runtime.handle({"type": "render", "id": "e1", "seq": 1, "tag": "stigg-usage",
                                "attrs": {"client": "no-such-client"}}))
    [message] = post.renders("e1")
    assert message["status"] == "error"
    assert message["error"]["code"] == "bad-config"
    assert "no-such-client" in message["error"]["message"]
    assert 'role="alert"' in message["html"]


def test_runtime_survives_unknown_tags_and_messages():
    post = Recorder()
    runtime = PortalRuntime(post)
    asyncio.run(runtime.handle({"type": "render", "id": "x", "seq": 1, "tag": "stigg-nope", "attrs": {}}))
    asyncio.run(runtime.handle({"type": "bogus"}))
    asyncio.run(runtime.handle({"type": "render", "id": "e2", "seq": 1, "tag": "stigg-usage",
                                "attrs": {"client": "demo"}}))
    assert post.renders("e2")[0]["status"] == "ready"


def test_written_wheels_are_valid_and_reproducible(tmp_path):
    files = {"pkg/__init__.py": b"X = 1\n"}
    first = build.write_wheel(tmp_path, "pkg", "1.0", files)
    digest = hashlib.sha256(first.read_bytes()).hexdigest()
    second = build.write_wheel(tmp_path, "pkg", "1.0", files)
    assert hashlib.sha256(second.read_bytes()).hexdigest() == digest
    with zipfile.ZipFile(first) as zf:
        names = set(zf.namelist())
        assert {"pkg/__init__.py", "pkg-1.0.dist-info/METADATA", "pkg-1.0.dist-info/RECORD"} <= names
        assert "Tag: py3-none-any" in zf.read("pkg-1.0.dist-info/WHEEL").decode()


def test_own_wheel_holds_templates_and_css_but_no_server_tooling(tmp_path):
    wheel, digest = build.own_wheel(tmp_path)
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
    assert "stigg_portal/rendering.py" in names
    assert "stigg_portal/widgets/_error.html" in names
    assert not any(n.startswith(("stigg_portal/build.py", "stigg_portal/cli.py")) for n in names)
    assert digest in wheel.name


def test_generated_loader_defines_every_element_without_evaluating_strings():
    definitions = build.element_definitions()
    assert {d["tag"] for d in definitions} >= CONTRACT_TAGS
    usage = next(d for d in definitions if d["tag"] == "stigg-usage")
    assert "stigg-subscription-usage-skeleton-layout" in usage["skeleton"]
    assert "text-manage-subscription" in usage["attributes"]
    styles = build.css_bundle()
    source = build._fill("stigg-portal.js", {"DEFINITIONS": definitions, "RUNTIME": {"buildId": "x"},
                                             "STYLES": styles})
    for forbidden in ("eval(", "new Function", "document.write"):
        assert forbidden not in source
    # the stylesheet travels inside the loader as one JSON string literal, the same text as the file
    assert f"const STYLES = {json.dumps(styles, ensure_ascii=True)};" in source


def test_manifest_lists_tags_attributes_events_and_classes():
    manifest = build.custom_elements_manifest("0.1.0")
    declarations = {d["tagName"]: d for d in manifest["modules"][0]["declarations"]}
    assert CONTRACT_TAGS <= set(declarations)
    usage = declarations["stigg-usage"]
    assert "customer-id" in {a["name"] for a in usage["attributes"]}
    assert "stigg-error" in {e["name"] for e in usage["events"]}
    assert "stigg-subscription-usage-layout" in {c["name"] for c in usage["cssClasses"]}


@pytest.mark.parametrize("name", ["pyodide.asm.wasm", "pyodide.mjs"])
def test_pins_name_the_runtime_files(name):
    from stigg_portal import pins

    assert name in pins.PYODIDE_FILES
