"""WCAG 2.2 AA in real Chromium: axe-core (npm, tests/js) on every element, every demo scenario and
every example page, at 1280 and 390 px, must find no serious or critical violation. Plus what axe
cannot judge alone: focusable scrollers, polite announcements of loading and ready, the
screen-reader names of plan and usage cards, forced-colors and reduced motion. And more states on one
booted page: the paywall's demo customers and options, customers without a live subscription, an
open price-tier menu, forced colours (with a visible focus ring) and WCAG 1.4.12 text spacing.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urljoin

import pytest
from browser_helpers import BOOT_TIMEOUT_MS, wait_ready

from stigg_portal.cli import examples_dir
from stigg_portal.demo_data.scenarios import DEMO_SCENARIOS
from stigg_portal.serve import Server

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "tests" / "js" / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = (1280, 390)
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
ALL_ELEMENTS = """
<main>
<h1>Every element</h1>
<stigg-customer-portal id="portal" client="demo" scenario="paid"></stigg-customer-portal>
<stigg-provider client="demo" scenario="trial">
  <stigg-subscription-overview id="overview"></stigg-subscription-overview>
  <stigg-usage id="usage"></stigg-usage>
  <stigg-addons id="addons"></stigg-addons>
  <stigg-promotions id="promotions"></stigg-promotions>
  <stigg-payment-details id="payment"></stigg-payment-details>
  <stigg-invoices id="invoices"></stigg-invoices>
</stigg-provider>
<stigg-paywall id="paywall" client="demo" scenario="custom-price"></stigg-paywall>
</main>
"""
SETTLED = """() => [...document.querySelectorAll('*')].filter((e) => e.localName.startsWith('stigg-')
    && e.localName !== 'stigg-provider').every((e) => ['ready', 'error'].includes(e.getAttribute('data-stigg-state')))"""
# every text the page's one live region says, recorded as it changes
SAID = """<script>window.__said = [];
new MutationObserver(() => { const r = document.querySelector('[aria-live]');
  if (r && r.textContent !== window.__said.at(-1)) window.__said.push(r.textContent); })
  .observe(document, {subtree: true, childList: true, characterData: true});</script>"""


def axe_violations(page) -> list[str]:
    """Serious and critical axe-core violations of the page, one line per node."""
    if not AXE.exists():
        pytest.fail(f"{AXE} missing: run `npm install --prefix tests/js` (scripts/test.sh does)")
    if not page.evaluate("typeof window.axe === 'object'"):
        # from the page's own origin, not inline: a page whose CSP forbids inline scripts takes it too
        url = urljoin(page.url, "/__axe-core.js")
        page.route(url, lambda route: route.fulfill(path=str(AXE), content_type="text/javascript"))
        page.add_script_tag(url=url)
    results = page.evaluate(
        "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})"
        ".then((r) => r.violations.map((v) => ({id: v.id, impact: v.impact,"
        " nodes: v.nodes.map((n) => n.target.join(' ') + ' :: ' + n.failureSummary.split('\\n').slice(0, 2).join(' '))})))",
        WCAG_TAGS)
    return [f"{v['id']} ({v['impact']}): {node}" for v in results if v["impact"] in {"serious", "critical"}
            for node in v["nodes"]]


def check_widths(page) -> dict[int, list[str]]:
    found = {}
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_timeout(50)
        problems = axe_violations(page)
        if problems:
            found[width] = problems
    return found


def test_every_element_has_no_serious_violation(page, site, watch):
    page.goto(site.page_url(ALL_ELEMENTS))
    page.wait_for_function(SETTLED, timeout=BOOT_TIMEOUT_MS)
    assert check_widths(page) == {}
    assert watch.errors == []


def test_every_demo_scenario_has_no_serious_violation(page, site, watch):
    page.goto(site.page_url('<main><h1>Portal</h1><stigg-customer-portal id="p" client="demo" scenario="paid">'
                            "</stigg-customer-portal></main>"))
    failures = {}
    for scenario in DEMO_SCENARIOS:
        page.evaluate("(s) => { window.__ready = false; const p = document.getElementById('p');"
                      " p.addEventListener('stigg-ready', () => { window.__ready = true; }, {once: true});"
                      " p.setAttribute('scenario', s); }", scenario)
        page.wait_for_function("() => window.__ready", timeout=BOOT_TIMEOUT_MS)
        found = check_widths(page)
        if found:
            failures[scenario] = found
    assert failures == {}
    assert watch.errors == []


@pytest.fixture(scope="module")
def examples_server(dist_dir):
    examples = examples_dir()
    with Server(examples, mounts={"dist": dist_dir, "examples": examples}) as server:
        yield server


EXAMPLES = ["index.html"] + sorted(f"examples/{p.name}" for p in examples_dir().glob("*.html") if p.name != "index.html")


@pytest.mark.parametrize("example", EXAMPLES)
def test_every_example_page_has_no_serious_violation(page, examples_server, example):
    page.goto(f"{examples_server.url}/{example}")
    page.wait_for_function(SETTLED, timeout=BOOT_TIMEOUT_MS)
    assert check_widths(page) == {}


def test_plans_and_usage_read_sensibly(page, site):
    page.goto(site.page_url('<stigg-customer-portal id="p" client="demo" scenario="paid"></stigg-customer-portal>'))
    wait_ready(page, "#p")
    # usage bars: progress values with a name
    bars = page.locator("#p [role=progressbar]")
    assert bars.count() >= 1
    for i in range(bars.count()):
        bar = bars.nth(i)
        assert bar.get_attribute("aria-valuenow") is not None
        assert (bar.get_attribute("aria-label") or bar.get_attribute("aria-labelledby"))
    # section titles and plan names are headings
    assert page.locator("#p :is(h2, h3, [role=heading])").count() >= 4
    # each plan card is named by its plan's heading
    cards = page.locator("#p .stigg-plan-offering-container")
    assert cards.count() >= 2
    for i in range(cards.count()):
        assert cards.nth(i).locator(":is(h3, h4)").count() == 1
        assert cards.nth(i).locator(":is(h3, h4)").inner_text().strip() != ""


def test_loading_and_ready_are_announced_once_politely(page, site):
    page.goto(site.page_url('<stigg-usage id="u" client="demo"></stigg-usage>'
                            '<stigg-payment-details id="p" client="demo"></stigg-payment-details>', head=SAID))
    wait_ready(page, "#u")
    wait_ready(page, "#p")
    page.wait_for_timeout(100)
    assert page.locator("[aria-live]").count() == 1
    assert page.locator("[aria-live=polite][role=status]").count() == 1
    assert page.evaluate("window.__said") == ["Loading\u2026", "Billing details loaded."]
    # a re-render (attribute change) says nothing more
    page.evaluate("document.getElementById('u').setAttribute('locale', 'de-DE')")
    page.wait_for_timeout(500)
    assert page.evaluate("window.__said") == ["Loading\u2026", "Billing details loaded."]
    assert page.locator("[aria-live=assertive]").count() == 0


def test_the_live_region_stops_saying_loading_when_every_element_failed(page, site, mock_api):
    """Each failed element says so itself (role=alert); the page's polite region is emptied, not
    left on "Loading…" for a screen-reader user who reads it later."""
    from stigg_portal.mock_api import DEFAULT_API_KEY

    failing = f'client="stigg" base-url="{mock_api.url}" api-key="{DEFAULT_API_KEY}" customer-id="demo-paid"'
    page.route("**/graphql", lambda route: route.fulfill(status=500, body="down"))
    page.goto(site.page_url(f'<stigg-usage id="u" {failing}></stigg-usage>'
                            f'<stigg-invoices id="i" {failing}></stigg-invoices>', head=SAID))
    page.wait_for_function(SETTLED, timeout=BOOT_TIMEOUT_MS)
    page.wait_for_timeout(100)
    assert page.locator("#u .stigg-error-state[role=alert]").count() == 1
    assert page.locator("#i .stigg-error-state[role=alert]").count() == 1
    assert page.evaluate("window.__said") == ["Loading\u2026", ""]
    # Try again, once the API answers, says the ready text
    page.unroute("**/graphql")
    page.locator("#u [data-stigg-action=retry]").click()
    page.locator("#i [data-stigg-action=retry]").click()
    page.wait_for_selector('#u[data-stigg-state="ready"]', timeout=20_000)
    page.wait_for_selector('#i[data-stigg-state="ready"]', timeout=20_000)
    page.wait_for_timeout(100)
    assert page.evaluate("window.__said")[-1] == "Billing details loaded."


def test_ready_is_announced_when_the_last_element_to_finish_failed(page, site, mock_api):
    """One section ready, the other failing last: the region still says the ready text once."""
    from stigg_portal.mock_api import DEFAULT_API_KEY

    held, hold = [], {"on": True}

    def graphql(route):  # held until the other section is ready, then a 500
        if hold["on"]:
            held.append(route)
        else:
            route.fulfill(status=500, body="down")

    page.route("**/graphql", graphql)
    page.goto(site.page_url(
        '<stigg-payment-details id="p" client="demo"></stigg-payment-details>'
        f'<stigg-usage id="u" client="stigg" base-url="{mock_api.url}" api-key="{DEFAULT_API_KEY}"'
        ' customer-id="demo-paid"></stigg-usage>', head=SAID))
    wait_ready(page, "#p")
    assert page.get_attribute("#u", "data-stigg-state") == "loading"
    hold["on"] = False
    while held:
        held.pop().fulfill(status=500, body="down")
    page.wait_for_function(SETTLED, timeout=BOOT_TIMEOUT_MS)
    page.wait_for_timeout(100)
    assert page.get_attribute("#p", "data-stigg-state") == "ready"
    assert page.get_attribute("#u", "data-stigg-state") == "error"
    assert page.evaluate("window.__said") == ["Loading\u2026", "Billing details loaded."]


def test_every_scroller_is_focusable_or_absent(page, site):
    page.goto(site.page_url('<stigg-customer-portal id="p" client="demo" scenario="heavy-usage"></stigg-customer-portal>'))
    wait_ready(page, "#p")
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        bad = page.evaluate("""() => [...document.querySelectorAll('#p *')].filter((e) => {
            const s = getComputedStyle(e);
            const scrolls = (['auto', 'scroll'].includes(s.overflowX) && e.scrollWidth > e.clientWidth + 1)
              || (['auto', 'scroll'].includes(s.overflowY) && e.scrollHeight > e.clientHeight + 1);
            return scrolls && e.tabIndex < 0 && !e.querySelector('a, button, [tabindex]');
        }).map((e) => e.className)""")
        assert bad == [], (width, bad)


def test_forced_colors_and_reduced_motion_are_respected(page, site):
    page.emulate_media(forced_colors="active", reduced_motion="reduce")
    page.goto(site.page_url('<stigg-customer-portal id="p" client="demo" scenario="paid"></stigg-customer-portal>'))
    page.wait_for_selector("#p .stigg-skeleton, #p [class*=skeleton]", state="attached", timeout=10_000)
    # no animation runs while loading under reduced motion
    moving = page.evaluate("""() => [...document.querySelectorAll('#p *')].filter((e) => {
        const s = getComputedStyle(e);
        return s.animationName !== 'none' && parseFloat(s.animationDuration) > 0.01;
    }).length""")
    assert moving == 0
    wait_ready(page, "#p")
    # in forced colors, the usage bar's fill and the switch stay visible (system colours, borders)
    bar = page.locator("#p [role=progressbar]").first
    assert bar.evaluate("(e) => getComputedStyle(e).borderStyle") != "none" or bar.evaluate(
        "(e) => getComputedStyle(e).outlineStyle") != "none"


TOOLTIP_SHOWN = "(e) => getComputedStyle(e.querySelector('.stigg-tooltip')).display !== 'none'"


def test_price_tooltip_is_dismissable_and_hoverable(page, site, watch):
    """WCAG 1.4.13 (content on hover or focus): Escape hides the "Billed for …" tooltip without
    moving focus or pointer, and the pointer can move from the coin onto the tooltip."""
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(site.page_url('<main><h1>Usage</h1><button id="before">before</button>'
                            '<stigg-usage id="u" client="demo" scenario="heavy-usage"></stigg-usage></main>'))
    wait_ready(page, "#u")
    coin = page.locator("#u .stigg-usage-priced").first
    page.focus("#before")
    for _ in range(5):  # keyboard focus on the first coin
        page.keyboard.press("Tab")
        if coin.evaluate("(e) => e === document.activeElement"):
            break
    assert coin.evaluate("(e) => e === document.activeElement")
    assert coin.evaluate(TOOLTIP_SHOWN)
    page.keyboard.press("Escape")
    assert not coin.evaluate(TOOLTIP_SHOWN)
    assert coin.evaluate("(e) => e === document.activeElement")  # focus stays where it was
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")  # focus leaves and comes back: the tooltip shows again
    assert coin.evaluate(TOOLTIP_SHOWN)
    # by pointer: hover the coin, move up onto the tooltip across the gap between them
    page.focus("#before")
    box = coin.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    assert coin.evaluate(TOOLTIP_SHOWN)
    tip = coin.locator(".stigg-tooltip").bounding_box()
    page.mouse.move(tip["x"] + tip["width"] / 2, tip["y"] + tip["height"] / 2, steps=12)
    assert coin.evaluate(TOOLTIP_SHOWN)
    page.keyboard.press("Escape")  # focus is elsewhere: Escape still hides the hovered tooltip
    assert not coin.evaluate(TOOLTIP_SHOWN)
    page.mouse.move(5, 5)
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    assert coin.evaluate(TOOLTIP_SHOWN)
    assert watch.errors == []


def test_retry_by_keyboard_keeps_the_focus_in_the_element(page, site, mock_api, watch):
    """Try again, pressed from the keyboard: the focus stays on it while it works, comes back to it
    when the retry fails again, and stays in the element (not lost to <body>) when data arrives."""
    from stigg_portal.mock_api import DEFAULT_API_KEY

    mock_api.reset()
    mock_api.fail("500", customer="demo-paid")
    page.goto(site.page_url(
        f'<main><h1>Billing</h1><stigg-payment-details id="p" client="stigg" base-url="{mock_api.url}"'
        f' api-key="{DEFAULT_API_KEY}" customer-id="demo-paid"></stigg-payment-details></main>'))
    page.wait_for_selector('#p[data-stigg-state="error"]', timeout=BOOT_TIMEOUT_MS)
    retry = "#p [data-stigg-action=retry]"
    in_element = "document.getElementById('p').contains(document.activeElement)"
    page.focus(retry)
    page.keyboard.press("Enter")
    assert page.get_attribute("#p", "aria-busy") == "true"
    assert page.evaluate(in_element)  # a busy retry button keeps the focus
    page.wait_for_function("() => !document.getElementById('p').hasAttribute('aria-busy')", timeout=20_000)
    assert page.get_attribute("#p", "data-stigg-state") == "error"
    assert page.evaluate("document.activeElement.getAttribute('data-stigg-action')") == "retry"
    mock_api.fail(None, customer="demo-paid")
    page.keyboard.press("Enter")
    wait_ready(page, "#p")
    assert page.evaluate(in_element)
    page.keyboard.press("Tab")  # and Tab goes on inside the loaded section
    assert page.evaluate("document.activeElement.closest('stigg-payment-details')?.id") == "p"
    assert page.evaluate("document.activeElement.textContent.trim()") == "Edit"
    mock_api.reset()
    assert watch.errors == []


# ------------------------------------------------------------------ more states, one booted page
# One booted page for the module's state tests: each state swaps in fresh elements (no new boot).
@pytest.fixture(scope="module")
def shared_page(browser, site):
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.errors = errors
    page.goto(site.page_url('<main id="m"><h1>States</h1></main>'))
    yield page
    context.close()


def show(page, markup: str) -> None:
    """Replace the page's content with ``markup`` and wait until every stigg element is settled."""
    page.errors.clear()  # each state's own page errors
    page.set_viewport_size({"width": WIDTHS[0], "height": 900})
    page.evaluate("(html) => { document.getElementById('m').innerHTML = '<h1>States</h1>' + html; }", markup)
    page.wait_for_function(SETTLED, timeout=BOOT_TIMEOUT_MS)
    failed = page.evaluate("""() => [...document.querySelectorAll('#m *')].filter((e) => e.localName.startsWith('stigg-')
        && e.localName !== 'stigg-provider' && e.dataset.stiggState !== 'ready').map((e) => e.localName)""")
    assert failed == [], "elements that did not load"


# The paywall's demo customers and options: current plan with a scheduled downgrade, trial, custom
# price, free, no and canceled subscription, per-seat price, EUR in German, the public table (no
# customer) with its tier menus and a localized price book; monthly and annual prices (without
# preferred-billing-period a customer with no monthly subscription starts on annual), a highlighted
# plan, only eligible plans, no add-ons.
PAYWALL_STATES = {
    "paid": 'scenario="paid"',
    "paid-annual-eligible": 'scenario="paid" preferred-billing-period="ANNUALLY" show-only-eligible-plans',
    "trial-highlighted": 'scenario="trial" highlighted-plan-id="plan-enterprise"',
    "custom-price": 'scenario="custom-price"',
    "free-monthly": 'scenario="free" preferred-billing-period="MONTHLY"',
    "no-subscription": 'scenario="no-subscription"',
    "canceled": 'scenario="canceled"',
    "unit-amount-change": 'scenario="unit-amount-change"',
    "eur-annual-de": 'scenario="eur-annual" locale="de-DE" preferred-billing-period="ANNUALLY"',
    "public-monthly-highlighted": 'scenario="public" preferred-billing-period="MONTHLY" highlighted-plan-id="plan-pro"',
    "public-annual-gb-no-addons": 'scenario="public" preferred-billing-period="ANNUALLY" billing-country-code="GB"'
                                  ' hide-compatible-addons',
}


@pytest.mark.parametrize("state", PAYWALL_STATES)
def test_every_paywall_state_has_no_serious_violation(shared_page, state):
    show(shared_page, f'<stigg-paywall client="demo" {PAYWALL_STATES[state]}></stigg-paywall>')
    assert shared_page.locator("#m .stigg-plan-offering-container").count() >= 2
    assert check_widths(shared_page) == {}
    assert shared_page.errors == []


SECTIONS = "".join(f"<{tag}></{tag}>" for tag in (
    "stigg-subscription-overview", "stigg-usage", "stigg-addons", "stigg-promotions", "stigg-payment-details",
    "stigg-invoices"))


@pytest.mark.parametrize("scenario", ["no-subscription", "canceled"])
def test_a_customer_without_a_live_subscription_has_no_serious_violation(shared_page, scenario):
    """Every section on its own (empty states) and the portal, for a customer with no subscription
    and one whose only subscription is canceled."""
    show(shared_page, f'<stigg-provider client="demo" scenario="{scenario}">{SECTIONS}</stigg-provider>'
                      f'<stigg-customer-portal client="demo" scenario="{scenario}"></stigg-customer-portal>')
    assert shared_page.locator("#m stigg-subscription-overview .stigg-overview-empty").count() == 1
    assert check_widths(shared_page) == {}
    assert shared_page.errors == []


def test_an_open_price_tier_menu_has_no_serious_violation(shared_page):
    show(shared_page, '<stigg-paywall client="demo" scenario="public"></stigg-paywall>')
    menu = shared_page.locator("#m .stigg-plan-pro details.stigg-price-tier-dropdown").first
    found = {}
    for width in WIDTHS:
        shared_page.set_viewport_size({"width": width, "height": 900})
        menu.locator("summary").click()
        assert menu.evaluate("(d) => d.open")
        items = menu.locator(".stigg-price-tier-menu-item")
        assert items.count() >= 2 and items.first.is_visible()
        box = menu.locator(".stigg-price-tier-menu-item").last.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, (width, box)  # the whole menu on screen
        problems = axe_violations(shared_page)
        if problems:
            found[width] = problems
        shared_page.keyboard.press("Escape")
        assert not menu.evaluate("(d) => d.open")
    assert found == {}
    assert shared_page.errors == []


# What a focused control looks like in forced colours: an outline, or a border that grows (a style or
# width change: colours are the system's there, so a colour change alone is no indicator). Forced
# colours drop box-shadow, so a ring made of box-shadow alone computes to none and does not count.
RING = """(e) => { const s = getComputedStyle(e);
  return {outline: !['none', 'hidden'].includes(s.outlineStyle) && parseFloat(s.outlineWidth) > 0
            && s.outlineColor !== 'transparent' && !/,\\s*0\\)$/.test(s.outlineColor),
          border: ['Top', 'Right', 'Bottom', 'Left'].map((side) => s[`border${side}Style`] === 'none' ? 0
            : parseFloat(s[`border${side}Width`])),
          shadow: s.boxShadow !== 'none'}; }"""
FOCUSABLE = {  # a plan's button, the overview's tab, the billing-period switch, a tier menu, Manage
    "plan button": "#m stigg-customer-portal .stigg-paywall-plan-button:not([disabled]):not([aria-disabled=true])",
    "overview tab": "#m stigg-customer-portal .stigg-overview-tab",
    "period switch": "#m stigg-customer-portal .stigg-period-switch",
    "tier menu": "#m stigg-paywall .stigg-price-tier-summary",
    "manage": "#m stigg-customer-portal .stigg-manage-subscription-button",
}


def test_forced_colors_keep_no_serious_violation_and_a_visible_focus_ring(shared_page):
    page = shared_page
    page.emulate_media(forced_colors="active")
    try:
        assert page.evaluate("matchMedia('(forced-colors: active)').matches")
        show(page, '<stigg-customer-portal client="demo" scenario="paid"></stigg-customer-portal>'
                   '<stigg-paywall client="demo" scenario="public"></stigg-paywall>')
        assert check_widths(page) == {}
        page.set_viewport_size({"width": WIDTHS[0], "height": 900})
        invisible = {}
        for name, selector in FOCUSABLE.items():
            control = page.locator(selector).first
            page.evaluate("document.activeElement?.blur()")
            rest = control.evaluate(RING)
            page.keyboard.press("Shift")  # a keyboard user's focus (:focus-visible)
            control.focus()
            assert control.evaluate("(e) => e === document.activeElement && e.matches(':focus-visible')"), name
            focused = control.evaluate(RING)
            grown = any(after > before for before, after in zip(rest["border"], focused["border"], strict=True))
            if not (focused["outline"] or focused["shadow"] or grown):
                invisible[name] = {"rest": rest, "focused": focused}
        assert invisible == {}
        assert page.errors == []
    finally:
        page.emulate_media(forced_colors="none")


# WCAG 1.4.12: the text-spacing bookmarklet's style (on everything, the elements' light DOM included)
TEXT_SPACING = ("* { line-height: 1.5 !important; letter-spacing: 0.12em !important;"
                " word-spacing: 0.16em !important; } p { margin-bottom: 2em !important; }")
CLIPPED = """() => [...document.querySelectorAll('#m :is(stigg-customer-portal, stigg-provider, stigg-paywall) *')].filter((e) => {
  const s = getComputedStyle(e); const r = e.getBoundingClientRect();
  if (r.width <= 1 || r.height <= 1) return false;  // visually hidden text (screen readers only)
  const cut = ['hidden', 'clip'];
  return (cut.includes(s.overflowX) && e.scrollWidth > e.clientWidth + 1)
    || (cut.includes(s.overflowY) && e.scrollHeight > e.clientHeight + 1)
    || (s.textOverflow === 'ellipsis' && e.scrollWidth > e.clientWidth + 1);
}).map((e) => `${e.localName}.${[...e.classList].join('.')} "${e.textContent.trim().slice(0, 30)}"`
  + ` ${e.scrollWidth}x${e.scrollHeight} in ${e.clientWidth}x${e.clientHeight}`)"""
# Every pair of visible text runs inside the elements whose boxes cross (more than 2 px each way):
# text drawn over other text. Tooltips, closed menus and screen-reader-only text are not drawn.
OVERLAPPING = """() => {
  const runs = [];
  const walker = document.createTreeWalker(document.getElementById('m'), NodeFilter.SHOW_TEXT);
  for (let node; (node = walker.nextNode());) {
    const element = node.parentElement;
    if (!node.textContent.trim() || !element.closest('stigg-customer-portal, stigg-provider, stigg-paywall')) continue;
    if (element.closest('[role=tooltip]')) continue;
    if (!element.checkVisibility({ opacityProperty: true, visibilityProperty: true, contentVisibilityAuto: true })) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    for (const box of range.getClientRects()) {
      if (box.width > 1 && box.height > 1) runs.push({ box, element, text: node.textContent.trim().slice(0, 30) });
    }
  }
  const crossed = [];
  runs.forEach((a, i) => runs.slice(i + 1).forEach((b) => {
    const w = Math.min(a.box.right, b.box.right) - Math.max(a.box.left, b.box.left);
    const h = Math.min(a.box.bottom, b.box.bottom) - Math.max(a.box.top, b.box.top);
    if (w > 2 && h > 2 && a.element !== b.element) crossed.push(`"${a.text}" over "${b.text}" (${Math.round(w)}x${Math.round(h)} px)`);
  }));
  return { runs: runs.length, crossed };
}"""
SHOTS = ROOT / "test-results" / "text-spacing"


SPACED = (ALL_ELEMENTS.replace("<main>", "").replace("</main>", "").replace("<h1>Every element</h1>", "")
          + '<stigg-paywall client="demo" scenario="public"></stigg-paywall>'
          + '<stigg-customer-portal client="demo" scenario="heavy-usage"></stigg-customer-portal>')


def test_text_spacing_clips_no_text(shared_page):
    """Every element (and the public table, and 32 usage cards) with the text spacing at 1280, 640
    and 390 px: no text cut off by an overflow-hidden box, no text drawn over other text, no
    sideways scroll of the page."""
    page = shared_page
    show(page, SPACED)
    page.add_style_tag(content=TEXT_SPACING)
    try:
        # the style reaches inside the elements (light DOM: no shadow root keeps it out)
        header = page.locator("#m stigg-paywall .stigg-plan-header").first
        assert page.evaluate("document.querySelector('#m stigg-paywall').shadowRoot") is None
        spacing, size = header.evaluate("(e) => [getComputedStyle(e).letterSpacing, getComputedStyle(e).fontSize]")
        assert float(spacing[:-2]) == pytest.approx(0.12 * float(size[:-2]), abs=0.05)
        found = {}
        for width in (1280, 640, 390):
            page.set_viewport_size({"width": width, "height": 900})
            page.wait_for_timeout(100)
            clipped = page.evaluate(CLIPPED)
            sideways = page.evaluate("document.documentElement.scrollWidth") - width
            text = page.evaluate(OVERLAPPING)
            assert text["runs"] > 250  # the elements' text was looked at, not an empty page
            if clipped or sideways > 0 or text["crossed"]:
                SHOTS.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(SHOTS / f"text-spacing-{width}.png"), full_page=True)
                found[width] = {"clipped": clipped, "sideways_px": sideways, "overlapping": text["crossed"]}
        assert found == {}, f"screenshots in {SHOTS}"
    finally:
        page.evaluate("document.querySelectorAll('head style').forEach((s) => s.textContent.includes('0.16em') && s.remove())")
