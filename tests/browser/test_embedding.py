"""How a page embeds the portal, in real Chromium: the loader as a classic ``<script src>`` (sync,
``async``, ``defer``: what Webflow users paste) and as a module, always cross-origin (dist/ is on
localhost, the pages on 127.0.0.1), each finding its own URL; and error states a customer can read,
with the technical reason in the console and ``stigg-error`` only, and a Retry that works.
"""

from __future__ import annotations

import re
import socket

import pytest
from browser_helpers import BOOT_TIMEOUT_MS, events_script, wait_ready

from stigg_portal.mock_api import DEFAULT_API_KEY

PLAIN_TITLE = "We couldn\u2019t load your billing details right now."


def test_the_built_loader_has_no_module_only_syntax(dist_dir):
    source = (dist_dir / "stigg-portal.js").read_text()
    assert "import.meta" not in source
    assert not re.search(r"^\s*(export|import)\b", source, re.MULTILINE)


@pytest.mark.parametrize("script_type", ["", "async", "defer", 'type="module"'],
                         ids=["classic", "classic-async", "classic-defer", "module"])
def test_loader_works_as_classic_or_module_tag_cross_origin(page, site, watch, script_type):
    # page-wide defaults on the script tag prove the loader found its own tag, too
    url = site.page_url('<stigg-usage id="u"></stigg-usage>', script_type=script_type,
                        script_attrs="data-texts='{\"demoBadge\": \"Sample numbers\"}'")
    page.goto(url)
    wait_ready(page, "#u")
    assert page.evaluate("StiggPortal.scriptUrl") == f"{site.dist_url}/stigg-portal.js"
    assert page.evaluate("StiggPortal.styles") == "adopted"
    assert page.inner_text("#u .stigg-demo-badge") == "Sample numbers"
    assert page.locator("#u [role=progressbar]").count() >= 1  # real usage data
    # nothing of the loader leaks into the page's globals but StiggPortal
    assert page.evaluate("typeof DEFINITIONS + typeof BASE + typeof StiggElement") == "undefinedundefinedundefined"
    assert watch.console_errors() == []


def test_loader_imported_from_a_module_finds_its_url_without_a_tag_of_its_own(page, site, watch):
    name = "imported.html"
    (site.root / name).write_text(
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>t</title>'
        '<link rel="icon" href="data:,">'
        f'<script type="module">import "{site.dist_url}/stigg-portal.js";</script></head>'
        '<body><stigg-payment-details id="p" client="demo"></stigg-payment-details></body></html>')
    page.goto(f"{site.server.url}/{name}")
    wait_ready(page, "#p")
    assert page.evaluate("StiggPortal.scriptUrl") == f"{site.dist_url}/stigg-portal.js"
    assert watch.console_errors() == []


def test_classic_tag_in_the_body_after_the_elements(page, site, watch):
    # Webflow's embed: the elements, then a second tag of the loader with page-wide defaults
    url = site.page_url(f'<stigg-subscription-overview id="o"></stigg-subscription-overview>'
                        f'<script defer src="{site.dist_url}/stigg-portal.js" data-client="demo"'
                        ' data-scenario="trial"></script>', script_type="")
    page.goto(url)
    wait_ready(page, "#o")
    # the second tag only added its defaults: trial data, one runtime, no error, no second sheet
    assert page.locator("#o .stigg-subscription-trial-badge").count() == 1
    assert len(page.workers) == 1
    assert page.evaluate("document.adoptedStyleSheets.length") == 1
    assert watch.console_errors() == []



def test_a_second_loader_tag_adds_its_python_plugins(page, site, watch):
    # The plugin tag comes from another embed (say a Webflow block): its data-plugins still run,
    # before the render of the element that uses the plugin's client.
    (site.root / "second-tag-plugin.py").write_text(
        "from stigg_portal.clients import DemoClient, register\n\n"
        "class SecondTagDemo(DemoClient):\n    name = 'second-tag-demo'\n\n"
        "register('second-tag-demo', SecondTagDemo)\n")
    url = site.page_url('<stigg-payment-details id="p" client="second-tag-demo"></stigg-payment-details>'
                        f'<script defer src="{site.dist_url}/stigg-portal.js"'
                        ' data-plugins="second-tag-plugin.py"></script>', script_type="")
    page.goto(url)
    wait_ready(page, "#p")
    assert page.get_attribute("#p", "data-stigg-state") == "ready"
    assert page.locator("#p .stigg-error-title").count() == 0
    assert len(page.workers) == 1
    assert watch.console_errors() == []

# =============================================================================== readable errors
def closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"


def _stigg(api_url: str, customer: str) -> str:
    return f'client="stigg" base-url="{api_url}" api-key="{DEFAULT_API_KEY}" customer-id="{customer}"'


def _assert_plain(page, selector: str, *internals: str) -> None:
    text = page.inner_text(selector)
    assert PLAIN_TITLE in text
    assert page.locator(f"{selector} .stigg-error-state[role=alert] [data-stigg-action=retry]").count() == 1
    html = page.inner_html(selector)
    for internal in internals:
        assert internal not in text and internal not in html, internal


def test_a_rejected_key_reads_plainly_and_retry_recovers(page, site, watch, mock_api):
    mock_api.fail("401", customer="demo-paid")
    page.goto(site.page_url(events_script(["stigg-error", "stigg-ready"])
                            + f'<stigg-customer-portal id="c" {_stigg(mock_api.url, "demo-paid")}>'
                              "</stigg-customer-portal>", script_type=""))
    page.wait_for_selector('#c[data-stigg-state="error"]', timeout=BOOT_TIMEOUT_MS)
    (event,) = page.evaluate("window.__events")
    assert event["type"] == "stigg-error" and event["detail"]["code"] == "unauthorized"
    assert "401" in event["detail"]["message"]  # the page author learns what to fix
    _assert_plain(page, "#c", "401", "API key", "api-key", mock_api.url, "Stigg")
    (line,) = [t for k, t in watch.console if k == "error" and t.startswith("stigg-portal")]
    assert "401" in line and 'id="c"' in line
    mock_api.fail(None, customer="demo-paid")
    page.click("#c [data-stigg-action=retry]")
    wait_ready(page, "#c", timeout=20_000)
    assert page.locator("#c .stigg-error-state").count() == 0
    assert [e["type"] for e in page.evaluate("window.__events")] == ["stigg-error", "stigg-ready"]
    assert watch.errors == []


def test_a_network_failure_reads_plainly_and_overridable(page, site, watch):
    closed = closed_port_url()
    page.goto(site.page_url(
        events_script(["stigg-error"])
        + f'<stigg-usage id="u" {_stigg(closed, "c-1")} timeout="2" text-error-title="Billing is away"'
          ' text-error-message="Come back soon."></stigg-usage>'))
    page.wait_for_selector('#u[data-stigg-state="error"]', timeout=BOOT_TIMEOUT_MS)
    (event,) = page.evaluate("window.__events")
    assert event["detail"]["code"] == "network" and closed in event["detail"]["message"]
    assert page.inner_text("#u .stigg-error-title") == "Billing is away"
    assert page.inner_text("#u .stigg-error-message") == "Come back soon."
    text = page.inner_text("#u")
    for internal in (closed, "Failed to fetch", "CORS", "TypeError", "network"):
        assert internal not in text, internal
    assert any(closed in t for k, t in watch.console if k == "error")


def test_a_runtime_that_cannot_start_shows_the_plain_error_state(page, site, watch):
    # the page's policy forbids every worker: Python cannot start, the customer still reads why not
    head = """<meta http-equiv="Content-Security-Policy" content="worker-src 'none'">"""
    page.goto(site.page_url(events_script(["stigg-error"]) + '<stigg-usage id="u" client="demo"></stigg-usage>',
                            head=head, script_type=""))
    page.wait_for_selector('#u[data-stigg-state="error"]', timeout=BOOT_TIMEOUT_MS)
    assert PLAIN_TITLE in page.inner_text("#u")
    assert page.locator("#u .stigg-error-state[role=alert]").count() == 1
    (event,) = page.evaluate("window.__events")
    assert event["detail"]["code"] == "runtime" and "worker" in event["detail"]["message"]
    assert "worker" not in page.inner_text("#u")
