"""What a newcomer sees on the shipped example pages and README quick starts, in real Chromium:
the theme's primary colour on the active tab, a billing email kept whole in a half-width card,
the same Cancel size in the pricing table as in the portal, the events page's words matching its
buttons and log, and the plugin quick start working as the README lays it out."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from browser_helpers import BOOT_TIMEOUT_MS, serve_wsgi, wait_ready

from stigg_portal.cli import examples_dir
from stigg_portal.serve import Server

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def examples(dist_dir):
    """examples/ beside dist/, as `stigg-portal demo` serves them."""
    folder = examples_dir()
    with Server(folder, mounts={"dist": dist_dir, "examples": folder}) as server:
        yield server


def open_example(page, examples, name: str, selector: str, width: int = 1280) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{examples.url}/examples/{name}")
    wait_ready(page, selector)


def test_the_active_tab_underline_follows_the_theme_primary_colour(page, examples):
    open_example(page, examples, "theming.html", "stigg-customer-portal")
    theme = json.loads(page.get_attribute("stigg-customer-portal", "theme"))
    primary = page.evaluate("""(hex) => { const d = document.createElement('div'); d.style.color = hex;
        document.body.append(d); const c = getComputedStyle(d).color; d.remove(); return c; }""",
                            theme["palette"]["primary"])
    assert primary == "rgb(124, 58, 237)"
    underline = page.evaluate(
        "getComputedStyle(document.querySelector('.stigg-overview-tab-selected')).borderBottomColor")
    assert underline == primary


def test_the_active_tab_underline_keeps_upstreams_navy_without_a_theme(page, site):
    page.goto(site.page_url('<stigg-customer-portal id="p" client="demo"></stigg-customer-portal>'))
    wait_ready(page, "#p")
    assert page.evaluate("getComputedStyle(document.querySelector('#p .stigg-overview-tab-selected'))"
                         ".borderBottomColor") == "rgb(0, 30, 108)"


EMAIL = """() => { const e = document.querySelector('stigg-payment-details .stigg-customer-email-text');
  const box = e.getBoundingClientRect();
  return {text: e.textContent, height: box.height, line: parseFloat(getComputedStyle(e).lineHeight),
          scroll: document.documentElement.scrollWidth}; }"""


@pytest.mark.parametrize("width", [1280, 1024, 390])
def test_the_billing_email_of_a_half_width_card_stays_on_one_line(page, examples, width):
    open_example(page, examples, "composed-sections.html", "stigg-payment-details", width)
    email = page.evaluate(EMAIL)
    assert email["text"] == "billing@acme.example"
    assert email["height"] == pytest.approx(email["line"], abs=1), email  # one line, not "billing@acme.e / xample"
    assert email["scroll"] <= width  # no horizontal scroll


def test_a_very_long_email_still_wraps_instead_of_scrolling(page, site):
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(site.page_url('<stigg-payment-details id="p" client="demo"></stigg-payment-details>'))
    wait_ready(page, "#p")
    page.evaluate("document.querySelector('#p .stigg-customer-email-text').textContent = "
                  "'accounts-payable-department-of-a-very-long-company-name@subsidiary.acme.example'")
    email = page.evaluate(EMAIL)
    assert email["height"] > 1.5 * email["line"]
    assert email["scroll"] <= 390


def test_the_full_width_payment_card_keeps_its_two_columns_side_by_side(page, examples):
    open_example(page, examples, "full-portal.html", "stigg-customer-portal")
    columns = page.evaluate("""() => [...document.querySelectorAll('.stigg-payment-details-columns > *')]
        .map((c) => ({top: Math.round(c.getBoundingClientRect().top), shown: getComputedStyle(c).display !== 'none'}))""")
    assert len(columns) == 3 and all(c["shown"] for c in columns)  # payment method, divider, billed to
    assert len({c["top"] for c in columns}) == 1


CANCEL = "getComputedStyle(document.querySelector('.stigg-paywall-schedule-update-cancel')).fontSize"


def test_the_pricing_tables_cancel_link_is_the_portals_size(page, examples):
    open_example(page, examples, "paywall.html", "stigg-paywall")
    standalone = page.evaluate(CANCEL)
    open_example(page, examples, "full-portal.html", "stigg-customer-portal")
    in_portal = page.evaluate(CANCEL)
    assert standalone == in_portal == "14px"  # body size (spec typography.body), the sentence's own


def test_the_events_page_has_the_buttons_its_text_names_and_logs_them_where_it_says(page, examples):
    open_example(page, examples, "events.html", "#portal")
    wait_ready(page, "#custom")
    intro = page.locator("h1 + p").inner_text()
    assert "below" in intro and page.evaluate("document.querySelector('h1 + p').nextElementSibling.id") == "log"
    for name in ("Manage", "Upgrade", "Cancel", "Contact support"):
        assert name in intro
        assert page.get_by_role("button", name=name, exact=True).count() >= 1, name
    log = page.locator("#log")
    page.wait_for_function("document.getElementById('log').textContent.includes('stigg-ready')")
    ready = [json.loads(line.split(" ", 1)[1]) for line in log.inner_text().splitlines()
             if line.startswith("stigg-ready ")]
    # the contract: stigg-ready carries the customer id; the demo customers have theirs
    assert sorted(r["customerId"] for r in ready) == ["demo-custom-price", "demo-paid"]
    page.get_by_role("button", name="Contact support", exact=True).click()
    page.wait_for_function("document.getElementById('log').textContent.startsWith('stigg-contact-support')")
    page.locator("#portal").get_by_role("button", name="Manage", exact=True).click()
    page.wait_for_function("document.getElementById('log').textContent.startsWith('stigg-manage-subscription')")
    # every event of the contract is logged, the billing-period switch's too
    assert "Monthly / Annual switch" in intro
    page.locator("#portal").get_by_role("switch").click()
    page.wait_for_function("document.getElementById('log').textContent.includes('stigg-billing-period-change')")
    # (the render after the switch logs its own stigg-ready on top of it, sooner or later)
    switched = next(line for line in log.inner_text().splitlines() if line.startswith("stigg-billing-period-change "))
    assert json.loads(switched.split(" ", 1)[1]) == {"billingPeriod": "ANNUALLY"}
    # a long session: the log keeps whole events, every line still reads as JSON
    for _ in range(30):
        page.locator("#portal").get_by_role("switch").click()
    page.wait_for_function("document.getElementById('log').textContent.split('\\n').length >= 20")
    lines = log.inner_text().splitlines()
    assert len(lines) == 20
    assert all(json.loads(line.split(" ", 1)[1]) is not None for line in lines)


def readme_section(title: str) -> str:
    text = (ROOT / "README.md").read_text()
    start = text.index(f"## {title}")
    return text[start:text.index("\n## ", start + 1)]


def test_the_plugin_quick_start_works_as_the_readme_lays_it_out(page, dist_dir, tmp_path):
    section = readme_section("Quick start: a Python plugin")
    plugin = re.search(r"```python\n(.*?)```", section, re.DOTALL).group(1)
    where = re.search(r"write `(pages/[\w.]+\.py)`", section).group(1)  # where the README says to put it
    loader = re.search(r'`(<script src="/stigg-portal/stigg-portal.js"\s+data-plugins="[^"]+"></script>)`',
                       section).group(1)
    element = re.search(r'`(<stigg-customer-portal client="[\w-]+"\s+customer-id="[\w-]+">)`', section).group(1)
    assert "replace both methods" in plugin and plugin.count("async def ") == 2
    pages = tmp_path / "pages"
    pages.mkdir()
    (tmp_path / where).write_text(plugin)
    (pages / "index.html").write_text(f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Billing</title>'
                                      '<link rel="icon" href="data:,">'
                                      f'{loader}</head><body>{element}</stigg-customer-portal></body></html>')
    # what `stigg-portal serve dist --pages pages` serves
    with Server(pages, mounts={"stigg-portal": dist_dir}) as server:
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(f"{server.url}/")
        page.wait_for_selector('stigg-customer-portal[data-stigg-state="ready"]', timeout=BOOT_TIMEOUT_MS)
        assert page.locator(".stigg-plan-offering-container").count() >= 2  # get_paywall: the plans
        assert not errors, errors


def test_the_standalone_addon_and_promotion_lists_sit_under_a_heading_of_the_page(page, examples):
    """Both lists carry no title of their own; the composed page names them, for the eye and for a
    screen reader's list of regions."""
    open_example(page, examples, "composed-sections.html", "stigg-promotions")
    wait_ready(page, "stigg-addons")
    named = page.evaluate("""() => ['stigg-addons', 'stigg-promotions'].map((tag) => {
        const region = document.querySelector(tag).closest('section[aria-labelledby]');
        const title = region && document.getElementById(region.getAttribute('aria-labelledby'));
        return title ? {tag: title.tagName, text: title.textContent.trim(),
                        before: !!(title.compareDocumentPosition(document.querySelector(tag)) & 4)} : null; })""")
    assert named == [{"tag": "H2", "text": "Your add-ons", "before": True},
                     {"tag": "H2", "text": "Promotions", "before": True}]


@pytest.fixture(scope="module")
def flask_example(dist_dir):
    """examples/apps/flask_app.py as its README runs it (demo client, dist/ served at /stigg-portal/)."""
    import sys

    apps = str(ROOT / "examples" / "apps")
    if apps not in sys.path:  # the app imports example_config from its folder
        sys.path.insert(0, apps)
    from example_config import ExampleSettings
    from flask_app import create_app

    with serve_wsgi(create_app(ExampleSettings(dist_dir=str(dist_dir)))) as url:
        yield url


CARD_GAP = """() => {
  const last = [...document.querySelectorAll('stigg-subscription-overview .stigg-section-card')].at(-1);
  const first = document.querySelector('stigg-usage .stigg-section-card');
  return {gap: first.getBoundingClientRect().top - last.getBoundingClientRect().bottom,
          scroll: document.documentElement.scrollWidth}; }"""


@pytest.mark.parametrize("width", [1280, 390])
def test_the_example_apps_sections_page_spaces_its_two_cards(page, flask_example, width):
    """/sections of the example apps: the overview and usage cards of one provider are apart, not
    touching (the host page lays them out, as composed-sections.html does), and nothing scrolls sideways."""
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{flask_example}/sections")
    wait_ready(page, "stigg-subscription-overview")
    wait_ready(page, "stigg-usage")
    layout = page.evaluate(CARD_GAP)
    assert layout["gap"] >= 12, layout
    assert layout["scroll"] <= width, layout
